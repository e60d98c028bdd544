import type { Database } from 'better-sqlite3';
import { businessDate } from '../../common/dates/businessDay';
import type { TerminalConfig } from '../../common/config/schema';
import type { VisitState } from '../../common/visit/state';
import { computeDailyReport, type DailyReport } from '../../common/reports/daily';
import { addKpiInputs, computeKpis, emptyKpiInputs, type KpiReport, type KpiTargets } from '../../common/reports/kpi';
import { CITIZEN_SURVEY_EVENT, type CitizenSurveyImport } from '../../common/reports/citizenSurvey';
import { fiscalYearRange } from '../../common/reports/fiscalYear';
import type { Store } from '../store/store';
import { guideCompletionCounts, readKpiTotals } from '../store/kpiDaysProjection';
import { countsToKpiInputs, DEFAULT_ONE_STOP } from '../../common/reports/kpiShare';
import { migration as reportsMigration } from '../store/migrations/006-reports';

/** Event type of an anonymous online-guide completion (see docs/report-layout.md). */
export const GUIDE_COMPLETED = 'guide.completed';
/** The type as an SQL literal: the partial index events_guide_completed (migration 14) serves only a query naming it. */
const IS_GUIDE_COMPLETED = `type = '${GUIDE_COMPLETED}'`;

const ensured = new WeakSet<Database>();
/** The reports tables, whether or not the store's migration list includes 006 yet. */
export function ensureReportSchema(store: Store): void {
  if (ensured.has(store.db)) return;
  const has = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'report_days'").get();
  if (!has) store.db.exec(reportsMigration.sql);
  ensured.add(store.db);
}

export function readVisitsOn(store: Store, date: string): VisitState[] {
  const rows = store.db.prepare('SELECT state FROM visits WHERE business_date = ?').all(date) as Array<{ state: string }>;
  return rows.map((r) => JSON.parse(r.state) as VisitState);
}

/**
 * Visit id → the site its ticket was issued at (the site of its `visit.issued` event). A supervisor's
 * database holds every site of the municipality, and two sites may both number a station "east".
 */
export function readVisitSitesOn(store: Store, date: string): Map<string, string> {
  const rows = store
    .stmt("SELECT v.id AS id, e.site AS site FROM visits v JOIN events e ON e.visit_id = v.id AND e.type = 'visit.issued' WHERE v.business_date = ?")
    .all(date) as Array<{ id: string; site: string }>;
  return new Map(rows.map((r) => [r.id, r.site]));
}

/** The day's anonymous guide completions: Σ count, and any 1–5 ratings they carry. */
export function readGuideCompletions(store: Store, date: string): { uses: number; ratings: number[] } {
  ensureReportSchema(store);
  const rows = store.db
    .prepare(`SELECT payload FROM events WHERE ${IS_GUIDE_COMPLETED} AND json_extract(payload, '$.date') = ?`)
    .all(date) as Array<{ payload: string }>;
  let uses = 0;
  const ratings: number[] = [];
  for (const r of rows) {
    const g = guideCompletionCounts(JSON.parse(r.payload));
    if (!g) continue;
    uses += g.uses;
    ratings.push(...g.ratings);
  }
  return { uses, ratings };
}

/** Folds the day from the store's visits and events, without the stored copy. */
export function computeDayFromStore(store: Store, config: TerminalConfig, date: string): DailyReport {
  const g = readGuideCompletions(store, date);
  return computeDailyReport({
    date,
    timeZone: config.timeZone,
    visits: readVisitsOn(store, date),
    guideOnlineUses: g.uses,
    guideRatings: g.ratings,
    stations: config.stations.map((s) => s.id),
    site: config.site,
    visitSites: readVisitSitesOn(store, date),
  });
}

interface DayRow {
  report: string;
  stale: number;
  redacted_at: string | null;
}

/**
 * The day's report. Closed days (before today) are stored once computed and reused until an event
 * of that day arrives; today is always folded fresh.
 */
export function dailyReport(store: Store, config: TerminalConfig, date: string, opts: { fresh?: boolean } = {}): DailyReport {
  ensureReportSchema(store);
  const today = businessDate(store.now(), config.timeZone);
  if (!opts.fresh) {
    const row = store.db.prepare('SELECT report, stale, redacted_at FROM report_days WHERE date = ?').get(date) as DayRow | undefined;
    if (row && !row.stale) {
      const stored = JSON.parse(row.report) as DailyReport;
      // Stored before stations were kept per site (two sites' "east" in one row): folded again
      // while the day's visits are still there to fold.
      if (row.redacted_at !== null || !stored.byStation.some((s) => s.site === undefined)) return stored;
    }
  }
  if (date >= today) return computeDayFromStore(store, config, date);
  return store.tx(() => {
    const r = computeDayFromStore(store, config, date);
    storeDay(store, r);
    return r;
  });
}

