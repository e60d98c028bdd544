/**
 * Fiscal-year KPIs recomputed independently from the raw event log, targets from configuration,
 * late events, and data retention: personal details erased from the log and the database file
 * while the day's report stays the same.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal, configPath, type Terminal } from '../../src-main/node/terminal/dataFolder';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateDay } from '../../src-main/node/simulate/day';
import { computeDayFromStore, dailyReport, kpiReport } from '../../src-main/node/reports/source';
import { loadKpiTargets } from '../../src-main/node/reports/targets';
import { applyRetention, RETENTION_EVENT } from '../../src-main/node/reports/retention';
import { readVisit } from '../../src-main/node/store/visitProjection';
import { kpiDayRows, rebuildKpiDays } from '../../src-main/node/store/kpiDaysProjection';
import type { StoredEvent } from '../../src-main/common/sync/event';

const CERTS = new Set(['juminhyo', 'inkan-shomei', 'koseki', 'zei-shomei', 'nozei-shomei']);

describe('fiscal-year KPIs', () => {
  let tmp: ReturnType<typeof tempDir>;
  let t: Terminal;
  let clock: SimClock;

  beforeAll(() => {
    tmp = tempDir('madoguchi-kpi-');
    ensureDemoSetup(tmp.dir);
    clock = new SimClock(localInstant('2026-03-31', '07:00', 'Asia/Tokyo'));
    t = openTerminal(tmp.dir, { clock: clock.read });
    const cat = defaultCatalog();
    // The last day of FY2025, then two days of FY2026.
    simulateDay(t, cat, clock, { date: '2026-03-31', visitors: 60, seed: 5 });
    for (const [i, date] of ['2026-06-01', '2026-06-02'].entries()) {
      clock.now = localInstant(date, '07:00', 'Asia/Tokyo');
      const r = simulateDay(t, cat, clock, { date, visitors: 90, seed: 10 + i });
      expect(r.anomalies).toEqual([]);
    }
    // Anonymous completions reported by the online guide (one in the previous fiscal year).
    t.store.append('guide.completed', { date: '2026-06-01', count: 3, ratings: [5, 4] });
    t.store.append('guide.completed', { date: '2026-06-02', count: 2 });
    t.store.append('guide.completed', { date: '2026-03-31', count: 7, ratings: [1] });
    clock.now = localInstant('2026-06-03', '09:00', 'Asia/Tokyo');
  });

  afterAll(() => {
    t?.close();
    tmp?.cleanup();
  });

  /** Every KPI from raw payloads, for visits and completions dated within [from, to]. */
  function recompute(log: StoredEvent[], from: string, to: string) {
    const inFy = new Set<string>();
    const items = new Map<string, { route: string; cert: boolean; department: string }>();
    const certOnly = new Set<string>();
    const accepted = new Set<string>();
    const cashlessVisit = new Set<string>();
    const guideQr = new Set<string>();
    let pays = 0;
    let cashless = 0;
    const citizen: number[] = [];
    const cashlessScores: number[] = [];
    const guideScores: number[] = [];
    let guideUses = 0;
    const stays: number[] = [];
    const shiminWaits: number[] = [];
    const visit = new Map<string, { issued: number; route: string[]; stop: number; arrived: number; first?: number }>();
    for (const e of log) {
      const p = e.payload as Record<string, any>;
      if (e.type === 'guide.completed') {
        if (p.date >= from && p.date <= to) {
          guideUses += p.count;
          for (const r of p.ratings ?? []) guideScores.push(r);
        }
        continue;
      }
      if (e.type === 'visit.issued') {
        if (p.businessDate < from || p.businessDate > to) continue;
        inFy.add(p.visitId);
        if (p.source === 'guide-qr') guideQr.add(p.visitId);
        for (const it of p.items) items.set(`${p.visitId}/${it.id}`, { route: it.route, cert: CERTS.has(it.id), department: it.department });
        if (p.items.length > 0 && p.items.every((it: { id: string }) => CERTS.has(it.id))) certOnly.add(p.visitId);
        visit.set(p.visitId, { issued: Date.parse(p.at), route: p.route, stop: 0, arrived: Date.parse(p.at) });
        continue;
      }
      if (!e.visitId || !inFy.has(e.visitId)) continue;
      const v = visit.get(e.visitId)!;
      if (e.type === 'visit.itemStatus' && (p.status === 'accepted' || p.status === 'proxy-accepted')) accepted.add(`${e.visitId}/${p.itemId}`);
      if ((e.type === 'visit.called' || e.type === 'visit.started') && v.first === undefined) {
        v.first = Date.parse(p.at);
        if (v.route[v.stop] === 'shimin') shiminWaits.push((v.first - v.arrived) / 1000);
      }
      if (e.type === 'visit.finishedHere') {
        v.stop++;
        v.arrived = Date.parse(p.at);
        v.first = undefined;
        // The one-stop counter's average time leaves out certificate-only visits.
        if (v.stop === v.route.length && !certOnly.has(e.visitId)) stays.push((Date.parse(p.at) - v.issued) / 1000);
      }
      if (e.type === 'visit.paymentTaken') {
        pays++;
        if (p.method !== 'cash') {
          cashless++;
          cashlessVisit.add(e.visitId);
        }
      }
      if (e.type === 'visit.surveyAnswered') {
        const four = ['ease', 'convenience', 'waiting', 'clarity'].map((q) => p.scores[q]).filter((x: unknown): x is number => typeof x === 'number');
        citizen.push(...four);
        if (cashlessVisit.has(e.visitId) && typeof p.scores.cashless === 'number') cashlessScores.push(p.scores.cashless);
        // The kiosk survey is neither the 市民アンケート KPI nor the guide's satisfaction (guide users' own ratings only).
      }
    }
    const atOneStop = [...accepted].filter((k) => {
      const it = items.get(k);
      return it && !it.cert && (it.route === 'accept' || it.route === 'proxy');
    });
    // KPI②: visits with a procedure accepted at the one-stop counter on behalf of another department.
    const oneStopVisits = new Set(
      atOneStop.filter((k) => {
        const it = items.get(k)!;
        return it.route === 'proxy' || it.department !== 'shimin';
      }).map((k) => k.split('/')[0]),
    ).size;
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    return {
      // A guide use handed over at the kiosk was counted when the guide finished.
      guideUses,
      oneStopAccepted: oneStopVisits,
      cashlessRate: pays ? (100 * cashless) / pays : null,
      cashlessSatisfaction: mean(cashlessScores),
      // The city's annual survey: none imported in this log.
      citizenSurvey: null,
      guideSatisfaction: mean(guideScores),
      averageVisitMinutes: stays.length ? mean(stays)! / 60 : null,
      citizenWaitMinutes: shiminWaits.length ? mean(shiminWaits)! / 60 : null,
    };
  }

  it('equals the recomputation from the raw log, for the fiscal year only, against the plan targets', () => {
    const k = kpiReport(t.store, t.config, 2026, loadKpiTargets(tmp.dir));
    expect(k.label).toBe('令和8年度');
    expect(k.from).toBe('2026-04-01');
    expect(k.asOf).toBe('2026-06-03');
    expect(k.days).toBe(2);
    const exp = recompute([...t.store.allEvents()], '2026-04-01', '2027-03-31');
    for (const x of k.kpis) {
      const e = exp[x.id];
      if (e === null) expect(x.value, x.id).toBeNull();
      else expect(x.value!, x.id).toBeCloseTo(e, 9);
    }
    const byId = Object.fromEntries(k.kpis.map((x) => [x.id, x]));
    expect(byId.guideUses!.target).toBe(2000);
    expect(byId.oneStopAccepted!.target).toBe(1000);
    expect(byId.cashlessRate!.target).toBe(8);
    expect(byId.citizenSurvey!.target).toBe(4.2);
    expect(byId.averageVisitMinutes!.target).toBeNull();
    expect(byId.guideUses!.value).toBeGreaterThanOrEqual(5);
    expect(byId.oneStopAccepted!.value).toBeGreaterThan(0);
    expect(byId.cashlessRate!.progress).toBeCloseTo(byId.cashlessRate!.value! / 8, 12);

    const prev = kpiReport(t.store, t.config, 2025, loadKpiTargets(tmp.dir));
    expect(prev.asOf).toBe('2026-03-31');
    const expPrev = recompute([...t.store.allEvents()], '2025-04-01', '2026-03-31');
    expect(prev.kpis.find((x) => x.id === 'guideUses')!.value).toBe(expPrev.guideUses);
    expect(prev.kpis.find((x) => x.id === 'guideUses')!.target).toBe(1000);
  });

  it('reads targets from configuration, overridable per data folder', () => {
    writeFileSync(join(tmp.dir, 'kpi-targets.json'), JSON.stringify({ years: { '2026': { cashlessRate: 10, averageVisitMinutes: 30 } } }));
    try {
      const k = kpiReport(t.store, t.config, 2026, loadKpiTargets(tmp.dir));
      const byId = Object.fromEntries(k.kpis.map((x) => [x.id, x]));
      expect(byId.cashlessRate!.target).toBe(10);
      expect(byId.averageVisitMinutes!.target).toBe(30);
      expect(byId.averageVisitMinutes!.progress).toBeCloseTo(30 / byId.averageVisitMinutes!.value!, 12);
      expect(byId.guideUses!.target).toBe(2000);
      writeFileSync(join(tmp.dir, 'kpi-targets.json'), JSON.stringify({ years: { '2026': { cashlessRate: 'ten' } } }));
      expect(() => loadKpiTargets(tmp.dir)).toThrow(/years\.2026\.cashlessRate/);
    } finally {
      writeFileSync(join(tmp.dir, 'kpi-targets.json'), '{"years":{}}');
    }
  });

  it('a late event for a stored day makes that day fold again', () => {
    const before = dailyReport(t.store, t.config, '2026-06-01');
    expect((t.store.db.prepare('SELECT stale FROM report_days WHERE date = ?').get('2026-06-01') as { stale: number }).stale).toBe(0);
    const v = t.visits.visitsOn('2026-06-01').find((x) => x.status === 'done')!;
    t.visits.takePayment(v.id, 'qr', [{ itemId: v.items[0]!.id, label: '追加交付', quantity: 1, unitPrice: 300 }], { terminal: 'counter-shimin-1' });
    expect((t.store.db.prepare('SELECT stale FROM report_days WHERE date = ?').get('2026-06-01') as { stale: number }).stale).toBe(1);
    const after = dailyReport(t.store, t.config, '2026-06-01');
    expect(after.cashless.payments).toBe(before.cashless.payments + 1);
    expect(after.cashless.count).toBe(before.cashless.count + 1);
    t.store.append('guide.completed', { date: '2026-06-02', count: 4 });
    expect(dailyReport(t.store, t.config, '2026-06-02').guide.onlineUses).toBe(6);
  });
});

