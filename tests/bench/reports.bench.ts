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
import { dailyReport, kpiReport, reportDates } from '../../src-main/node/reports/source';
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

    store.db.prepare('DELETE FROM report_days').run();
    const dayCold = time(() => dailyReport(store, config, busiest.d, { fresh: true }));
    const kpiCold = time(() => kpiReport(store, config, FY, targets));
    const kpiWarm = time(() => kpiReport(store, config, FY, targets));
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
      'FY KPIs, cold: every day folded (ms)': kpiCold.ms,
      'FY KPIs, warm: stored days (ms)': kpiWarm.ms,
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
