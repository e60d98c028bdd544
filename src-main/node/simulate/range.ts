import type { Catalog } from '../../common/catalog/types';
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

/** Many business days in a row (a fiscal year for the benchmark), each one a real simulated day. */
export function simulateRange(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: SimulateRangeOptions): { days: number; issued: number; events: number; anomalies: number } {
  const days = openDays(opts.from, opts.to);
  const weights = days.map(dayWeight);
  const total = weights.reduce((a, b) => a + b, 0);
  let issued = 0;
  let events = 0;
  let anomalies = 0;
  let carry = 0;
  days.forEach((date, i) => {
    const exact = (opts.visitors * weights[i]!) / total + carry;
    const n = Math.round(exact);
    carry = exact - n;
    clock.now = Math.max(clock.now, localInstant(date, '07:00', target.config.timeZone));
    const dayOpts = { date, visitors: n, seed: opts.seed + i };
    const r = opts.bulk ? simulateDayInBulk(target, catalog, clock, dayOpts) : simulateDay(target, catalog, clock, dayOpts);
    issued += r.issued;
    events += r.events;
    anomalies += r.anomalies.length;
    opts.onDay?.(r, i, days.length);
  });
  return { days: days.length, issued, events, anomalies };
}

function simulateDayInBulk(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: { date: string; visitors: number; seed: number }): SimulationResult {
  const { store } = target;
  const scratch = Store.open({ file: ':memory:', nodeId: store.nodeId, site: store.site, clock: clock.read, cacheVisits: true });
  try {
    const hlc = store.meta('hlc');
    if (hlc) scratch.setMeta('hlc', hlc);
    // The whole day in one transaction of the scratch database: each operation's own transaction
    // (Store.tx) becomes a savepoint inside it, released or rolled back as before, without a
    // BEGIN/COMMIT per event. The scratch database is thrown away either way.
    scratch.db.exec('BEGIN');
    const r = simulateDay({ store: scratch, visits: new VisitService(scratch, target.config), config: target.config }, catalog, clock, opts);
    scratch.db.exec('COMMIT');
    const base = (store.db.prepare('SELECT MAX(seq) AS m FROM events WHERE origin = ?').get(store.nodeId) as { m: number | null }).m ?? 0;
    store.loadOwnEvents(scratch.ownEventsWithReceipt().map((e) => ({ ...e, seq: e.seq + base })));
    return r;
  } finally {
    scratch.close();
  }
}
