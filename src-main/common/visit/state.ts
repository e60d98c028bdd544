import type { Actor, Delivery, ItemStatus, ListAdjustment, PaymentLine, PaymentMethod, Route } from './events';

export type VisitStatus = 'waiting' | 'called' | 'serving' | 'no-show' | 'done' | 'cancelled';

export interface ItemStep {
  status: ItemStatus;
  at: string;
  by: Actor;
  department: string;
  reason?: string;
}

export interface VisitItem {
  id: string;
  department: string;
  route: Route;
  delivery: Delivery;
  need: 'required' | 'optional' | 'to-confirm';
  members: number[];
  fee?: number;
  /** At a place outside the city hall: never on the route. */
  external?: boolean;
  status: ItemStatus;
  /** Who moved it and when, step by step (1線・2線・3線). */
  steps: ItemStep[];
  addedBy?: { at: string; by: Actor; reason: string };
}

export interface HandoffNote {
  id: string;
  at: string;
  by: Actor;
  department: string;
  counter?: string;
  text: string;
}

/** One place on the route: when the visitor arrived, was first called, started and left. */
export interface Stop {
  department: string;
  arrivedAt?: string;
  firstCalledAt?: string;
  startedAt?: string;
  finishedAt?: string;
  counter?: string;
}

export interface TimelineEntry {
  at: string;
  type: string;
  department?: string;
  counter?: string;
  by: Actor;
  detail?: string;
}

/** A decision the deterministic rule made against a terminal: the losing side sees it. */
export interface Conflict {
  at: string;
  kind: 'double-call' | 'not-here' | 'closed' | 'unknown-item' | 'left-open';
  message: string;
  loser: Actor & { counter?: string };
  winner?: { counter?: string; terminal?: string };
  /** The procedures concerned (left-open). */
  items?: string[];
}

export interface Payment {
  id: string;
  at: string;
  method: PaymentMethod;
  amount: number;
  lines: PaymentLine[];
  by: Actor;
}

/** A finish that left items open (未着手・受付): confirmed with a reason, or folded from a terminal that did not confirm them. */
export interface LeftOpenRecord {
  at: string;
  department: string;
  counter: string;
  by: Actor;
  items: string[];
  /** The clerk's reason; absent when the finish did not confirm these items. */
  reason?: string;
  confirmed: boolean;
}

export interface VisitState {
  id: string;
  businessDate: string;
  station: string;
  number: number;
  lang: string;
  priority: boolean;
  events: string[];
  facts: unknown;
  source: 'kiosk' | 'guide-qr';
  /** The catalog version that made the list (issue 19). */
  catalog?: { version: number; hash: string };
  issuedAt: string;
  issuedBy: Actor;
  adjustments: ListAdjustment[];
  route: string[];
  /** Index into `route` of where the visitor is now; equals route.length when done. */
  stop: number;
  stops: Stop[];
  status: VisitStatus;
  /** The counter that called the visitor at the current stop, and how often. */
  call?: { department: string; counter: string; at: string; count: number; terminal: string };
  items: VisitItem[];
  notes: HandoffNote[];
  timeline: TimelineEntry[];
  payments: Payment[];
  survey?: { at: string; scores: Record<string, number> };
  residentIds: string[];
  conflicts: Conflict[];
  /** Finishes that left items open (absent in states folded before this field existed). */
  leftOpen?: LeftOpenRecord[];
  cancelled?: { at: string; reason: string; by: Actor };
  completedAt?: string;
  /** Called, away (不在), then back: reactivated at this time, and called next at this stop. */
  returnedAt?: string;
}

export function currentDepartment(v: VisitState): string | null {
  if (v.status === 'done' || v.status === 'cancelled') return null;
  return v.route[v.stop] ?? null;
}

/** Departments later on the route: they see the visit coming (来庁を通知). */
export function upcomingDepartments(v: VisitState): string[] {
  if (v.status === 'done' || v.status === 'cancelled') return [];
  return v.route.slice(v.stop + 1);
}

/**
 * Place in a department's line: a visitor who was called, was away (不在) and came back goes next
 * (2), then priority visits (1), then everyone else (0); within a rank, the original issue time.
 */
export function queueRank(v: Pick<VisitState, 'priority' | 'returnedAt'>): number {
  return v.returnedAt ? 2 : v.priority ? 1 : 0;
}
