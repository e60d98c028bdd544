import { addDays } from '../../common/dates/isoDate';
import type { TerminalConfig } from '../../common/config/schema';
import { sharedPrior, WaitEstimator } from '../../common/wait/estimate';
import { WaitDay } from '../../common/wait/day';
import { buildWaitPrior, type WaitPrior } from '../../common/wait/prior';
import type { Store } from '../store/store';
import type { VisitService } from '../visits/service';
import type { VisitState } from '../../common/visit/state';
import { deepFreeze } from '../../common/json/freeze';

/** The estimate as a terminal sees it: today's visits in its database, the same weekday of the last four weeks as the prior. */
const priors = new WeakMap<Store, { date: string; prior: WaitPrior }>();

export function priorFor(visits: VisitService, date: string): WaitPrior {
  const hit = priors.get(visits.store);
  if (hit && hit.date === date) return hit.prior;
  const past = [7, 14, 21, 28].flatMap((d) => visits.visitsOn(addDays(date, -d)));
  // Frozen: every estimate from it today shares the work it weighs (estimate.ts, sharedPrior).
  const prior = sharedPrior(buildWaitPrior(past, visits.config.timeZone));
  priors.set(visits.store, { date, prior });
  return prior;
}

export function configuredCounters(config: TerminalConfig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of config.terminals) if (t.role === 'counter' && t.department) out[t.department] = (out[t.department] ?? 0) + 1;
  return out;
}

/** A row of today's visits as the estimate keeps it: its order key, its stored JSON and the state parsed from it (deep-frozen). */
interface DayRow {
  id: string;
  key: string;
  number: number;
  json: string;
  state: VisitState;
}

/** What todaysVisits() last read of one store: the day, the change counter it had read up to, and the day's rows in order. */
interface ParsedDay {
  date: string;
  /** The highest change marker and the count of deleted rows, read before the rows (migration 16-mark). */
  seq: number;
  deletes: number;
  /** Store.rollbacks() then: a rollback since may have undone what a read inside a transaction saw. */
  rollbacks: number;
  byId: Map<string, DayRow>;
  /** The rows in visitsOn()'s order (queue_key, number; then id, so that ties have one order). */
  rows: DayRow[];
  states: VisitState[];
  /** The same visits grouped for the wait estimate, kept up to date with them (common/wait/day.ts). */
  wait: WaitDay;
}

/**
 * Today's visits parsed once, and read again only where they changed: a kiosk estimates every ticket
 * from the whole day (a thousand visits, 2–3 KB of JSON each), and between two tickets few of them
 * change. Every visit row written carries a change marker above all those in the table
 * (`visits.change_seq`, migration 16-mark), so after the first read only the rows with a marker
 * above the highest one seen last time are read. The highest marker is read before the rows: a change committed in between has a marker above it and is read
 * now or next time, never missed (whoever committed it, this connection or another process). A
 * deleted row (a rebuild), another day, or a rolled-back transaction (a read inside one may have
 * seen rows that never existed) reads the whole day again; a row whose JSON is the same text as
 * before keeps the state parsed then, so the estimator's per-state memos keep working.
 *
 * The answer is exactly what visitsOn() gives (the same states, in its order):
 * tests/integration/wait-incremental.test.ts compares the two after random histories.
 */
const parsedDays = new WeakMap<Store, ParsedDay>();

export function todaysVisits(visits: VisitService, date = visits.today()): VisitState[] {
  return readToday(visits, date).states.slice();
}

function readToday(visits: VisitService, date: string): ParsedDay {
  const { store } = visits;
  const counter = store.stmt('SELECT (SELECT COALESCE(MAX(change_seq), 0) FROM visits) AS seq, n AS deletes FROM visit_deletes').get() as { seq: number; deletes: number };
  const last = parsedDays.get(store);
  const rollbacks = store.rollbacks();
  if (last && last.date === date && last.deletes === counter.deletes && last.rollbacks === rollbacks) {
    if (last.seq !== counter.seq) readChanges(store, last, counter.seq);
    return last;
  }
  const day: ParsedDay = { date, seq: counter.seq, deletes: counter.deletes, rollbacks, ...readDay(store, date, last?.date === date ? last.byId : undefined) };
  parsedDays.set(store, day);
  return day;
}

