/**
 * The simulated year is built in bulk (each day on a scratch database, then loaded in one
 * transaction and folded once per visit). It must leave exactly what the one-event-at-a-time path
 * leaves: the same events table (origin, seq, HLC, type, site, visit, payload, time of receipt, in
 * log order), the same visits projection and the same clock. Visit, note and payment ids are
 * random in both paths (crypto), so they are compared by order of first appearance.
 * Replay a seed: SIM_BULK_SEED=<seed> npx vitest run tests/integration/simulate-bulk.test.ts
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateRange } from '../../src-main/node/simulate/range';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Replaces each distinct uuid with its order of first appearance across the whole text. */
function normaliseIds(text: string, ids: Map<string, string>): string {
  return text.replace(UUID, (u) => {
    let n = ids.get(u);
    if (!n) {
      n = `id-${ids.size + 1}`;
      ids.set(u, n);
    }
    return n;
  });
}

const temps: Array<() => void> = [];
afterAll(() => temps.forEach((c) => c()));

function build(bulk: boolean, seed: number) {
  const tmp = tempDir('madoguchi-simbulk-');
  temps.push(tmp.cleanup);
  ensureDemoSetup(tmp.dir);
  const clock = new SimClock(localInstant('2025-06-13', '07:00', 'Asia/Tokyo'));
  const t = openTerminal(tmp.dir, { clock: clock.read });
  try {
    // Friday, Monday (a Monday morning rush), Tuesday.
    const r = simulateRange(t, defaultCatalog(), clock, { from: '2025-06-13', to: '2025-06-17', visitors: 260, seed, bulk });
    const ids = new Map<string, string>();
    const events = (t.store.db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload, received_at FROM events ORDER BY origin, seq').all() as Array<Record<string, unknown>>).map((e) =>
      normaliseIds(JSON.stringify(e), ids),
    );
    const logOrder = (t.store.db.prepare('SELECT seq FROM events ORDER BY hlc, origin, seq').all() as Array<{ seq: number }>).map((x) => x.seq);
    const visits = (t.store.db.prepare('SELECT * FROM visits ORDER BY business_date, station, number').all() as Array<Record<string, unknown>>).map((v) => normaliseIds(JSON.stringify(v), ids));
    return { r, events, logOrder, visits, hlc: t.store.meta('hlc'), work: { ...t.store.work } };
  } finally {
    t.close();
  }
}

describe('simulated days built in bulk', () => {
  it('leave the same events, in the same order, and the same visit projections as one event at a time', () => {
    const seed = Number(process.env.SIM_BULK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`simulate-bulk seed ${seed} (replay: SIM_BULK_SEED=${seed} npx vitest run tests/integration/simulate-bulk.test.ts)`);
    const one = build(false, seed);
    const bulk = build(true, seed);

    expect(one.r.days).toBe(3);
    expect(one.r.issued).toBeGreaterThan(200);
    expect(one.r.anomalies).toBe(0);
    expect(bulk.r).toEqual(one.r);
    expect(bulk.events.length).toBe(one.events.length);
    expect(bulk.events).toEqual(one.events);
    expect(bulk.logOrder).toEqual(one.logOrder);
    expect(bulk.visits.length).toBe(one.r.issued);
    expect(bulk.visits).toEqual(one.visits);
    expect(bulk.hlc).toBe(one.hlc);
    // In bulk each visit is folded and written once (all of a day's visits are new): the
    // one-at-a-time path writes it once per event.
    expect(bulk.work.visitWrites).toBe(one.r.issued);
    expect(bulk.work.logFolds).toBe(0);
    expect(one.work.visitWrites).toBeGreaterThan(3 * one.r.issued);
  }, 120_000);
});
