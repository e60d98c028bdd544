/**
 * A cached visit state (StoreOptions.cacheVisits, the simulation's scratch days) is shared with its
 * readers, so the projection folds a copy of it (copyForFold), which copies only what the fold
 * changes. Here every visit of a simulated day is folded event by event on deep-frozen states: a
 * fold that changed a part the copy shares throws (frozen), and each result must equal the fold on
 * a full clone. At every step, events of every other kind (conflicting calls, an item added with a
 * new department, members attached, finishes leaving items open, a cancel...) are folded the same
 * way, so every branch of the fold runs on the copy.
 * Replay a seed: FOLD_COPY_SEED=<seed> npx vitest run tests/integration/visit-fold-copy.test.ts
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateRange } from '../../src-main/node/simulate/range';
import { copyForFold, queueColumns } from '../../src-main/node/store/visitProjection';
import { Store } from '../../src-main/node/store/store';
import { VisitService } from '../../src-main/node/visits/service';
import { simulateDay } from '../../src-main/node/simulate/day';
import { applyVisitEvent, applyVisitEventTo } from '../../src-main/common/visit/fold';
import { VISIT_EVENT_TYPES, isVisitEventType, type VisitEvent } from '../../src-main/common/visit/events';
import type { VisitState } from '../../src-main/common/visit/state';
import { deepFreeze } from '../../src-main/common/json/freeze';

const temps: Array<() => void> = [];
afterAll(() => temps.forEach((c) => c()));

const covered = new Set<string>();

/** Folds `ev` on a copy of a deep-frozen `before`: it must not throw and must equal the fold on a full clone. */
function foldOnCopy(before: VisitState, ev: VisitEvent): VisitState {
  const expected = applyVisitEvent(structuredClone(before), ev);
  const frozen = deepFreeze(structuredClone(before));
  const got = applyVisitEventTo(copyForFold(frozen), ev, true);
  expect(got).toEqual(expected);
  expect(frozen).toEqual(before);
  covered.add(ev.type);
  return got!;
}

/** Events of every kind on the visit as it stands (some applied, some refused as conflicts). */
function otherEvents(v: VisitState, at: string): VisitEvent[] {
  const by = { terminal: 'fold-copy-test', staff: 'tester' };
  const visitId = v.id;
  const here = v.route[v.stop] ?? v.route[0] ?? 'shimin';
  const counter = v.call?.counter ?? 'X9';
  const first = v.items[0];
  const seed = first ? { id: `${first.id}-added`, department: 'fold-copy-dept', route: 'refer' as const, delivery: first.delivery, need: 'required' as const, members: [0] } : undefined;
  const open = v.items.filter((i) => i.status === 'listed' || i.status === 'to-confirm').map((i) => i.id);
  return [
    { type: 'visit.called', payload: { visitId, department: here, counter: 'X9', at, by } },
    { type: 'visit.called', payload: { visitId, department: here, counter, at, by } },
    { type: 'visit.called', payload: { visitId, department: 'elsewhere', counter, at, by } },
    { type: 'visit.recalled', payload: { visitId, department: here, counter, at, by } },
    { type: 'visit.started', payload: { visitId, department: here, counter: 'X9', at, by } },
    { type: 'visit.started', payload: { visitId, department: here, counter, at, by } },
    { type: 'visit.noShow', payload: { visitId, department: here, at, by } },
    { type: 'visit.reactivated', payload: { visitId, department: here, at, by } },
    ...(first ? [{ type: 'visit.itemStatus', payload: { visitId, itemId: first.id, status: 'declined', department: here, at, by, reason: 'test' } } as VisitEvent] : []),
    { type: 'visit.itemStatus', payload: { visitId, itemId: 'no-such-item', status: 'done', department: here, at, by } } as VisitEvent,
    ...(seed ? [{ type: 'visit.itemAdded', payload: { visitId, item: seed, reason: 'missed', at, by } } as VisitEvent] : []),
    ...(seed ? [{ type: 'visit.membersAttached', payload: { visitId, residentIds: ['r-1', 'r-2'], facts: { attached: true }, items: [{ ...seed, id: `${seed.id}-2` }], decisions: [{ member: 0, field: 'birthDate', keep: 'data' }], at, by } } as VisitEvent] : []),
    { type: 'visit.noteAdded', payload: { visitId, noteId: `note-${at}`, department: here, counter, text: 'handoff', at, by } },
    { type: 'visit.finishedHere', payload: { visitId, department: here, counter, at, by } },
    { type: 'visit.finishedHere', payload: { visitId, department: here, counter, at, by, leftOpen: { items: open.slice(0, 1), reason: 'later' } } },
    { type: 'visit.cancelled', payload: { visitId, reason: 'left', at, by } },
    { type: 'visit.paymentTaken', payload: { visitId, paymentId: `pay-${at}`, method: 'cash', lines: [{ itemId: 'x', label: 'x', quantity: 1, unitPrice: 300 }], amount: 300, at, by } } as VisitEvent,
    { type: 'visit.surveyAnswered', payload: { visitId, scores: { ease: 5, waiting: 2 }, at, by } },
  ];
}

