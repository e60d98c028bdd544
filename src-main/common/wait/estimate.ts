import { mulberry32 } from '../random';
import { queueRank, type VisitState } from '../visit/state';
import { isSharedWork, WaitDay, type DayView, type Holder } from './day';
import { EMPTY_PRIOR, localWeekdayHour, priorKey, stopProcedures, workKeys, type ServedStop, type WaitPrior } from './prior';

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
 * - Each visitor's own time: the department's service time now, scaled by what they came for
 *   (the past weeks' mean for the same procedures at that stop, against the department's mean).
 * - The counters: each open counter frees when its visitor's service ends (an idle one at once; the
 *   one at the counter has already been there a while) and calls the first one present in queue
 *   order; a visitor not yet in the line is called no earlier than they arrive. The services are
 *   drawn 31 times with the past weeks' spread and the estimate is the median draw (what minimises
 *   the typical error). Each stop of the visitor's route is estimated the same way, from when they
 *   get there.
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
  /**
   * How many times the counters' morning is drawn (service times with the past weeks' spread, the
   * visitor at the counter still there after as long as they have been); the estimate is the median
   * draw. 1: every service takes exactly its expected time. Default 31.
   */
  draws?: number;
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

const MIN = 60_000;

function before(a: { rank: number; key: string; number: number }, b: { rank: number; key: string; number: number }): boolean {
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.key !== b.key) return a.key < b.key;
  return a.number < b.number;
}

/**
 * The work a stop brings relative to its department's usual (`relativeWork`), for one prior: per
 * procedures, and per visit state and stop. It reads nothing but the prior and the state's route
 * and items, so for a prior that cannot change (`sharedPrior`) and states that cannot change
 * (deep-frozen, as a terminal keeps today's) it is shared by every estimate from that prior: a
 * kiosk's next ticket finds the line's work already weighed.
 */
interface WorkMemo {
  /** Department → first work key → second work key → relative work. */
  relative: Map<string, Map<string, Map<string, number>>>;
  /** Visit state → relative work per stop (frozen states only); null when the prior may change. */
  rel: WeakMap<object, number[]> | null;
}

const sharedPriors = new WeakSet<WaitPrior>();
const workMemos = new WeakMap<WaitPrior, WorkMemo>();

/** Freezes a prior (all of it) so that estimates from it share their work memo; returns it. */
export function sharedPrior(prior: WaitPrior): WaitPrior {
  freezeAll(prior);
  sharedPriors.add(prior);
  return prior;
}

function freezeAll(x: unknown): void {
  if (!x || typeof x !== 'object') return;
  for (const v of Object.values(x)) freezeAll(v);
  Object.freeze(x);
}

function workMemoFor(prior: WaitPrior): WorkMemo {
  if (!sharedPriors.has(prior)) return { relative: new Map(), rel: null };
  let m = workMemos.get(prior);
  if (!m) workMemos.set(prior, (m = { relative: new Map(), rel: new WeakMap() }));
  return m;
}

export class WaitEstimator {
  readonly now: number;
  private readonly opts: Required<Omit<WaitOptions, 'configuredCounters' | 'prior'>> & { prior: WaitPrior; configuredCounters: Readonly<Record<string, number>> };
  /** Today's visits grouped by department (apart from the moment): built here, or kept by the caller. */
  private readonly day: DayView;
  private readonly memo = new Map<string, { service: number; counters: number; turnover: number }>();
  private readonly served = new Map<string, ServedStop[]>();
  private readonly work: WorkMemo;
  /** Work of states that may still change, for this estimate only. */
  private readonly relMemo = new WeakMap<object, number[]>();
  private readonly departmentsSeen = new Set<string>();
  private readonly places = new Map<string, Map<string, number>>();

