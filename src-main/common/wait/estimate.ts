import { queueRank, type VisitState } from '../visit/state';
import { EMPTY_PRIOR, localWeekdayHour, priorKey, servedStops, type ServedStop, type WaitPrior } from './prior';

/**
 * 待ち時間の見込み: how long until a visitor is called, per department and along a visitor's
 * whole route. Pure: it reads today's visits as they stand at `now`.
 *
 * - Service time per department: an exponentially weighted mean of today's finished stops (recent
 *   ones count most), seeded by the same weekday and hour of past weeks (`WaitPrior`) so the
 *   morning has an estimate before the day has data.
 * - Open counters: the counters that called, served or finished someone recently, or the past
 *   weeks' count for this hour before any has.
 * - The line: who is ahead in queue order (returned 不在 visitors, priority, original issue time),
 *   plus visitors still at an earlier stop of their own route who will join this line ahead of
 *   the visitor (they keep their original issue time), each at the time they are expected there.
 * - The counters take the line as one flow: idle counters call at once, then one frees up every
 *   service time ÷ open counters; a visitor not yet in the line is called no earlier than they
 *   arrive. Each stop of the visitor's route is estimated the same way, from when they get there.
 */

export interface WaitOptions {
  now: number;
  timeZone: string;
  prior?: WaitPrior;
  /** Minutes after which a finished stop counts half (default 45). */
  halfLifeMinutes?: number;
  /** How many of today's stops the prior weighs as (default 4). */
  priorWeight?: number;
  /** A counter is open when it called or finished someone within this many minutes (default 20). */
  openWindowMinutes?: number;
  /** Counters per department in the config: the last resort when neither today nor the prior knows. */
  configuredCounters?: Readonly<Record<string, number>>;
  /** Service seconds when nothing at all is known (default 600). */
  defaultServiceSeconds?: number;
}

export interface DepartmentWait {
  department: string;
  waiting: number;
  openCounters: number;
  /** The estimated seconds a counter spends on one visitor here now. */
  serviceSeconds: number;
  /** Minutes a visitor who joined the line now would wait to be called. */
  estimateMinutes: number;
}

export interface StopWait {
  department: string;
  /** Minutes from now until called here (the first stop: the wait; later ones: when). */
  calledInMinutes: number;
  waitMinutes: number;
}

export interface VisitWait {
  department: string | null;
  /** Visitors who will be called here before this one (the line and those joining it ahead). */
  ahead: number;
  /** Minutes until called at the current stop (0 when called or served), rounded as shown. */
  minutes: number;
  /** The same, unrounded (for measuring the model). */
  exactMinutes: number;
  /** Minutes until the last stop of the route is done. */
  routeMinutes: number;
  stops: StopWait[];
}

interface Entry {
  v: VisitState;
  rank: number;
  key: string;
}

interface Holder {
  since: number;
}

const MIN = 60_000;

function before(a: { rank: number; key: string; number: number }, b: { rank: number; key: string; number: number }): boolean {
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.key !== b.key) return a.key < b.key;
  return a.number < b.number;
}

export class WaitEstimator {
  readonly now: number;
  private readonly opts: Required<Omit<WaitOptions, 'configuredCounters' | 'prior'>> & { prior: WaitPrior; configuredCounters: Readonly<Record<string, number>> };
  private readonly lines = new Map<string, Entry[]>();
  private readonly holders = new Map<string, Holder[]>();
  /** Visits still on an earlier stop whose route comes to the department later. */
  private readonly incoming = new Map<string, Array<{ v: VisitState; stopIndex: number }>>();
  private readonly served = new Map<string, ServedStop[]>();
  private readonly activeCounters = new Map<string, Set<string>>();
  private readonly memo = new Map<string, { service: number; counters: number }>();
  private readonly departmentsSeen = new Set<string>();

  constructor(visits: Iterable<VisitState>, opts: WaitOptions) {
    this.now = opts.now;
    this.opts = {
      now: opts.now,
      timeZone: opts.timeZone,
      prior: opts.prior ?? EMPTY_PRIOR,
      halfLifeMinutes: opts.halfLifeMinutes ?? 45,
      priorWeight: opts.priorWeight ?? 4,
      openWindowMinutes: opts.openWindowMinutes ?? 20,
      configuredCounters: opts.configuredCounters ?? {},
      defaultServiceSeconds: opts.defaultServiceSeconds ?? 600,
    };
    const windowStart = this.now - this.opts.openWindowMinutes * MIN;
    for (const d of Object.keys(this.opts.configuredCounters)) this.departmentsSeen.add(d);
    for (const v of visits) {
      for (const s of v.stops) {
        this.departmentsSeen.add(s.department);
        if (s.counter && ((s.finishedAt && Date.parse(s.finishedAt) >= windowStart) || (s.firstCalledAt && Date.parse(s.firstCalledAt) >= windowStart))) this.active(s.department).add(s.counter);
      }
      for (const s of servedStops([v], this.now)) this.push(this.served, s.department, s);
      if (v.status === 'done' || v.status === 'cancelled') continue;
      const here = v.route[v.stop];
      if (!here) continue;
      if (v.status === 'waiting') this.push(this.lines, here, { v, rank: queueRank(v), key: v.issuedAt });
      else if ((v.status === 'called' || v.status === 'serving') && v.call) {
        this.push(this.holders, here, { since: Date.parse(v.stops[v.stop]?.firstCalledAt ?? v.call.at) });
        this.active(here).add(v.call.counter);
      }
      if (v.status === 'no-show') continue;
      for (let k = v.stop + 1; k < v.route.length; k++) this.push(this.incoming, v.route[k]!, { v, stopIndex: k });
    }
    for (const line of this.lines.values()) line.sort((a, b) => (before({ ...a, number: a.v.number }, { ...b, number: b.v.number }) ? -1 : 1));
  }

