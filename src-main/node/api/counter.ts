import { AppError } from '../../common/errors';
import { catalogText } from '../../common/catalog/texts';
import type { BoardRow, ComingEntry, CounterQueue, FeeLine, QueueEntry, Receipt, SurveyOffer } from '../../common/contract/counter';
import type { Actor, PaymentMethod, VisitItemSeed } from '../../common/visit/events';
import { currentDepartment, upcomingDepartments, type VisitState } from '../../common/visit/state';
import type { App } from '../app/app';
import { StaffDirectory } from '../staff/staff';
import type { CallContext } from './registry';

const METHOD_JA: Record<PaymentMethod, string> = { cash: '現金', card: 'クレジットカード', qr: 'QRコード決済', 'e-money': '電子マネー' };

/** Where a counter terminal sits, from its config (never from the screen). */
function place(ctx: CallContext): { department: string; counter: string } {
  const { department, counter } = ctx.terminal;
  if (!department || !counter) throw new AppError('bad-config', `terminal "${ctx.terminal.id}" has no department/counter in its config`, { field: 'department' });
  return { department, counter };
}

export function queueEntry(v: VisitState): QueueEntry {
  const stop = v.stops[v.stop];
  return {
    visitId: v.id,
    number: v.number,
    status: v.status,
    priority: v.priority,
    lang: v.lang,
    issuedAt: v.issuedAt,
    ...(stop?.arrivedAt ? { arrivedAt: stop.arrivedAt } : {}),
    ...(v.call && (v.status === 'called' || v.status === 'serving') ? { counter: v.call.counter } : {}),
    calls: v.call?.count ?? 0,
    from: v.route.slice(0, v.stop),
  };
}

/** 進捗の可視化: how a visit stands from one department's point of view. */
export function boardRow(v: VisitState, department: string): BoardRow | null {
  const items = v.items.filter((i) => i.department === department);
  const onRoute = v.route.includes(department);
  if (!onRoute && items.length === 0) return null;
  const now = currentDepartment(v);
  const idx = v.route.indexOf(department);
  const position: BoardRow['position'] = now === department ? 'here' : upcomingDepartments(v).includes(department) ? 'coming' : onRoute && idx < v.stop ? 'passed' : 'elsewhere';
  return {
    visitId: v.id,
    number: v.number,
    businessDate: v.businessDate,
    status: v.status,
    priority: v.priority,
    position,
    now,
    route: v.route,
    items,
    toDeliver: items.filter((i) => i.status === 'awaiting-delivery').length,
    notes: v.notes.length,
    conflicts: v.conflicts.length,
  };
}

/**
 * The counter workstation: queues, the visit, its items and notes, fees and the survey. Every
 * write goes through VisitService (one event under the store's write lock); a call or recall is
 * also pushed as `call`, so the hall display chimes within the second.
 */
