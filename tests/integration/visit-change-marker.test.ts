import { afterAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { applyRetention } from '../../src-main/node/reports/retention';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateRange } from '../../src-main/node/simulate/range';
import type { StoredEvent } from '../../src-main/common/sync/event';
import { Store } from '../../src-main/node/store/store';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { VisitService } from '../../src-main/node/visits/service';
import { todaysVisits } from '../../src-main/node/wait/terminalWaits';
import { tempDir } from '../support/tmp';

/**
 * Every path that writes a visit row gives it a change marker above all those in the table
 * (`visits.change_seq`, migration 16): the wait estimate reads only rows above the highest marker
 * it saw, so a path that forgot it would leave the estimate on an old state. Each path below is
 * checked row by row: a row that is new or whose state changed carries a marker above the highest
 * before. A rebuild empties the table (the highest marker may go down): it is counted instead.
 */
const temps: Array<() => void> = [];
afterAll(() => temps.forEach((c) => c()));

type Row = { id: string; state: string; change_seq: number };
const rowsOf = (s: Store) => new Map((s.db.prepare('SELECT id, state, change_seq FROM visits').all() as Row[]).map((r) => [r.id, r]));
const highest = (rows: Map<string, Row>) => Math.max(0, ...[...rows.values()].map((r) => r.change_seq));
const deletes = (s: Store) => (s.db.prepare('SELECT n FROM visit_deletes').get() as { n: number }).n;

/** Runs `write` and checks that every row it wrote (new, or a changed state) has a marker above the highest before; returns how many it wrote. */
function expectMarked(store: Store, write: () => void): number {
  const before = rowsOf(store);
  const top = highest(before);
  write();
  const after = rowsOf(store);
  let written = 0;
  for (const [id, r] of after) {
    const b = before.get(id);
    if (b && b.state === r.state) continue;
    written++;
    expect(r.change_seq, `visit ${id}`).toBeGreaterThan(top);
  }
  // No two rows share a marker (each write takes the next one).
  expect(new Set([...after.values()].map((r) => r.change_seq)).size).toBe(after.size);
  return written;
}

describe('visit change marker', () => {
  it('is moved by every path that writes visits: the bulk simulated day, appends, single and batched ingests (in order and late), retention; a rebuild is counted', () => {
    const tmp = tempDir('madoguchi-mark-');
    temps.push(tmp.cleanup);
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant('2025-06-13', '07:00', 'Asia/Tokyo'));
    const t = openTerminal(tmp.dir, { clock: clock.read });
    const peer = Store.open({ file: ':memory:', nodeId: 'counter-9', site: t.store.site, clock: () => clock.read() - 60_000 });
    temps.unshift(() => (t.close(), peer.close()));
    const { store, visits } = t;

    // The bulk path (a scratch day loaded with loadOwnEvents' writeVisits).
    const bulk = expectMarked(store, () => simulateRange(t, defaultCatalog(), clock, { from: '2025-06-13', to: '2025-06-13', visitors: 90, seed: 7, bulk: true }));
    expect(bulk).toBeGreaterThan(64);
    expect([...rowsOf(store).values()].every((r) => r.change_seq > 0)).toBe(true);

    // Appends (the single fold): an issue, a call, a note.
    clock.now = localInstant('2025-06-16', '09:00', 'Asia/Tokyo');
    const station = t.config.stations[0]!.id;
    const item = { id: 'tennyu', department: 'shimin', route: 'accept' as const, delivery: 'none' as const, need: 'required' as const };
    let fresh = visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [item], route: ['shimin'] }, { terminal: 'kiosk-east' });
    expect(expectMarked(store, () => (fresh = visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [item], route: ['shimin'] }, { terminal: 'kiosk-east' })))).toBe(1);
    expect(expectMarked(store, () => visits.addNote(fresh.id, 'marker', 'shimin', undefined, { terminal: 'kiosk-east' }))).toBe(1);

    // Ingests: another terminal learns every visit and notes them; its events arrive in one batch
    // (more than 64 visits: their rows are looked up in one statement), then one late event alone.
    const all = store.eventsAfter({}, 1_000_000);
    peer.ingest(all);
    const pv = new VisitService(peer, t.config);
    const held: StoredEvent[] = [];
    peer.on('events', (evs: StoredEvent[]) => held.push(...evs.filter((e) => e.origin === 'counter-9')));
    const ids = (peer.db.prepare('SELECT id FROM visits').all() as Array<{ id: string }>).map((r) => r.id);
    for (const id of ids) pv.addNote(id, 'from counter 9', 'shimin', undefined, { terminal: 'counter-9' });
    const late = held.pop()!;
    // The kiosk moves the late event's visit on first, two minutes later: the late note then sorts before its newest event.
    clock.now += 120_000;
    visits.addNote(late.visitId!, 'newer', 'shimin', undefined, { terminal: 'kiosk-east' });
    expect(expectMarked(store, () => store.ingest(held.splice(0)))).toBe(ids.length - 1);
    const folds = store.work.logFolds;
    expect(expectMarked(store, () => store.ingest([late]))).toBe(1);
    expect(store.work.logFolds).toBe(folds + 1);

    // Retention erases the simulated day's personal details and writes its visits again.
    clock.now = localInstant('2025-08-01', '09:00', 'Asia/Tokyo');
    expect(expectMarked(store, () => applyRetention(store, t.config, { days: 30 }))).toBeGreaterThan(0);

    // A rebuild empties the table and writes every row again: the deletes are counted (a reader
    // that saw them reads everything again), and every row has a marker, each its own.
    const today = todaysVisits(visits);
    const n = rowsOf(store).size;
    const d = deletes(store);
    store.rebuildProjections();
    expect(deletes(store)).toBe(d + n);
    const rebuilt = rowsOf(store);
    expect(rebuilt.size).toBe(n);
    expect(new Set([...rebuilt.values()].map((r) => r.change_seq)).size).toBe(n);
    expect([...rebuilt.values()].every((r) => r.change_seq > 0)).toBe(true);
    expect(todaysVisits(visits)).toEqual(today);
  });

  it('counted once per transaction, never below a marker another connection committed in between', () => {
    const tmp = tempDir('madoguchi-mark-2-');
    temps.push(tmp.cleanup);
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant('2025-06-16', '09:00', 'Asia/Tokyo'));
    const a = openTerminal(tmp.dir, { clock: clock.read });
    const b = openTerminal(tmp.dir, { clock: clock.read });
    temps.unshift(() => (a.close(), b.close()));
    const station = a.config.stations[0]!.id;
    const item = { id: 'tennyu', department: 'shimin', route: 'accept' as const, delivery: 'none' as const, need: 'required' as const };
    const issue = (t: typeof a) => t.visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [item], route: ['shimin'] }, { terminal: 'kiosk-east' });
    // Turns between two connections on one file: each write's marker is above every committed one.
    for (let i = 0; i < 6; i++) {
      const t = i % 3 === 2 ? b : a;
      expect(expectMarked(t.store, () => issue(t))).toBe(1);
    }
    // A transaction rolled back after writing leaves no marker behind to count on.
    const top = highest(rowsOf(a.store));
    expect(() =>
      a.store.tx(() => {
        issue(a);
        throw new Error('power cut');
      }),
    ).toThrow('power cut');
    expect(highest(rowsOf(a.store))).toBe(top);
    expect(expectMarked(b.store, () => issue(b))).toBe(1);
    expect(expectMarked(a.store, () => issue(a))).toBe(1);
  });
});