  private push<T>(m: Map<string, T[]>, k: string, x: T): void {
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }

  private active(d: string): Set<string> {
    let s = this.activeCounters.get(d);
    if (!s) this.activeCounters.set(d, (s = new Set()));
    return s;
  }

  /** Seconds one visitor takes at a counter of this department, now. */
  serviceSeconds(department: string): number {
    return this.model(department).service;
  }

  openCounters(department: string): number {
    return this.model(department).counters;
  }

  private model(d: string): { service: number; counters: number } {
    const hit = this.memo.get(d);
    if (hit) return hit;
    const { prior, timeZone } = this.opts;
    const { weekday, hour } = localWeekdayHour(this.now, timeZone);
    const key = priorKey(d, weekday, hour);
    const ps = prior.service[key];
    const seed = ps && ps.n >= 3 ? ps.seconds : (prior.overall[d]?.seconds ?? this.opts.defaultServiceSeconds);
    // Busy counter-time over completions, both weighted by how recent they are: stops still at
    // the counter count with their time so far, so long services are not missed while they last
    // (a plain mean of finished stops would favour the short ones that finish first).
    const halfLife = this.opts.halfLifeMinutes * MIN;
    const lambda = Math.LN2 / halfLife;
    const weight = (t: number) => Math.exp(-lambda * Math.max(0, this.now - t));
    let busy = 0;
    let done = 0;
    for (const s of this.served.get(d) ?? []) {
      busy += (weight(s.finishedAt) - weight(s.calledAt)) / lambda;
      done += weight(s.finishedAt);
    }
    for (const h of this.holders.get(d) ?? []) busy += (1 - weight(h.since)) / lambda;
    const k = this.opts.priorWeight;
    const xsum = k * seed * 1000 + busy;
    const wsum = k + done;
    // A counter's cycle is its service plus the moment between one visitor leaving and its calling
    // the next: the median of today's short gaps (finish → the same counter's next call).
    const service = Math.max(30, xsum / wsum / 1000) + this.turnoverSeconds(d);
    const holding = this.holders.get(d)?.length ?? 0;
    const active = this.activeCounters.get(d)?.size ?? 0;
    const pc = prior.counters[key];
    const fromPrior = pc ? Math.max(1, Math.round(pc.mean)) : 0;
    let counters = Math.max(active, holding);
    if (counters === 0) counters = fromPrior || this.opts.configuredCounters[d] || 1;
    else if (fromPrior > counters && (this.lines.get(d)?.length ?? 0) === 0) counters = fromPrior;
    const m = { service, counters };
    this.memo.set(d, m);
    return m;
  }

