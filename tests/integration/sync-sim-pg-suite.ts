import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { runSimulation } from './sync-sim';

/**
 * The seeded sync simulation with the service on PostgreSQL: 22 terminals, partitions, restarts,
 * lost answers, duplicated pushes and mangled pulls. All 200 seeds, as on SQLite, in four files
 * of 50 that the test workers spread; each seed is its own tenant of one database (a throwaway
 * cluster per file), so a file's seeds share the database as 50 municipalities would.
 * SYNC_SIM_PG_SEEDS=17 (or 3,17) replays chosen seeds, in the first file only.
 */
export function simulationSuitePg(first: number, count: number, takesReplays: boolean): void {
  const missing = postgresMissing();
  if (missing) {
    if (takesReplays) console.log(`sync simulation on PostgreSQL: skipped, ${missing}`);
    describe.skip('sync simulation on PostgreSQL', () => it('needs PostgreSQL', () => undefined));
    return;
  }
  const only = process.env.SYNC_SIM_PG_SEEDS?.split(',').map(Number).filter(Number.isInteger);
  const seeds = only?.length ? (takesReplays ? only : []) : Array.from({ length: count }, (_, i) => i + first);

  describe.skipIf(seeds.length === 0)(`sync simulation on PostgreSQL, seeds ${seeds.length > 3 ? `${seeds[0]}–${seeds.at(-1)}` : seeds.join(', ')}`, () => {
    const tmp = tempDir('madoguchi-sim-pg-');
    let cluster: PgCluster;
    beforeAll(() => {
      cluster = startPgCluster();
    });
    afterAll(() => {
      cluster?.stop();
      tmp.cleanup();
    });

    it('22 terminals converge to identical projections with no lost or duplicate events or ticket numbers', { timeout: 600_000 }, async () => {
      const url = await cluster.createDatabase('sim');
      let events = 0;
      let conflicts = 0;
      let restarts = 0;
      for (const seed of seeds) {
        const r = await runSimulation(seed, tmp.dir, 320, url).catch((e: Error) => {
          e.message = e.message.replace(/\(replay: .*\)$/, `(replay: SYNC_SIM_PG_SEEDS=${seed} npx vitest run tests/integration/sync-sim-pg-1.test.ts)`);
          throw e;
        });
        events += r.events;
        conflicts += r.conflicts;
        restarts += r.serverRestarts;
      }
      expect(events).toBeGreaterThan(seeds.length * 50);
      if (seeds.length >= 10) {
        expect(conflicts).toBeGreaterThan(0);
        expect(restarts).toBeGreaterThan(0);
      }
    });
  });
}
