import { applyVisitEvent, foldVisit } from '../../common/visit/fold';
import { isVisitEventType, type VisitEvent } from '../../common/visit/events';
import { currentDepartment, queueRank, type VisitState } from '../../common/visit/state';
import type { StoredEvent } from '../../common/sync/event';
import type { Projector, Store } from './store';

function asVisitEvent(ev: StoredEvent): VisitEvent | null {
  return isVisitEventType(ev.type) ? ({ type: ev.type, payload: ev.payload } as VisitEvent) : null;
}

/**
 * Keeps `visits` equal to the fold of each visit's events in log order. An event that arrives in
 * order is applied on top; one that arrives late (sync) makes the visit fold again from its log,
 * so the result never depends on arrival order.
 */
export const visitProjector: Projector = {
  name: 'visits',
  tables: ['visits'],
  apply(store: Store, ev: StoredEvent) {
    const ve = asVisitEvent(ev);
    if (!ve || !ev.visitId) return;
    const row = store.stmt('SELECT state, last_hlc FROM visits WHERE id = ?').get(ev.visitId) as { state: string; last_hlc: string } | undefined;
    let state: VisitState | undefined;
    let lastHlc = ev.hlc;
    if (row && ev.hlc > row.last_hlc) {
      state = applyVisitEvent(JSON.parse(row.state) as VisitState, ve);
    } else {
      const all = store.visitEvents(ev.visitId);
      state = foldVisit(all.map(asVisitEvent).filter((x): x is VisitEvent => x !== null));
      lastHlc = all.length ? all[all.length - 1]!.hlc : ev.hlc;
      if (row && row.last_hlc > lastHlc) lastHlc = row.last_hlc;
    }
    if (!state) return;
    writeVisit(store, state, lastHlc);
  },
};

export function writeVisit(store: Store, v: VisitState, lastHlc: string): void {
  store
    .stmt(
      `INSERT INTO visits (id, business_date, station, number, status, department, priority, queue_key, called_counter, last_hlc, state, awaiting_delivery)
       VALUES (@id, @business_date, @station, @number, @status, @department, @priority, @queue_key, @called_counter, @last_hlc, @state, @awaiting_delivery)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, department = excluded.department, priority = excluded.priority,
         queue_key = excluded.queue_key, called_counter = excluded.called_counter, last_hlc = excluded.last_hlc, state = excluded.state,
         awaiting_delivery = excluded.awaiting_delivery`,
    )
    .run({
      id: v.id,
      business_date: v.businessDate,
      station: v.station,
      number: v.number,
      status: v.status,
      department: currentDepartment(v),
      // The queue rank: 2 = came back after 不在 (called next), 1 = priority, 0 = everyone else.
      priority: queueRank(v),
      queue_key: v.issuedAt,
      called_counter: v.call?.counter ?? null,
      last_hlc: lastHlc,
      state: JSON.stringify(v),
      awaiting_delivery: awaitingDelivery(v),
    });
}

/** `,kokuho,kaigo,` for the departments with items still to deliver (事後交付待ち), or null. */
export function awaitingDelivery(v: VisitState): string | null {
  const depts = [...new Set(v.items.filter((i) => i.status === 'awaiting-delivery').map((i) => i.department))].sort();
  return depts.length ? `,${depts.join(',')},` : null;
}

export function readVisit(store: Store, id: string): VisitState | undefined {
  const row = store.stmt('SELECT state FROM visits WHERE id = ?').get(id) as { state: string } | undefined;
  return row ? (JSON.parse(row.state) as VisitState) : undefined;
}
