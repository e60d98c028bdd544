import { randomUUID } from 'node:crypto';
import { timeOrderedUuid } from '../../common/ids/timeOrderedUuid';
import { AppError } from '../../common/errors';
import { businessDate } from '../../common/dates/businessDay';
import type { Station, TerminalConfig } from '../../common/config/schema';
import type { Actor, ItemStatus, ListAdjustment, PaymentLine, PaymentMethod, VisitEventMap, VisitEventType, VisitItemSeed } from '../../common/visit/events';
import { itemsLeftOpen } from '../../common/visit/integrity';
import { queueRank, type VisitState } from '../../common/visit/state';
import type { Store } from '../store/store';
import { readVisit } from '../store/visitProjection';
import { nextTicketNumber } from './tickets';

export interface IssueInput {
  station: string;
  lang: string;
  priority: boolean;
  events: string[];
  facts: unknown;
  items: VisitItemSeed[];
  route: string[];
  adjustments?: ListAdjustment[];
  source?: 'kiosk' | 'guide-qr';
  catalog?: { version: number; hash: string };
}

/**
 * The visit's operations, each one event appended under the store's write lock. Checks that need
 * the current state (is the visit here? is it called?) run inside the same transaction, so two
 * counters on one database never both win; across databases the fold's conflict rule decides.
 */
export class VisitService {
  constructor(
    readonly store: Store,
    readonly config: TerminalConfig,
  ) {}

  today(): string {
    return businessDate(this.store.now(), this.config.timeZone);
  }

  private at(): string {
    return new Date(this.store.now()).toISOString();
  }

  private station(id: string): Station {
    const s = this.config.stations.find((x) => x.id === id);
    if (!s) throw new AppError('bad-input', `unknown station "${id}" (known: ${this.config.stations.map((x) => x.id).join(', ')})`, { field: 'station' });
    return s;
  }

  private emit<K extends VisitEventType>(type: K, payload: VisitEventMap[K]): VisitState {
    this.store.append(type, payload, { visitId: payload.visitId });
    return this.get(payload.visitId);
  }

  get(visitId: string): VisitState {
    const v = readVisit(this.store, visitId);
    if (!v) throw new AppError('not-found', `no visit ${visitId} on this terminal`, { field: 'visitId' });
    return v;
  }

  issue(input: IssueInput, by: Actor): VisitState {
    const station = this.station(input.station);
    return this.store.tx(() => {
      const date = this.today();
      const number = nextTicketNumber(this.store, station, date);
      // Time-ordered: the visits table and the log's per-visit index grow at their right edge.
      const visitId = timeOrderedUuid(this.store.now(), (b) => crypto.getRandomValues(b));
      return this.emit('visit.issued', {
        visitId,
        businessDate: date,
        station: station.id,
        number,
        lang: input.lang,
        priority: input.priority,
        events: input.events,
        facts: input.facts,
        items: input.items,
        route: input.route,
        adjustments: input.adjustments ?? [],
        source: input.source ?? 'kiosk',
        ...(input.catalog ? { catalog: input.catalog } : {}),
        at: this.at(),
        by,
      });
    });
  }

  /** Next visit for a department: a returned 不在 visitor first, then priority, then the original issue time. */
  callNext(department: string, counter: string, by: Actor): VisitState | null {
    return this.store.tx(() => {
      const row = this.store
        .stmt(`SELECT id FROM visits WHERE business_date = ? AND department = ? AND status = 'waiting' ORDER BY priority DESC, queue_key, number LIMIT 1`)
        .get(this.today(), department) as { id: string } | undefined;
      if (!row) return null;
      return this.emit('visit.called', { visitId: row.id, department, counter, at: this.at(), by });
    });
  }

  findByNumber(number: number, date = this.today()): VisitState {
    const row = this.store.db.prepare('SELECT id FROM visits WHERE business_date = ? AND number = ?').get(date, number) as { id: string } | undefined;
    if (!row) throw new AppError('not-found', `no ticket #${number} today`, { field: 'number' });
    return this.get(row.id);
  }

  /** Call a given number (the visitor came back, or a counter takes one out of order). */
  callNumber(number: number, department: string, counter: string, by: Actor): VisitState {
    return this.store.tx(() => {
      const v = this.findByNumber(number);
      const here = v.route[v.stop];
      if (v.status === 'done' || v.status === 'cancelled') throw new AppError('conflict', `#${number} is ${v.status}`, { field: 'number' });
      if (here !== department) throw new AppError('conflict', `#${number} is not in this queue (it is at ${here ?? 'no department'})`, { field: 'number' });
      if ((v.status === 'called' || v.status === 'serving') && v.call && v.call.counter !== counter) {
        throw new AppError('conflict', `#${number} is already with counter ${v.call.counter}`, { field: 'number' });
      }
      if (v.status === 'no-show') this.emit('visit.reactivated', { visitId: v.id, department, at: this.at(), by });
      return this.emit('visit.called', { visitId: v.id, department, counter, at: this.at(), by });
    });
  }

