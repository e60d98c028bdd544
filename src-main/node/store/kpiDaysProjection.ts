import type { Database, Statement } from 'better-sqlite3';
import type { VisitState } from '../../common/visit/state';
import {
  emptyDayCounts,
  emptyDepartmentCounts,
  KPI_DAY_COLUMNS,
  KPI_DEPARTMENT_COLUMNS,
  visitKpiShare,
  type KpiDayCounts,
  type KpiDepartmentCounts,
  type KpiGuideCounts,
  type KpiShare,
} from '../../common/reports/kpiShare';

/**
 * The fiscal-year KPIs' daily sums (`kpi_days`, `kpi_day_departments`, migration 012), kept up to
 * date at fold time in the same transaction as the events: when the visit projector folds a visit
 * it subtracts the visit's old share (common/reports/kpiShare.ts) and adds its new one, so re-folds
 * and late (synced, out-of-order) events keep the sums exact; the report-days projector adds each
 * guide completion to the day it names. A KPI report then sums day rows: it never folds a visit.
 * `rebuildKpiDays` computes them again from the visits and the log (migration backfill, checks).
 */

export const GUIDE_COMPLETED_EVENT = 'guide.completed';
const GUIDE_COLUMNS = ['guide_events', 'guide_uses', 'guide_rating_sum', 'guide_rating_n'] as const;
const DAY_COLUMNS = [...KPI_DAY_COLUMNS, ...GUIDE_COLUMNS];
type DayDelta = KpiDayCounts & KpiGuideCounts;

export const KPI_TABLES_SQL = `
  CREATE TABLE IF NOT EXISTS kpi_days (
    date TEXT PRIMARY KEY,
    ${DAY_COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n    ')}
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS kpi_day_departments (
    date TEXT NOT NULL,
    department TEXT NOT NULL,
    ${KPI_DEPARTMENT_COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n    ')},
    PRIMARY KEY (date, department)
  ) WITHOUT ROWID;
`;

/** What one guide completion adds to its day (the rules readGuideCompletions reads by). */
export function guideCompletionCounts(payload: unknown): { date: string; uses: number; ratings: number[] } | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as { date?: unknown; count?: unknown; ratings?: unknown };
  if (typeof p.date !== 'string') return null;
  const uses = typeof p.count === 'number' && Number.isInteger(p.count) && p.count > 0 ? p.count : 1;
  const ratings: number[] = [];
  if (Array.isArray(p.ratings)) for (const x of p.ratings) if (Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 5) ratings.push(x as number);
  return { date: p.date, uses, ratings };
}

/** Changes to the day sums gathered during one fold (one event, one ingest), written once per row. */
export class KpiDeltas {
  private readonly days = new Map<string, DayDelta>();
  private readonly departments = new Map<string, { date: string; department: string; c: KpiDepartmentCounts }>();

  private day(date: string): DayDelta {
    let d = this.days.get(date);
    if (!d) this.days.set(date, (d = { ...emptyDayCounts(), guide_events: 0, guide_uses: 0, guide_rating_sum: 0, guide_rating_n: 0 }));
    return d;
  }

  /** Adds (sign 1) or takes away (sign -1) a visit's share. */
  addShare(s: KpiShare, sign: 1 | -1): void {
    const d = this.day(s.date);
    for (const c of KPI_DAY_COLUMNS) d[c] += sign * s.day[c];
    for (const [department, counts] of Object.entries(s.departments)) {
      const key = `${s.date}\u0000${department}`;
      let e = this.departments.get(key);
      if (!e) this.departments.set(key, (e = { date: s.date, department, c: emptyDepartmentCounts() }));
      for (const c of KPI_DEPARTMENT_COLUMNS) e.c[c] += sign * counts[c];
    }
  }

  /** Replaces a visit's old share (undefined: it had none) by the share of its new state. */
  replaceVisit(before: VisitState | undefined, after: VisitState): void {
    if (before) this.addShare(visitKpiShare(before), -1);
    this.addShare(visitKpiShare(after), 1);
  }

  addGuideCompletion(payload: unknown): void {
    const g = guideCompletionCounts(payload);
    if (!g) return;
    const d = this.day(g.date);
    d.guide_events += 1;
    d.guide_uses += g.uses;
    for (const r of g.ratings) {
      d.guide_rating_sum += r;
      d.guide_rating_n += 1;
    }
  }