export function storeDay(store: Store, r: DailyReport, redactedAt?: string): void {
  store.db
    .prepare(
      `INSERT INTO report_days (date, report, computed_at, stale, redacted_at) VALUES (?, ?, ?, 0, ?)
       ON CONFLICT(date) DO UPDATE SET report = excluded.report, computed_at = excluded.computed_at, stale = 0,
         redacted_at = COALESCE(excluded.redacted_at, report_days.redacted_at)`,
    )
    .run(r.date, JSON.stringify(r), new Date(store.now()).toISOString(), redactedAt ?? null);
}

/** Business dates with anything to report in [from, to]. */
export function reportDates(store: Store, from: string, to: string): string[] {
  ensureReportSchema(store);
  const rows = store.db
    .prepare(
      `SELECT DISTINCT business_date AS d FROM visits WHERE business_date BETWEEN @from AND @to
       UNION SELECT date AS d FROM report_days WHERE date BETWEEN @from AND @to
       UNION SELECT json_extract(payload, '$.date') AS d FROM events WHERE ${IS_GUIDE_COMPLETED} AND json_extract(payload, '$.date') BETWEEN @from AND @to
       ORDER BY d`,
    )
    .all({ from, to }) as Array<{ d: string }>;
  return rows.map((r) => r.d);
}

/** The fiscal year's range up to `asOf` (default: the year's end, or today while it runs). */
function kpiRange(store: Store, config: TerminalConfig, fy: number, asOfOpt?: string): { from: string; asOf: string } {
  const range = fiscalYearRange(fy);
  const today = businessDate(store.now(), config.timeZone);
  let asOf = asOfOpt ?? (today < range.to ? today : range.to);
  if (asOf > range.to) asOf = range.to;
  return { from: range.from, asOf };
}

export interface KpiReportOptions {
  asOf?: string;
  /** The department hosting the one-stop counter (catalog `oneStop`; the daily report's default: 市民課). */
  oneStop?: string;
}

/**
 * Fiscal-year-to-date KPIs: every day of the year up to `asOf` (default: the year's end or today),
 * summed from the KPI day sums the store keeps at fold time (store/kpiDaysProjection.ts): no visit
 * is folded for it, closed day or today. The days counted are those with a visit, a guide
 * completion or a stored report.
 */
export function kpiReport(store: Store, config: TerminalConfig, fy: number, targets: KpiTargets, opts: KpiReportOptions = {}): KpiReport {
  ensureReportSchema(store);
  const { from, asOf } = kpiRange(store, config, fy, opts.asOf);
  let days = 0;
  let sum = emptyKpiInputs();
  if (asOf >= from) {
    const t = readKpiTotals(store.db, from, asOf);
    const stored = store.db.prepare('SELECT date FROM report_days WHERE date BETWEEN ? AND ?').all(from, asOf) as Array<{ date: string }>;
    days = new Set([...t.dates, ...stored.map((r) => r.date)]).size;
    sum = countsToKpiInputs(t.day, t.departments, t.guide, opts.oneStop ?? DEFAULT_ONE_STOP);
  }
  return computeKpis(fy, asOf, days, sum, targets, { citizenSurvey: latestCitizenSurvey(store, fy) });
}

/**
 * The same KPIs by adding up every day's report (stored, or folded from the day's visits): the
 * path before the day sums, kept to check them (tests, the reports benchmark).
 */
export function kpiReportFromDays(store: Store, config: TerminalConfig, fy: number, targets: KpiTargets, opts: KpiReportOptions = {}): KpiReport {
  const { from, asOf } = kpiRange(store, config, fy, opts.asOf);
  const dates = asOf < from ? [] : reportDates(store, from, asOf);
  let sum = emptyKpiInputs();
  for (const d of dates) sum = addKpiInputs(sum, dailyReport(store, config, d).kpiInputs);
  return computeKpis(fy, asOf, dates.length, sum, targets, { citizenSurvey: latestCitizenSurvey(store, fy) });
}

/** The latest import of the city's annual 市民アンケート for a fiscal year (a re-import replaces it), or null. */
export function latestCitizenSurvey(store: Store, fy: number): CitizenSurveyImport | null {
  const row = store.db
    // The type as a literal: the partial index events_citizen_survey (migration 15) holds only these.
    .prepare(`SELECT payload FROM events WHERE type = '${CITIZEN_SURVEY_EVENT}' AND json_extract(payload, '$.fiscalYear') = ? ORDER BY hlc DESC LIMIT 1`)
    .get(fy) as { payload: string } | undefined;
  return row ? (JSON.parse(row.payload) as CitizenSurveyImport) : null;
}