  recall(visitId: string, counter: string, by: Actor): VisitState {
    return this.store.tx(() => {
      const v = this.requireAtCounter(visitId, counter);
      return this.emit('visit.recalled', { visitId, department: v.route[v.stop]!, counter, at: this.at(), by });
    });
  }

  noShow(visitId: string, counter: string, by: Actor): VisitState {
    return this.store.tx(() => {
      const v = this.requireAtCounter(visitId, counter);
      return this.emit('visit.noShow', { visitId, department: v.route[v.stop]!, at: this.at(), by });
    });
  }

  reactivate(visitId: string, by: Actor): VisitState {
    return this.store.tx(() => {
      const v = this.get(visitId);
      if (v.status !== 'no-show') throw new AppError('conflict', `#${v.number} is ${v.status}, not a no-show`, { field: 'visitId' });
      return this.emit('visit.reactivated', { visitId, department: v.route[v.stop]!, at: this.at(), by });
    });
  }

  start(visitId: string, counter: string, by: Actor): VisitState {
    return this.store.tx(() => {
      const v = this.requireAtCounter(visitId, counter);
      return this.emit('visit.started', { visitId, department: v.route[v.stop]!, counter, at: this.at(), by });
    });
  }

  setItemStatus(visitId: string, itemId: string, status: ItemStatus, department: string, by: Actor, reason?: string): VisitState {
    return this.store.tx(() => {
      const v = this.get(visitId);
      if (!v.items.some((i) => i.id === itemId)) throw new AppError('not-found', `#${v.number} has no item "${itemId}"`, { field: 'itemId' });
      if (status === 'declined' && !reason?.trim()) throw new AppError('bad-input', 'declining a procedure needs a reason', { field: 'reason' });
      return this.emit('visit.itemStatus', { visitId, itemId, status, department, at: this.at(), by, ...(reason ? { reason } : {}) });
    });
  }

  addItem(visitId: string, item: VisitItemSeed, reason: string, by: Actor): VisitState {
    if (!reason.trim()) throw new AppError('bad-input', 'adding a missed procedure needs a reason', { field: 'reason' });
    return this.store.tx(() => {
      const v = this.get(visitId);
      if (v.items.some((i) => i.id === item.id)) throw new AppError('conflict', `#${v.number} already lists "${item.id}"`, { field: 'itemId' });
      return this.emit('visit.itemAdded', { visitId, item, reason, at: this.at(), by });
    });
  }

  addNote(visitId: string, text: string, department: string, counter: string | undefined, by: Actor): VisitState {
    const t = text.trim();
    if (!t) throw new AppError('bad-input', 'the handoff note is empty', { field: 'text' });
    if (t.length > 2000) throw new AppError('bad-input', 'the handoff note is longer than 2,000 characters', { field: 'text' });
    return this.store.tx(() => {
      this.get(visitId);
      return this.emit('visit.noteAdded', { visitId, noteId: randomUUID(), department, ...(counter ? { counter } : {}), text: t, at: this.at(), by });
    });
  }

  /**
   * Finish the visit's current stop: it moves on with the same number, or is complete. Refused
   * while items this stop is the last to see are 未着手 or 受付 (integrity.ts), naming them, unless
   * the clerk confirms leaving them with a reason (recorded in the event, the timeline and the
   * daily report). `itemName` names items for the message (the catalog's Japanese names).
   */
  finishHere(visitId: string, counter: string, by: Actor, opts: { leftOpenReason?: string; itemName?: (id: string) => string } = {}): VisitState {
    const reason = opts.leftOpenReason?.trim();
    if (opts.leftOpenReason !== undefined && !reason) throw new AppError('bad-input', 'leaving procedures open needs a reason', { field: 'leftOpenReason' });
    return this.store.tx(() => {
      const v = this.requireAtCounter(visitId, counter);
      const open = itemsLeftOpen(v);
      if (open.length > 0 && !reason) {
        const name = opts.itemName ?? ((id: string) => id);
        throw new AppError('conflict', `#${v.number}: ${open.length} procedure(s) not finished here: ${open.map((i) => `${name(i.id)} (${i.status === 'listed' ? '未着手' : '受付'})`).join('、')}. Move each on (referred, awaiting delivery, declined with a reason) or confirm with a reason.`, {
          field: 'leftOpenReason',
          details: { key: 'open-items', number: v.number, items: open.map((i) => ({ id: i.id, status: i.status, department: i.department })) },
        });
      }
      const leftOpen = open.length > 0 && reason ? { leftOpen: { items: open.map((i) => i.id), reason } } : {};
      return this.emit('visit.finishedHere', { visitId, department: v.route[v.stop]!, counter, at: this.at(), by, ...leftOpen });
    });
  }

