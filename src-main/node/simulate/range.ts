import type { Catalog } from '../../common/catalog/types';
import type { TerminalConfig } from '../../common/config/schema';
import { Store, type ScratchEventRow } from '../store/store';
import { VisitService } from '../visits/service';
import { queueColumns } from '../store/visitProjection';
import { KpiDeltas } from '../store/kpiDaysProjection';
import { markReportDaysStale } from '../store/reportDaysProjection';
import { visitKpiShare, type KpiShare } from '../../common/reports/kpiShare';
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
 * which passes between threads cheaply and is inserted as it is), with the day's result and the
 * visits as the scratch database folded them: their rows (the state as its JSON text) and KPI
 * shares, written as they are by loadScratchDay instead of folding every event a second time.
 */
export interface ScratchDay {
  result: SimulationResult;
  rows: ScratchEventRow[];
  /** In the order the day issued them (the order the visit projector would write them in). */
  visits: ScratchVisit[];
}

/** A visit of a scratch day: its visits row with the state's JSON text, and its share of the KPI day sums. */
export type ScratchVisit = ReturnType<typeof queueColumns> & { id: string; last_hlc: string; state: string; kpi: KpiShare };

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
    // In log order: the scratch database appended them one after the other, each HLC past the last.
    const rows = scratch.scratchEvents() as ScratchDay['rows'];
    // The cache holds each visit's state folded from exactly its events above (the day's visits are
    // new: the scratch database knew nothing before the day), in the order they were issued.
    const visits: ScratchVisit[] = [];
    for (const [id, { state, lastHlc }] of scratch.visitCache!) {
      visits.push({ id, ...queueColumns(state), last_hlc: lastHlc, state: JSON.stringify(state), kpi: visitKpiShare(state) });
    }
    return { result, rows, visits };
  } finally {
    scratch.close();
  }
}

const VISIT_COLUMNS = ['id', 'business_date', 'station', 'number', 'status', 'department', 'priority', 'queue_key', 'called_counter', 'last_hlc', 'state', 'awaiting_delivery'] as const;
/** Visits per multi-row INSERT (13 columns with the change marker: 650 parameters). */
const VISIT_ROWS = 50;

/**
 * Loads a scratch day into this terminal's database in one transaction: its events after the
 * terminal's own (seq shifted past the last one; `day.rows` are renumbered in place), and its
 * visits as the scratch database folded them, with their KPI shares added to the day sums and
 * their business days' stored reports marked stale, exactly what the visit projector leaves when
 * it folds the same events (tests/integration/simulate-bulk.test.ts compares both). A plain INSERT:
 * a visit this database already held would fail the load rather than be overwritten.
 */
export function loadScratchDay(store: Store, day: Pick<ScratchDay, 'rows' | 'visits'>): void {
  const base = (store.db.prepare('SELECT MAX(seq) AS m FROM events WHERE origin = ?').get(store.nodeId) as { m: number | null }).m ?? 0;
  for (const r of day.rows) r.seq += base;
  store.loadOwnEvents(day.rows, {
    writeVisits: () => {
      const params: unknown[] = [];
      const flush = (n: number) => {
        if (n) store.stmt(`INSERT INTO visits (${VISIT_COLUMNS.join(', ')}, change_seq) VALUES ${`,(${VISIT_COLUMNS.map(() => '?').join(', ')}, ?)`.repeat(n).slice(1)}`).run(params);
        params.length = 0;
      };
      const kpi = new KpiDeltas();
      const dates = new Set<string>();
      // Each row's change marker above every one in the table (migration 16-mark).
      const first = store.reserveVisitChanges(day.visits.length);
      if (first === null) throw new Error('loadScratchDay: visit rows are written inside the load\'s transaction');
      let change = first - 1;
      for (const v of day.visits) {
        for (const c of VISIT_COLUMNS) params.push(v[c]);
        params.push(++change);
        if (params.length === (VISIT_COLUMNS.length + 1) * VISIT_ROWS) flush(VISIT_ROWS);
        kpi.addShare(v.kpi, 1);
        dates.add(v.business_date);
      }
      flush(params.length / (VISIT_COLUMNS.length + 1));
      store.work.visitWrites += day.visits.length;
      kpi.flush((sql) => store.stmt(sql));
      markReportDaysStale(store, dates);
    },
  });
}

export function simulateDayInBulk(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: { date: string; visitors: number; seed: number }): SimulationResult {
  const { store } = target;
  const day = simulateDayOnScratch({ nodeId: store.nodeId, site: store.site, config: target.config }, catalog, clock, opts, store.meta('hlc'));
  loadScratchDay(store, day);
  return day.result;
}
