/**
 * The fiscal-year KPI day sums (kpi_days, kpi_day_departments) are kept at fold time. On a seeded
 * simulation they must equal a full computation from the visits and the log, whatever the order
 * the events arrive in: a terminal folding one event at a time, a second database fed the same
 * events by sync in shuffled batches (late events, events before their visit's issue, duplicates),
 * a visit that ends after midnight, a late event for an old day, a rebuild of the projections,
 * and migration 012's backfill of a database made before it. The KPIs read from the sums equal
 * those added up from every day's report.
 * Replay a seed: KPI_SUMS_SEED=<seed> npx vitest run tests/integration/report-kpi-day-sums.test.ts
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateDay } from '../../src-main/node/simulate/day';
import { Prng } from '../../src-main/node/simulate/prng';
import { Store } from '../../src-main/node/store/store';
import { migrations } from '../../src-main/node/store/migrations';
import { kpiDayRows, rebuildKpiDays } from '../../src-main/node/store/kpiDaysProjection';
import { kpiReport, kpiReportFromDays } from '../../src-main/node/reports/source';
import { loadKpiTargets } from '../../src-main/node/reports/targets';
import { addKpiInputs, emptyKpiInputs, type KpiReport } from '../../src-main/common/reports/kpi';
import { kpiOfVisit, type KpiInputs } from '../../src-main/common/reports/daily';
import { shareToKpiInputs, visitKpiShare } from '../../src-main/common/reports/kpiShare';
import type { StoredEvent } from '../../src-main/common/sync/event';
import type { VisitState } from '../../src-main/common/visit/state';
import type { VisitEventMap } from '../../src-main/common/visit/events';

const TZ = 'Asia/Tokyo';
const temps: Array<() => void> = [];
afterAll(() => temps.forEach((c) => c()));

/** The sums as they stand, and as a full computation from the visits and the log gives them (rolled back). */
function sumsNowAndRecomputed(db: Database.Database) {
  const now = kpiDayRows(db);
  db.exec('SAVEPOINT recompute');
  try {
    rebuildKpiDays(db);
    return { now, recomputed: kpiDayRows(db) };
  } finally {
    db.exec('ROLLBACK TO recompute; RELEASE recompute');
  }
}

function expectInputsClose(a: KpiInputs, b: KpiInputs) {
  const flat = (k: KpiInputs) => {
    const o: Record<string, number> = {};
    for (const [key, v] of Object.entries(k)) {
      if (typeof v === 'number') o[key] = v;
      else if (key === 'departmentWait') for (const [d, p] of Object.entries(v as Record<string, { sum: number; n: number }>)) Object.assign(o, { [`wait.${d}.sum`]: p.sum, [`wait.${d}.n`]: p.n });
      else Object.assign(o, { [`${key}.sum`]: (v as { sum: number }).sum, [`${key}.n`]: (v as { n: number }).n });
    }
    return o;
  };
  const fa = flat(a);
  const fb = flat(b);
  expect(Object.keys(fa).sort()).toEqual(Object.keys(fb).sort());
  for (const k of Object.keys(fa)) expect(fa[k], k).toBeCloseTo(fb[k]!, 6);
}

function expectKpisClose(a: KpiReport, b: KpiReport) {
  expect({ ...a, kpis: undefined }).toEqual({ ...b, kpis: undefined });
  expect(a.kpis.map((k) => k.id)).toEqual(b.kpis.map((k) => k.id));
  a.kpis.forEach((k, i) => {
    const o = b.kpis[i]!;
    for (const [x, y] of [
      [k.value, o.value],
      [k.basis.numerator, o.basis.numerator],
      [k.basis.denominator, o.basis.denominator],
      [k.progress, o.progress],
    ] as Array<[number | null, number | null]>) {
      if (x === null || y === null) expect(x, k.id).toBe(y);
      else expect(x, k.id).toBeCloseTo(y, 9);
    }
    expect(k.detail, k.id).toEqual(o.detail);
    expect(k.met, k.id).toBe(o.met);
  });
}

