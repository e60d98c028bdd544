import { applyVisitEventTo } from '../../common/visit/fold';
import { isVisitEventType, type VisitEvent } from '../../common/visit/events';
import { currentDepartment, queueRank, type VisitState } from '../../common/visit/state';
import type { StoredEvent } from '../../common/sync/event';
import { markReportDaysStale } from './reportDaysProjection';
import { KpiDeltas } from './kpiDaysProjection';
import type { Projector, Store } from './store';
import { visitKpiShare } from '../../common/reports/kpiShare';

function asVisitEvent(ev: StoredEvent): VisitEvent | null {
  return isVisitEventType(ev.type) ? ({ type: ev.type, payload: ev.payload } as VisitEvent) : null;
}

/**
 * Keeps `visits` equal to the fold of each visit's events in log order. Events that arrive in
 * order are applied on top of the stored state; one that arrives late (sync) makes the visit fold
 * again from its log, so the result never depends on arrival order.
 *
 * An ingest folds in batches: its events are grouped by visit, each visit is read once, folded
 * once over all its new events and written once, whatever the number of events.
 */
export const visitProjector: Projector = {
  name: 'visits',
  // The KPI day sums are emptied with the visits: a rebuild folds both again (and the guide
  // completions' columns through the report-days projector).
  tables: ['visits', 'kpi_days', 'kpi_day_departments'],
  apply(store: Store, ev: StoredEvent) {
    if (!ev.visitId || !isVisitEventType(ev.type)) return;
    const kpi = store.visitCache ? null : new KpiDeltas();
    const day = foldVisitEvents(store, ev.visitId, [ev], kpi);
    kpi?.flush((sql) => store.stmt(sql));
    // A scratch database computes no reports: it has no stored day to mark.
    if (day && !store.visitCache) markReportDaysStale(store, [day]);
  },
  applyBatch(store: Store, events: readonly StoredEvent[]) {
    const byVisit = new Map<string, StoredEvent[]>();
    for (const ev of events) {
      if (!ev.visitId || !isVisitEventType(ev.type)) continue;
      const list = byVisit.get(ev.visitId);
      if (list) list.push(ev);
      else byVisit.set(ev.visitId, [ev]);
    }
    const days = new Set<string>();
    const kpi = store.visitCache ? null : new KpiDeltas();
    const known = byVisit.size >= LOOKUP_IN_ONE ? lookUpVisits(store, [...byVisit.keys()]) : null;
    for (const [id, evs] of byVisit) {
      const day = foldVisitEvents(store, id, evs, kpi, known);
      if (day) days.add(day);
    }
    kpi?.flush((sql) => store.stmt(sql));
    markReportDaysStale(store, days);
  },
};

/** From this many visits in one batch, their rows and log sizes are read in two statements rather than two per visit. */
const LOOKUP_IN_ONE = 64;

interface KnownVisits {
  rows: Map<string, { state: string; last_hlc: string }>;
  /** Events in the log per visit (read for the visits without a row). */
  logSizes: Map<string, number>;
}