  private turnoverSeconds(d: string): number {
    const byCounter = new Map<string, ServedStop[]>();
    for (const s of this.served.get(d) ?? []) if (s.counter) this.push(byCounter, s.counter, s);
    const gaps: number[] = [];
    for (const list of byCounter.values()) {
      list.sort((a, b) => a.calledAt - b.calledAt);
      for (let i = 1; i < list.length; i++) {
        const gap = list[i]!.calledAt - list[i - 1]!.finishedAt;
        if (gap >= 0 && gap <= 60_000) gaps.push(gap);
      }
    }
    if (gaps.length < 5) return 0;
    gaps.sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length / 2)]! / 1000;
  }

  /** Minutes-from-now a visitor already in a line (or serving) is expected to leave its current stop. */
  private leavesCurrentStopInMs(v: VisitState): number {
    const here = v.route[v.stop];
    if (!here) return 0;
    const S = this.serviceSeconds(here) * 1000;
    if (v.status === 'called' || v.status === 'serving') {
      const since = Date.parse(v.stops[v.stop]?.firstCalledAt ?? v.call?.at ?? new Date(this.now).toISOString());
      return Math.max(0.15 * S, S - (this.now - since));
    }
    // Waiting elsewhere: a rough wait (its place in that line over the counters), then its service.
    const line = this.lines.get(here) ?? [];
    const pos = Math.max(0, line.findIndex((e) => e.v.id === v.id));
    return ((pos + 0.5) * S) / this.openCounters(here) + S;
  }

  /**
   * When a visitor with this place in the order, present from `arrivalMs`, is called at `department`
   * (milliseconds from now), and how many are called there before them.
   */
  private callTime(department: string, target: { id: string; rank: number; key: string; number: number; arrivalMs: number }): { atMs: number; ahead: number } {
    const S = this.serviceSeconds(department) * 1000;
    const c = this.openCounters(department);
    const idle = Math.max(0, c - (this.holders.get(department)?.length ?? 0));
    const ahead: Array<{ arrival: number; rank: number; key: string; number: number }> = [];
    for (const e of this.lines.get(department) ?? []) {
      if (e.v.id === target.id) continue;
      const o = { rank: e.rank, key: e.key, number: e.v.number };
      if (before(o, target)) ahead.push({ ...o, arrival: 0 });
    }
    for (const { v, stopIndex } of this.incoming.get(department) ?? []) {
      if (v.id === target.id) continue;
      const o = { rank: v.priority ? 1 : 0, key: v.issuedAt, number: v.number };
      if (!before(o, target)) continue;
      let arrival = this.leavesCurrentStopInMs(v);
      for (let k = v.stop + 1; k < stopIndex; k++) arrival += this.serviceSeconds(v.route[k]!) * 1000;
      ahead.push({ ...o, arrival });
    }
    ahead.sort((a, b) => (before(a, b) ? -1 : 1));
    // The counters as one flow: idle ones call at once, then a counter frees up every S / c on
    // average. Each moment goes to the first one present in queue order; when nobody is there
    // yet, to whoever arrives first.
    const gap = S / c;
    let calledBefore = 0;
    for (let j = 0; j < 100_000; j++) {
      const at = j < idle ? 0 : (j - idle + 1) * gap;
      const idx = ahead.findIndex((p) => p.arrival <= at);
      if (idx >= 0) {
        ahead.splice(idx, 1);
        calledBefore++;
        continue;
      }
      if (target.arrivalMs <= at) return { atMs: at, ahead: calledBefore };
      let first = -1;
      for (let i = 0; i < ahead.length; i++) if (first < 0 || ahead[i]!.arrival < ahead[first]!.arrival) first = i;
      if (first < 0 || ahead[first]!.arrival >= target.arrivalMs) return { atMs: target.arrivalMs, ahead: calledBefore };
      ahead.splice(first, 1);
      calledBefore++;
    }
    return { atMs: Number.POSITIVE_INFINITY, ahead: calledBefore };
  }

  /** Every department seen today or configured, with its line and the estimate for a newcomer. */
  departments(): DepartmentWait[] {
    return [...this.departmentsSeen].sort().map((d) => this.department(d));
  }

  department(department: string): DepartmentWait {
    const r = this.callTime(department, { id: '', rank: 0, key: '\uffff', number: Number.MAX_SAFE_INTEGER, arrivalMs: 0 });
    return {
      department,
      waiting: this.lines.get(department)?.length ?? 0,
      openCounters: this.openCounters(department),
      serviceSeconds: Math.round(this.serviceSeconds(department)),
      estimateMinutes: toMinutes(r.atMs),
    };
  }

  /** The wait of one visit at its current stop and along the rest of its route. */
  forVisit(v: VisitState): VisitWait | null {
    if (v.status === 'done' || v.status === 'cancelled') return null;
    const stops: StopWait[] = [];
    let firstCallMs = 0;
    let t = 0;
    let ahead = 0;
    for (let k = v.stop; k < v.route.length; k++) {
      const d = v.route[k]!;
      const S = this.serviceSeconds(d) * 1000;
      let calledAt: number;
      if (k === v.stop && (v.status === 'called' || v.status === 'serving')) {
        calledAt = 0;
        t = this.leavesCurrentStopInMs(v);
      } else {
        const r = this.callTime(d, { id: v.id, rank: k === v.stop ? queueRank(v) : v.priority ? 1 : 0, key: v.issuedAt, number: v.number, arrivalMs: t });
        if (k === v.stop) ahead = r.ahead;
        calledAt = r.atMs;
        t = r.atMs + S;
      }
      if (k === v.stop) firstCallMs = Number.isFinite(calledAt) ? calledAt : 999 * MIN;
      const arrived = k === v.stop ? 0 : (stops.length ? stops[stops.length - 1]!.calledInMinutes * MIN + this.serviceSeconds(v.route[k - 1]!) * 1000 : 0);
      stops.push({ department: d, calledInMinutes: toMinutes(calledAt), waitMinutes: toMinutes(Math.max(0, calledAt - arrived)) });
    }
    return {
      department: v.route[v.stop] ?? null,
      ahead,
      minutes: stops[0]?.calledInMinutes ?? 0,
      exactMinutes: firstCallMs / MIN,
      routeMinutes: toMinutes(t),
      stops,
    };
  }
}

function toMinutes(ms: number): number {
  if (!Number.isFinite(ms)) return 999;
  return Math.max(0, Math.round(ms / MIN));
}