  /**
   * `visits`: today's visits, or a `WaitDay` kept up to date by the caller (the same figures as
   * its visits in its order, without grouping them again).
   */
  constructor(visits: Iterable<VisitState> | WaitDay, opts: WaitOptions) {
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
      draws: Math.max(1, Math.floor(opts.draws ?? 31)),
    };
    this.day = (visits instanceof WaitDay ? visits : WaitDay.of(visits)).view();
    this.work = workMemoFor(this.opts.prior);
    for (const d of Object.keys(this.opts.configuredCounters)) this.departmentsSeen.add(d);
    for (const d of this.day.departments()) this.departmentsSeen.add(d);
  }

  /** The department's stops finished by now, in the day's order. */
  private servedBy(d: string): ServedStop[] {
    let l = this.served.get(d);
    if (!l) {
      l = [];
      for (const x of this.day.served(d)) if (x.s.finishedAt <= this.now) l.push(x.s);
      this.served.set(d, l);
    }
    return l;
  }

  /** Counters that called or finished someone within the open window, or hold a visitor now. */
  private activeCounters(d: string): number {
    const windowStart = this.now - this.opts.openWindowMinutes * MIN;
    const active = new Set<string>();
    for (const c of this.day.counterStops(d)) if (c.finishedAt >= windowStart || c.firstCalledAt >= windowStart) active.add(c.counter);
    for (const h of this.day.holders(d)) active.add(h.counter);
    return active.size;
  }

  /** Seconds one visitor takes at a counter of this department, now. */
  serviceSeconds(department: string): number {
    return this.model(department).service;
  }

  openCounters(department: string): number {
    return this.model(department).counters;
  }

  /**
   * Seconds a counter spends on this visitor at stop k of their route (call → finished, plus the
   * turnover to the next call): the department's time now, scaled by what the visitor brings there
   * against the department's usual mix (past weeks' mean for the same procedures, or for as many).
   */
  cycleSeconds(v: Pick<VisitState, 'route' | 'items'>, k: number): number {
    const d = v.route[k];
    if (d === undefined) return 0;
    return this.workSeconds(v, k) + this.model(d).turnover;
  }

  /** The same without the turnover: the visitor's own time at the counter. */
  private workSeconds(v: Pick<VisitState, 'route' | 'items'>, k: number): number {
    const d = v.route[k];
    if (d === undefined) return 0;
    let byStop = this.work.rel?.get(v) ?? this.relMemo.get(v);
    if (!byStop) {
      byStop = [];
      if (this.work.rel && isSharedWork(v)) this.work.rel.set(v, byStop);
      else this.relMemo.set(v, byStop);
    }
    const rel = (byStop[k] ??= this.relativeWork(d, stopWorkKeys(v, k)));
    const m = this.model(d);
    return (m.service - m.turnover) * rel;
  }

  /** The spread of one visitor's time around the mean for their work (log scale). */
  private sigma(d: string): number {
    const s = this.opts.prior.spread?.[d];
    return s && s.n >= 20 ? Math.min(1.5, s.sigma) : 0.4;
  }

  private relativeWork(d: string, keys: readonly [string, string]): number {
    // Keyed by all it reads (the department and both keys): procedures joined by commas and
    // counted may share the first key (["a,b"] and ["a", "b"]) and not the second.
    let byFirst = this.work.relative.get(d);
    if (!byFirst) this.work.relative.set(d, (byFirst = new Map()));
    let bySecond = byFirst.get(keys[0]);
    if (!bySecond) byFirst.set(keys[0], (bySecond = new Map()));
    const hit = bySecond.get(keys[1]);
    if (hit !== undefined) return hit;
    const { work, overall } = this.opts.prior;
    const base = overall[d];
    let rel = 1;
    if (base && base.seconds > 0 && work) {
      const w = [work[keys[0]], work[keys[1]]].find((x) => x && x.n >= 3);
      if (w) rel = Math.min(6, Math.max(1 / 6, w.seconds / base.seconds));
    }
    bySecond.set(keys[1], rel);
    return rel;
  }

  private model(d: string): { service: number; counters: number; turnover: number } {
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
    for (const s of this.servedBy(d)) {
      busy += (weight(s.finishedAt) - weight(s.calledAt)) / lambda;
      done += weight(s.finishedAt);
    }
    for (const h of this.day.holders(d)) busy += (1 - weight(h.since)) / lambda;
    const k = this.opts.priorWeight;
    const xsum = k * seed * 1000 + busy;
    const wsum = k + done;
    // A counter's cycle is its service plus the moment between one visitor leaving and its calling
    // the next: the median of today's short gaps (finish → the same counter's next call).
    const turnover = this.turnoverSeconds(d);
    const service = Math.max(30, xsum / wsum / 1000) + turnover;
    const holding = this.day.holders(d).length;
    const active = this.activeCounters(d);
    const pc = prior.counters[key];
    const fromPrior = pc ? Math.max(1, Math.round(pc.mean)) : 0;
    let counters = Math.max(active, holding);
    if (counters === 0) counters = fromPrior || this.opts.configuredCounters[d] || 1;
    else if (fromPrior > counters && this.day.line(d).length === 0) counters = fromPrior;
    const m = { service, counters, turnover };
    this.memo.set(d, m);
    return m;
  }

  private turnoverSeconds(d: string): number {
    const byCounter = new Map<string, ServedStop[]>();
    for (const s of this.servedBy(d)) {
      if (!s.counter) continue;
      const l = byCounter.get(s.counter);
      if (l) l.push(s);
      else byCounter.set(s.counter, [s]);
    }
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
    const E = this.cycleSeconds(v, v.stop) * 1000;
    if (v.status === 'called' || v.status === 'serving') {
      const since = Date.parse(v.stops[v.stop]?.firstCalledAt ?? v.call?.at ?? new Date(this.now).toISOString());
      return Math.max(0.15 * E, E - (this.now - since));
    }
    // Waiting elsewhere: a rough wait (its place in that line over the counters), then its service.
    const S = this.serviceSeconds(here) * 1000;
    const pos = this.placeInLine(here, v.id);
    return ((pos + 0.5) * S) / this.openCounters(here) + E;
  }

  /** Index of a visit in a department's line (0 when not in it), from one map per line. */
  private placeInLine(department: string, id: string): number {
    let places = this.places.get(department);
    if (!places) {
      places = new Map();
      const line = this.day.line(department);
      for (let i = 0; i < line.length; i++) if (!places.has(line[i]!.v.id)) places.set(line[i]!.v.id, i);
      this.places.set(department, places);
    }
    return places.get(id) ?? 0;
  }

  /**
   * When a visitor with this place in the order, present from `arrivalMs`, is called at `department`
   * (milliseconds from now), and how many are called there before them.
   */
  private callTime(department: string, target: { id: string; rank: number; key: string; number: number; arrivalMs: number }, drawn = true): { atMs: number; ahead: number } {
    const c = this.openCounters(department);
    const holders = this.day.holders(department);
    const idle = Math.max(0, c - holders.length);
    const ahead: Array<{ arrival: number; rank: number; key: string; number: number; cycle: number }> = [];
    for (const e of this.day.line(department)) {
      if (e.v.id === target.id) continue;
      const number = e.v.number;
      // before({ rank, key, number }, target), without the object.
      const first = e.rank !== target.rank ? e.rank > target.rank : e.key !== target.key ? e.key < target.key : number < target.number;
      if (first) ahead.push({ rank: e.rank, key: e.key, number, arrival: 0, cycle: this.cycleSeconds(e.v, e.v.stop) * 1000 });
    }
    for (const { v, stopIndex } of this.day.incoming(department)) {
      if (v.id === target.id) continue;
      const rank = v.priority ? 1 : 0;
      const key = v.issuedAt;
      const number = v.number;
      // before({ rank, key, number }, target), without the object.
      const first = rank !== target.rank ? rank > target.rank : key !== target.key ? key < target.key : number < target.number;
      if (!first) continue;
      let arrival = this.leavesCurrentStopInMs(v);
      for (let k = v.stop + 1; k < stopIndex; k++) arrival += this.cycleSeconds(v, k) * 1000;
      ahead.push({ rank, key, number, arrival, cycle: this.cycleSeconds(v, stopIndex) * 1000 });
    }
    ahead.sort((a, b) => (before(a, b) ? -1 : 1));
    // Each open counter frees when its visitor's service ends (an idle one: now), and calls the
    // first one present in queue order; when nobody is there yet, whoever arrives first. Drawn
    // `draws` times with the services' spread; the estimate is the median draw, the count ahead
    // that of the expected services.
    const turnover = this.model(department).turnover * 1000;
    const expected = (h: Holder) => this.cycleSeconds(h.v, h.v.stop) * 1000;
    const fixed = counterRun(
      holders.map((h) => Math.max(0.15 * expected(h), expected(h) - (this.now - h.since))),
      idle,
      ahead,
      (p) => p.cycle,
      target.arrivalMs,
    );
    const n = drawn ? this.opts.draws : 1;
    if (n <= 1) return fixed;
    const sigma = this.sigma(department);
    const rnd = mulberry32(hashString(`${department}|${target.number}|${target.key}`));
    const mu = -(sigma * sigma) / 2;
    const times: number[] = [];
    // The line's arrivals and own work (cycle less turnover) laid out once for the draws, and one
    // called-mark buffer for all the draws: counterRunDrawn() is counterRun() with this draw inlined.
    const count = ahead.length;
    const arrivals = new Float64Array(count);
    const works = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      arrivals[j] = ahead[j]!.arrival;
      works[j] = ahead[j]!.cycle - turnover;
    }
    const called = new Uint8Array(count);
    const late = lateOrder(arrivals);
    for (let i = 0; i < n; i++) {
      const free = holders.map((h) => {
        const work = expected(h) - turnover;
        const elapsed = this.now - h.since;
        // The service of the visitor at the counter, drawn knowing it has lasted `elapsed` so far.
        const lo = work > 0 && elapsed > 0 ? normalCdf((Math.log(elapsed / work) - mu) / sigma) : 0;
        const u = Math.min(1 - 1e-9, lo + (1 - lo) * rnd());
        const total = work * Math.exp(mu + sigma * normalQuantile(u));
        return Math.max(0, total - elapsed) + turnover;
      });
      times.push(counterRunDrawn(free, idle, arrivals, works, called, { mu, sigma, turnover, rnd }, target.arrivalMs, late));
    }
    times.sort((x, y) => x - y);
    return { atMs: times[Math.floor(n / 2)]!, ahead: fixed.ahead };
  }

  /** Every department seen today or configured, with its line and the estimate for a newcomer. */
  departments(): DepartmentWait[] {
    return [...this.departmentsSeen].sort().map((d) => this.department(d));
  }

  department(department: string): DepartmentWait {
    const r = this.callTime(department, { id: '', rank: 0, key: '\uffff', number: Number.MAX_SAFE_INTEGER, arrivalMs: 0 });
    return {
      department,
      waiting: this.day.line(department).length,
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
      const E = this.cycleSeconds(v, k) * 1000;
      let calledAt: number;
      if (k === v.stop && (v.status === 'called' || v.status === 'serving')) {
        calledAt = 0;
        t = this.leavesCurrentStopInMs(v);
      } else {
        // The wait at the current stop is drawn; the later stops take their expected times.
        const r = this.callTime(d, { id: v.id, rank: k === v.stop ? queueRank(v) : v.priority ? 1 : 0, key: v.issuedAt, number: v.number, arrivalMs: t }, k === v.stop);
        if (k === v.stop) ahead = r.ahead;
        calledAt = r.atMs;
        t = r.atMs + E;
      }
      if (k === v.stop) firstCallMs = Number.isFinite(calledAt) ? calledAt : 999 * MIN;
      const arrived = k === v.stop ? 0 : (stops.length ? stops[stops.length - 1]!.calledInMinutes * MIN + this.cycleSeconds(v, k - 1) * 1000 : 0);
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

/** A state's work keys per stop, worked out once when the state cannot change (deep-frozen, as a terminal keeps today's). */
const workKeysOf = new WeakMap<object, Array<readonly [string, string]>>();

function stopWorkKeys(v: Pick<VisitState, 'route' | 'items'>, k: number): readonly [string, string] {
  let byStop = workKeysOf.get(v);
  if (!byStop) {
    byStop = [];
    if (isSharedWork(v)) workKeysOf.set(v, byStop);
  }
  return (byStop[k] ??= workKeys(v.route[k]!, stopProcedures(v, k)));
}

/**
 * Counters calling a line: each frees at `free[i]` (an idle one: 0) and calls the first one present
 * in queue order, who keeps it `cycle(p)`; when nobody is there yet, whoever arrives first. When is
 * the target, present from `arrival`, called, and how many before them?
 *
 * `ahead` is read, never changed (the draws share it): those called are marked instead of spliced
 * out of a copy, and each search starts after the called prefix. Same choices in the same order
 * (and so the same `cycle` calls, which draw) as the copy: estimate.same.test.ts compares them.
 */
export function counterRun<P extends { arrival: number }>(freeAt: readonly number[], idle: number, ahead: readonly P[], cycle: (p: P) => number, arrival: number): { atMs: number; ahead: number } {
  const free = [...freeAt];
  for (let i = 0; i < idle; i++) free.push(0);
  if (!free.length) free.push(0);
  const n = ahead.length;
  const called = new Uint8Array(n);
  // Those present from the start (arrival <= 0) in queue order, and the later ones by arrival (then
  // queue order), admitted to a heap by queue position as the counters' time reaches them: the first
  // one present is the smaller of the two heads, and the earliest to come the first not yet called
  // in arrival order. Valid while the time called at does not go back below the last one (and 0);
  // a step where it does (or is NaN) searches the line as before.
  const early: number[] = [];
  const late: number[] = [];
  for (let i = 0; i < n; i++) (ahead[i]!.arrival <= 0 ? early : late).push(i);
  let orderedLate = true;
  for (const i of late) if (Number.isNaN(ahead[i]!.arrival)) orderedLate = false;
  if (orderedLate) late.sort((a, b) => ahead[a]!.arrival - ahead[b]!.arrival || a - b);
  const heap: number[] = [];
  let e = 0;
  let l = 0;
  let lastAt = 0;
  let head = 0;
  let calledBefore = 0;
  for (;;) {
    let m = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[m]!) m = i;
    const at = free[m]!;
    let idx = -1;
    let first = -1;
    if (orderedLate && at >= lastAt) {
      lastAt = at;
      while (l < late.length && ahead[late[l]!]!.arrival <= at) heapPush(heap, late[l++]!);
      while (heap.length && called[heap[0]!]) heapPop(heap);
      while (e < early.length && called[early[e]!]) e++;
      if (e < early.length) idx = early[e]!;
      if (heap.length && (idx < 0 || heap[0]! < idx)) idx = heap[0]!;
      if (idx < 0) {
        for (let k = l; k < late.length; k++) {
          if (!called[late[k]!]) {
            first = late[k]!;
            break;
          }
        }
      }
    } else {
      while (head < n && called[head]) head++;
      for (let i = head; i < n; i++) {
        if (!called[i] && ahead[i]!.arrival <= at) {
          idx = i;
          break;
        }
      }
      if (idx < 0) first = earliest(ahead, called, head);
    }
    if (idx >= 0) {
      free[m] = at + cycle(ahead[idx]!);
      called[idx] = 1;
      calledBefore++;
      continue;
    }
    if (arrival <= at) return { atMs: at, ahead: calledBefore };
    if (first < 0 || ahead[first]!.arrival >= arrival) return { atMs: arrival, ahead: calledBefore };
    free[m] = ahead[first]!.arrival + cycle(ahead[first]!);
    called[first] = 1;
    calledBefore++;
  }
}

/** A binary min-heap of queue positions. */
function heapPush(h: number[], x: number): void {
  let i = h.length;
  h.push(x);
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (h[up]! <= x) break;
    h[i] = h[up]!;
    i = up;
  }
  h[i] = x;
}

