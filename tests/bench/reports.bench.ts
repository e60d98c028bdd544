/**
 * Reports on a simulated fiscal year: the daily report and the fiscal-year KPIs on a database of at
 * least 250,000 visits. The year is simulated once through the real VisitService into a cached temp
 * folder, in bulk: each day on a scratch in-memory store, then loaded in one transaction and folded
 * once per visit (simulate/range.ts; tests/integration/simulate-bulk.test.ts proves the events and
 * visits equal those of the one-event-at-a-time path). Later runs reuse it and say so.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { generateYear, YEAR_CACHE_VERSION } from '../../src-main/node/simulate/year';
import { dailyReport, kpiReport, kpiReportFromDays, reportDates } from '../../src-main/node/reports/source';
import { rebuildKpiDays } from '../../src-main/node/store/kpiDaysProjection';
import { loadKpiTargets } from '../../src-main/node/reports/targets';
import { exportDaily } from '../../src-main/node/reports/export';

const FY = 2025;
const FROM = '2025-04-01';
const TO = '2026-03-31';

export const BENCH_DIR = process.env.MADOGUCHI_BENCH_REPORTS_DIR ?? join(tmpdir(), `madoguchi-bench-reports-${YEAR_CACHE_VERSION}`);

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export async function benchReports(): Promise<Record<string, number | string>> {
  const cached = existsSync(join(BENCH_DIR, 'generated.json'));
  const g = generateYear(BENCH_DIR, { from: FROM, to: TO, log: (s) => console.log(s) });
  // Measure "the day after the fiscal year": every day of the year is closed.
  const clock = new SimClock(localInstant('2026-04-01', '09:00', 'Asia/Tokyo'));
  const t = openTerminal(BENCH_DIR, { clock: clock.read });
  try {
    const { store, config } = t;
    const targets = loadKpiTargets(BENCH_DIR);
    const dates = reportDates(store, FROM, TO);
    const busiest = store.db.prepare('SELECT business_date AS d, COUNT(*) AS n FROM visits GROUP BY business_date ORDER BY n DESC LIMIT 1').get() as { d: string; n: number };
    const total = (store.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;

    // KPIs first, on a database just opened: they read the day sums kept at fold time (kpi_days).
    const kpiCold = time(() => kpiReport(store, config, FY, targets));
    const kpiWarm = time(() => kpiReport(store, config, FY, targets));
    // The path before the day sums, in the same run: every day folded from its visits (no stored day).
    store.db.prepare('DELETE FROM report_days').run();
    const kpiFolded = time(() => kpiReportFromDays(store, config, FY, targets));
    const same = kpiFolded.value.days === kpiWarm.value.days && kpiFolded.value.kpis.every((x, i) => closeEnough(x.value, kpiWarm.value.kpis[i]!.value));
    // What migration 012 does once on an existing year (rolled back).
    store.db.exec('SAVEPOINT backfill');
    const backfill = time(() => rebuildKpiDays(store.db));
    store.db.exec('ROLLBACK TO backfill; RELEASE backfill');
    store.db.prepare('DELETE FROM report_days').run();
    const dayCold = time(() => dailyReport(store, config, busiest.d, { fresh: true }));
    const dayStored = time(() => dailyReport(store, config, busiest.d));
    const xlsx = await timeAsync(() => exportDaily(store, config, busiest.d, 'xlsx', { targets }));
    const pdf = await timeAsync(() => exportDaily(store, config, busiest.d, 'pdf', { targets }));
    const csv = await timeAsync(() => exportDaily(store, config, busiest.d, 'csv', { targets }));
    const k = Object.fromEntries(kpiWarm.value.kpis.map((x) => [x.id, x.value]));
    return {
      'year generated (s)': cached ? `${g.seconds.toFixed(1)} (cached from an earlier run)` : g.seconds,
      'visits in the database': total,
      'events in the database': store.eventCount(),
      'business days': dates.length,
      'simulation anomalies': g.anomalies,
      'busiest day': `${busiest.d} (${busiest.n} visits)`,
      'daily report, folded from visits (ms)': dayCold.ms,
      'daily report, stored day (ms)': dayStored.ms,
      'daily export csv zip (ms)': csv.ms,
      'daily export xlsx (ms)': xlsx.ms,
      'daily export pdf (ms)': pdf.ms,
      'FY KPIs, cold: first call, day sums (ms)': kpiCold.ms,
      'FY KPIs, warm: day sums (ms)': kpiWarm.ms,
      'FY KPIs, every day folded from its visits, the old cold path (ms)': kpiFolded.ms,
      'ratio old cold path / cold': kpiFolded.ms / kpiCold.ms,
      'FY KPIs from day sums equal those folded from every day': same ? 'yes' : 'NO',
      'KPI day sums computed from every visit, migration 012 backfill (ms)': backfill.ms,
      'KPI guide uses': k.guideUses ?? 'null',
      'KPI one-stop accepted': k.oneStopAccepted ?? 'null',
      'KPI cashless rate (%)': k.cashlessRate ?? 'null',
      'KPI citizen survey': k.citizenSurvey ?? 'null',
      'KPI average visit (min)': k.averageVisitMinutes ?? 'null',
      'KPI 市民課 wait (min)': k.citizenWaitMinutes ?? 'null',
    };
  } finally {
    t.close();
  }
}

function closeEnough(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

if (require.main === module) {
  if (process.argv.includes('--generate')) {
    const g = generateYear(BENCH_DIR, { from: FROM, to: TO, log: (s) => console.log(s) });
    console.log(JSON.stringify(g));
  } else {
    benchReports().then((r) => console.log(r));
  }
}
