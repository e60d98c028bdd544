import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Catalog } from '../../common/catalog/types';
import { decodeHlc } from '../../common/sync/hlc';
import { localInstant, type SimClock } from './clock';
import type { SimulationTarget } from './day';
import { loadScratchDay, rangeDays, simulateDayInBulk, type RangeDay, type ScratchDay, type SimulateRangeOptions } from './range';

type Done = ScratchDay & { index: number; startedAt: number; endedAt: number };
type Failed = { index: number; error: string };

/**
 * simulateRange in bulk with the days simulated in parallel, in `workers` worker threads: a day
 * only depends on its seed, its visitor count and the clock it starts from, so each worker runs
 * its days on a scratch database from a fresh clock at 07:00, and this thread loads them in day
 * order, exactly as the one-thread bulk path would (Store.loadOwnEvents, seq shifted past the
 * terminal's last). A worker's day is only taken when the one-thread path would have started it
 * identically: the clock left by the day before is not past that 07:00, and the terminal's HLC is
 * behind the day's first event (so the first tick reads the wall clock either way). Otherwise the
 * day is simulated again here, in bulk on the terminal's clock, so the events are the same in
 * every case (tests/integration/simulate-bulk.test.ts).
 */
export async function simulateRangeInParallel(
  target: SimulationTarget,
  catalog: Catalog,
  clock: SimClock,
  opts: SimulateRangeOptions & { workers: number },
): Promise<{ days: number; issued: number; events: number; anomalies: number; redone: number }> {
  const days = rangeDays(opts);
  const { store, config } = target;
  const file = join(__dirname, `dayWorker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  const workerData = { nodeId: store.nodeId, site: store.site, config, catalog };
  // A simulated day allocates a short-lived copy of a visit's state at every event: a larger young
  // generation lets more of it die there (a 10-day profile: the workers' GC time 3.3 → 2.7 s).
  const resourceLimits = { maxYoungGenerationSizeMb: 64 };
  const workers = Array.from({ length: Math.max(1, Math.min(opts.workers, days.length)) }, () =>
    file.endsWith('.ts')
      ? // The sources run through tsx in development and the benchmark: register its require hook first.
        new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`, { eval: true, workerData, resourceLimits })
      : new Worker(file, { workerData, resourceLimits }),
  );
  const totals = { days: days.length, issued: 0, events: 0, anomalies: 0, redone: 0 };
  const ready = new Map<number, Done>();
  let next = 0;
  let sent = 0;
  // Days simulated ahead of loading are held in memory: keep that bounded.
  const ahead = 4 * workers.length;

  const load = (d: RangeDay, done: Done): void => {
    const start = Math.max(clock.now, localInstant(d.date, '07:00', config.timeZone));
    const hlc = store.meta('hlc');
    const first = done.rows[0];
    const same = start === done.startedAt && (!hlc || !first || decodeHlc(hlc).wall < decodeHlc(first.hlc).wall);
    clock.now = start;
    let r = done.result;
    if (same) {
      loadScratchDay(store, done);
      clock.now = done.endedAt;
    } else {
      totals.redone++;
      r = simulateDayInBulk(target, catalog, clock, { date: d.date, visitors: d.visitors, seed: d.seed });
    }
    totals.issued += r.issued;
    totals.events += r.events;
    totals.anomalies += r.anomalies.length;
    opts.onDay?.(r, d.index, days.length);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      if (!days.length) return resolve();
      const give = (w: Worker): void => {
        if (sent < days.length && sent < next + ahead) w.postMessage(days[sent++]);
      };
      const idle: Worker[] = [];
      for (const w of workers) {
        w.on('error', reject);
        w.on('message', (m: Done | Failed) => {
          if ('error' in m) return reject(new Error(`simulating ${days[m.index]!.date} in a worker failed: ${m.error}`));
          idle.push(w);
          ready.set(m.index, m);
          try {
            while (ready.has(next)) {
              const done = ready.get(next)!;
              ready.delete(next);
              load(days[next]!, done);
              next++;
              // Hand out more days as soon as one is loaded (workers wait for the bound to move).
              while (idle.length && sent < days.length && sent < next + ahead) give(idle.shift()!);
            }
          } catch (e) {
            return reject(e);
          }
          while (idle.length && sent < days.length && sent < next + ahead) give(idle.shift()!);
          if (next === days.length) resolve();
        });
        give(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return totals;
}
