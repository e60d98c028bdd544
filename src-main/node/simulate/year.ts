import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defaultCatalog } from '../catalog/load';
import { ensureDemoSetup, openTerminal } from '../terminal/dataFolder';
import { SimClock, localInstant } from './clock';
import { simulateRangeInParallel } from './parallel';

/** Bump when the simulation changes, so an old cached year is not measured by mistake. */
export const YEAR_CACHE_VERSION = 'v1';

export interface GeneratedYear {
  visits: number;
  events: number;
  days: number;
  seconds: number;
  anomalies: number;
}

/**
 * A simulated year in a data folder (for the reports benchmark), built once: a `generated.json`
 * marker is written only when every day is in, so an interrupted build starts over. The days are
 * simulated in parallel worker threads, one per core (MADOGUCHI_SIM_WORKERS overrides), and loaded
 * in day order (simulate/parallel.ts): the same events as one day after the other.
 */
export async function generateYear(dir: string, opts: { from: string; to: string; visitors?: number; seed?: number; workers?: number; log?: (s: string) => void }): Promise<GeneratedYear> {
  const marker = join(dir, 'generated.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as GeneratedYear;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  ensureDemoSetup(dir);
  const clock = new SimClock(localInstant(opts.from, '07:00', 'Asia/Tokyo'));
  const t = openTerminal(dir, { clock: clock.read });
  const started = performance.now();
  try {
    const workers = opts.workers ?? (Number(process.env.MADOGUCHI_SIM_WORKERS) || availableParallelism());
    const r = await simulateRangeInParallel(t, defaultCatalog(), clock, {
      workers,
      from: opts.from,
      to: opts.to,
      visitors: opts.visitors ?? 252_000,
      seed: opts.seed ?? 2025,
      bulk: true,
      onDay: (d, i, n) => {
        if (i % 20 === 0) opts.log?.(`  simulated ${d.date} (${i + 1}/${n}): ${d.issued} visits, ${d.events} events`);
      },
    });
    const g: GeneratedYear = { visits: r.issued, events: r.events, days: r.days, seconds: (performance.now() - started) / 1000, anomalies: r.anomalies };
    opts.log?.(`  ${r.days} days simulated in ${workers} worker thread(s), ${r.redone} redone on the main thread`);
    writeFileSync(marker, JSON.stringify(g));
    return g;
  } finally {
    t.close();
  }
}
