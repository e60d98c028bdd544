import type { Catalog } from '../../common/catalog/types';
import { localInstant, type SimClock } from './clock';
import { dayWeight, openDays } from './calendar';
import { simulateDay, type SimulationResult, type SimulationTarget } from './day';

export interface SimulateRangeOptions {
  from: string;
  to: string;
  /** Visitors over the whole range, shared out by day weight. */
  visitors: number;
  seed: number;
  onDay?: (r: SimulationResult, index: number, days: number) => void;
}

/** Many business days in a row (a fiscal year for the benchmark), each one a real simulated day. */
export function simulateRange(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: SimulateRangeOptions): { days: number; issued: number; events: number; anomalies: number } {
  const days = openDays(opts.from, opts.to);
  const weights = days.map(dayWeight);
  const total = weights.reduce((a, b) => a + b, 0);
  let issued = 0;
  let events = 0;
  let anomalies = 0;
  let carry = 0;
  days.forEach((date, i) => {
    const exact = (opts.visitors * weights[i]!) / total + carry;
    const n = Math.round(exact);
    carry = exact - n;
    clock.now = Math.max(clock.now, localInstant(date, '07:00', target.config.timeZone));
    const r = simulateDay(target, catalog, clock, { date, visitors: n, seed: opts.seed + i });
    issued += r.issued;
    events += r.events;
    anomalies += r.anomalies.length;
    opts.onDay?.(r, i, days.length);
  });
  return { days: days.length, issued, events, anomalies };
}
