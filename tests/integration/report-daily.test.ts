/**
 * The daily report of a simulated day, checked against figures recomputed here, independently,
 * from the raw event log (payloads only: no fold, no report code), and the three export formats
 * read back with real tools (exceljs, fflate, pdftotext, pdffonts, pdftoppm).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal, type Terminal } from '../../src-main/node/terminal/dataFolder';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateDay, type SimulationResult } from '../../src-main/node/simulate/day';
import { computeDayFromStore, dailyReport } from '../../src-main/node/reports/source';
import { exportDaily } from '../../src-main/node/reports/export';
import type { DailyReport } from '../../src-main/common/reports/daily';
import type { StoredEvent } from '../../src-main/common/sync/event';

const DATE = '2026-06-01'; // a Monday
const SEED = 2;
const VISITORS = 150;

// ---- independent recomputation from the raw log -------------------------------------------

interface Replay {
  issuedAt: number;
  station: string;
  route: string[];
  stop: number;
  status: string;
  arrived: Array<number | undefined>;
  firstCalled: Array<number | undefined>;
  started: Array<number | undefined>;
  finished: Array<number | undefined>;
  completedAt?: number;
  payments: string[];
  scores?: Record<string, number>;
}

function replay(events: StoredEvent[], date: string): Map<string, Replay> {
  const out = new Map<string, Replay>();
  for (const e of events) {
    const p = e.payload as Record<string, any>;
    const t = Date.parse(p.at);
    if (e.type === 'visit.issued') {
      if (p.businessDate !== date) continue;
      const route = p.route as string[];
      out.set(p.visitId, { issuedAt: t, station: p.station, route, stop: 0, status: route.length ? 'waiting' : 'done', arrived: route.map((_, i) => (i === 0 ? t : undefined)), firstCalled: [], started: [], finished: [], payments: [] });
      continue;
    }
    const v = out.get(e.visitId ?? '');
    if (!v) continue;
    const i = v.stop;
    switch (e.type) {
      case 'visit.called':
        v.status = 'called';
        v.firstCalled[i] ??= t;
        break;
      case 'visit.noShow':
        v.status = 'no-show';
        break;
      case 'visit.reactivated':
        v.status = 'waiting';
        break;
      case 'visit.started':
        v.status = 'serving';
        v.firstCalled[i] ??= t;
        v.started[i] ??= t;
        break;
      case 'visit.finishedHere':
        v.finished[i] = t;
        v.stop++;
        if (v.stop >= v.route.length) {
          v.status = 'done';
          v.completedAt = t;
        } else {
          v.status = 'waiting';
          v.arrived[v.stop] = t;
        }
        break;
      case 'visit.cancelled':
        v.status = 'cancelled';
        break;
      case 'visit.paymentTaken':
        v.payments.push(p.method);
        break;
      case 'visit.surveyAnswered':
        v.scores = p.scores;
        break;
    }
  }
  return out;
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const mean = n ? s.reduce((a, b) => a + b, 0) / n : null;
  const median = n ? (n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2) : null;
  const p90 = n ? s[Math.ceil(0.9 * n) - 1]! : null;
  return { count: n, mean, median, p90 };
}

function expectStats(actual: { count: number; mean: number | null; median: number | null; p90: number | null }, expected: ReturnType<typeof stats>, what: string) {
  expect(actual.count, `${what} count`).toBe(expected.count);
  if (expected.mean === null) expect(actual.mean).toBeNull();
  else expect(actual.mean, `${what} mean`).toBeCloseTo(expected.mean, 6);
  expect(actual.median, `${what} median`).toBe(expected.median);
  expect(actual.p90, `${what} p90`).toBe(expected.p90);
}

// ---- the simulated day ---------------------------------------------------------------------

let tmp: ReturnType<typeof tempDir>;
let term: Terminal;
let clock: SimClock;
let sim: SimulationResult;
let report: DailyReport;
let log: StoredEvent[];

beforeAll(() => {
  tmp = tempDir('madoguchi-report-');
  ensureDemoSetup(tmp.dir);
  clock = new SimClock(localInstant(DATE, '07:00', 'Asia/Tokyo'));
  term = openTerminal(tmp.dir, { clock: clock.read });
  sim = simulateDay(term, defaultCatalog(), clock, { date: DATE, visitors: VISITORS, seed: SEED });
  // The next morning: the simulated day is closed.
  clock.now = localInstant('2026-06-02', '09:00', 'Asia/Tokyo');
  report = dailyReport(term.store, term.config, DATE);
  log = [...term.store.allEvents()];
});

afterAll(() => {
  term?.close();
  tmp?.cleanup();
});

describe('demo simulate drives the real visit operations', () => {
  it('issues every visitor and leaves no refused operation', () => {
    expect(sim.anomalies).toEqual([]);
    expect(sim.issued).toBe(VISITORS);
    expect(log.filter((e) => e.type === 'visit.issued')).toHaveLength(VISITORS);
    expect(sim.events).toBe(log.length);
  });

  it('uses the whole set of counter actions, from real events only', () => {
    const types = new Set(log.map((e) => e.type));
    for (const t of ['visit.issued', 'visit.called', 'visit.recalled', 'visit.noShow', 'visit.reactivated', 'visit.started', 'visit.itemStatus', 'visit.noteAdded', 'visit.finishedHere', 'visit.cancelled', 'visit.paymentTaken', 'visit.surveyAnswered']) {
      expect(types, t).toContain(t);
    }
    const statuses = new Set(log.filter((e) => e.type === 'visit.itemStatus').map((e) => (e.payload as { status: string }).status));
    for (const s of ['accepted', 'proxy-accepted', 'entered', 'reviewed', 'delivered', 'awaiting-delivery', 'referred', 'declined']) expect(statuses, s).toContain(s);
    const methods = new Set(log.filter((e) => e.type === 'visit.paymentTaken').map((e) => (e.payload as { method: string }).method));
    expect(methods).toContain('cash');
    expect([...methods].filter((m) => m !== 'cash').length).toBeGreaterThan(0);
  });

  it('keeps simulated time inside the business day and in order', () => {
    const open = localInstant(DATE, '08:30', 'Asia/Tokyo');
    const close = localInstant(DATE, '17:15', 'Asia/Tokyo');
    const issued = log.filter((e) => e.type === 'visit.issued').map((e) => Date.parse((e.payload as { at: string }).at));
    expect(Math.min(...issued)).toBeGreaterThanOrEqual(open);
    expect(Math.max(...issued)).toBeLessThanOrEqual(close);
    const calls = log.filter((e) => e.type === 'visit.called').map((e) => Date.parse((e.payload as { at: string }).at));
    expect(Math.max(...calls)).toBeLessThanOrEqual(close);
    const ats = log.map((e) => Date.parse((e.payload as { at: string }).at));
    for (let i = 1; i < ats.length; i++) expect(ats[i]!).toBeGreaterThanOrEqual(ats[i - 1]!);
  });

  it('is deterministic for a seed', () => {
    const other = tempDir('madoguchi-report-det-');
    try {
      ensureDemoSetup(other.dir);
      const c2 = new SimClock(localInstant(DATE, '07:00', 'Asia/Tokyo'));
      const t2 = openTerminal(other.dir, { clock: c2.read });
      try {
        const s2 = simulateDay(t2, defaultCatalog(), c2, { date: DATE, visitors: VISITORS, seed: SEED });
        expect(s2.events).toBe(sim.events);
        const strip = (r: DailyReport) => ({ ...r, unfinishedVisits: r.unfinishedVisits.map(({ visitId: _id, ...u }) => u) });
        expect(strip(computeDayFromStore(t2.store, t2.config, DATE))).toEqual(strip(computeDayFromStore(term.store, term.config, DATE)));
        const s3 = simulateDay(t2, defaultCatalog(), c2, { date: '2026-06-02', visitors: VISITORS, seed: SEED + 1 });
        expect(s3.events).not.toBe(0);
      } finally {
        t2.close();
      }
    } finally {
      other.cleanup();
    }
  });
});

describe('the daily report equals an independent recomputation from the event log', () => {
  it('counts visits by outcome, station and hour', () => {
    const r = replay(log, DATE);
    const vs = [...r.values()];
    const count = (s: string) => vs.filter((v) => v.status === s).length;
    expect(report.visits.issued).toBe(vs.length);
    expect(report.visits.completed).toBe(count('done'));
    expect(report.visits.cancelled).toBe(count('cancelled'));
    expect(report.visits.noShow).toBe(count('no-show'));
    expect(report.visits.unfinished).toBe(count('waiting') + count('called') + count('serving'));
    expect(report.visits.completed + report.visits.cancelled + report.visits.noShow + report.visits.unfinished).toBe(report.visits.issued);
    for (const s of ['east', 'west', 'center']) expect(report.byStation.find((x) => x.station === s)?.issued ?? 0, s).toBe(vs.filter((v) => v.station === s).length);
    const jstHour = (t: number) => new Date(t + 9 * 3600_000).getUTCHours();
    for (const h of report.byHour) expect(h.issued, `hour ${h.hour}`).toBe(vs.filter((v) => jstHour(v.issuedAt) === h.hour).length);
    expect(report.unfinishedVisits.length).toBe(vs.filter((v) => !['done', 'cancelled'].includes(v.status)).length);
  });

  it('has the same mean, median and p90 waits, service and stay times, overall and per department', () => {
    const vs = [...replay(log, DATE).values()];
    const overallWait = vs.filter((v) => v.firstCalled[0] !== undefined).map((v) => (v.firstCalled[0]! - v.issuedAt) / 1000);
    const overall = report.times.find((t) => t.department === '*')!;
    expectStats(overall.wait, stats(overallWait), 'overall wait');
    const done = vs.filter((v) => v.status === 'done');
    expectStats(overall.stay, stats(done.map((v) => (v.completedAt! - v.issuedAt) / 1000)), 'overall stay');
    expectStats(overall.service, stats(done.map((v) => v.route.reduce((a, _, i) => a + (v.finished[i]! - v.started[i]!) / 1000, 0))), 'overall service');
    const depts = new Set(vs.flatMap((v) => v.route));
    expect(new Set(report.times.filter((t) => t.department !== '*').map((t) => t.department))).toEqual(depts);
    for (const d of depts) {
      const waits: number[] = [];
      const service: number[] = [];
      for (const v of vs) {
        v.route.forEach((rd, i) => {
          if (rd !== d) return;
          if (v.arrived[i] !== undefined && v.firstCalled[i] !== undefined) waits.push((v.firstCalled[i]! - v.arrived[i]!) / 1000);
          if (v.started[i] !== undefined && v.finished[i] !== undefined) service.push((v.finished[i]! - v.started[i]!) / 1000);
        });
      }
      const row = report.times.find((t) => t.department === d)!;
      expectStats(row.wait, stats(waits), `${d} wait`);
      expectStats(row.service, stats(service), `${d} service`);
    }
    expect(overall.wait.mean!).toBeGreaterThan(0);
  });

  it('has the same payments, cashless rate and survey averages', () => {
    const pays = log.filter((e) => e.type === 'visit.paymentTaken').map((e) => e.payload as { method: string; amount: number });
    const cashless = pays.filter((p) => p.method !== 'cash');
    expect(report.cashless.payments).toBe(pays.length);
    expect(report.cashless.count).toBe(cashless.length);
    expect(report.cashless.rate).toBeCloseTo(cashless.length / pays.length, 12);
    expect(report.cashless.totalAmount).toBe(pays.reduce((a, p) => a + p.amount, 0));
    for (const m of ['cash', 'card', 'qr', 'e-money']) {
      const row = report.payments.find((p) => p.method === m)!;
      expect(row.count, m).toBe(pays.filter((p) => p.method === m).length);
      expect(row.amount, m).toBe(pays.filter((p) => p.method === m).reduce((a, p) => a + p.amount, 0));
    }
    const surveys = log.filter((e) => e.type === 'visit.surveyAnswered').map((e) => (e.payload as { scores: Record<string, number> }).scores);
    expect(report.survey.responses).toBe(surveys.length);
    for (const q of ['ease', 'convenience', 'waiting', 'clarity', 'cashless']) {
      const xs = surveys.map((s) => s[q]).filter((x): x is number => typeof x === 'number');
      const row = report.survey.questions.find((x) => x.question === q)!;
      expect(row.responses, q).toBe(xs.length);
      if (xs.length) expect(row.mean!, q).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 12);
    }
    expect(report.survey.questions.find((x) => x.question === 'cashless')!.responses).toBeGreaterThan(0);
  });

  it('counts procedures by outcome the way the item events left them', () => {
    const last = new Map<string, string>();
    for (const e of log) {
      if (e.type === 'visit.issued') for (const it of (e.payload as { items: Array<{ id: string; need: string }> }).items) last.set(`${e.visitId}/${it.id}`, it.need === 'to-confirm' ? 'to-confirm' : 'listed');
      if (e.type === 'visit.itemStatus') last.set(`${e.visitId}/${(e.payload as { itemId: string }).itemId}`, (e.payload as { status: string }).status);
    }
    const total = report.procedures.reduce((a, p) => a + p.count, 0);
    expect(total).toBe(last.size);
    const declined = [...last.values()].filter((s) => s === 'declined').length;
    expect(report.procedures.filter((p) => p.outcome === 'declined').reduce((a, p) => a + p.count, 0)).toBe(declined);
    const awaiting = [...last.values()].filter((s) => s === 'awaiting-delivery').length;
    expect(report.procedures.filter((p) => p.outcome === 'awaiting-delivery').reduce((a, p) => a + p.count, 0)).toBe(awaiting);
  });

  it('stores the closed day and returns the same figures from the stored copy', () => {
    const row = term.store.db.prepare('SELECT stale FROM report_days WHERE date = ?').get(DATE) as { stale: number } | undefined;
    expect(row?.stale).toBe(0);
    expect(dailyReport(term.store, term.config, DATE)).toEqual(computeDayFromStore(term.store, term.config, DATE));
  });
});

describe('exports', () => {
  it('XLSX reads back with one sheet per table, numbers as numbers and times as durations', async () => {
    const x = await exportDaily(term.store, term.config, DATE, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(['概要', '発券所別', 'ライフイベント別', '時間帯別', '所要時間', '手続き (課・振り分け・結果)', '手続き (課別)', '手続き (振り分け別)', '決済', 'アンケート', 'オンライン手続きガイド', 'KPI 進捗 (令和8年度 2026-04-01〜2026-06-01)', '閉庁時未完了の来庁'].map((n) => n.replace(/[[\]:*?/\\]/g, '・').slice(0, 31)));
    const summary = wb.getWorksheet('概要')!;
    const find = (label: string) => {
      let v: unknown;
      summary.eachRow((row) => {
        if (row.getCell(1).value === label) v = row.getCell(2).value;
      });
      return v;
    };
    expect(find('発券数')).toBe(report.visits.issued);
    expect(find('完了')).toBe(report.visits.completed);
    expect(find('閉庁時未完了')).toBe(report.visits.unfinished);
    const times = wb.worksheets[4]!;
    expect(times.getRow(1).getCell(3).value).toBe('待ち 平均');
    expect(times.getRow(2).getCell(1).value).toBe('全体');
    const mean = times.getRow(2).getCell(3);
    expect(mean.numFmt).toBe('[h]:mm:ss');
    // exceljs hands duration-formatted cells back as Dates from Excel's 1899-12-30 epoch…
    expect(mean.value).toBeInstanceOf(Date);
    expect(((mean.value as Date).getTime() + 25569 * 86_400_000) / 1000).toBeCloseTo(report.times[0]!.wait.mean!, 2);
    // …while the file itself holds a plain number (days), which is what Excel sums and averages.
    const sheetXml = strFromU8(unzipSync(new Uint8Array(x.bytes))['xl/worksheets/sheet5.xml']!);
    const raw = /<c r="C2"([^>]*)><v>([^<]+)<\/v>/.exec(sheetXml);
    expect(raw?.[1]).not.toContain('t="');
    expect(Number(raw![2]) * 86400).toBeCloseTo(report.times[0]!.wait.mean!, 6);
    expect(times.getRow(2).getCell(2).value).toBe(report.times[0]!.wait.count);
    const pay = wb.getWorksheet('決済')!;
    expect(pay.getRow(2).getCell(1).value).toBe('現金');
    expect(pay.getRow(2).getCell(2).value).toBe(report.payments[0]!.count);
    expect(pay.getRow(6).getCell(4).value).toBeCloseTo(report.cashless.rate!, 12);
    expect(wb.getWorksheet('閉庁時未完了の来庁')!.rowCount).toBe(1 + report.unfinishedVisits.length);
  });

  it('CSV is a zip of one UTF-8 file with BOM per table', async () => {
    const x = await exportDaily(term.store, term.config, DATE, 'csv');
    expect(x.filename).toBe(`nippo-${DATE}.zip`);
    const files = unzipSync(new Uint8Array(x.bytes));
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(13);
    expect(names[0]).toBe('01-summary.csv');
    for (const n of names) expect([...files[n]!.slice(0, 3)], n).toEqual([0xef, 0xbb, 0xbf]);
    const summary = strFromU8(files['01-summary.csv']!);
    expect(summary).toContain(`発券数,${report.visits.issued}\r\n`);
    expect(summary).toContain('令和8年6月1日');
    const times = strFromU8(files['05-times.csv']!).split('\r\n');
    expect(times[1]).toMatch(/^\uFEFF?全体,\d+,\d+:\d\d:\d\d,/);
  });

  it('PDF shows the date and the totals, with the Japanese font embedded, and renders', async () => {
    const x = await exportDaily(term.store, term.config, DATE, 'pdf');
    const file = join(tmp.dir, x.filename);
    writeFileSync(file, x.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('2026-06-01');
    expect(text).toContain('令和8年6月1日');
    expect(text).toContain('日報');
    expect(text).toMatch(new RegExp(`発券数[\\s\\S]*?${report.visits.issued}`));
    expect(text).toContain(String(report.visits.completed));
    expect(text).toContain('時間帯別 来庁数');
    expect(text).toContain('課別 待ち時間');
    expect(text).toContain('振り分け別 手続き件数');
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/BIZUDGothic.*yes/);
    execFileSync('pdftoppm', ['-png', '-r', '60', file, join(tmp.dir, 'page')]);
    expect(existsSync(join(tmp.dir, 'page-1.png'))).toBe(true);
    expect(existsSync(join(tmp.dir, 'page-2.png'))).toBe(true);
    expect(readFileSync(join(tmp.dir, 'page-1.png')).length).toBeGreaterThan(5000);
  });

  it('a day with no visits gives a valid report in all three formats that says so', async () => {
    const empty = '2026-06-03';
    const r = dailyReport(term.store, term.config, empty);
    expect(r.empty).toBe(true);
    expect(r.visits.issued).toBe(0);
    expect(r.times[0]!.wait.mean).toBeNull();
    const csv = await exportDaily(term.store, term.config, empty, 'csv');
    expect(strFromU8(unzipSync(new Uint8Array(csv.bytes))['01-summary.csv']!)).toContain('この日の来庁記録はありません');
    const xlsx = await exportDaily(term.store, term.config, empty, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets).toHaveLength(13);
    expect(wb.getWorksheet('概要')!.getRow(4).getCell(2).value).toMatch(/この日の来庁記録はありません/);
    const pdf = await exportDaily(term.store, term.config, empty, 'pdf');
    const file = join(tmp.dir, 'empty.pdf');
    writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain('この日の来庁記録はありません');
    expect(text).toContain('2026-06-03');
  });
});
