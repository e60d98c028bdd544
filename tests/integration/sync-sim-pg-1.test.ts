import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { runSimulation } from './sync-sim';

/**
 * The seeded sync simulation with the service on PostgreSQL: 22 terminals, partitions, restarts,
 * lost answers, duplicated pushes and mangled pulls, each seed on a fresh database. Twelve seeds
 * by default (the 200 run on SQLite in sync-sim-1/2); SYNC_SIM_PG_SEEDS=17 (or 3,17) replays chosen seeds.
 */
const missing = postgresMissing();
if (missing) console.log(`sync simulation on PostgreSQL: skipped, ${missing}`);
const only = process.env.SYNC_SIM_PG_SEEDS?.split(',').map(Number).filter(Number.isInteger);
const seeds = only?.length ? only : Array.from({ length: 12 }, (_, i) => 1 + i * 17);

describe.skipIf(!!missing)(`sync simulation on PostgreSQL, seeds ${seeds.join(', ')}`, () => {
  const tmp = tempDir('madoguchi-sim-pg-');
  let cluster: PgCluster;
  beforeAll(() => {
    cluster = startPgCluster();
  });
  afterAll(() => {
    cluster?.stop();
    tmp.cleanup();
  });

  it('22 terminals converge to identical projections with no lost or duplicate events or ticket numbers', { timeout: 170_000 }, async () => {
    let events = 0;
    let restarts = 0;
    for (const seed of seeds) {
      const url = await cluster.createDatabase(`sim_${seed}`);
      const r = await runSimulation(seed, tmp.dir, 320, url);
      events += r.events;
      restarts += r.serverRestarts;
    }
    expect(events).toBeGreaterThan(seeds.length * 50);
    if (seeds.length >= 10) expect(restarts).toBeGreaterThan(0);
  });
});
