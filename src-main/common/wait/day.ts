import { queueRank, type VisitState } from '../visit/state';
import { servedStops, type ServedStop } from './prior';

/**
 * Today's visits as the wait estimate groups them, apart from the moment: each department's line,
 * the visitors at its counters, those coming to it later on their route, its finished stops and
 * the counters that worked there. A kiosk estimates every ticket from the whole day, and between
 * two tickets a few visits change: a `WaitDay` kept by the terminal (node/wait/terminalWaits.ts) is
 * updated visit by visit (`set`, `delete`) instead of grouped again for every ticket.
 *
 * Every list keeps the order a grouping of the day's visits in their order would give (a visit's
 * entries in the order of its stops), so an estimate from a kept day is bit for bit the one from
 * the visits (tests/integration/wait-reuse.test.ts compares them after random days). The order is
 * the caller's: `set()` places a visit by its place in the day (`DayPlace`: the visits' order key,
 * number, then id, as the terminal reads them); `WaitDay.of()` takes an iterable's order.
 *
 * An estimator reads a `view()`: the lists as they stood then. A list is copied before it changes
 * when a view may hold it, so an estimator built earlier never sees a later change.
 */

/** A visit's place in the day's order: by `key`, then `number`, then `id`. */
export interface DayPlace {
  key: string;
  number: number;
  id: string;
}

/** A visit waiting in a department's line: its queue rank (returned, priority) and its queue key (the issue time). */
export interface LineEntry {
  v: VisitState;
  rank: number;
  key: string;
  readonly at: Rec;
}

/** A visitor at one of the department's counters (called or serving) since `since`. */
export interface Holder {
  since: number;
  v: VisitState;
  counter: string;
  readonly at: Rec;
}

/** A visitor still at an earlier stop of their route who comes to this department at stop `stopIndex`. */
export interface Incoming {
  v: VisitState;
  stopIndex: number;
  readonly at: Rec;
}

/** A finished stop (counted when finished by the estimate's moment). */
export interface ServedItem {
  s: ServedStop;
  readonly at: Rec;
}

/** A stop a counter called or finished: the counter is open while either is recent. */
export interface CounterStop {
  counter: string;
  finishedAt: number;
  firstCalledAt: number;
  readonly at: Rec;
}

/** One visit's record: its place, and where it has entries (to take them out when it changes). */
interface Rec {
  place: DayPlace;
  v: VisitState;
  /** The departments its stops name (counted in stopCounts). */
  stopDepartments: string[];
  /** The lists (kind and department) it has entries in. */
  touched: Array<{ lists: Lists<{ at: Rec }>; department: string }>;
}

/** A view of the day for one estimate: the lists as they stood when it was taken (never changed after). */
export interface DayView {
  /** A department's line in queue order (returned visitors, priority, issue time, number). */
  line(department: string): readonly LineEntry[];
  holders(department: string): readonly Holder[];
  incoming(department: string): readonly Incoming[];
  served(department: string): readonly ServedItem[];
  counterStops(department: string): readonly CounterStop[];
  /** Every department a stop of a visit names. */
  departments(): Iterable<string>;
}

function placeBefore(a: DayPlace, b: DayPlace): boolean {
  return a.key !== b.key ? a.key < b.key : a.number !== b.number ? a.number < b.number : a.id < b.id;
}

/** The line's queue order: returned visitors first, then priority, then the issue time and number. */
export function entryBefore(a: LineEntry, b: LineEntry): boolean {
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.key !== b.key) return a.key < b.key;
  return a.v.number < b.v.number;
}

const byQueueOrder = (a: LineEntry, b: LineEntry) => (entryBefore(a, b) ? -1 : 1);

/**
 * What the estimate reads of a visit that does not depend on the moment: its stops' times and its
 * finished stops. Worked out once per state when the state is shared (deep-frozen, as a terminal
 * keeps today's states); a state that may still change is worked out afresh each time.
 */
export interface VisitFacts {
  finishedAt: number[];
  firstCalledAt: number[];
  /** servedStops([v]) with no time limit (the estimate keeps those finished by its moment). */
  served: ServedStop[];
}

const factsOf = new WeakMap<VisitState, VisitFacts>();

export function isSharedWork(v: Pick<VisitState, 'route' | 'items'>): boolean {
  return Object.isFrozen(v) && Object.isFrozen(v.items) && Object.isFrozen(v.route) && v.items.every(Object.isFrozen);
}

function isSharedState(v: VisitState): boolean {
  return Object.isFrozen(v.stops) && v.stops.every(Object.isFrozen) && isSharedWork(v);
}

export function visitFacts(v: VisitState): VisitFacts {
  const hit = factsOf.get(v);
  if (hit) return hit;
  const f: VisitFacts = {
    finishedAt: v.stops.map((s) => (s.finishedAt ? Date.parse(s.finishedAt) : NaN)),
    firstCalledAt: v.stops.map((s) => (s.firstCalledAt ? Date.parse(s.firstCalledAt) : NaN)),
    served: servedStops([v]),
  };
  if (isSharedState(v)) factsOf.set(v, f);
  return f;
}

type Lists<T> = Map<string, T[]>;

export class WaitDay {
  private readonly recs = new Map<string, Rec>();
  private lines: Lists<LineEntry> = new Map();
  private holderLists: Lists<Holder> = new Map();
  private incomingLists: Lists<Incoming> = new Map();
  private servedLists: Lists<ServedItem> = new Map();
  private counterLists: Lists<CounterStop> = new Map();
  /** Department → how many stops of the day's visits name it. */
  private readonly stopCounts = new Map<string, number>();
  /** Lists changed since the last view (no view holds them, so they change in place); the others are copied first. */
  private owned = new WeakSet<object>();
  /** The sorted line of each line list (a line list never changes once a view may hold it). */
  private readonly sorted = new WeakMap<object, LineEntry[]>();

