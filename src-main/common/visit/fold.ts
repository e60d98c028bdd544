import type { Actor, VisitEvent, VisitItemSeed } from './events';
import { itemsLeftOpen } from './integrity';
import type { Conflict, VisitItem, VisitState } from './state';

/**
 * Fold one event into a visit. Pure and deterministic: the store applies events in hybrid-logical-
 * clock order, so every terminal that holds the same events holds the same visit. An event that
 * the rules refuse (a second counter calling a visit already called, an action on a closed visit)
 * changes nothing but is recorded as a conflict, so the losing side sees what happened.
 */
export function applyVisitEvent(state: VisitState | undefined, ev: VisitEvent): VisitState | undefined {
  return applyVisitEventTo(state, ev, false);
}

/**
 * The same fold; with `owned` the caller hands over `state` (a copy nobody else holds) and it is
 * changed in place instead of cloned, so a batch of events on one visit costs one copy, not one
 * per event. The result is equal either way.
 */
export function applyVisitEventTo(state: VisitState | undefined, ev: VisitEvent, owned: boolean): VisitState | undefined {
  if (ev.type === 'visit.issued') {
    if (state) return state; // a visit is issued once; a replayed issue changes nothing
    const p = ev.payload;
    return {
      id: p.visitId,
      businessDate: p.businessDate,
      station: p.station,
      number: p.number,
      lang: p.lang,
      priority: p.priority,
      events: [...p.events],
      facts: p.facts,
      source: p.source,
      ...(p.catalog ? { catalog: { version: p.catalog.version, hash: p.catalog.hash } } : {}),
      issuedAt: p.at,
      issuedBy: p.by,
      adjustments: [...p.adjustments],
      route: [...p.route],
      stop: 0,
      stops: p.route.map((department, i) => (i === 0 ? { department, arrivedAt: p.at } : { department })),
      status: p.route.length === 0 ? 'done' : 'waiting',
      items: p.items.map((it) => seedItem(it, p.at, p.by)),
      notes: [],
      timeline: [{ at: p.at, type: 'issued', by: p.by, detail: `${p.station} #${p.number}` }],
      payments: [],
      residentIds: [],
      conflicts: [],
      ...(p.route.length === 0 ? { completedAt: p.at } : {}),
    };
  }
  if (!state) return undefined; // events of a visit whose issue has not arrived yet wait in the log
  const v = owned ? state : structuredClone(state);
  const p = ev.payload;
  const closed = v.status === 'done' || v.status === 'cancelled';
  const here = v.route[v.stop];


  switch (ev.type) {
    case 'visit.called': {
      const { department, counter } = ev.payload;
      if (closed) return conflictOn(v, p, { kind: 'closed', message: `#${v.number} was already ${v.status} when counter ${counter} called it`, counter });
      if (department !== here) return conflictOn(v, p, { kind: 'not-here', message: `#${v.number} is at ${here}, not ${department}`, counter });
      if ((v.status === 'called' || v.status === 'serving') && v.call && v.call.counter !== counter) {
        return conflictOn(v, p, {
          kind: 'double-call',
          message: `#${v.number} was called by counter ${v.call.counter} first; counter ${counter}'s call was not applied`,
          counter,
          winner: { counter: v.call.counter, terminal: v.call.terminal },
        });
      }
      if (v.status === 'called' && v.call?.counter === counter) {
        v.call.count += 1;
        logTo(v, p, 'recalled', { department, counter });
        return v;
      }
      v.status = 'called';
      delete v.returnedAt;
      v.call = { department, counter, at: ev.payload.at, count: 1, terminal: p.by.terminal };
      const stop = v.stops[v.stop];
      if (stop && !stop.firstCalledAt) stop.firstCalledAt = ev.payload.at;
      logTo(v, p, 'called', { department, counter });
      return v;
    }
    case 'visit.recalled': {
      const { department, counter } = ev.payload;
      if (closed || department !== here || !v.call || v.call.counter !== counter) {
        return conflictOn(v, p, { kind: closed ? 'closed' : 'not-here', message: `#${v.number} is not called at counter ${counter}; recall ignored`, counter });
      }
      v.call.count += 1;
      v.status = 'called';
      logTo(v, p, 'recalled', { department, counter });
      return v;
    }
    case 'visit.noShow': {
      if (closed || ev.payload.department !== here) return conflictOn(v, p, { kind: closed ? 'closed' : 'not-here', message: `#${v.number}: no-show ignored` });
      v.status = 'no-show';
      logTo(v, p, 'no-show', { department: here });
      return v;
    }
    case 'visit.reactivated': {
      if (closed || ev.payload.department !== here) return conflictOn(v, p, { kind: closed ? 'closed' : 'not-here', message: `#${v.number}: reactivation ignored` });
      if (v.status === 'no-show') {
        v.status = 'waiting';
        delete v.call;
        v.returnedAt = ev.payload.at;
        logTo(v, p, 'reactivated', { department: here });
      }
      return v;
    }
    case 'visit.started': {
      const { department, counter } = ev.payload;
      if (closed || department !== here) return conflictOn(v, p, { kind: closed ? 'closed' : 'not-here', message: `#${v.number}: start at counter ${counter} ignored`, counter });
      if (v.call && v.call.counter !== counter && (v.status === 'called' || v.status === 'serving')) {
        return conflictOn(v, p, { kind: 'double-call', message: `#${v.number} is with counter ${v.call.counter}; counter ${counter} could not start it`, counter, winner: { counter: v.call.counter, terminal: v.call.terminal } });
      }
      v.status = 'serving';
      delete v.returnedAt;
      v.call = v.call ?? { department, counter, at: ev.payload.at, count: 0, terminal: p.by.terminal };
      const stop = v.stops[v.stop]!;
      stop.firstCalledAt ??= ev.payload.at;
      stop.startedAt ??= ev.payload.at;
      stop.counter = counter;
      logTo(v, p, 'started', { department, counter });
      return v;
    }
    case 'visit.itemStatus': {
      const item = v.items.find((i) => i.id === ev.payload.itemId);
      if (!item) return conflictOn(v, p, { kind: 'unknown-item', message: `#${v.number} has no item ${ev.payload.itemId}` });
      item.status = ev.payload.status;
      item.steps.push({ status: ev.payload.status, at: ev.payload.at, by: p.by, department: ev.payload.department, ...(ev.payload.reason ? { reason: ev.payload.reason } : {}) });
      logTo(v, p, 'item', { department: ev.payload.department, detail: `${item.id} → ${ev.payload.status}${ev.payload.reason ? ` (${ev.payload.reason})` : ''}` });
      return v;
    }
    case 'visit.itemAdded': {
      const seed = ev.payload.item;
      if (v.items.some((i) => i.id === seed.id)) return v;
      const item = seedItem(seed, ev.payload.at, p.by);
      item.addedBy = { at: ev.payload.at, by: p.by, reason: ev.payload.reason };
      v.items.push(item);
      extendRoute(v, item);
      logTo(v, p, 'item-added', { department: seed.department, detail: `${seed.id}: ${ev.payload.reason}` });
      return v;
    }
    case 'visit.noteAdded': {
      const n = ev.payload;
      if (v.notes.some((x) => x.id === n.noteId)) return v;
      v.notes.push({ id: n.noteId, at: n.at, by: p.by, department: n.department, ...(n.counter ? { counter: n.counter } : {}), text: n.text });
      logTo(v, p, 'note', { department: n.department, ...(n.counter ? { counter: n.counter } : {}) });
      return v;
    }
    case 'visit.finishedHere': {
      const { department, counter } = ev.payload;
      if (closed || department !== here) return conflictOn(v, p, { kind: closed ? 'closed' : 'not-here', message: `#${v.number}: finish at ${department} ignored (visit is ${closed ? v.status : `at ${here}`})`, counter });
      // Never silently drop items: a finish that leaves items open is applied (the visitor has
      // left the counter) but recorded. Items the finishing clerk confirmed carry their reason;
      // items they could not have seen (added on another terminal meanwhile, or a terminal that
      // did not ask) are recorded unconfirmed and shown to that terminal as a conflict.
      const open = itemsLeftOpen(v).map((i) => i.id);
      if (open.length > 0) {
        const said = new Set(ev.payload.leftOpen?.items ?? []);
        const confirmed = open.filter((id) => said.has(id));
        const unconfirmed = open.filter((id) => !said.has(id));
        v.leftOpen ??= [];
        if (confirmed.length > 0) {
          v.leftOpen.push({ at: p.at, department, counter, by: p.by, items: confirmed, reason: ev.payload.leftOpen!.reason, confirmed: true });
          logTo(v, p, 'left-open', { department, counter, detail: `${confirmed.join(', ')}: ${ev.payload.leftOpen!.reason}` });
        }
        if (unconfirmed.length > 0) {
          v.leftOpen.push({ at: p.at, department, counter, by: p.by, items: unconfirmed, confirmed: false });
          logTo(v, p, 'left-open', { department, counter, detail: unconfirmed.join(', ') });
          conflictOn(v, p, { kind: 'left-open', message: `#${v.number} was finished at ${department} with ${unconfirmed.length} item(s) still open: ${unconfirmed.join(', ')}`, counter });
          v.conflicts[v.conflicts.length - 1]!.items = unconfirmed;
        }
      }
      const stop = v.stops[v.stop]!;
      stop.finishedAt = ev.payload.at;
      stop.counter ??= counter;
      stop.startedAt ??= ev.payload.at;
      stop.firstCalledAt ??= ev.payload.at;
      logTo(v, p, 'finished-here', { department, counter });
      delete v.call;
      delete v.returnedAt;
      v.stop += 1;
      if (v.stop >= v.route.length) {
        v.status = 'done';
        v.completedAt = ev.payload.at;
        logTo(v, p, 'completed');
      } else {
        v.status = 'waiting';
        v.stops[v.stop]!.arrivedAt = ev.payload.at;
      }
      return v;
    }
    case 'visit.cancelled': {
      if (closed) return conflictOn(v, p, { kind: 'closed', message: `#${v.number} was already ${v.status}; cancel ignored` });
      v.status = 'cancelled';
      v.cancelled = { at: ev.payload.at, reason: ev.payload.reason, by: p.by };
      delete v.call;
      delete v.returnedAt;
      logTo(v, p, 'cancelled', { detail: ev.payload.reason });
      return v;
    }
    case 'visit.paymentTaken': {
      const pay = ev.payload;
      if (v.payments.some((x) => x.id === pay.paymentId)) return v;
      v.payments.push({ id: pay.paymentId, at: pay.at, method: pay.method, amount: pay.amount, lines: pay.lines, by: p.by });
      logTo(v, p, 'payment', { detail: `${pay.method} ¥${pay.amount}` });
      return v;
    }
    case 'visit.surveyAnswered': {
      const scores: Record<string, number> = {};
      for (const [k, s] of Object.entries(ev.payload.scores)) if (typeof s === 'number') scores[k] = s;
      v.survey = { at: ev.payload.at, scores };
      logTo(v, p, 'survey');
      return v;
    }
    case 'visit.membersAttached': {
      const a = ev.payload;
      v.residentIds = [...new Set([...v.residentIds, ...a.residentIds])];
      v.facts = a.facts;
      for (const seed of a.items) {
        if (v.items.some((i) => i.id === seed.id)) continue;
        const item = seedItem(seed, a.at, p.by);
        item.addedBy = { at: a.at, by: p.by, reason: 'データ連携判定' };
        v.items.push(item);
        extendRoute(v, item);
      }
      logTo(v, p, 'members-attached', { detail: `${a.residentIds.length}` });
      // The clerk's choices where the interview and the register differed: `1:birthDate=data, 2:insurance=answered`.
      if (a.decisions?.length) logTo(v, p, 'link-decisions', { detail: a.decisions.map((d) => `${d.member + 1}:${d.field}=${d.keep}`).join(', ') });
      return v;
    }
  }
}

