import type { ItemStatus } from './events';
import type { VisitItem, VisitState } from './state';

/**
 * Workflow integrity (窓口の取りこぼし防止): a counter may not finish its part of a visit, or hand
 * the visitor on, while a procedure it is the last to see is still untouched (未着手, `listed`) or
 * only received (受付, `accepted`). The clerk moves each one on (案内済 to its department, 事後交付,
 * 取下げ with a reason) or confirms leaving them with a reason, which the finish event records.
 *
 * Which items are "this stop's to settle": every open item whose department is not still ahead
 * on the route. A `refer` item for a department the visitor goes to next is not this counter's to
 * settle; a proxy item for a department that is not on the route is (nobody else will see it).
 * Optional offers (④, `need: optional`) are offered, not routed, and never hold a finish.
 * 代理受付 (`proxy-accepted`) is the one-stop counter's whole part of a proxy item, so it is settled.
 */
export const OPEN_STATUSES: readonly ItemStatus[] = ['listed', 'accepted'];

export function isOpenItem(item: Pick<VisitItem, 'status' | 'need'>): boolean {
  return item.need !== 'optional' && OPEN_STATUSES.includes(item.status);
}

/**
 * Items a finish at the visit's current stop would leave untouched, in list order. An item a clerk
 * already confirmed leaving (with a reason, at an earlier stop) is decided and does not hold later
 * counters; one left unconfirmed (folded from a terminal that did not ask) still does.
 */
export function itemsLeftOpen(v: Pick<VisitState, 'items' | 'route' | 'stop' | 'leftOpen'>, stop = v.stop): VisitItem[] {
  const ahead = new Set(v.route.slice(stop + 1));
  const decided = new Set((v.leftOpen ?? []).filter((r) => r.confirmed).flatMap((r) => r.items));
  return v.items.filter((i) => isOpenItem(i) && !ahead.has(i.department) && !decided.has(i.id));
}

/** What a finish records when the clerk confirmed leaving open items: the items and why. */
export interface LeftOpen {
  items: string[];
  reason: string;
}