  cancel(visitId: string, reason: string, by: Actor): VisitState {
    if (!reason.trim()) throw new AppError('bad-input', 'cancelling a visit needs a reason', { field: 'reason' });
    return this.store.tx(() => {
      const v = this.get(visitId);
      if (v.status === 'done' || v.status === 'cancelled') throw new AppError('conflict', `#${v.number} is already ${v.status}`, { field: 'visitId' });
      return this.emit('visit.cancelled', { visitId, reason, at: this.at(), by });
    });
  }

  takePayment(visitId: string, method: PaymentMethod, lines: PaymentLine[], by: Actor): VisitState {
    if (lines.length === 0) throw new AppError('bad-input', 'a payment needs at least one line', { field: 'lines' });
    lines.forEach((l, i) => {
      if (!Number.isInteger(l.quantity) || l.quantity < 1) throw new AppError('bad-input', 'quantity must be a whole number ≥ 1', { field: `lines[${i}].quantity` });
      if (!Number.isInteger(l.unitPrice) || l.unitPrice < 0) throw new AppError('bad-input', 'unit price must be whole yen ≥ 0', { field: `lines[${i}].unitPrice` });
    });
    const amount = lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
    return this.store.tx(() => {
      this.get(visitId);
      return this.emit('visit.paymentTaken', { visitId, paymentId: randomUUID(), method, lines, amount, at: this.at(), by });
    });
  }

  answerSurvey(visitId: string, scores: Partial<Record<'ease' | 'convenience' | 'waiting' | 'clarity' | 'cashless', number>>, by: Actor): VisitState {
    for (const [k, s] of Object.entries(scores)) {
      if (s !== undefined && (!Number.isInteger(s) || s < 1 || s > 5)) throw new AppError('bad-input', 'survey scores are 1 to 5', { field: `scores.${k}` });
    }
    return this.store.tx(() => {
      this.get(visitId);
      return this.emit('visit.surveyAnswered', { visitId, scores, at: this.at(), by });
    });
  }

  private requireAtCounter(visitId: string, counter: string): VisitState {
    const v = this.get(visitId);
    if (v.status === 'done' || v.status === 'cancelled') throw new AppError('conflict', `#${v.number} is ${v.status}`, { field: 'visitId' });
    if (v.call && v.call.counter !== counter && (v.status === 'called' || v.status === 'serving')) {
      throw new AppError('conflict', `#${v.number} is with counter ${v.call.counter}, not ${counter}`, { field: 'visitId' });
    }
    return v;
  }

  // ---- reads -------------------------------------------------------------------------------

  /** Today's waiting line of a department, in call order. */
  queue(department: string, date = this.today()): VisitState[] {
    const rows = this.store.db
      .prepare(`SELECT state FROM visits WHERE business_date = ? AND department = ? AND status IN ('waiting', 'called', 'serving', 'no-show') ORDER BY priority DESC, queue_key, number`)
      .all(date, department) as Array<{ state: string }>;
    return rows.map((r) => JSON.parse(r.state) as VisitState);
  }

  /** Every visit of a day (for boards, the display and `visits list`). */
  visitsOn(date = this.today()): VisitState[] {
    const rows = this.store.db.prepare('SELECT state FROM visits WHERE business_date = ? ORDER BY queue_key, number').all(date) as Array<{ state: string }>;
    return rows.map((r) => JSON.parse(r.state) as VisitState);
  }

  /**
   * Visits of earlier days that a department still owes a delivery (事後交付待ち). INDEXED BY: on
   * its own the planner takes the date index and would read every past day.
   */
  awaitingDeliveryBefore(department: string, date = this.today()): VisitState[] {
    const rows = this.store
      .stmt(`SELECT state FROM visits INDEXED BY visits_awaiting_delivery WHERE awaiting_delivery IS NOT NULL AND instr(awaiting_delivery, ?) > 0 AND business_date < ? ORDER BY business_date, number`)
      .all(`,${department},`, date) as Array<{ state: string }>;
    return rows.map((r) => JSON.parse(r.state) as VisitState);
  }

  waitingAhead(department: string, visit: VisitState): number {
    // The visit itself is left out by its rowid, which the queue index holds (its id is only in the
    // table): the count reads the index alone instead of every waiting row of the line.
    const row = this.store
      .stmt(`SELECT COUNT(*) AS n FROM visits WHERE business_date = ? AND department = ? AND status = 'waiting' AND rowid IS NOT (SELECT rowid FROM visits WHERE id = ?) AND (priority > ? OR (priority = ? AND queue_key < ?))`)
      .get(visit.businessDate, department, visit.id, queueRank(visit), queueRank(visit), visit.issuedAt) as { n: number };
    return row.n;
  }
}