/** Records an event the rules refused as a conflict on the visit (which it returns unchanged otherwise). */
function conflictOn(v: VisitState, p: { at: string; by: Actor }, c: Omit<Conflict, 'at' | 'loser'> & { counter?: string }): VisitState {
  v.conflicts.push({ at: p.at, kind: c.kind, message: c.message, loser: { ...p.by, ...(c.counter ? { counter: c.counter } : {}) }, ...(c.winner ? { winner: c.winner } : {}) });
  return v;
}

/** Adds a line to the visit's timeline. (Module functions, not closures made per folded event.) */
function logTo(v: VisitState, p: { at: string; by: Actor }, type: string, extra: { department?: string; counter?: string; detail?: string } = {}): void {
  v.timeline.push({ at: p.at, type, by: p.by, ...extra });
}

function seedItem(it: VisitItemSeed, at: string, by: Actor): VisitItem {
  const status = it.need === 'to-confirm' ? 'to-confirm' : 'listed';
  return {
    id: it.id,
    department: it.department,
    route: it.route,
    delivery: it.delivery,
    need: it.need,
    members: it.members ? [...it.members] : [],
    ...(it.fee !== undefined ? { fee: it.fee } : {}),
    ...(it.external ? { external: true } : {}),
    status,
    steps: [{ status, at, by, department: it.department }],
  };
}

/** A `refer` item added later sends the visitor to its department too, after where they are now. */
function extendRoute(v: VisitState, item: VisitItem): void {
  if (item.route !== 'refer' || item.external || v.route.includes(item.department)) return;
  if (v.status === 'done' || v.status === 'cancelled') return;
  v.route.push(item.department);
  v.stops.push({ department: item.department });
}

export function foldVisit(events: readonly VisitEvent[]): VisitState | undefined {
  let s: VisitState | undefined;
  for (const e of events) s = applyVisitEvent(s, e);
  return s;
}
