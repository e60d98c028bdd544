import type { VisitState } from '../visit/state';
import { acceptedAtOneStop, CASHLESS_METHODS, CITIZEN_SURVEY_QUESTIONS, isCertificateOnly, type KpiInputs } from './daily';
import { emptyKpiInputs } from './kpi';

/**
 * One visit's share of its business day's KPI inputs, in a form that adds and subtracts exactly
 * (the node layer keeps per-day sums up to date at fold time: a re-fold subtracts the visit's old
 * share and adds its new one). Durations are whole milliseconds (integers add exactly, in any
 * order); KPI② is kept independent of which department hosts the one-stop counter: a visit counts
 * for every host when it has a proxy acceptance or acceptances at two or more departments
 * (`oneStopAnyHost`), and otherwise, when its acceptances are all at one department D, for every
 * host but D (`oneStopSingle[D]`). So the sums never need refolding when that department changes.
 * Same definitions as kpiOfVisit (daily.ts); shareToKpiInputs(visitKpiShare(v), h) equals
 * kpiOfVisit(v, h) up to the ms → s division.
 */
/** The department hosting the one-stop counter when none is named (kpiOfVisit's and the daily report's default). */
export const DEFAULT_ONE_STOP = 'shimin';

export interface KpiShare {
  date: string;
  /** Every field is a count or a sum over the day's visits. */
  day: KpiDayCounts;
  departments: Record<string, KpiDepartmentCounts>;
}

export const KPI_DAY_COLUMNS = [
  'visits',
  'guide_qr',
  'one_stop_accepted',
  'one_stop_any_host',
  'payments',
  'cashless_payments',
  'cashless_sat_sum',
  'cashless_sat_n',
  'survey_sum',
  'survey_n',
  'stay_ms',
  'stay_n',
] as const;
export type KpiDayColumn = (typeof KPI_DAY_COLUMNS)[number];
export type KpiDayCounts = Record<KpiDayColumn, number>;

export const KPI_DEPARTMENT_COLUMNS = ['wait_ms', 'wait_n', 'one_stop_single'] as const;
export type KpiDepartmentColumn = (typeof KPI_DEPARTMENT_COLUMNS)[number];
export type KpiDepartmentCounts = Record<KpiDepartmentColumn, number>;

/** Guide completions of a day (not visits): Σ count, and the 1–5 ratings they carry. */
export interface KpiGuideCounts {
  guide_events: number;
  guide_uses: number;
  guide_rating_sum: number;
  guide_rating_n: number;
}

// A literal (one object shape, no per-call arrays): made once per folded visit. The type pins its keys to KPI_DAY_COLUMNS.
export const emptyDayCounts = (): KpiDayCounts => ({
  visits: 0,
  guide_qr: 0,
  one_stop_accepted: 0,
  one_stop_any_host: 0,
  payments: 0,
  cashless_payments: 0,
  cashless_sat_sum: 0,
  cashless_sat_n: 0,
  survey_sum: 0,
  survey_n: 0,
  stay_ms: 0,
  stay_n: 0,
});
export const emptyDepartmentCounts = (): KpiDepartmentCounts => ({ wait_ms: 0, wait_n: 0, one_stop_single: 0 });

function msBetween(from: string | undefined, to: string | undefined): number | null {
  if (!from || !to) return null;
  const d = Date.parse(to) - Date.parse(from);
  return Number.isFinite(d) && d >= 0 ? d : null;
}

export function visitKpiShare(v: VisitState): KpiShare {
  const day = emptyDayCounts();
  const departments: Record<string, KpiDepartmentCounts> = {};
  day.visits = 1;
  if (v.source === 'guide-qr') day.guide_qr = 1;
  for (const stop of v.stops) {
    const w = msBetween(stop.arrivedAt, stop.firstCalledAt);
    if (w === null) continue;
    const c = (departments[stop.department] ??= emptyDepartmentCounts());
    c.wait_ms += w;
    c.wait_n += 1;
  }
  if (v.status === 'done' && v.stops.length > 0 && !isCertificateOnly(v)) {
    const stay = msBetween(v.issuedAt, v.completedAt);
    if (stay !== null) {
      day.stay_ms = stay;
      day.stay_n = 1;
    }
  }
  const accepted = v.items.filter(acceptedAtOneStop);
  day.one_stop_accepted = accepted.length;
  if (accepted.length > 0) {
    const depts = new Set(accepted.map((i) => i.department));
    if (accepted.some((i) => i.route === 'proxy') || depts.size >= 2) day.one_stop_any_host = 1;
    else (departments[accepted[0]!.department] ??= emptyDepartmentCounts()).one_stop_single = 1;
  }
  let paidCashless = false;
  for (const p of v.payments) {
    day.payments++;
    if (CASHLESS_METHODS.includes(p.method)) {
      day.cashless_payments++;
      paidCashless = true;
    }
  }
  if (v.survey) {
    for (const q of CITIZEN_SURVEY_QUESTIONS) {
      const s = v.survey.scores[q];
      if (typeof s === 'number') {
        day.survey_sum += s;
        day.survey_n += 1;
      }
    }
    const c = v.survey.scores.cashless;
    if (paidCashless && typeof c === 'number') {
      day.cashless_sat_sum = c;
      day.cashless_sat_n = 1;
    }
  }
  return { date: v.businessDate, day, departments };
}

/**
 * KPI inputs from summed day counts, department counts and guide counts, for the department
 * hosting the one-stop counter (catalog `oneStop`).
 */
export function countsToKpiInputs(day: KpiDayCounts, departments: Readonly<Record<string, KpiDepartmentCounts>>, guide: KpiGuideCounts, oneStop: string): KpiInputs {
  const k = emptyKpiInputs();
  k.guideOnlineUses = guide.guide_uses;
  k.guideSatisfaction = { sum: guide.guide_rating_sum, n: guide.guide_rating_n };
  k.guideQrHandovers = day.guide_qr;
  k.oneStopAccepted = day.one_stop_accepted;
  k.oneStopVisits = day.one_stop_any_host;
  k.payments = day.payments;
  k.cashlessPayments = day.cashless_payments;
  k.cashlessSatisfaction = { sum: day.cashless_sat_sum, n: day.cashless_sat_n };
  k.citizenSurvey = { sum: day.survey_sum, n: day.survey_n };
  k.visitStay = { sum: day.stay_ms / 1000, n: day.stay_n };
  for (const [d, c] of Object.entries(departments)) {
    if (d !== oneStop) k.oneStopVisits += c.one_stop_single;
    if (c.wait_n > 0) k.departmentWait[d] = { sum: c.wait_ms / 1000, n: c.wait_n };
  }
  return k;
}

/** One visit's KPI inputs through its share (what the aggregates add up), for checks. */
export function shareToKpiInputs(s: KpiShare, oneStop: string): KpiInputs {
  return countsToKpiInputs(s.day, s.departments, { guide_events: 0, guide_uses: 0, guide_rating_sum: 0, guide_rating_n: 0 }, oneStop);
}