describe('data retention', () => {
  let tmp: ReturnType<typeof tempDir>;
  let t: Terminal;
  let clock: SimClock;
  const D = '2026-06-01';
  const MARKER = 'けいとう-MARKER-7f3a';

  beforeAll(() => {
    tmp = tempDir('madoguchi-retention-');
    ensureDemoSetup(tmp.dir);
    const cfg = JSON.parse(readFileSync(configPath(tmp.dir), 'utf8'));
    writeFileSync(configPath(tmp.dir), JSON.stringify({ ...cfg, retention: { personalDetailsDays: 30 } }));
    clock = new SimClock(localInstant(D, '07:00', 'Asia/Tokyo'));
    t = openTerminal(tmp.dir, { clock: clock.read });
    simulateDay(t, defaultCatalog(), clock, { date: D, visitors: 60, seed: 3 });
    const v = t.visits.visitsOn(D).find((x) => x.status === 'done' && x.route.length > 0)!;
    t.visits.addNote(v.id, `電話番号 ${MARKER}`, 'shimin', '1', { terminal: 'counter-shimin-1' });
    clock.now = localInstant('2026-07-10', '08:40', 'Asia/Tokyo');
    simulateDay(t, defaultCatalog(), clock, { date: '2026-07-10', visitors: 20, seed: 4 });
  });

  afterAll(() => {
    t?.close();
    tmp?.cleanup();
  });

  it('erases personal details after the period, keeps the figures, and leaves recent days alone', () => {
    clock.now = localInstant('2026-06-02', '09:00', 'Asia/Tokyo');
    const before = dailyReport(t.store, t.config, D);
    expect(before.visits.issued).toBe(60);
    expect(JSON.stringify([...t.store.allEvents()])).toContain(MARKER);

    const sumsBefore = kpiDayRows(t.store.db);
    clock.now = localInstant('2026-07-15', '09:00', 'Asia/Tokyo');
    const r = applyRetention(t.store, t.config);
    expect(r.cutoff).toBe('2026-06-15');
    expect(r.days.map((d) => d.date)).toEqual([D]);
    expect(r.days[0]!.visits).toBe(60);

    const log = [...t.store.allEvents()];
    const dayIds = new Set(t.visits.visitsOn(D).map((v) => v.id));
    for (const e of log.filter((x) => x.visitId && dayIds.has(x.visitId))) {
      const p = e.payload as Record<string, unknown>;
      if (e.type === 'visit.issued') expect(p.facts).toBeNull();
      if (e.type === 'visit.noteAdded') expect(p.text).toBe('');
      if (e.type === 'visit.itemStatus' && 'reason' in p) expect(p.reason).toBe('');
      if (e.type === 'visit.cancelled') expect(p.reason).toBe('');
    }
    expect(JSON.stringify(log)).not.toContain(MARKER);
    // The erased text is gone from the database files too, not only from query results.
    for (const f of ['madoguchi.sqlite', 'madoguchi.sqlite-wal']) {
      const file = join(tmp.dir, f);
      if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(MARKER)), f).toBe(false);
    }
    for (const id of dayIds) {
      const v = readVisit(t.store, id)!;
      expect(v.facts).toBeNull();
      expect(v.notes.every((n) => n.text === '')).toBe(true);
      expect(v.residentIds).toEqual([]);
    }
    expect(log.filter((e) => e.type === RETENTION_EVENT).map((e) => (e.payload as { day: string }).day)).toEqual([D]);

    // Recent days keep their details.
    const recent = log.find((e) => e.type === 'visit.issued' && (e.payload as { businessDate: string }).businessDate === '2026-07-10')!;
    expect((recent.payload as { facts: unknown }).facts).not.toBeNull();

    // The report still works: from the stored statistics, and folded again from the erased log.
    expect(dailyReport(t.store, t.config, D)).toEqual(before);
    expect(computeDayFromStore(t.store, t.config, D)).toEqual(before);
    expect(applyRetention(t.store, t.config).days).toEqual([]);
    // The KPI day sums are unchanged by the erasure, and still equal a computation from the erased visits.
    const sumsAfter = kpiDayRows(t.store.db);
    expect(sumsAfter).toEqual(sumsBefore);
    t.store.db.exec('SAVEPOINT recompute');
    rebuildKpiDays(t.store.db);
    expect(kpiDayRows(t.store.db)).toEqual(sumsAfter);
    t.store.db.exec('ROLLBACK TO recompute; RELEASE recompute');
  });
});

