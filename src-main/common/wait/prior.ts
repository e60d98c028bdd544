import type { VisitState } from '../visit/state';

/**
 * What past weeks say about a department at this weekday and hour: the mean time a counter spends
 * on one visitor (from the first call to 'finished here'), and how many counters were serving.
 * Built from the same weekday of earlier weeks, it seeds the day's estimate before the day has
 * data of its own.
 */
export interface WaitPrior {
  /** `${department}|${weekday 0–6}|${hour 0–23}` → mean service seconds and how many stops it is from. */
  service: Record<string, { seconds: number; n: number }>;
  /** Same key → mean number of counters that served at least one visitor in that hour. */
  counters: Record<string, { mean: number; days: number }>;
  /** department → mean service seconds over all hours (the fallback for an hour with no data). */
  overall: Record<string, { seconds: number; n: number }>;
  /**
   * The work a stop brings: `${department}|${procedures at the stop}` and `${department}|#${how many}`
   * → mean service seconds (all hours). A certificate takes minutes, a move with five procedures
   * half an hour: the line ahead is timed by what each visitor in it came for.
   */
  work?: Record<string, { seconds: number; n: number }>;
  /**
   * department → how far one visitor's time strays from the mean for their work: the standard
   * deviation of ln(seconds ÷ that mean). The estimate draws service times with this spread.
   */
  spread?: Record<string, { sigma: number; n: number }>;
}

export const EMPTY_PRIOR: WaitPrior = { service: {}, counters: {}, overall: {}, work: {}, spread: {} };

/**
 * What a visitor brings to a stop of their route: the procedures handled there. The one-stop
 * counter (the first stop when the list has anything to accept or take by proxy) handles every
 * accepted and proxied procedure and explains the referrals; a later department handles the
 * procedures referred to it.
 */
export function stopProcedures(v: Pick<VisitState, 'route' | 'items'>, k: number): string[] {
  const d = v.route[k];
  if (d === undefined) return [];
  const accepts = v.items.some((i) => !i.external && (i.route === 'accept' || i.route === 'proxy'));
  const here = k === 0 && accepts ? v.items.filter((i) => !i.external) : v.items.filter((i) => i.department === d && (i.route === 'refer' || i.route === 'refer-optional'));
  return here.map((i) => i.id).sort();
}

/** The two keys of a stop's work, most specific first. */
export function workKeys(department: string, procedures: readonly string[]): [string, string] {
  return [`${department}|${procedures.join(',')}`, `${department}|#${Math.min(procedures.length, 6)}`];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local weekday (0 = Sunday) and hour of an instant in a time zone. */
export function localWeekdayHour(at: number, timeZone: string): { weekday: number; hour: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let weekday = 0;
  let hour = 0;
  for (const p of f.formatToParts(new Date(at))) {
    if (p.type === 'weekday') weekday = WEEKDAYS.indexOf(p.value);
    else if (p.type === 'hour') hour = Number(p.value) % 24;
  }
  return { weekday, hour };
}
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function priorKey(department: string, weekday: number, hour: number): string {
  return `${department}|${weekday}|${hour}`;
}

/** One finished stop: where, which counter, from the first call to the end, in milliseconds. */
export interface ServedStop {
  department: string;
  counter: string | undefined;
  calledAt: number;
  finishedAt: number;
  /** The procedures handled at the stop (`stopProcedures`), when asked for. */
  procedures?: string[];
}

/** Every stop of these visits that a counter finished (called → finished here). */
export function servedStops(visits: Iterable<VisitState>, until = Infinity, withProcedures = false): ServedStop[] {
  const out: ServedStop[] = [];
  for (const v of visits) {
    v.stops.forEach((s, k) => {
      if (!s.finishedAt || !s.firstCalledAt) return;
      const finishedAt = Date.parse(s.finishedAt);
      if (!(finishedAt <= until)) return;
      const calledAt = Date.parse(s.firstCalledAt);
      if (!(finishedAt >= calledAt)) return;
      out.push({ department: s.department, counter: s.counter, calledAt, finishedAt, ...(withProcedures ? { procedures: stopProcedures(v, k) } : {}) });
    });
  }
  return out;
}

/** The prior from past days' visits (any number of days; the caller picks the same weekday of earlier weeks). */
export function buildWaitPrior(pastVisits: Iterable<VisitState>, timeZone: string): WaitPrior {
  const service = new Map<string, { sum: number; n: number }>();
  const overall = new Map<string, { sum: number; n: number }>();
  const work = new Map<string, { sum: number; n: number }>();
  // key → business date → counters seen
  const counters = new Map<string, Map<string, Set<string>>>();
  const stops: ServedStop[] = [];
  for (const v of pastVisits) {
    for (const s of servedStops([v], Infinity, true)) {
      stops.push(s);
      const { weekday, hour } = localWeekdayHour(s.calledAt, timeZone);
      const key = priorKey(s.department, weekday, hour);
      const secs = (s.finishedAt - s.calledAt) / 1000;
      const a = service.get(key) ?? { sum: 0, n: 0 };
      a.sum += secs;
      a.n += 1;
      service.set(key, a);
      const o = overall.get(s.department) ?? { sum: 0, n: 0 };
      o.sum += secs;
      o.n += 1;
      overall.set(s.department, o);
      for (const wk of workKeys(s.department, s.procedures!)) {
        const w = work.get(wk) ?? { sum: 0, n: 0 };
        w.sum += secs;
        w.n += 1;
        work.set(wk, w);
      }
      if (s.counter) {
        const byDay = counters.get(key) ?? new Map<string, Set<string>>();
        const set = byDay.get(v.businessDate) ?? new Set<string>();
        set.add(s.counter);
        byDay.set(v.businessDate, set);
        counters.set(key, byDay);
      }
    }
  }
  const prior: WaitPrior = { service: {}, counters: {}, overall: {}, work: {}, spread: {} };
  for (const [k, a] of service) prior.service[k] = { seconds: a.sum / a.n, n: a.n };
  for (const [k, a] of overall) prior.overall[k] = { seconds: a.sum / a.n, n: a.n };
  for (const [k, a] of work) prior.work![k] = { seconds: a.sum / a.n, n: a.n };
  // The spread around the mean for the same work (the most specific key with 3 stops or more).
  const spread = new Map<string, { sum2: number; n: number }>();
  for (const s of stops) {
    const secs = (s.finishedAt - s.calledAt) / 1000;
    const mean = workKeys(s.department, s.procedures!).map((k) => work.get(k)).find((w) => w && w.n >= 3);
    if (!mean || secs <= 0) continue;
    const r = Math.log(secs / (mean.sum / mean.n));
    const a = spread.get(s.department) ?? { sum2: 0, n: 0 };
    a.sum2 += r * r;
    a.n += 1;
    spread.set(s.department, a);
  }
  for (const [d, a] of spread) if (a.n >= 5) prior.spread![d] = { sigma: Math.sqrt(a.sum2 / a.n), n: a.n };
  for (const [k, byDay] of counters) {
    let sum = 0;
    for (const set of byDay.values()) sum += set.size;
    prior.counters[k] = { mean: sum / byDay.size, days: byDay.size };
  }
  return prior;
}
