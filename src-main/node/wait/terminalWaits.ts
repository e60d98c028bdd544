import { addDays } from '../../common/dates/isoDate';
import type { TerminalConfig } from '../../common/config/schema';
import { WaitEstimator } from '../../common/wait/estimate';
import { buildWaitPrior, type WaitPrior } from '../../common/wait/prior';
import type { Store } from '../store/store';
import type { VisitService } from '../visits/service';
import type { VisitState } from '../../common/visit/state';

/** The estimate as a terminal sees it: today's visits in its database, the same weekday of the last four weeks as the prior. */
const priors = new WeakMap<Store, { date: string; prior: WaitPrior }>();

export function priorFor(visits: VisitService, date: string): WaitPrior {
  const hit = priors.get(visits.store);
  if (hit && hit.date === date) return hit.prior;
  const past = [7, 14, 21, 28].flatMap((d) => visits.visitsOn(addDays(date, -d)));
  const prior = buildWaitPrior(past, visits.config.timeZone);
  priors.set(visits.store, { date, prior });
  return prior;
}

export function configuredCounters(config: TerminalConfig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of config.terminals) if (t.role === 'counter' && t.department) out[t.department] = (out[t.department] ?? 0) + 1;
  return out;
}

export function terminalWaits(visits: VisitService): WaitEstimator {
  const date = visits.today();
  return new WaitEstimator(visits.visitsOn(date), {
    now: visits.store.now(),
    timeZone: visits.config.timeZone,
    prior: priorFor(visits, date),
    configuredCounters: configuredCounters(visits.config),
  });
}

/** The estimate for one site's line when a database holds several (a supervisor's); counters configured here are the own site's. */
export function siteWaits(visits: VisitService, siteVisits: readonly VisitState[], ownSite: boolean): WaitEstimator {
  const date = visits.today();
  return new WaitEstimator(siteVisits, {
    now: visits.store.now(),
    timeZone: visits.config.timeZone,
    prior: priorFor(visits, date),
    configuredCounters: ownSite ? configuredCounters(visits.config) : {},
  });
}
