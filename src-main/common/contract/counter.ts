import { z } from 'zod';
import { ITEM_STATUSES, PAYMENT_METHODS, type ItemStatus, type PaymentLine, type PaymentMethod } from '../visit/events';
import type { VisitItem, VisitState, VisitStatus } from '../visit/state';
import { method } from './define';

/** Staff roles (who a person is), as opposed to terminal roles (what a machine is). */
export const STAFF_ROLES = ['concierge', 'counter', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  id: string;
  name: string;
  role: StaffRole;
  department: string;
  active: boolean;
  lockedUntil?: string;
}

export interface SignedIn {
  token: string;
  staff: StaffMember;
  expiresAt: string;
}

/** One line of a department's queue. */
export interface QueueEntry {
  visitId: string;
  number: number;
  status: VisitStatus;
  priority: boolean;
  lang: string;
  issuedAt: string;
  /** When the visit reached this department (after earlier stops). */
  arrivedAt?: string;
  /** The counter that called it, when called or serving. */
  counter?: string;
  /** How often it was announced at the current call (first call + recalls). */
  calls: number;
  /** Departments already finished on its route (it moved on to us). */
  from: string[];
}

/** A visit further up the route that will come here (来庁を通知). */
export interface ComingEntry {
  visitId: string;
  number: number;
  status: VisitStatus;
  /** Where it is now. */
  at: string;
  /** How many stops before it reaches this department. */
  stopsAway: number;
  priority: boolean;
}

export interface CounterQueue {
  department: string;
  counter: string;
  recallsBeforeNoShow: number;
  waiting: QueueEntry[];
  /** Called or being served, at any counter of this department. */
  active: QueueEntry[];
  noShows: QueueEntry[];
  coming: ComingEntry[];
  /** The visit this counter called or is serving, in full. */
  current: VisitState | null;
  /** Recent actions of this terminal that the conflict rule did not apply (sync), newest first. */
  conflicts: Array<{ visitId: string; number: number; at: string; kind: string; message: string; items?: string[] }>;
}

/** 進捗の可視化: one visit that touches a department, and how far its items there have got. */
export interface BoardRow {
  visitId: string;
  number: number;
  /** The visit's day: earlier than today for 事後交付 still owed. */
  businessDate: string;
  status: VisitStatus;
  priority: boolean;
  /** here | coming (later on the route) | passed (finished here) | elsewhere (items only, no stop here). */
  position: 'here' | 'coming' | 'passed' | 'elsewhere';
  /** Department the visit is at now (null when done or cancelled). */
  now: string | null;
  route: string[];
  items: VisitItem[];
  /** 事後交付 items of this department still to deliver. */
  toDeliver: number;
  notes: number;
  conflicts: number;
}

export interface FeeLine {
  itemId: string;
  label: string;
  unitPrice: number;
  /** The procedure is on the visit's list (otherwise it is offered from the catalog). */
  onVisit: boolean;
}

export interface Receipt {
  paymentId: string;
  number: number;
  method: PaymentMethod;
  lines: PaymentLine[];
  amount: number;
  at: string;
  /** The receipt line as printed / shown, e.g. `領収 #1001 住民票の写し ×2 ¥600（現金）`. */
  text: string;
}

export interface SurveyOffer {
  visitId: string;
  number: number;
  lang: string;
  answered: boolean;
}

export const SURVEY_QUESTIONS = ['ease', 'convenience', 'waiting', 'clarity', 'cashless'] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number];

const visitId = z.object({ visitId: z.string().uuid() });
const score = z.number().int().min(1).max(5);
const COUNTER = { roles: ['counter'] as const, staff: true };