describe('data retention, at each page size a terminal database can have', () => {
  // New files have 16 KiB pages, older ones 4 KiB (store.ts NEW_DATABASE_PAGE_SIZE): an erased
  // detail must leave no copy in either, even in the free space of pages its cells moved out of.
  for (const pageSize of [4096, 16_384]) {
    it(`leaves no erased text in the file with ${pageSize}-byte pages`, () => {
      const tmp = tempDir('madoguchi-retention-pages-');
      try {
        ensureDemoSetup(tmp.dir);
        const cfg = JSON.parse(readFileSync(configPath(tmp.dir), 'utf8'));
        writeFileSync(configPath(tmp.dir), JSON.stringify({ ...cfg, retention: { personalDetailsDays: 30 } }));
        const made = new Database(join(tmp.dir, 'madoguchi.sqlite'));
        made.pragma(`page_size = ${pageSize}`);
        made.pragma('journal_mode = WAL');
        made.close();
        const MARKER = 'けいとう-PAGES-41c9';
        const clock = new SimClock(localInstant('2026-06-01', '07:00', 'Asia/Tokyo'));
        const t = openTerminal(tmp.dir, { clock: clock.read });
        try {
          expect(t.store.db.pragma('page_size', { simple: true })).toBe(pageSize);
          simulateDay(t, defaultCatalog(), clock, { date: '2026-06-01', visitors: 60, seed: 3 });
          for (const v of t.visits.visitsOn('2026-06-01').filter((x) => x.status === 'done').slice(0, 5)) {
            t.visits.addNote(v.id, `電話番号 ${MARKER}`, 'shimin', '1', { terminal: 'counter-shimin-1' });
          }
          // A later day's writes move cells around the pages that hold the noted visits and events.
          clock.now = localInstant('2026-07-10', '08:40', 'Asia/Tokyo');
          simulateDay(t, defaultCatalog(), clock, { date: '2026-07-10', visitors: 40, seed: 4 });
          clock.now = localInstant('2026-07-15', '09:00', 'Asia/Tokyo');
          expect(applyRetention(t.store, t.config).days.map((d) => d.date)).toEqual(['2026-06-01']);
          for (const f of ['madoguchi.sqlite', 'madoguchi.sqlite-wal']) {
            const file = join(tmp.dir, f);
            if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(MARKER)), f).toBe(false);
          }
        } finally {
          t.close();
        }
      } finally {
        tmp.cleanup();
      }
    });
  }
});
