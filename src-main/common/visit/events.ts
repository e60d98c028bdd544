/**
 * The facts of a visit's life, as events. Every screen and report is folded from these; nothing is
 * stored that cannot be recomputed from them. Payloads carry `at` (the terminal's wall clock, for
 * durations) while ordering comes from the log's hybrid logical clock.
 */
export type Route = 'accept' | 'proxy' | 'refer' | 'refer-optional';
export type Delivery = 'none' | 'immediate' | 'later';
export type ItemStatus =
  | 'listed'
  | 'accepted'
  | 'proxy-accepted'
  | 'entered'
  | 'reviewed'
  | 'delivered'
  | 'awaiting-delivery'
  | 'done'
  | 'referred'
  | 'declined'
  | 'to-confirm';
export const ITEM_STATUSES: readonly ItemStatus[] = ['listed', 'accepted', 'proxy-accepted', 'entered', 'reviewed', 'delivered', 'awaiting-delivery', 'done', 'referred', 'declined', 'to-confirm'];
export const PAYMENT_METHODS = ['cash', 'card', 'qr', 'e-money'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** One procedure on the visit's list, as issued. */
export interface VisitItemSeed {
  id: string;
  department: string;
  route: Route;
  delivery: Delivery;
  /** required | optional (④) | to-confirm (depends on an unknown fact). */
  need: 'required' | 'optional' | 'to-confirm';
  members?: number[];
  fee?: number;
  /** At a place outside the city hall (出入国在留管理局): listed, never added to the route. */
  external?: boolean;
}

export interface Actor {
  terminal: string;
  staff?: string;
}

export interface ListAdjustment {
  itemId: string;
  action: 'added' | 'removed';
  reason: string;
}

export interface VisitIssued {
  visitId: string;
  businessDate: string;
  station: string;
  number: number;
  lang: string;
  priority: boolean;
  events: string[];
  /** Visit facts (FACTS.md), without names. */
  facts: unknown;
  items: VisitItemSeed[];
  /** Ordered department ids the visitor must go to. */
  route: string[];
  /** What the concierge added or removed from the engine's list, with why. */
  adjustments: ListAdjustment[];
  source: 'kiosk' | 'guide-qr';
  /** The catalog version that made the list (0 = the catalog shipped with the app) and its hash (issue 19). */
  catalog?: CatalogStamp;
  at: string;
  by: Actor;
}

export interface CatalogStamp {
  version: number;
  hash: string;
}

interface VisitRef {
  visitId: string;
  at: string;
  by: Actor;
}
export interface VisitCalled extends VisitRef { department: string; counter: string }
export interface VisitRecalled extends VisitRef { department: string; counter: string }
export interface VisitNoShow extends VisitRef { department: string }
export interface VisitReactivated extends VisitRef { department: string }
export interface VisitStarted extends VisitRef { department: string; counter: string }
export interface ItemStatusSet extends VisitRef { itemId: string; status: ItemStatus; department: string; reason?: string }
export interface ItemAdded extends VisitRef { item: VisitItemSeed; reason: string }
export interface HandoffNoteAdded extends VisitRef { noteId: string; department: string; counter?: string; text: string }
export interface VisitFinishedHere extends VisitRef {
  department: string;
  counter: string;
  /** Open items (未着手・受付) the clerk confirmed leaving, with why (see integrity.ts). */
  leftOpen?: { items: string[]; reason: string };
}
export interface VisitCancelled extends VisitRef { reason: string }
/** One line of a receipt: a procedure's fee times how many copies. */
export interface PaymentLine {
  itemId: string;
  label: string;
  quantity: number;
  unitPrice: number;
}

export interface PaymentTaken extends VisitRef {
  paymentId: string;
  method: PaymentMethod;
  lines: PaymentLine[];
  amount: number;
}
export interface SurveyAnswered extends VisitRef {
  /** 1–5 each; questions from REPORTS.md: ease of use, convenience, waiting, clarity (+ cashless). */
  scores: Partial<Record<'ease' | 'convenience' | 'waiting' | 'clarity' | 'cashless', number>>;
}
export interface MembersAttached extends VisitRef {
  residentIds: string[];
  /** Facts after データ連携判定 (resident data merged in). */
  facts: unknown;
  /** The list after the merge: items not already on the visit are added. */
  items: VisitItemSeed[];
  /**
   * The clerk's choice for each difference between the interview and the register (member index,
   * fact name, which value the list follows). No values: birth dates never enter the log.
   */
  decisions?: Array<{ member: number; field: string; keep: 'data' | 'answered' }>;
}

export interface VisitEventMap {
  'visit.issued': VisitIssued;
  'visit.called': VisitCalled;
  'visit.recalled': VisitRecalled;
  'visit.noShow': VisitNoShow;
  'visit.reactivated': VisitReactivated;
  'visit.started': VisitStarted;
  'visit.itemStatus': ItemStatusSet;
  'visit.itemAdded': ItemAdded;
  'visit.noteAdded': HandoffNoteAdded;
  'visit.finishedHere': VisitFinishedHere;
  'visit.cancelled': VisitCancelled;
  'visit.paymentTaken': PaymentTaken;
  'visit.surveyAnswered': SurveyAnswered;
  'visit.membersAttached': MembersAttached;
}
export type VisitEventType = keyof VisitEventMap;
export type VisitEvent = { [K in VisitEventType]: { type: K; payload: VisitEventMap[K] } }[VisitEventType];
export const VISIT_EVENT_TYPES = [
  'visit.issued',
  'visit.called',
  'visit.recalled',
  'visit.noShow',
  'visit.reactivated',
  'visit.started',
  'visit.itemStatus',
  'visit.itemAdded',
  'visit.noteAdded',
  'visit.finishedHere',
  'visit.cancelled',
  'visit.paymentTaken',
  'visit.surveyAnswered',
  'visit.membersAttached',
] as const satisfies readonly VisitEventType[];

export function isVisitEventType(t: string): t is VisitEventType {
  return (VISIT_EVENT_TYPES as readonly string[]).includes(t);
}