export const counterMethods = {
  /** Staff sign-in with id and PIN; the token goes in `x-madoguchi-session` (browser) or the IPC context. */
  'staff.signIn': method<SignedIn>()(
    z.object({ staffId: z.string().trim().min(1, 'enter your staff id').max(32), pin: z.string().regex(/^\d{4,8}$/, 'the PIN is 4 to 8 digits') }),
    { roles: ['kiosk', 'counter', 'supervisor', 'admin'] },
  ),
  'staff.signOut': method<{ ok: true }>()(z.object({}), { staff: true }),

  /** This counter's department: waiting line, calls in progress, no-shows and visits on their way. */
  'counter.queue': method<CounterQueue>()(z.object({}), COUNTER),
  /** 進捗の可視化 for a department (default: this counter's). */
  'counter.board': method<BoardRow[]>()(z.object({ department: z.string().min(1).max(40).optional() }), { roles: ['counter', 'supervisor'], staff: true }),
  'counter.visit': method<VisitState>()(visitId, COUNTER),
  /** Open a visit by its ticket number (today), e.g. read from the ticket. */
  'counter.find': method<VisitState>()(z.object({ number: z.number().int().min(1).max(99999) }), COUNTER),

  /** `visit` is null when nobody waits (MethodOutput cannot be null itself). */
  'counter.callNext': method<{ visit: VisitState | null }>()(z.object({}), COUNTER),
  'counter.callNumber': method<VisitState>()(z.object({ number: z.number().int().min(1).max(99999) }), COUNTER),
  'counter.recall': method<VisitState>()(visitId, COUNTER),
  'counter.noShow': method<VisitState>()(visitId, COUNTER),
  'counter.reactivate': method<VisitState>()(visitId, COUNTER),
  'counter.start': method<VisitState>()(visitId, COUNTER),
  'counter.itemStatus': method<VisitState>()(
    z.object({ visitId: z.string().uuid(), itemId: z.string().min(1).max(80), status: z.enum(ITEM_STATUSES as [ItemStatus, ...ItemStatus[]]), reason: z.string().trim().max(500).optional() }),
    COUNTER,
  ),
  /** Add a procedure the list missed (from the catalog), with why. */
  'counter.addItem': method<VisitState>()(z.object({ visitId: z.string().uuid(), procedureId: z.string().min(1).max(80), reason: z.string().trim().min(1, 'a reason is needed').max(500) }), COUNTER),
  'counter.note': method<VisitState>()(z.object({ visitId: z.string().uuid(), text: z.string().trim().min(1, 'the note is empty').max(2000) }), COUNTER),
  /** Finish here (move on or complete); refused with code `conflict`, details.key `open-items` while items are 未着手・受付, unless `leftOpenReason` confirms them. */
  'counter.finish': method<VisitState>()(z.object({ visitId: z.string().uuid(), leftOpenReason: z.string().trim().min(1, 'a reason is needed').max(500).optional() }), COUNTER),
  'counter.cancel': method<VisitState>()(z.object({ visitId: z.string().uuid(), reason: z.string().trim().min(1, 'a reason is needed').max(500) }), COUNTER),
  /** Fee lines: the visit's fee-bearing procedures first, then every certificate in the catalog. */
  'counter.fees': method<FeeLine[]>()(visitId, COUNTER),
  /** Take a fee; prices come from the catalog, never from the screen. */
  'counter.pay': method<{ visit: VisitState; receipt: Receipt }>()(
    z.object({
      visitId: z.string().uuid(),
      method: z.enum(PAYMENT_METHODS),
      lines: z.array(z.object({ itemId: z.string().min(1).max(80), quantity: z.number().int().min(1).max(99) })).min(1, 'choose at least one fee').max(30),
    }),
    COUNTER,
  ),
  /** Show the satisfaction survey for this visit on the counter's visitor-facing screen. */
  'counter.offerSurvey': method<SurveyOffer>()(visitId, COUNTER),

  /** Visitor-facing survey screen of a counter (no staff sign-in: the visitor touches it). */
  'survey.current': method<{ offer: SurveyOffer | null }>()(z.object({}), { roles: ['counter'] }),
  'survey.answer': method<{ ok: true }>()(
    z.object({ visitId: z.string().uuid(), scores: z.object({ ease: score.optional(), convenience: score.optional(), waiting: score.optional(), clarity: score.optional(), cashless: score.optional() }) }),
    { roles: ['counter'] },
  ),
};

/** 呼出表示: what the hall display shows. */
export interface DisplayState {
  businessDate: string;
  /** Latest calls first. */
  recent: Array<{ number: number; counter: string; department: string; at: string; lang: string }>;
  /** Every configured counter and the number it is serving now (null when free). */
  counters: Array<{ counter: string; department: string; number: number | null; status: 'called' | 'serving' | null }>;
  /** `estimateMinutes`: how long a visitor joining the line now would wait (待ち時間の見込み). */
  waiting: Array<{ department: string; count: number; estimateMinutes?: number }>;
}

export const displayMethods = {
  'display.state': method<DisplayState>()(z.object({ limit: z.number().int().min(1).max(20).default(8) }), { roles: ['display', 'counter', 'supervisor'] }),
};