describe('the copy of a cached visit state that the projection folds', () => {
  it('is never changed where it shares with the state its readers hold, and folds to the same visit', () => {
    const seed = Number(process.env.FOLD_COPY_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`visit-fold-copy seed ${seed} (replay: FOLD_COPY_SEED=${seed} npx vitest run tests/integration/visit-fold-copy.test.ts)`);
    const tmp = tempDir('madoguchi-foldcopy-');
    temps.push(tmp.cleanup);
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant('2025-06-16', '07:00', 'Asia/Tokyo'));
    const t = openTerminal(tmp.dir, { clock: clock.read });
    try {
      const r = simulateRange(t, defaultCatalog(), clock, { from: '2025-06-16', to: '2025-06-16', visitors: 80, seed });
      expect(r.issued).toBeGreaterThan(50);
      const ids = (t.store.db.prepare('SELECT id FROM visits ORDER BY number').all() as Array<{ id: string }>).map((x) => x.id);
      for (const id of ids) {
        let state: VisitState | undefined;
        for (const e of t.store.visitEvents(id)) {
          if (!isVisitEventType(e.type)) continue;
          const ev = { type: e.type, payload: e.payload } as VisitEvent;
          if (!state) {
            state = applyVisitEvent(undefined, ev);
            continue;
          }
          for (const other of otherEvents(state, (e.payload as { at: string }).at)) foldOnCopy(state, other);
          state = foldOnCopy(state, ev);
        }
        expect(JSON.stringify(state)).toBe((t.store.db.prepare('SELECT state FROM visits WHERE id = ?').get(id) as { state: string }).state);
      }
      expect([...covered].sort()).toEqual(VISIT_EVENT_TYPES.filter((x) => x !== 'visit.issued').sort());
    } finally {
      t.close();
    }
  }, 120_000);

  it('leaves a scratch database the queue columns of every cached state, though it writes a row only when they move', () => {
    const seed = Number(process.env.FOLD_COPY_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`visit-fold-copy scratch seed ${seed} (replay: FOLD_COPY_SEED=${seed} npx vitest run tests/integration/visit-fold-copy.test.ts)`);
    const tmp = tempDir('madoguchi-foldcopy-');
    temps.push(tmp.cleanup);
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant('2025-06-16', '07:00', 'Asia/Tokyo'));
    const t = openTerminal(tmp.dir, { clock: clock.read });
    const scratch = Store.open({ file: ':memory:', nodeId: t.store.nodeId, site: t.store.site, clock: clock.read, cacheVisits: true });
    try {
      const r = simulateDay({ store: scratch, visits: new VisitService(scratch, t.config), config: t.config }, defaultCatalog(), clock, { date: '2025-06-16', visitors: 80, seed });
      expect(r.issued).toBeGreaterThan(50);
      const rows = scratch.db.prepare('SELECT id, business_date, station, number, status, department, priority, queue_key, called_counter, awaiting_delivery FROM visits').all() as Array<Record<string, unknown>>;
      expect(rows.length).toBe(r.issued);
      // The scratch log lives in memory (the events table stays empty).
      expect((scratch.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(0);
      const events = scratch.scratchEvents().filter((e) => e.visitId !== null).length;
      // Every visit event of the day was folded on the scratch database.
      expect(scratch.work.eventsFolded).toBe(events);
      for (const row of rows) {
        const v = scratch.visitCache!.get(row.id as string)!.state;
        expect(row).toEqual({ id: v.id, ...queueColumns(v) });
      }
    } finally {
      scratch.close();
      t.close();
    }
  }, 120_000);
});