function heapPop(h: number[]): void {
  const last = h.pop()!;
  const n = h.length;
  if (!n) return;
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && h[c + 1]! < h[c]!) c++;
    if (h[c]! >= last) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = last;
}

/** How counterRunDrawn() draws one visitor's cycle: `work · exp(mu + sigma · Φ⁻¹(u)) + turnover`, u from `rnd`. */
export interface CycleDraw {
  mu: number;
  sigma: number;
  turnover: number;
  rnd: () => number;
}

/**
 * counterRun() for the draws, with the cycle `(p.cycle - turnover) * Math.exp(mu + sigma *
 * normalQuantile(u)) + turnover` written in (`works[i]` is `p.cycle - turnover`), the line as flat
 * arrays and the called marks in a buffer all zero on entry, and so left on return. `free` is the
 * caller's and is changed. The same choices in the same order, the same floating-point operations
 * and so the same `rnd()` calls: estimate.same.test.ts compares it with counterRun().
 */
export function counterRunDrawn(free: number[], idle: number, arrivals: Float64Array, works: Float64Array, called: Uint8Array, draw: CycleDraw, arrival: number, late?: Int32Array | null): number {
  const { mu, sigma, turnover, rnd } = draw;
  const n = arrivals.length;
  for (let i = 0; i < idle; i++) free.push(0);
  if (!free.length) free.push(0);
  const c = free.length;
  let head = 0;
  // While the next in queue order is present when a counter frees, they are the one called (as the
  // search below would find them first): no marks needed for this prefix, the search starts after it.
  while (head < n) {
    let m = 0;
    for (let i = 1; i < c; i++) if (free[i]! < free[m]!) m = i;
    const at = free[m]!;
    if (!(arrivals[head]! <= at)) break;
    free[m] = at + (works[head]! * Math.exp(mu + sigma * normalQuantile(Math.min(1 - 1e-9, Math.max(1e-9, rnd())))) + turnover);
    head++;
  }
  const from = head;
  if (head >= n) {
    let m = 0;
    for (let i = 1; i < c; i++) if (free[i]! < free[m]!) m = i;
    return arrival <= free[m]! ? free[m]! : arrival;
  }
  // The rest as counterRun() does it: those present from the start by a pointer in queue order, the
  // later ones admitted by arrival to a heap of queue positions (the search kept for a step where the
  // time goes back or is NaN). Those before `from` are called (unmarked).
  const order = late === undefined ? lateOrder(arrivals) : late;
  const heap: number[] = [];
  let e = from;
  let l = 0;
  let lastAt = 0;
  let marked = false;
  for (;;) {
    let m = 0;
    for (let i = 1; i < c; i++) if (free[i]! < free[m]!) m = i;
    const at = free[m]!;
    let idx = -1;
    let first = -1;
    if (order && at >= lastAt) {
      lastAt = at;
      while (l < order.length && arrivals[order[l]!]! <= at) {
        const x = order[l++]!;
        if (x >= from) heapPush(heap, x);
      }
      while (heap.length && called[heap[0]!]) heapPop(heap);
      while (e < n && (called[e] || !(arrivals[e]! <= 0))) e++;
      if (e < n) idx = e;
      if (heap.length && (idx < 0 || heap[0]! < idx)) idx = heap[0]!;
      if (idx < 0) {
        for (let k = l; k < order.length; k++) {
          const x = order[k]!;
          if (x >= from && !called[x]) {
            first = x;
            break;
          }
        }
      }
    } else {
      while (head < n && called[head]) head++;
      for (let i = head; i < n; i++) {
        if (!called[i] && arrivals[i]! <= at) {
          idx = i;
          break;
        }
      }
      if (idx < 0) for (let i = head; i < n; i++) if (!called[i] && (first < 0 || arrivals[i]! < arrivals[first]!)) first = i;
    }
    let start: number;
    if (idx >= 0) start = at;
    else {
      if (arrival <= at) return cleared(called, from, marked, at);
      if (first < 0 || arrivals[first]! >= arrival) return cleared(called, from, marked, arrival);
      idx = first;
      start = arrivals[first]!;
    }
    free[m] = start + (works[idx]! * Math.exp(mu + sigma * normalQuantile(Math.min(1 - 1e-9, Math.max(1e-9, rnd())))) + turnover);
    called[idx] = 1;
    marked = true;
  }
}