export function registerCounter(app: App): void {
  const { visits, store, config } = app.terminal;
  const staff = new StaffDirectory(store.db, () => store.now());
  app.registry.staffResolver = (token) => staff.resolve(token);
  /** Counter terminal → the visit whose survey its visitor-facing screen shows. */
  const surveys = new Map<string, string>();

  const actor = (ctx: CallContext): Actor => {
    if (!ctx.staff) throw new AppError('unauthenticated', 'sign in first (staff id and PIN)');
    const s = staff.resolve(ctx.staff.token);
    if (!s) throw new AppError('unauthenticated', 'the session ended; sign in again');
    if (s.terminal !== ctx.terminal.id) throw new AppError('unauthenticated', `this session belongs to terminal ${s.terminal}; sign in here`);
    return { terminal: ctx.terminal.id, staff: s.id };
  };
  const announce = (v: VisitState, recall: boolean) => {
    if (!v.call) return;
    app.push.publish('call', { number: v.number, counter: v.call.counter, department: v.call.department, lang: v.lang, recall });
  };
  /** The visit this counter called or serves now (through the queue index, not the whole line). */
  const mine = (ctx: CallContext): VisitState | null => {
    const { department, counter } = place(ctx);
    const row = store.db
      .prepare(`SELECT state FROM visits WHERE business_date = ? AND department = ? AND status IN ('called', 'serving') AND called_counter = ? LIMIT 1`)
      .get(visits.today(), department, counter) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as VisitState) : null;
  };
  const catalogProcedure = (id: string, field: string) => {
    const catalog = app.catalog();
    const p = catalog.procedures[catalog.procedureIndex[id] ?? -1];
    if (!p) throw new AppError('bad-input', `unknown procedure "${id}"`, { field });
    return p;
  };

  // staff.signIn / staff.signOut: api/session.ts (bound to terminal and device, audited).

  app.registry.register('counter.queue', (_input, ctx): CounterQueue => {
    actor(ctx);
    const { department, counter } = place(ctx);
    const line = visits.queue(department);
    const coming: ComingEntry[] = [];
    const today = visits.visitsOn();
    for (const v of today) {
      const ahead = upcomingDepartments(v);
      const i = ahead.indexOf(department);
      if (i < 0) continue;
      coming.push({ visitId: v.id, number: v.number, status: v.status, at: v.route[v.stop]!, stopsAway: i + 1, priority: v.priority });
    }
    coming.sort((a, b) => a.stopsAway - b.stopsAway || a.number - b.number);
    // The losing side of a conflict sees what happened (for half an hour; the visit keeps it for good).
    const since = new Date(store.now() - 30 * 60_000).toISOString();
    const conflicts: CounterQueue['conflicts'] = [];
    for (const v of today) {
      for (const c of v.conflicts) if (c.loser.terminal === ctx.terminal.id && c.at >= since) conflicts.push({ visitId: v.id, number: v.number, at: c.at, kind: c.kind, message: c.message, ...(c.items ? { items: c.items } : {}) });
    }
    conflicts.sort((a, b) => (a.at < b.at ? 1 : -1));
    return {
      department,
      counter,
      recallsBeforeNoShow: config.queue.recallsBeforeNoShow,
      waiting: line.filter((v) => v.status === 'waiting').map(queueEntry),
      active: line.filter((v) => v.status === 'called' || v.status === 'serving').map(queueEntry),
      noShows: line.filter((v) => v.status === 'no-show').map(queueEntry),
      coming,
      current: line.find((v) => (v.status === 'called' || v.status === 'serving') && v.call?.counter === counter) ?? null,
      conflicts: conflicts.slice(0, 5),
    };
  });

  app.registry.register('counter.board', (input, ctx) => {
    if (ctx.terminal.role === 'counter') actor(ctx);
    const department = input.department ?? ctx.terminal.department ?? ctx.staff?.department;
    if (!department) throw new AppError('bad-input', 'which department?', { field: 'department' });
    const order = { here: 0, coming: 1, elsewhere: 2, passed: 3 } as const;
    // Today's visits on the department's route, and earlier days' visits it still owes a delivery.
    return [...visits.visitsOn(), ...visits.awaitingDeliveryBefore(department)]
      .map((v) => boardRow(v, department))
      .filter((r): r is BoardRow => r !== null)
      .sort((a, b) => order[a.position] - order[b.position] || a.number - b.number);
  });

  app.registry.register('counter.visit', (input, ctx) => (actor(ctx), visits.get(input.visitId)));
  app.registry.register('counter.find', (input, ctx) => (actor(ctx), visits.findByNumber(input.number)));

  app.registry.register('counter.callNext', (_input, ctx) => {
    const by = actor(ctx);
    const { department, counter } = place(ctx);
    const cur = mine(ctx);
    if (cur) throw new AppError('conflict', `finish #${cur.number} here first (or mark it a no-show) before calling the next visitor`, { field: 'visitId' });
    const v = visits.callNext(department, counter, by);
    if (v) announce(v, false);
    return { visit: v };
  });

  app.registry.register('counter.callNumber', (input, ctx) => {
    const by = actor(ctx);
    const { department, counter } = place(ctx);
    const cur = mine(ctx);
    if (cur && cur.number !== input.number) throw new AppError('conflict', `finish #${cur.number} here first (or mark it a no-show) before calling #${input.number}`, { field: 'number' });
    const v = visits.callNumber(input.number, department, counter, by);
    announce(v, (v.call?.count ?? 1) > 1);
    return v;
  });

  app.registry.register('counter.recall', (input, ctx) => {
    const by = actor(ctx);
    const { counter } = place(ctx);
    const before = visits.get(input.visitId);
    if (before.status !== 'called' || before.call?.counter !== counter) throw new AppError('conflict', `#${before.number} is not called at counter ${counter}`, { field: 'visitId' });
    const v = visits.recall(input.visitId, counter, by);
    announce(v, true);
    return v;
  });

  app.registry.register('counter.noShow', (input, ctx) => {
    const by = actor(ctx);
    const { counter } = place(ctx);
    const v = visits.get(input.visitId);
    if (v.status !== 'called' || v.call?.counter !== counter) throw new AppError('conflict', `#${v.number} is not called at counter ${counter}`, { field: 'visitId' });
    const recalls = v.call.count - 1;
    const needed = config.queue.recallsBeforeNoShow;
    if (recalls < needed) throw new AppError('conflict', `recall #${v.number} first: ${recalls} of ${needed} recall(s) before a no-show`, { field: 'visitId', details: { recalls, needed } });
    return visits.noShow(input.visitId, counter, by);
  });

  app.registry.register('counter.reactivate', (input, ctx) => {
    const by = actor(ctx);
    const { department } = place(ctx);
    const v = visits.get(input.visitId);
    if (currentDepartment(v) !== department) throw new AppError('conflict', `#${v.number} is not in this department's queue`, { field: 'visitId' });
    return visits.reactivate(input.visitId, by);
  });

  app.registry.register('counter.start', (input, ctx) => {
    const by = actor(ctx);
    const { department, counter } = place(ctx);
    const v = visits.get(input.visitId);
    if (currentDepartment(v) !== department) throw new AppError('conflict', `#${v.number} is not at this department`, { field: 'visitId' });
    return visits.start(input.visitId, counter, by);
  });

  app.registry.register('counter.itemStatus', (input, ctx) => {
    const by = actor(ctx);
    const { department } = place(ctx);
    return visits.setItemStatus(input.visitId, input.itemId, input.status, department, by, input.reason || undefined);
  });

  app.registry.register('counter.addItem', (input, ctx) => {
    const by = actor(ctx);
    const p = catalogProcedure(input.procedureId, 'procedureId');
    const seed: VisitItemSeed = { id: p.id, department: p.department, route: p.route as VisitItemSeed['route'], delivery: p.delivery, need: 'required', ...(p.fee !== undefined ? { fee: p.fee } : {}) };
    return visits.addItem(input.visitId, seed, input.reason, by);
  });

  app.registry.register('counter.note', (input, ctx) => {
    const by = actor(ctx);
    const { department, counter } = place(ctx);
    return visits.addNote(input.visitId, input.text, department, counter, by);
  });

  app.registry.register('counter.finish', (input, ctx) => {
    const by = actor(ctx);
    const { department, counter } = place(ctx);
    const v = visits.get(input.visitId);
    if (currentDepartment(v) !== department) throw new AppError('conflict', `#${v.number} is not at this department (it is ${v.status === 'done' || v.status === 'cancelled' ? v.status : `at ${currentDepartment(v)}`})`, { field: 'visitId' });
    const catalog = app.catalog();
    return visits.finishHere(input.visitId, counter, by, { ...(input.leftOpenReason !== undefined ? { leftOpenReason: input.leftOpenReason } : {}), itemName: (id) => catalogText(catalog, `procedure.${id}`, 'ja') });
  });

  app.registry.register('counter.cancel', (input, ctx) => visits.cancel(input.visitId, input.reason, actor(ctx)));

  app.registry.register('counter.fees', (input, ctx): FeeLine[] => {
    actor(ctx);
    const v = visits.get(input.visitId);
    const catalog = app.catalog();
    const onVisit = new Set(v.items.map((i) => i.id));
    const lines = catalog.procedures
      .filter((p) => p.fee !== undefined)
      .map((p) => ({ itemId: p.id, label: catalogText(catalog, `procedure.${p.id}`, 'ja'), unitPrice: p.fee!, onVisit: onVisit.has(p.id) }));
    return [...lines.filter((l) => l.onVisit), ...lines.filter((l) => !l.onVisit)];
  });

  app.registry.register('counter.pay', (input, ctx) => {
    const by = actor(ctx);
    const catalog = app.catalog();
    const lines = input.lines.map((l, i) => {
      const p = catalogProcedure(l.itemId, `lines[${i}].itemId`);
      if (p.fee === undefined) throw new AppError('bad-input', `"${p.id}" has no fee in the catalog`, { field: `lines[${i}].itemId` });
      return { itemId: p.id, label: catalogText(catalog, `procedure.${p.id}`, 'ja'), quantity: l.quantity, unitPrice: p.fee };
    });
    const visit = visits.takePayment(input.visitId, input.method, lines, by);
    const pay = visit.payments[visit.payments.length - 1]!;
    const receipt: Receipt = {
      paymentId: pay.id,
      number: visit.number,
      method: pay.method,
      lines: pay.lines,
      amount: pay.amount,
      at: pay.at,
      text: `領収 #${visit.number} ${pay.lines.map((l) => `${l.label} ×${l.quantity} ¥${(l.quantity * l.unitPrice).toLocaleString('ja-JP')}`).join('、')} 計 ¥${pay.amount.toLocaleString('ja-JP')}（${METHOD_JA[pay.method]}）`,
    };
    return { visit, receipt };
  });

  const offer = (terminalId: string): SurveyOffer | null => {
    const id = surveys.get(terminalId);
    if (!id) return null;
    const v = visits.get(id);
    return { visitId: v.id, number: v.number, lang: v.lang, answered: v.survey !== undefined };
  };

  app.registry.register('counter.offerSurvey', (input, ctx) => {
    actor(ctx);
    const v = visits.get(input.visitId);
    surveys.set(ctx.terminal.id, v.id);
    // Not an event of the visit: only this counter's visitor-facing screen needs to re-read.
    app.push.publish('events', { types: ['survey.offered'], visitIds: [v.id] });
    return offer(ctx.terminal.id)!;
  });

  app.registry.register('survey.current', (_input, ctx) => ({ offer: offer(ctx.terminal.id) }));

  app.registry.register('survey.answer', (input, ctx) => {
    if (surveys.get(ctx.terminal.id) !== input.visitId) throw new AppError('conflict', 'this survey is no longer open at this counter', { field: 'visitId' });
    const v = visits.get(input.visitId);
    if (v.survey) throw new AppError('conflict', 'this visit already answered the survey', { field: 'visitId' });
    visits.answerSurvey(input.visitId, input.scores, { terminal: ctx.terminal.id });
    return { ok: true as const };
  });
}