  /** Grouped once from an iterable (WaitDay.of): every entry appended in its order, never changed after. */
  private fixed = false;

  /** The day grouped from visits in the iterable's order (the same visit twice counts twice, as it would). */
  static of(visits: Iterable<VisitState>): WaitDay {
    const day = new WaitDay();
    day.fixed = true;
    const rec: Rec = { place: { key: '', number: 0, id: '' }, v: null as unknown as VisitState, stopDepartments: [], touched: [] };
    for (const v of visits) day.add(rec, v);
    return day;
  }

  /** The visit with this id is now `v`, at `place` in the day (a new visit, or a changed one). */
  set(v: VisitState, place: DayPlace): void {
    if (this.fixed) throw new Error('a day grouped by WaitDay.of() does not change');
    const old = this.recs.get(place.id);
    if (old) {
      if (old.v === v && old.place.key === place.key && old.place.number === place.number) return;
      this.remove(old);
    }
    const rec: Rec = { place: { key: place.key, number: place.number, id: place.id }, v, stopDepartments: [], touched: [] };
    this.add(rec, v);
    this.recs.set(place.id, rec);
  }

  delete(id: string): void {
    if (this.fixed) throw new Error('a day grouped by WaitDay.of() does not change');
    const old = this.recs.get(id);
    if (!old) return;
    this.remove(old);
    this.recs.delete(id);
  }

  get size(): number {
    return this.recs.size;
  }

  view(): DayView {
    this.owned = new WeakSet();
    const lines = new Map(this.lines);
    const holders = new Map(this.holderLists);
    const incoming = new Map(this.incomingLists);
    const served = new Map(this.servedLists);
    const counters = new Map(this.counterLists);
    const departments = [...this.stopCounts.keys()];
    const none: never[] = [];
    return {
      line: (d) => {
        const l = lines.get(d);
        if (!l) return none;
        let s = this.sorted.get(l);
        if (!s) this.sorted.set(l, (s = l.slice().sort(byQueueOrder)));
        return s;
      },
      holders: (d) => holders.get(d) ?? none,
      incoming: (d) => incoming.get(d) ?? none,
      served: (d) => served.get(d) ?? none,
      counterStops: (d) => counters.get(d) ?? none,
      departments: () => departments,
    };
  }

  /** The list to change: copied first when a view may hold it. */
  private own<T>(lists: Lists<T>, d: string): T[] {
    const l = lists.get(d);
    if (l && this.owned.has(l)) return l;
    const copy = l ? l.slice() : [];
    this.owned.add(copy);
    lists.set(d, copy);
    return copy;
  }

  /** Puts x in its department's list at its visit's place (after the visit's own earlier entries). */
  private insert<T extends { at: Rec }>(lists: Lists<T>, d: string, x: T): void {
    if (this.fixed) {
      const l = lists.get(d);
      if (l) l.push(x);
      else lists.set(d, [x]);
      return;
    }
    const rec = x.at;
    const l = this.own(lists, d);
    const tail = l[l.length - 1];
    // Appending (the day read in order, or a visit placed after all others): no search.
    if (!tail || tail.at === rec || placeBefore(tail.at.place, rec.place)) l.push(x);
    else {
      let lo = 0;
      let hi = l.length;
      // The first entry of a visit placed after this one.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (placeBefore(rec.place, l[mid]!.at.place)) hi = mid;
        else lo = mid + 1;
      }
      l.splice(lo, 0, x);
    }
    if (!rec.touched.some((t) => t.lists === lists && t.department === d)) rec.touched.push({ lists: lists as unknown as Lists<{ at: Rec }>, department: d });
  }

  private add(rec: Rec, v: VisitState): void {
    const facts = visitFacts(v);
    for (let k = 0; k < v.stops.length; k++) {
      const s = v.stops[k]!;
      if (!this.fixed) rec.stopDepartments.push(s.department);
      this.stopCounts.set(s.department, (this.stopCounts.get(s.department) ?? 0) + 1);
      if (s.counter) this.insert(this.counterLists, s.department, { counter: s.counter, finishedAt: s.finishedAt ? facts.finishedAt[k]! : NaN, firstCalledAt: s.firstCalledAt ? facts.firstCalledAt[k]! : NaN, at: rec });
    }
    for (const s of facts.served) this.insert(this.servedLists, s.department, { s, at: rec });
    if (v.status === 'done' || v.status === 'cancelled') return;
    const here = v.route[v.stop];
    if (!here) return;
    if (v.status === 'waiting') this.insert(this.lines, here, { v, rank: queueRank(v), key: v.issuedAt, at: rec });
    else if ((v.status === 'called' || v.status === 'serving') && v.call) {
      this.insert(this.holderLists, here, { since: Date.parse(v.stops[v.stop]?.firstCalledAt ?? v.call.at), v, counter: v.call.counter, at: rec });
    }
    if (v.status === 'no-show') return;
    for (let k = v.stop + 1; k < v.route.length; k++) this.insert(this.incomingLists, v.route[k]!, { v, stopIndex: k, at: rec });
  }

  private remove(rec: Rec): void {
    for (const d of rec.stopDepartments) {
      const n = (this.stopCounts.get(d) ?? 0) - 1;
      if (n > 0) this.stopCounts.set(d, n);
      else this.stopCounts.delete(d);
    }
    for (const { lists, department } of rec.touched) {
      const l = this.own(lists, department);
      let lo = 0;
      let hi = l.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (placeBefore(l[mid]!.at.place, rec.place)) lo = mid + 1;
        else hi = mid;
      }
      let end = lo;
      while (end < l.length && l[end]!.at === rec) end++;
      l.splice(lo, end - lo);
    }
  }
}
