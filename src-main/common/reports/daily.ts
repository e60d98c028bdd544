import type { VisitState, VisitItem } from '../visit/state';
import { PAYMENT_METHODS, type PaymentMethod } from '../visit/events';
import { CERTIFICATES } from '../guidance/facts';
import { fiscalYearOf } from './fiscalYear';
import { secondsBetween, summarize, type DurationStats, type MeanParts } from './stats';
import { addKpiInputs, emptyKpiInputs } from './kpi';
import { stationKey } from './stationLabel';

/**
 * The daily report (日報), folded from the day's visits (themselves folded from the event log)
 * and the day's anonymous guide completions. Pure: the same visits give the same report, so it
 * can be stored as the day's anonymous statistics before personal details are erased.
 */

export const SURVEY_QUESTIONS = ['ease', 'convenience', 'waiting', 'clarity', 'cashless'] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number];
/** The four questions of the citizen survey KPI (使用感・利便性・待ち時間・案内の分かりやすさ). */
export const CITIZEN_SURVEY_QUESTIONS = ['ease', 'convenience', 'waiting', 'clarity'] as const;

export const CASHLESS_METHODS: readonly PaymentMethod[] = ['card', 'qr', 'e-money'];

export const OUTCOMES = ['accepted', 'proxy', 'referred', 'declined', 'awaiting-delivery', 'to-confirm', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Procedure ids that are certificate requests (証明発行), not applications (申請受付). */
const CERTIFICATE_ITEMS: ReadonlySet<string> = new Set<string>(CERTIFICATES);

export interface TimesRow {
  /** Department id, or '*' for the whole visit. */
  department: string;
  wait: DurationStats;
  service: DurationStats;
  stay: DurationStats;
}

export interface UnfinishedVisit {
  visitId: string;
  number: number;
  station: string;
  /** The site (本庁舎, a 支所) the ticket was issued at; absent in reports stored before it was kept. */
  site?: string;
  status: string;
  /** Where the visitor was when the day closed. */
  department: string | null;
  issuedAt: string;
  /** Stops still ahead, including the current one. */
  remaining: string[];
  openItems: number;
}

/** Sums and counts that add up across days into the fiscal-year KPIs. */
export interface KpiInputs {
  guideOnlineUses: number;
  guideQrHandovers: number;
  /** Procedures (not certificate issues) accepted or proxy-accepted at the one-stop counter: KPI②'s detail. */
  oneStopAccepted: number;
  /**
   * KPI② (総合窓口支援システムを利用した受付件数): visits in which the one-stop counter accepted at
   * least one procedure on behalf of another department (代理受付, or 受付 spanning two or more
   * departments). Absent in days stored before the second edition (read as 0).
   */
  oneStopVisits: number;
  payments: number;
  cashlessPayments: number;
  cashlessSatisfaction: MeanParts;
  citizenSurvey: MeanParts;
  guideSatisfaction: MeanParts;
  /** Total stay of completed visits, seconds; certificate-only visits are left out. */
  visitStay: MeanParts;
  /** Wait per stop at each department, seconds (市民課手続き待ち時間 reads one of them). */
  departmentWait: Record<string, MeanParts>;
}

export interface DailyReport {
  /** Layout version of this object (stored per day; bump when fields change). */
  version: 1;
  date: string;
  fiscalYear: number;
  timeZone: string;
  /** True when no visit was issued that day: the report says so in every format. */
  empty: boolean;
  visits: {
    issued: number;
    completed: number;
    cancelled: number;
    noShow: number;
    unfinished: number;
    priority: number;
    /** Visits that had at least one no-show and were reactivated. */
    reactivated: number;
    fromGuideQr: number;
  };
  /** Per site and station (two sites may both number a station "east"); `site` is absent in reports stored before it was kept. */
  byStation: Array<{ station: string; site?: string; issued: number }>;
  byLifeEvent: Array<{ event: string; visits: number }>;
  byHour: Array<{ hour: number; issued: number; completed: number }>;
  times: TimesRow[];
  procedures: Array<{ department: string; route: string; outcome: Outcome; count: number }>;
  proceduresByDepartment: Array<{ department: string; total: number } & Record<Outcome, number>>;
  proceduresByRoute: Array<{ route: string; total: number } & Record<Outcome, number>>;
  payments: Array<{ method: PaymentMethod; count: number; amount: number }>;
  cashless: { count: number; payments: number; rate: number | null; amount: number; totalAmount: number };
  survey: { responses: number; questions: Array<{ question: SurveyQuestion; responses: number; mean: number | null; sum: number }> };
  guide: { onlineUses: number; qrHandovers: number; total: number };
  unfinishedVisits: UnfinishedVisit[];
  kpiInputs: KpiInputs;
  /**
   * Counter finishes that left procedures 未着手・受付 (workflow integrity): `confirmed` with the
   * clerk's reason, `unconfirmed` when folded from a terminal that did not confirm them; `items`
   * counts the procedures left. Absent in reports stored before it was added.
   */
  leftOpen?: { confirmed: number; unconfirmed: number; items: number };
}

export interface DailyInput {
  date: string;
  timeZone: string;
  visits: readonly VisitState[];
  /** Sum of the `count` of the day's `guide.completed` events. */
  guideOnlineUses?: number;
  /** 1–5 ratings carried by the day's `guide.completed` events. */
  guideRatings?: readonly number[];
  /** Station ids from the config, so a station with no visit still shows a 0 row. */
  stations?: readonly string[];
  /** The site of this terminal (the config's stations are its own); visits of unknown site count as its. */
  site?: string;
  /** Visit id → the site its ticket was issued at (a supervisor's database holds every site of the municipality). */
  visitSites?: ReadonlyMap<string, string>;
  /** The department hosting the one-stop counter (catalog `oneStop`), default 市民課. */
  oneStop?: string;
  /** Report hours (local), default 8..17. */
  hours?: readonly number[];
}

/**
 * The report's hours in order, every hour between the first and the last one that has a row:
 * a visit issued at 1 a.m. (a test ticket, a night opening) gets its own bar, and the hours between
 * it and the opening hours get empty ones, so a chart's axis or a table never jumps from 1時 to 8時.
 */
function hoursInOrder(byHour: ReadonlyMap<number, { issued: number; completed: number }>): DailyReport['byHour'] {
  const hours = [...byHour.keys()];
  if (!hours.length) return [];
  const out: DailyReport['byHour'] = [];
  for (let h = Math.min(...hours), last = Math.max(...hours); h <= last; h++) out.push({ hour: h, ...(byHour.get(h) ?? { issued: 0, completed: 0 }) });
  return out;
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();
/** Local hour of an instant; one formatter per zone (the report folds thousands of visits). */
export function hourIn(at: string, timeZone: string): number {
  let f = hourFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    hourFormatters.set(timeZone, f);
  }
  return Number(f.format(new Date(at)));
}

/** How a procedure ended up, from its status and steps (the report's outcome column). */
export function itemOutcome(item: Pick<VisitItem, 'status' | 'steps'>): Outcome {
  switch (item.status) {
    case 'declined':
      return 'declined';
    case 'referred':
      return 'referred';
    case 'awaiting-delivery':
      return 'awaiting-delivery';
    case 'to-confirm':
      return 'to-confirm';
    case 'listed':
      return 'pending';
    default:
      return item.steps.some((s) => s.status === 'proxy-accepted') ? 'proxy' : 'accepted';
  }
}

/** Accepted (受付) or proxy-accepted (代理受付) at the one-stop counter. */
export function acceptedAtOneStop(item: Pick<VisitItem, 'id' | 'route' | 'steps'>): boolean {
  if (CERTIFICATE_ITEMS.has(item.id)) return false;
  if (item.route !== 'accept' && item.route !== 'proxy') return false;
  return item.steps.some((s) => s.status === 'accepted' || s.status === 'proxy-accepted');
}

/** Only certificate requests (証明書): left out of the one-stop counter's average time. */
export function isCertificateOnly(v: Pick<VisitState, 'items'>): boolean {
  return v.items.length > 0 && v.items.every((i) => CERTIFICATE_ITEMS.has(i.id));
}

/** KPI②: did the one-stop counter accept a procedure on behalf of another department in this visit? */
export function acceptedForAnotherDepartment(v: Pick<VisitState, 'items'>, oneStop: string): boolean {
  const accepted = v.items.filter(acceptedAtOneStop);
  if (accepted.some((i) => i.route === 'proxy' || i.department !== oneStop)) return true;
  return new Set(accepted.map((i) => i.department)).size >= 2;
}

/**
 * One visit's share of the KPI inputs (pure): what a fold adds when the visit is counted, so the
 * node layer can keep per-day aggregates incrementally or fold a whole day with computeDailyReport.
 * Guide completions (uses, ratings) are not visits and are added by the day.
 */
export function kpiOfVisit(v: VisitState, oneStop = 'shimin'): KpiInputs {
  const kpi = emptyKpiInputs();
  if (v.source === 'guide-qr') kpi.guideQrHandovers = 1;
  for (const stop of v.stops) {
    const w = secondsBetween(stop.arrivedAt, stop.firstCalledAt);
    if (w === null) continue;
    const dw = (kpi.departmentWait[stop.department] ??= { sum: 0, n: 0 });
    dw.sum += w;
    dw.n += 1;
  }
  if (v.status === 'done' && v.stops.length > 0 && !isCertificateOnly(v)) {
    const stay = secondsBetween(v.issuedAt, v.completedAt);
    if (stay !== null) kpi.visitStay = { sum: stay, n: 1 };
  }
  for (const it of v.items) if (acceptedAtOneStop(it)) kpi.oneStopAccepted++;
  if (acceptedForAnotherDepartment(v, oneStop)) kpi.oneStopVisits = 1;
  let paidCashless = false;
  for (const p of v.payments) {
    kpi.payments++;
    if (CASHLESS_METHODS.includes(p.method)) {
      kpi.cashlessPayments++;
      paidCashless = true;
    }
  }
  if (v.survey) {
    // The kiosk survey's four questions: kept for the daily report, no longer the 市民アンケート KPI.
    for (const q of CITIZEN_SURVEY_QUESTIONS) {
      const s = v.survey.scores[q];
      if (typeof s === 'number') {
        kpi.citizenSurvey.sum += s;
        kpi.citizenSurvey.n += 1;
      }
    }
    const c = v.survey.scores.cashless;
    if (paidCashless && typeof c === 'number') kpi.cashlessSatisfaction = { sum: c, n: 1 };
  }
  return kpi;
}

const ROUTE_ORDER = ['accept', 'proxy', 'refer', 'refer-optional'];

const emptyOutcomes = (): Record<Outcome, number> => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

export function computeDailyReport(input: DailyInput): DailyReport {
  const { date, timeZone } = input;
  const visits = [...input.visits].sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : a.number - b.number));
  const hours = input.hours ?? [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];

  const counts = { issued: 0, completed: 0, cancelled: 0, noShow: 0, unfinished: 0, priority: 0, reactivated: 0, fromGuideQr: 0 };
  // Keyed by (site, station): two sites may both number a station "east".
  const siteOf = (v: VisitState): string | undefined => input.visitSites?.get(v.id) ?? input.site;
  const byStation = new Map<string, { station: string; site?: string; issued: number }>(
    (input.stations ?? []).map((s) => [stationKey(input.site, s), { station: s, ...(input.site !== undefined ? { site: input.site } : {}), issued: 0 }]),
  );
  const byEvent = new Map<string, number>();
  const byHour = new Map<number, { issued: number; completed: number }>(hours.map((h) => [h, { issued: 0, completed: 0 }]));
  const samples = new Map<string, { wait: number[]; service: number[]; stay: number[] }>();
  const sampleOf = (d: string) => {
    let s = samples.get(d);
    if (!s) samples.set(d, (s = { wait: [], service: [], stay: [] }));
    return s;
  };
  sampleOf('*');
  const proc = new Map<string, number>();
  const pay = new Map<PaymentMethod, { count: number; amount: number }>(PAYMENT_METHODS.map((m) => [m, { count: 0, amount: 0 }]));
  const survey = new Map<SurveyQuestion, number[]>(SURVEY_QUESTIONS.map((q) => [q, []]));
  let responses = 0;
  const leftOpen = { confirmed: 0, unconfirmed: 0, items: 0 };
  const unfinished: UnfinishedVisit[] = [];
  let kpi: KpiInputs = { ...emptyKpiInputs(), guideOnlineUses: input.guideOnlineUses ?? 0 };
  const oneStop = input.oneStop ?? 'shimin';
  // 利用満足度 of the guide: only the guide users' own ratings.
  for (const r of input.guideRatings ?? []) {
    kpi.guideSatisfaction.sum += r;
    kpi.guideSatisfaction.n += 1;
  }

  for (const v of visits) {
    counts.issued++;
    if (v.priority) counts.priority++;
    if (v.source === 'guide-qr') counts.fromGuideQr++;
    if (v.timeline.some((t) => t.type === 'reactivated')) counts.reactivated++;
    if (v.status === 'done') counts.completed++;
    else if (v.status === 'cancelled') counts.cancelled++;
    else if (v.status === 'no-show') counts.noShow++;
    else counts.unfinished++;
    const site = siteOf(v);
    const sk = stationKey(site, v.station);
    const st = byStation.get(sk);
    if (st) st.issued++;
    else byStation.set(sk, { station: v.station, ...(site !== undefined ? { site } : {}), issued: 1 });
    for (const e of v.events) byEvent.set(e, (byEvent.get(e) ?? 0) + 1);
    const ih = hourIn(v.issuedAt, timeZone);
    const hi = byHour.get(ih) ?? { issued: 0, completed: 0 };
    hi.issued++;
    byHour.set(ih, hi);
    if (v.status === 'done' && v.completedAt) {
      const ch = hourIn(v.completedAt, timeZone);
      const hc = byHour.get(ch) ?? { issued: 0, completed: 0 };
      hc.completed++;
      byHour.set(ch, hc);
    }

    // Times: per stop for departments; per visit for the whole.
    let serviceTotal = 0;
    for (const stop of v.stops) {
      const s = sampleOf(stop.department);
      const w = secondsBetween(stop.arrivedAt, stop.firstCalledAt);
      if (w !== null) s.wait.push(w);
      const sv = secondsBetween(stop.startedAt, stop.finishedAt);
      if (sv !== null) {
        s.service.push(sv);
        serviceTotal += sv;
      }
      const st = secondsBetween(stop.arrivedAt, stop.finishedAt);
      if (st !== null) s.stay.push(st);
    }
    const all = sampleOf('*');
    const firstWait = secondsBetween(v.issuedAt, v.stops[0]?.firstCalledAt);
    if (firstWait !== null) all.wait.push(firstWait);
    if (v.status === 'done' && v.stops.length > 0) {
      all.service.push(serviceTotal);
      const stay = secondsBetween(v.issuedAt, v.completedAt);
      if (stay !== null) all.stay.push(stay);
    }

    for (const it of v.items) {
      const key = `${it.department}\u0000${it.route}\u0000${itemOutcome(it)}`;
      proc.set(key, (proc.get(key) ?? 0) + 1);
    }
    kpi = addKpiInputs(kpi, kpiOfVisit(v, oneStop));

    for (const r of v.leftOpen ?? []) {
      if (r.confirmed) leftOpen.confirmed++;
      else leftOpen.unconfirmed++;
      leftOpen.items += r.items.length;
    }

    for (const p of v.payments) {
      const e = pay.get(p.method) ?? { count: 0, amount: 0 };
      e.count++;
      e.amount += p.amount;
      pay.set(p.method, e);
    }

    if (v.survey) {
      responses++;
      for (const q of SURVEY_QUESTIONS) {
        const s = v.survey.scores[q];
        if (typeof s === 'number') survey.get(q)!.push(s);
      }
    }

    if (v.status === 'waiting' || v.status === 'called' || v.status === 'serving' || v.status === 'no-show') {
      unfinished.push({
        visitId: v.id,
        number: v.number,
        station: v.station,
        ...(site !== undefined ? { site } : {}),
        status: v.status,
        department: v.route[v.stop] ?? null,
        issuedAt: v.issuedAt,
        remaining: v.route.slice(v.stop),
        openItems: v.items.filter((i) => i.status === 'listed' || i.status === 'to-confirm').length,
      });
    }
  }

  const deptOrder = [...samples.keys()].filter((d) => d !== '*');
  const times: TimesRow[] = ['*', ...deptOrder].map((d) => {
    const s = samples.get(d)!;
    return { department: d, wait: summarize(s.wait), service: summarize(s.service), stay: summarize(s.stay) };
  });

  const procedures = [...proc.entries()]
    .map(([k, count]) => {
      const [department, route, outcome] = k.split('\u0000') as [string, string, Outcome];
      return { department, route, outcome, count };
    })
    .sort((a, b) => a.department.localeCompare(b.department) || a.route.localeCompare(b.route) || OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome));
  const group = <K extends 'department' | 'route'>(key: K) => {
    const m = new Map<string, { total: number } & Record<Outcome, number>>();
    for (const p of procedures) {
      const e = m.get(p[key]) ?? { total: 0, ...emptyOutcomes() };
      e.total += p.count;
      e[p.outcome] += p.count;
      m.set(p[key], e);
    }
    return [...m.entries()].map(([k, e]) => ({ [key]: k, ...e }) as { [P in K]: string } & { total: number } & Record<Outcome, number>);
  };

  const payments = PAYMENT_METHODS.map((method) => ({ method, ...pay.get(method)! }));
  const cashlessAmount = payments.filter((p) => CASHLESS_METHODS.includes(p.method)).reduce((a, p) => a + p.amount, 0);
  const totalAmount = payments.reduce((a, p) => a + p.amount, 0);

  return {
    version: 1,
    date,
    fiscalYear: fiscalYearOf(date),
    timeZone,
    empty: counts.issued === 0,
    visits: counts,
    byStation: [...byStation.values()],
    byLifeEvent: [...byEvent.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([event, n]) => ({ event, visits: n })),
    byHour: hoursInOrder(byHour),
    times,
    procedures,
    proceduresByDepartment: group('department'),
    proceduresByRoute: group('route').sort((a, b) => ROUTE_ORDER.indexOf(a.route) - ROUTE_ORDER.indexOf(b.route)),
    payments,
    cashless: {
      count: kpi.cashlessPayments,
      payments: kpi.payments,
      rate: kpi.payments > 0 ? kpi.cashlessPayments / kpi.payments : null,
      amount: cashlessAmount,
      totalAmount,
    },
    survey: {
      responses,
      questions: SURVEY_QUESTIONS.map((q) => {
        const xs = survey.get(q)!;
        const sum = xs.reduce((a, b) => a + b, 0);
        return { question: q, responses: xs.length, sum, mean: xs.length ? sum / xs.length : null };
      }),
    },
    // A use handed over at the kiosk was counted when the guide finished: the total counts it once.
    guide: { onlineUses: kpi.guideOnlineUses, qrHandovers: kpi.guideQrHandovers, total: kpi.guideOnlineUses },
    unfinishedVisits: unfinished,
    kpiInputs: kpi,
    leftOpen,
  };
}
