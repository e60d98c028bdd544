import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from './sync-sim';

/**
 * One vitest file per half of the 200 seeds, so the two halves run in parallel.
 * SYNC_SIM_SEEDS=17 (or 3,17) replays chosen seeds, in the first half's file only.
 */
export function simulationSuite(first: number, count: number, takesReplays: boolean): void {
  const only = process.env.SYNC_SIM_SEEDS?.split(',').map(Number).filter(Number.isInteger);
  const seeds = only?.length ? (takesReplays ? only : []) : Array.from({ length: count }, (_, i) => i + first);

  describe.skipIf(seeds.length === 0)(`sync simulation, seeds ${first}–${first + count - 1}`, () => {
    // The server file lives in RAM when it can: fsync durability is the real-process test's job
    // (sync-processes.test.ts); here it would only slow 200 seeds down.
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'madoguchi-sim-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('22 terminals converge to identical projections with no lost or duplicate events or ticket numbers', { timeout: 400_000 }, async () => {
      let events = 0;
      let conflicts = 0;
      let restarts = 0;
      for (const seed of seeds) {
        const r = await runSimulation(seed, dir);
        events += r.events;
        conflicts += r.conflicts;
        restarts += r.serverRestarts;
      }
      // The runs must have exercised something: events, cross-counter conflicts and server restarts.
      expect(events).toBeGreaterThan(seeds.length * 50);
      if (seeds.length >= 10) {
        expect(conflicts).toBeGreaterThan(0);
        expect(restarts).toBeGreaterThan(0);
      }
    });
  });
}