function lookUpVisits(store: Store, ids: string[]): KnownVisits | null {
  if (store.visitCache) return null;
  const rows = new Map<string, { state: string; last_hlc: string }>();
  for (const r of store.stmt('SELECT id, state, last_hlc FROM visits WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Array<{ id: string; state: string; last_hlc: string }>) {
    rows.set(r.id, r);
  }
  const logSizes = new Map<string, number>();
  const missing = ids.filter((id) => !rows.has(id));
  if (missing.length) {
    for (const r of store.stmt('SELECT visit_id AS id, COUNT(*) AS n FROM events WHERE visit_id IN (SELECT value FROM json_each(?)) GROUP BY visit_id').all(JSON.stringify(missing)) as Array<{ id: string; n: number }>) {
      logSizes.set(r.id, r.n);
    }
  }
  return { rows, logSizes };
}

/**
 * Folds a visit's new events (already in the log, in log order) into its stored state: on top of
 * it when they all come after what it holds, otherwise again from the visit's whole log. Returns
 * the visit's business day (its stored report is now stale), or null when the visit has no state
 * yet (its issue has not arrived). The visit's KPI share moves from its old state to its new one
 * in `kpi` (the day sums); a scratch database (StoreOptions.cacheVisits, the simulation's day,
 * thrown away once its events are loaded elsewhere) keeps no day sums: `kpi` is null there.
 */
function foldVisitEvents(store: Store, visitId: string, evs: readonly StoredEvent[], kpi: KpiDeltas | null, known: KnownVisits | null = null): string | null {
  const work = store.work;
  const cached = store.visitCache?.get(visitId);
  const row = store.visitCache
    ? cached
      ? { state: '', last_hlc: cached.lastHlc }
      : undefined
    : known
      ? known.rows.get(visitId)
      : (store.stmt('SELECT state, last_hlc FROM visits WHERE id = ?').get(visitId) as { state: string; last_hlc: string } | undefined);
  let state: VisitState | undefined;
  // The state before this fold (its KPI share is taken away from the day sums below).
  let before: VisitState | undefined = cached?.state;
  let lastHlc = evs[evs.length - 1]!.hlc;
  let fromLog = true;
  if (row && evs[0]!.hlc > row.last_hlc) {
    // In order: the parsed row (or a copy of the cached state, which readers share) is ours to change in place.
    state = cached ? copyForFold(cached.state) : (JSON.parse(row.state) as VisitState);
    fromLog = false;
    // Folding below changes `state` in place: its share is taken now.
    if (!cached) kpi?.addShare(visitKpiShare(state), -1);
  } else if (!row) {
    // A visit new to this database: when the log holds nothing of it but these events, they are its log.
    const n = known ? (known.logSizes.get(visitId) ?? 0) : store.visitLogSize(visitId);
    fromLog = n !== evs.length;
  }
  let list: readonly StoredEvent[] = evs;
  if (fromLog) {
    if (row && !cached && kpi) before = JSON.parse(row.state) as VisitState;
    list = store.visitEvents(visitId);
    state = undefined;
    work.logFolds++;
    lastHlc = list.length ? list[list.length - 1]!.hlc : lastHlc;
    if (row && row.last_hlc > lastHlc) lastHlc = row.last_hlc;
  }
  for (const ev of list) {
    const ve = asVisitEvent(ev);
    if (!ve) continue;
    // A state this fold created (or parsed) is owned; the first issue builds a fresh one.
    state = applyVisitEventTo(state, ve, true);
    work.eventsFolded++;
  }
  if (!state) return null;
  if (kpi) {
    if (before) kpi.addShare(visitKpiShare(before), -1);
    kpi.addShare(visitKpiShare(state), 1);
  }
  writeVisit(store, state, lastHlc);
  return state.businessDate;
}

/** A visit row's change marker when written: above every one in the table (migration 16-mark; node/wait/terminalWaits.ts reads by it). */
export const NEXT_VISIT_CHANGE = '(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM visits)';

export function writeVisit(store: Store, v: VisitState, lastHlc: string): void {
  store.work.visitWrites++;
  const columns = queueColumns(v);
  if (store.visitCache) {
    // A scratch database: its visits table only answers the day's queue queries (the states and
    // their last HLC live in the cache, and the table is thrown away with the day), so the row is
    // written only when one of its queue columns moves (an item's status mostly moves none).
    const before = store.visitCache.get(v.id);
    const written = before && scratchRows.get(before.state);
    store.visitCache.set(v.id, { state: v, lastHlc });
    scratchRows.set(v, columns);
    if (written && sameQueueColumns(written, columns)) return;
  }
  // Positional parameters: binding by name looks each one up on an object (12 per visit of a catch-up).
  const c = columns;
  // The change marker: counted by the store inside its transaction, else read in this statement.
  const change = store.reserveVisitChanges();
  store
    .stmt(change === null ? UPSERT_VISIT_OWN_MARKER : UPSERT_VISIT_COUNTED_MARKER)
    .run(v.id, c.business_date, c.station, c.number, c.status, c.department, c.priority, c.queue_key, c.called_counter, lastHlc, store.visitCache ? '' : JSON.stringify(v), c.awaiting_delivery, ...(change === null ? [] : [change]));
}

const UPSERT_VISIT = `INSERT INTO visits (id, business_date, station, number, status, department, priority, queue_key, called_counter, last_hlc, state, awaiting_delivery, change_seq)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, @change)
  ON CONFLICT(id) DO UPDATE SET status = excluded.status, department = excluded.department, priority = excluded.priority,
    queue_key = excluded.queue_key, called_counter = excluded.called_counter, last_hlc = excluded.last_hlc, state = excluded.state,
    awaiting_delivery = excluded.awaiting_delivery, change_seq = excluded.change_seq`;
const UPSERT_VISIT_OWN_MARKER = UPSERT_VISIT.replace('@change', NEXT_VISIT_CHANGE);
const UPSERT_VISIT_COUNTED_MARKER = UPSERT_VISIT.replace('@change', '?');

type VisitRow = ReturnType<typeof queueColumns>;

/** The visits row's columns that the queue queries read, from a visit's state. */
export function queueColumns(v: VisitState) {
  return {
    business_date: v.businessDate,
    station: v.station,
    number: v.number,
    status: v.status,
    department: currentDepartment(v),
    // The queue rank: 2 = came back after 不在 (called next), 1 = priority, 0 = everyone else.
    priority: queueRank(v),
    queue_key: v.issuedAt,
    called_counter: v.call?.counter ?? null,
    awaiting_delivery: awaitingDelivery(v),
  };
}

/** The queue columns last written (or skipped) for a cached state of a scratch database. */
const scratchRows = new WeakMap<VisitState, VisitRow>();

function sameQueueColumns(a: VisitRow, b: VisitRow): boolean {
  return (Object.keys(a) as Array<keyof VisitRow>).every((k) => a[k] === b[k]);
}

/** `,kokuho,kaigo,` for the departments with items still to deliver (事後交付待ち), or null. */
export function awaitingDelivery(v: VisitState): string | null {
  // Nearly every visit has nothing awaiting delivery: answered without building anything.
  if (!v.items.some((i) => i.status === 'awaiting-delivery')) return null;
  const depts = [...new Set(v.items.filter((i) => i.status === 'awaiting-delivery').map((i) => i.department))].sort();
  return depts.length ? `,${depts.join(',')},` : null;
}

export function readVisit(store: Store, id: string): VisitState | undefined {
  if (store.visitCache) return store.visitCache.get(id)?.state;
  const row = store.stmt('SELECT state FROM visits WHERE id = ?').get(id) as { state: string } | undefined;
  return row ? (JSON.parse(row.state) as VisitState) : undefined;
}

/**
 * A copy of a visit state that the fold (applyVisitEventTo with `owned`) may change in place while
 * whoever holds the original keeps it unchanged (the cached states of StoreOptions.cacheVisits,
 * which readers share): the top level, `call`, the arrays the fold pushes to, the stops and items
 * it updates (and each item's steps) are copied; what it only reads or replaces whole (facts, life
 * events, adjustments, the entries of the timeline, notes, payments and conflicts) is shared, not
 * deep-copied. tests/integration/visit-fold-copy.test.ts folds every kind of event on deep-frozen
 * states through this copy, so a fold that changed a shared part fails there.
 */
export function copyForFold(v: VisitState): VisitState {
  const c: VisitState = {
    ...v,
    route: [...v.route],
    stops: v.stops.map((s) => ({ ...s })),
    items: v.items.map((i) => ({ ...i, steps: [...i.steps] })),
    notes: [...v.notes],
    timeline: [...v.timeline],
    payments: [...v.payments],
    conflicts: [...v.conflicts],
  };
  if (v.call) c.call = { ...v.call };
  if (v.leftOpen) c.leftOpen = [...v.leftOpen];
  return c;
}