function before(a: { key: string; number: number; id: string }, b: { key: string; number: number; id: string }): boolean {
  return a.key !== b.key ? a.key < b.key : a.number !== b.number ? a.number < b.number : a.id < b.id;
}

function parsedRow(r: { id: string; queue_key: string; number: number; state: string }, old: DayRow | undefined): DayRow {
  if (old && old.json === r.state && old.key === r.queue_key && old.number === r.number) return old;
  return { id: r.id, key: r.queue_key, number: r.number, json: r.state, state: old && old.json === r.state ? old.state : deepFreeze(JSON.parse(r.state) as VisitState) };
}

/** The whole day, reusing the states of rows whose JSON is unchanged since `known`. */
function readDay(store: Store, date: string, known: Map<string, DayRow> | undefined): { byId: Map<string, DayRow>; rows: DayRow[]; states: VisitState[]; wait: WaitDay } {
  // Sorted here rather than by SQLite, whose sorter would copy every row's JSON (most of the read's cost).
  const found = store.stmt('SELECT id, queue_key, number, state FROM visits WHERE business_date = ?').all(date) as Array<{ id: string; queue_key: string; number: number; state: string }>;
  const byId = new Map<string, DayRow>();
  const rows: DayRow[] = [];
  for (const r of found) {
    const row = parsedRow(r, known?.get(r.id));
    byId.set(r.id, row);
    rows.push(row);
  }
  rows.sort((a, b) => (before(a, b) ? -1 : 1));
  const wait = new WaitDay();
  for (const r of rows) wait.set(r.state, r);
  return { byId, rows, states: rows.map((r) => r.state), wait };
}

/** Index of the first row not before `x` (binary search over the ordered rows). */
function placeOf(rows: readonly DayRow[], x: { key: string; number: number; id: string }): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(rows[mid]!, x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Brings `day` up to the counter value `seq`: the rows written since it last looked, of any day (a row of another day is dropped). */
function readChanges(store: Store, day: ParsedDay, seq: number): void {
  const changed = store
    .stmt('SELECT id, business_date, queue_key, number, CASE WHEN business_date = ? THEN state END AS state FROM visits WHERE change_seq > ?')
    .all(day.date, day.seq) as Array<{ id: string; business_date: string; queue_key: string; number: number; state: string | null }>;
  for (const r of changed) {
    const old = day.byId.get(r.id);
    if (old && r.state !== null && r.business_date === day.date && old.key === r.queue_key && old.number === r.number) {
      // In its place (a visit's issue time and number never move; only its state does).
      const at = placeOf(day.rows, old);
      const row = parsedRow(r as typeof r & { state: string }, old);
      day.rows[at] = row;
      day.states[at] = row.state;
      day.byId.set(r.id, row);
      day.wait.set(row.state, row);
      continue;
    }
    if (old) {
      const at = placeOf(day.rows, old);
      day.rows.splice(at, 1);
      day.states.splice(at, 1);
      day.byId.delete(r.id);
      day.wait.delete(r.id);
    }
    if (r.business_date !== day.date || r.state === null) continue;
    const row = parsedRow(r as typeof r & { state: string }, old);
    const at = placeOf(day.rows, row);
    day.rows.splice(at, 0, row);
    day.states.splice(at, 0, row.state);
    day.byId.set(r.id, row);
    day.wait.set(row.state, row);
  }
  day.seq = seq;
}

/** The estimate from today's visits: grouped for it as they change (readToday), not again for each estimate. */
export function terminalWaits(visits: VisitService): WaitEstimator {
  const date = visits.today();
  return new WaitEstimator(readToday(visits, date).wait, {
    now: visits.store.now(),
    timeZone: visits.config.timeZone,
    prior: priorFor(visits, date),
    configuredCounters: configuredCounters(visits.config),
  });
}

/** The estimate for one site's line when a database holds several (a supervisor's); counters configured here are the own site's. */
export function siteWaits(visits: VisitService, siteVisits: readonly VisitState[], ownSite: boolean): WaitEstimator {
  const date = visits.today();
  return new WaitEstimator(siteVisits, {
    now: visits.store.now(),
    timeZone: visits.config.timeZone,
    prior: priorFor(visits, date),
    configuredCounters: ownSite ? configuredCounters(visits.config) : {},
  });
}
