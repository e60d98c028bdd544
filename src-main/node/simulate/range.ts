import type { Catalog } from '../../common/catalog/types';
import type { TerminalConfig } from '../../common/config/schema';
import type { StoredEvent } from '../../common/sync/event';
import { Store } from '../store/store';
import { VisitService } from '../visits/service';
import { localInstant, type SimClock } from './clock';
import { dayWeight, openDays } from './calendar';
import { simulateDay, type SimulationResult, type SimulationTarget } from './day';

export interface SimulateRangeOptions {
  from: string;
  to: string;
  /** Visitors over the whole range, shared out by day weight. */
  visitors: number;
  seed: number;
  onDay?: (r: SimulationResult, index: number, days: number) => void;
  /**
   * Bulk (the benchmark's year): each day runs through the real VisitService on a scratch
   * in-memory database that starts from the terminal's clock (HLC) and log position, so it appends
   * exactly the events the terminal would; the day's events are then loaded into the terminal's
   * database in one transaction and folded once per visit (Store.loadOwnEvents). A day only reads
   * that day's visits, which the scratch database holds; it keeps their states in memory
   * (StoreOptions.cacheVisits) instead of parsing and writing JSON at every event.
   */
  bulk?: boolean;
}

/** One business day of a range: its date, its share of the visitors and its seed. */
export interface RangeDay {
  index: number;
  date: string;
  visitors: number;
  seed: number;
}

/** The days of a range with their visitors (shared out by day weight, rounding carried over) and seeds. */
export function rangeDays(opts: Pick<SimulateRangeOptions, 'from' | 'to' | 'visitors' | 'seed'>): RangeDay[] {
  const days = openDays(opts.from, opts.to);
  const weights = days.map(dayWeight);
  const total = weights.reduce((a, b) => a + b, 0);
  let carry = 0;
  return days.map((date, i) => {
    const exact = (opts.visitors * weights[i]!) / total + carry;
    const n = Math.round(exact);
    carry = exact - n;
    return { index: i, date, visitors: n, seed: opts.seed + i };
  });
}

/** Many business days in a row (a fiscal year for the benchmark), each one a real simulated day. */
export function simulateRange(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: SimulateRangeOptions): { days: number; issued: number; events: number; anomalies: number } {
  const days = rangeDays(opts);
  let issued = 0;
  let events = 0;
  let anomalies = 0;
  for (const d of days) {
    clock.now = Math.max(clock.now, localInstant(d.date, '07:00', target.config.timeZone));
    const dayOpts = { date: d.date, visitors: d.visitors, seed: d.seed };
    const r = opts.bulk ? simulateDayInBulk(target, catalog, clock, dayOpts) : simulateDay(target, catalog, clock, dayOpts);
    issued += r.issued;
    events += r.events;
    anomalies += r.anomalies.length;
    opts.onDay?.(r, d.index, days.length);
  }
  return { days: days.length, issued, events, anomalies };
}

/**
 * A day's events as the scratch database wrote them (seq from 1, payload as its stored JSON text,
 * which passes between threads cheaply and is inserted as it is), with the day's result.
 */
export interface ScratchDay {
  result: SimulationResult;
  rows: Array<Omit<StoredEvent, 'payload'> & { payloadText: string; receivedAt: string }>;
}

/**
 * One day through the real VisitService on a scratch in-memory database of this terminal's origin,
 * starting from the clock value `hlc` (none: a fresh clock). Used in-process (simulateDayInBulk) and
 * by the day workers (simulate/parallel.ts).
 */
export function simulateDayOnScratch(
  origin: { nodeId: string; site: string; config: TerminalConfig },
  catalog: Catalog,
  clock: SimClock,
  opts: { date: string; visitors: number; seed: number },
  hlc?: string,
): ScratchDay {
  const scratch = Store.open({ file: ':memory:', nodeId: origin.nodeId, site: origin.site, clock: clock.read, cacheVisits: true });
  try {
    if (hlc) scratch.setMeta('hlc', hlc);
    const result = simulateDay({ store: scratch, visits: new VisitService(scratch, origin.config), config: origin.config }, catalog, clock, opts);
    const rows = scratch.db
      .prepare('SELECT origin, seq, hlc, type, site, visit_id AS visitId, payload AS payloadText, received_at AS receivedAt FROM events WHERE origin = ? ORDER BY hlc, origin, seq')
      .all(origin.nodeId) as ScratchDay['rows'];
    return { result, rows };
  } finally {
    scratch.close();
  }
}

/** Loads a scratch day's events after this terminal's own (seq shifted past the last one). */
export function loadScratchDay(store: Store, rows: ScratchDay['rows']): void {
  const base = (store.db.prepare('SELECT MAX(seq) AS m FROM events WHERE origin = ?').get(store.nodeId) as { m: number | null }).m ?? 0;
  store.loadOwnEvents(rows.map((e) => ({ ...e, seq: e.seq + base, payload: JSON.parse(e.payloadText) as unknown })));
}

export function simulateDayInBulk(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: { date: string; visitors: number; seed: number }): SimulationResult {
  const { store } = target;
  const day = simulateDayOnScratch({ nodeId: store.nodeId, site: store.site, config: target.config }, catalog, clock, opts, store.meta('hlc'));
  loadScratchDay(store, day.rows);
  return day.result;
}