describe('fiscal-year KPI day sums', () => {
  it('equal a full computation after in-order, shuffled, late, duplicated and re-folded events, a rebuild and the migration backfill', () => {
    const seed = Number(process.env.KPI_SUMS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`kpi day sums seed ${seed} (replay: KPI_SUMS_SEED=${seed} npx vitest run tests/integration/report-kpi-day-sums.test.ts)`);
    const rng = new Prng(seed);
    const tmp = tempDir('madoguchi-kpisums-');
    temps.push(tmp.cleanup);
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant('2025-06-13', '07:00', TZ));
    const t = openTerminal(tmp.dir, { clock: clock.read });
    const cat = defaultCatalog();
    const targets = loadKpiTargets(tmp.dir);
    try {
      // Source: a terminal folding one event at a time. Friday, some visitors still waiting at closing.
      const r1 = simulateDay(t, cat, clock, { date: '2025-06-13', visitors: 40 + rng.int(0, 30), seed: seed ^ 1 });
      expect(r1.anomalies).toEqual([]);
      // A visit that ends after midnight: issued at 23:50 on Friday (the same request as one of the
      // day's visits), called, served and finished on Saturday, still Friday's visit.
      const model = t.visits.visitsOn('2025-06-13').find((v) => v.status === 'done' && v.items.length > 0)!;
      const req = t.store.visitEvents(model.id)[0]!.payload as VisitEventMap['visit.issued'];
      clock.now = localInstant('2025-06-13', '23:50', TZ);
      const span = t.visits.issue({ station: req.station, lang: req.lang, priority: req.priority, events: req.events, facts: req.facts, items: req.items, route: req.route, source: req.source }, req.by);
      clock.now = localInstant('2025-06-14', '00:10', TZ);
      for (let i = 0; i < 12; i++) {
        const v = t.visits.get(span.id);
        if (v.status === 'done') break;
        clock.now += 5 * 60_000;
        const d = v.route[v.stop]!;
        const counter = `${d}-night`;
        if (v.status === 'waiting') {
          const called: VisitEventMap['visit.called'] = { visitId: v.id, department: d, counter, at: new Date(clock.now).toISOString(), by: { terminal: 'night' } };
          t.store.append('visit.called', called, { visitId: v.id });
          clock.now += 60_000;
          t.visits.start(v.id, counter, { terminal: 'night' });
        }
        clock.now += 5 * 60_000;
        t.visits.finishHere(v.id, counter, { terminal: 'night' }, { leftOpenReason: 'night' });
      }
      t.visits.answerSurvey(span.id, { ease: 5, waiting: 1, cashless: 4 }, { terminal: 'night' });
      // Guide completions, some rated, one for a day without visits.
      for (const date of ['2025-06-13', '2025-06-14', '2025-06-16', '2025-06-16']) {
        t.store.append('guide.completed', { date, count: 1 + rng.int(0, 3), ...(rng.next() < 0.5 ? { ratings: [1 + rng.int(0, 4), 1 + rng.int(0, 4)] } : {}) });
      }
      for (const [i, date] of ['2025-06-16', '2025-06-17'].entries()) {
        clock.now = Math.max(clock.now, localInstant(date, '07:00', TZ));
        const r = simulateDay(t, cat, clock, { date, visitors: 40 + rng.int(0, 30), seed: seed + i });
        expect(r.anomalies).toEqual([]);
      }
      const spanned = t.visits.get(span.id);
      expect(spanned.businessDate).toBe('2025-06-13');
      expect(spanned.status).toBe('done');
      expect(Date.parse(spanned.completedAt!)).toBeGreaterThan(localInstant('2025-06-14', '00:00', TZ));
      const src = sumsNowAndRecomputed(t.store.db);
      expect(src.now).toEqual(src.recomputed);
      expect(src.now.days.length).toBeGreaterThanOrEqual(3);

      // Each visit's share gives kpiOfVisit's inputs, for the default host and for others.
      const visits = (t.store.db.prepare('SELECT state FROM visits').all() as Array<{ state: string }>).map((r) => JSON.parse(r.state) as VisitState);
      for (const v of visits) for (const host of ['shimin', 'kokuho', 'nenkin']) expectInputsClose(shareToKpiInputs(visitKpiShare(v), host), kpiOfVisit(v, host));

      // Sync: a second database takes the same events in shuffled batches.
      const log = [...t.store.allEvents()];
      const late: StoredEvent[] = [];
      const onTime: StoredEvent[] = [];
      for (const ev of log) (rng.next() < 0.15 ? late : onTime).push(ev);
      for (let i = onTime.length - 1; i > 0; i--) {
        // Local disorder: swap with a near neighbour (a visit's action can come before its issue).
        if (rng.next() < 0.3) {
          const j = Math.max(0, i - rng.int(1, 40));
          [onTime[i], onTime[j]] = [onTime[j]!, onTime[i]!];
        }
      }
      for (let i = late.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [late[i], late[j]] = [late[j]!, late[i]!];
      }
      const sink = Store.open({ file: join(tmp.dir, 'sink.db'), nodeId: 'sink', site: t.store.site, clock: clock.read, maxDriftMs: 365 * 86_400_000 });
      try {
        const queue = [...onTime, ...late];
        let checks = 0;
        let refolds = 0;
        for (let at = 0; at < queue.length; ) {
          const n = 1 + rng.int(0, 120);
          const batch = queue.slice(at, at + n);
          // Now and then a batch also carries events already delivered (a repeated pull).
          if (at > 0 && rng.next() < 0.2) batch.push(...queue.slice(Math.max(0, at - 30), at));
          const before = sink.work.logFolds;
          sink.ingest(batch);
          refolds += sink.work.logFolds - before;
          at += n;
          if (rng.next() < 0.15 || at >= queue.length) {
            const s = sumsNowAndRecomputed(sink.db);
            expect(s.now, `after ${at} of ${queue.length} events`).toEqual(s.recomputed);
            checks++;
          }
        }
        expect(checks).toBeGreaterThan(0);
        // Late and early events made visits fold again from their log.
        expect(refolds).toBeGreaterThan(0);
        expect(kpiDayRows(sink.db)).toEqual(src.now);

        // A late event for an old day (a survey answered on Friday's visit, synced on Tuesday).
        const old = visits.find((v) => v.businessDate === '2025-06-13' && v.status === 'done' && !v.survey && v.id !== span.id);
        expect(old).toBeDefined();
        if (old) {
          const friday = (db: Database.Database) => db.prepare("SELECT survey_n FROM kpi_days WHERE date = '2025-06-13'").get() as { survey_n: number };
          const n0 = friday(sink.db).survey_n;
          const answered: VisitEventMap['visit.surveyAnswered'] = { visitId: old.id, scores: { ease: 3, convenience: 4, clarity: 5 }, at: new Date(clock.now).toISOString(), by: { terminal: 'late' } };
          const ev = t.store.append('visit.surveyAnswered', answered, { visitId: old.id });
          sink.ingest([ev]);
          expect(friday(sink.db).survey_n).toBe(n0 + 3);
          const s = sumsNowAndRecomputed(sink.db);
          expect(s.now).toEqual(s.recomputed);
          expect(s.now).toEqual(kpiDayRows(t.store.db));
        }

        // The KPIs read from the sums equal those added up from every day's report.
        clock.now = localInstant('2025-06-18', '09:00', TZ);
        for (const asOf of ['2025-06-13', '2025-06-14', '2025-06-16', undefined]) {
          const opts = asOf ? { asOf } : {};
          expectKpisClose(kpiReport(sink, t.config, 2025, targets, opts), kpiReportFromDays(sink, t.config, 2025, targets, opts));
          expectKpisClose(kpiReport(t.store, t.config, 2025, targets, opts), kpiReportFromDays(t.store, t.config, 2025, targets, opts));
        }
        // Another host department: the sums need no refold (KPI② is kept per accepting department).
        const sinkVisits = (sink.db.prepare('SELECT state FROM visits').all() as Array<{ state: string }>).map((r) => JSON.parse(r.state) as VisitState);
        const byHand = sinkVisits.reduce((a, v) => addKpiInputs(a, kpiOfVisit(v, 'kokuho')), emptyKpiInputs());
        const kokuho = kpiReport(sink, t.config, 2025, targets, { oneStop: 'kokuho' }).kpis.find((k) => k.id === 'oneStopAccepted')!;
        expect(kokuho.value).toBe(byHand.oneStopVisits);

        // Rebuilding the projections folds the same sums again.
        sink.rebuildProjections();
        expect(kpiDayRows(sink.db)).toEqual(kpiDayRows(t.store.db));
      } finally {
        sink.close();
      }

      // Migration 012 on a database made before it: the backfill gives the same sums.
      t.store.db.pragma('wal_checkpoint(TRUNCATE)');
      const oldFile = join(tmp.dir, 'before-012.db');
      copyFileSync(t.store.file, oldFile);
      const raw = new Database(oldFile);
      raw.exec('DROP TABLE kpi_days; DROP TABLE kpi_day_departments;');
      raw.pragma(`user_version = ${migrations.findIndex((m) => m.slug === 'kpi')}`);
      raw.close();
      const migrated = Store.open({ file: oldFile, nodeId: t.store.nodeId, site: t.store.site, clock: clock.read });
      try {
        expect(kpiDayRows(migrated.db)).toEqual(kpiDayRows(t.store.db));
      } finally {
        migrated.close();
      }
    } finally {
      t.close();
    }
  });
});
