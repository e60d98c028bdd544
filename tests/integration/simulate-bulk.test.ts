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
import { simulateRangeInParallel } from '../../src-main/node/simulate/parallel';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { kpiDayRows } from '../../src-main/node/store/kpiDaysProjection';
import { VISIT_COLUMNS } from '../support/visitRows';

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

async function build(how: 'one' | 'bulk' | 'parallel', seed: number, preset: { clock?: string; hlcAt?: [string, string] } = {}) {
  const tmp = tempDir('madoguchi-simbulk-');
  temps.push(tmp.cleanup);
  ensureDemoSetup(tmp.dir);
  const clock = new SimClock(localInstant('2025-06-13', preset.clock ?? '07:00', 'Asia/Tokyo'));
  const t = openTerminal(tmp.dir, { clock: clock.read });
  try {
    // A stored report of a day the range covers: folding that day's visits must mark it stale.
    t.store.db.prepare("INSERT INTO report_days (date, report, computed_at, stale) VALUES ('2025-06-16', '{}', '2025-06-12T00:00:00.000Z', 0)").run();
    if (preset.hlcAt) t.store.setMeta('hlc', encodeHlc({ wall: localInstant(preset.hlcAt[0], preset.hlcAt[1], 'Asia/Tokyo'), logical: 3 }, t.store.nodeId));
    // Friday, Monday (a Monday morning rush), Tuesday.
    const opts = { from: '2025-06-13', to: '2025-06-17', visitors: 260, seed, bulk: how !== 'one' };
    const r = how === 'parallel' ? await simulateRangeInParallel(t, defaultCatalog(), clock, { ...opts, workers: 2 }) : simulateRange(t, defaultCatalog(), clock, opts);
    const ids = new Map<string, string>();
    const events = (t.store.db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload, received_at FROM events ORDER BY origin, seq').all() as Array<Record<string, unknown>>).map((e) =>
      normaliseIds(JSON.stringify(e), ids),
    );
    const logOrder = (t.store.db.prepare('SELECT seq FROM events ORDER BY hlc, origin, seq').all() as Array<{ seq: number }>).map((x) => x.seq);
    const visits = (t.store.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits ORDER BY business_date, station, number`).all() as Array<Record<string, unknown>>).map((v) => normaliseIds(JSON.stringify(v), ids));
    // What the fold leaves besides the visits: the KPI day sums, the stored reports' staleness, the catalog tables.
    const db = t.store.db;
    const projections = {
      kpi: kpiDayRows(db),
      reportDays: db.prepare('SELECT date, stale FROM report_days ORDER BY date').all(),
      catalog: [db.prepare('SELECT * FROM catalog_versions ORDER BY origin, seq').all(), db.prepare('SELECT * FROM catalog_terminals ORDER BY terminal').all()],
    };
    return { r, events, logOrder, visits, projections, hlc: t.store.meta('hlc'), work: { ...t.store.work } };
  } finally {
    t.close();
  }
}

describe('simulated days built in bulk', () => {
  it('leave the same events, in the same order, and the same visit projections as one event at a time', async () => {
    const seed = Number(process.env.SIM_BULK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`simulate-bulk seed ${seed} (replay: SIM_BULK_SEED=${seed} npx vitest run tests/integration/simulate-bulk.test.ts)`);
    const one = await build('one', seed);
    const bulk = await build('bulk', seed);

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
    expect(one.projections.kpi.days.length).toBe(3);
    expect(one.projections.reportDays).toEqual([{ date: '2025-06-16', stale: 1 }]);
    expect(bulk.projections).toEqual(one.projections);
    // In bulk each visit is folded and written once (all of a day's visits are new): the
    // one-at-a-time path writes it once per event.
    expect(bulk.work.visitWrites).toBe(one.r.issued);
    expect(bulk.work.logFolds).toBe(0);
    expect(one.work.visitWrites).toBeGreaterThan(3 * one.r.issued);
  }, 120_000);

  it('leave the same events, order and visits when the days are simulated in parallel worker threads', async () => {
    const seed = Number(process.env.SIM_BULK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`simulate-bulk parallel seed ${seed} (replay: SIM_BULK_SEED=${seed} npx vitest run tests/integration/simulate-bulk.test.ts)`);
    const one = await build('one', seed);
    const par = await build('parallel', seed);

    expect(one.r.issued).toBeGreaterThan(200);
    // Every day was taken from its worker (none simulated again on this thread).
    expect(par.r).toEqual({ ...one.r, redone: 0 });
    expect(par.events.length).toBe(one.events.length);
    expect(par.events).toEqual(one.events);
    expect(par.logOrder).toEqual(one.logOrder);
    expect(par.visits).toEqual(one.visits);
    expect(par.hlc).toBe(one.hlc);
    expect(one.projections.kpi.days.length).toBe(3);
    expect(par.projections).toEqual(one.projections);
    expect(par.work.visitWrites).toBe(one.r.issued);
    expect(par.work.logFolds).toBe(0);
  }, 120_000);

  it('simulate a day again on this thread when its worker could not start it as the terminal would, and still leave the same events', async () => {
    const seed = Number(process.env.SIM_BULK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`simulate-bulk redo seed ${seed} (replay: SIM_BULK_SEED=${seed} npx vitest run tests/integration/simulate-bulk.test.ts)`);
    // The clock already reads 07:30 on the first day (a worker starts at 07:00), and the terminal's
    // HLC is at 10:00 on the Monday (ahead of that day's first events): both days are redone here.
    const preset = { clock: '07:30', hlcAt: ['2025-06-16', '10:00'] as [string, string] };
    const one = await build('one', seed, preset);
    const par = await build('parallel', seed, preset);

    expect(one.r.anomalies).toBe(0);
    expect(par.r).toEqual({ ...one.r, redone: 2 });
    expect(par.events).toEqual(one.events);
    expect(par.logOrder).toEqual(one.logOrder);
    expect(par.visits).toEqual(one.visits);
    expect(par.hlc).toBe(one.hlc);
    expect(par.projections).toEqual(one.projections);
  }, 120_000);
});
