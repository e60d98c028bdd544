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
}

export const EMPTY_PRIOR: WaitPrior = { service: {}, counters: {}, overall: {} };

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
}

/** Every stop of these visits that a counter finished (called → finished here). */
export function servedStops(visits: Iterable<VisitState>, until = Infinity): ServedStop[] {
  const out: ServedStop[] = [];
  for (const v of visits) {
    for (const s of v.stops) {
      if (!s.finishedAt || !s.firstCalledAt) continue;
      const finishedAt = Date.parse(s.finishedAt);
      if (!(finishedAt <= until)) continue;
      const calledAt = Date.parse(s.firstCalledAt);
      if (!(finishedAt >= calledAt)) continue;
      out.push({ department: s.department, counter: s.counter, calledAt, finishedAt });
    }
  }
  return out;
}

/** The prior from past days' visits (any number of days; the caller picks the same weekday of earlier weeks). */
export function buildWaitPrior(pastVisits: Iterable<VisitState>, timeZone: string): WaitPrior {
  const service = new Map<string, { sum: number; n: number }>();
  const overall = new Map<string, { sum: number; n: number }>();
  // key → business date → counters seen
  const counters = new Map<string, Map<string, Set<string>>>();
  for (const v of pastVisits) {
    for (const s of servedStops([v])) {
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
      if (s.counter) {
        const byDay = counters.get(key) ?? new Map<string, Set<string>>();
        const set = byDay.get(v.businessDate) ?? new Set<string>();
        set.add(s.counter);
        byDay.set(v.businessDate, set);
        counters.set(key, byDay);
      }
    }
  }
  const prior: WaitPrior = { service: {}, counters: {}, overall: {} };
  for (const [k, a] of service) prior.service[k] = { seconds: a.sum / a.n, n: a.n };
  for (const [k, a] of overall) prior.overall[k] = { seconds: a.sum / a.n, n: a.n };
  for (const [k, byDay] of counters) {
    let sum = 0;
    for (const set of byDay.values()) sum += set.size;
    prior.counters[k] = { mean: sum / byDay.size, days: byDay.size };
  }
  return prior;
}