/** The positions of those arriving after 0, by arrival then queue position; null when an arrival is NaN (no order). */
export function lateOrder(arrivals: Float64Array): Int32Array | null {
  const late: number[] = [];
  for (let i = 0; i < arrivals.length; i++) {
    const a = arrivals[i]!;
    if (Number.isNaN(a)) return null;
    if (!(a <= 0)) late.push(i);
  }
  late.sort((a, b) => arrivals[a]! - arrivals[b]! || a - b);
  return Int32Array.from(late);
}

/** Returns `result` with the called marks from `from` on cleared (when any were set). */
function cleared(called: Uint8Array, from: number, marked: boolean, result: number): number {
  if (marked) called.fill(0, from);
  return result;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Φ(x), the standard normal distribution (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9). It runs 31 times per visitor
 * in a line: the central region (95% of draws) is tested first and the coefficients are written in.
 * The same branches as before for every p (a NaN takes the central one, as it did).
 */
export function normalQuantile(p: number): number {
  if (!(p < 0.02425) && !(p > 1 - 0.02425)) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((-39.69683028665376 * r + 220.9460984245205) * r + -275.9285104469687) * r + 138.357751867269) * r + -30.66479806614716) * r + 2.506628277459239) * q) / (((((-54.47609879822406 * r + 161.5858368580409) * r + -155.6989798598866) * r + 66.80131188771972) * r + -13.28068155211439) * r + 1);
  }
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((-0.007784894002430293 * q + -0.3223964580411365) * q + -2.400758277161838) * q + -2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) / ((((0.007784695709041462 * q + 0.3224671290700398) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((-0.007784894002430293 * q + -0.3223964580411365) * q + -2.400758277161838) * q + -2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) / ((((0.007784695709041462 * q + 0.3224671290700398) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
}

/** The first not yet called with the earliest arrival (from `from`: all before it are called). */
function earliest(xs: ReadonlyArray<{ arrival: number }>, called: Uint8Array, from: number): number {
  let first = -1;
  for (let i = from; i < xs.length; i++) if (!called[i] && (first < 0 || xs[i]!.arrival < xs[first]!.arrival)) first = i;
  return first;
}

function toMinutes(ms: number): number {
  if (!Number.isFinite(ms)) return 999;
  return Math.max(0, Math.round(ms / MIN));
}
