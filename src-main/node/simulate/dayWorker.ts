import { parentPort, workerData } from 'node:worker_threads';
import type { Catalog } from '../../common/catalog/types';
import type { TerminalConfig } from '../../common/config/schema';
import { SimClock, localInstant } from './clock';
import { simulateDayOnScratch, type RangeDay } from './range';

/**
 * A day worker of simulate/parallel.ts: simulates the days it is sent, each on its own scratch
 * database with a fresh clock from 07:00, and sends back the day's events and the clock's last reading.
 */
const data = workerData as { nodeId: string; site: string; config: TerminalConfig; catalog: Catalog };

parentPort!.on('message', (day: RangeDay) => {
  try {
    const clock = new SimClock(localInstant(day.date, '07:00', data.config.timeZone));
    const r = simulateDayOnScratch(data, data.catalog, clock, { date: day.date, visitors: day.visitors, seed: day.seed });
    parentPort!.postMessage({ index: day.index, startedAt: localInstant(day.date, '07:00', data.config.timeZone), endedAt: clock.now, ...r });
  } catch (e) {
    parentPort!.postMessage({ index: day.index, error: (e as Error).stack ?? String(e) });
  }
});