  /** Writes the non-zero changes (one upsert per changed row), and forgets them. */
  flush(prepare: (sql: string) => Statement): void {
    if (this.days.size) {
      const up = prepare(
        `INSERT INTO kpi_days (date, ${DAY_COLUMNS.join(', ')}) VALUES (?, ${DAY_COLUMNS.map(() => '?').join(', ')})
         ON CONFLICT(date) DO UPDATE SET ${DAY_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
      );
      for (const [date, d] of this.days) {
        const values = DAY_COLUMNS.map((c) => d[c]);
        if (values.some((x) => x !== 0)) up.run(date, ...values);
      }
      this.days.clear();
    }
    if (this.departments.size) {
      const up = prepare(
        `INSERT INTO kpi_day_departments (date, department, ${KPI_DEPARTMENT_COLUMNS.join(', ')}) VALUES (?, ?, ${KPI_DEPARTMENT_COLUMNS.map(() => '?').join(', ')})
         ON CONFLICT(date, department) DO UPDATE SET ${KPI_DEPARTMENT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
      );
      for (const e of this.departments.values()) {
        const values = KPI_DEPARTMENT_COLUMNS.map((c) => e.c[c]);
        if (values.some((x) => x !== 0)) up.run(e.date, e.department, ...values);
      }
      this.departments.clear();
    }
  }
}

/**
 * Empties the day sums and computes them again from every visit's stored state and every guide
 * completion in the log (the migration's backfill; tests compare it with the incremental sums).
 * `log` hears progress when there are many visits.
 */
export function rebuildKpiDays(db: Database, log?: (line: string) => void): { visits: number; guideCompletions: number } {
  db.exec('DELETE FROM kpi_days; DELETE FROM kpi_day_departments;');
  const total = (db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;
  const deltas = new KpiDeltas();
  const every = 50_000;
  const loud = total >= every && log;
  if (loud) log(`computing the fiscal-year KPI day sums from ${total.toLocaleString('en-US')} visits (once)…`);
  let n = 0;
  for (const row of db.prepare('SELECT state FROM visits').iterate() as IterableIterator<{ state: string }>) {
    if (!row.state) throw new Error('kpi day sums: a visit has no stored state (a scratch database cannot be backfilled)');
    deltas.addShare(visitKpiShare(JSON.parse(row.state) as VisitState), 1);
    n++;
    if (loud && n % every === 0) log(`  ${n.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} visits`);
  }
  let guides = 0;
  for (const row of db.prepare(`SELECT payload FROM events WHERE type = '${GUIDE_COMPLETED_EVENT}'`).iterate() as IterableIterator<{ payload: string }>) {
    deltas.addGuideCompletion(JSON.parse(row.payload));
    guides++;
  }
  deltas.flush((sql) => db.prepare(sql));
  if (loud) log(`  done: ${n.toLocaleString('en-US')} visits, ${guides} guide completions`);
  return { visits: n, guideCompletions: guides };
}

export interface KpiTotals {
  day: KpiDayCounts;
  guide: KpiGuideCounts;
  departments: Record<string, KpiDepartmentCounts>;
  /** Dates in the range with a visit or a guide completion. */
  dates: string[];
}

/** The day sums added up over [from, to] (three indexed range reads). */
export function readKpiTotals(db: Database, from: string, to: string): KpiTotals {
  const sums = db
    .prepare(`SELECT ${DAY_COLUMNS.map((c) => `COALESCE(SUM(${c}), 0) AS ${c}`).join(', ')} FROM kpi_days WHERE date BETWEEN ? AND ?`)
    .get(from, to) as DayDelta;
  const day = emptyDayCounts();
  for (const c of KPI_DAY_COLUMNS) day[c] = sums[c];
  const guide: KpiGuideCounts = { guide_events: sums.guide_events, guide_uses: sums.guide_uses, guide_rating_sum: sums.guide_rating_sum, guide_rating_n: sums.guide_rating_n };
  const departments: Record<string, KpiDepartmentCounts> = {};
  const rows = db
    .prepare(
      `SELECT department, ${KPI_DEPARTMENT_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')} FROM kpi_day_departments
       WHERE date BETWEEN ? AND ? GROUP BY department ORDER BY department`,
    )
    .all(from, to) as Array<{ department: string } & KpiDepartmentCounts>;
  for (const r of rows) departments[r.department] = { wait_ms: r.wait_ms, wait_n: r.wait_n, one_stop_single: r.one_stop_single };
  const dates = (db.prepare('SELECT date FROM kpi_days WHERE date BETWEEN ? AND ? AND (visits > 0 OR guide_events > 0) ORDER BY date').all(from, to) as Array<{ date: string }>).map((r) => r.date);
  return { day, guide, departments, dates };
}

/** The rows of both tables without all-zero rows, in key order (for comparing two databases). */
export function kpiDayRows(db: Database): { days: unknown[]; departments: unknown[] } {
  const nz = (cols: readonly string[]) => cols.map((c) => `${c} != 0`).join(' OR ');
  return {
    days: db.prepare(`SELECT * FROM kpi_days WHERE ${nz(DAY_COLUMNS)} ORDER BY date`).all(),
    departments: db.prepare(`SELECT * FROM kpi_day_departments WHERE ${nz(KPI_DEPARTMENT_COLUMNS)} ORDER BY date, department`).all(),
  };
}
