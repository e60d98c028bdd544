import { addDays } from '../../common/dates/isoDate';
import type { TerminalConfig } from '../../common/config/schema';
import { WaitEstimator } from '../../common/wait/estimate';
import { buildWaitPrior, type WaitPrior } from '../../common/wait/prior';
import type { Store } from '../store/store';
import type { VisitService } from '../visits/service';
import type { VisitState } from '../../common/visit/state';
import { deepFreeze } from '../../common/json/freeze';

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

/**
 * Today's visits parsed once: a kiosk estimates every ticket from the whole day (a thousand visits,
 * 2–3 KB of JSON each), and between two tickets few of them change. A row whose stored JSON is the
 * same text as last time gives back the state parsed then (deep-frozen, as the estimator only reads
 * it); any other is parsed. So the states are exactly those visitsOn() would give, in its order.
 */
const parsedDays = new WeakMap<Store, { date: string; byId: Map<string, { json: string; state: VisitState }> }>();

export function todaysVisits(visits: VisitService, date = visits.today()): VisitState[] {
  // Sorted here rather than by SQLite, whose sorter would copy every row's JSON (most of the read's
  // cost): the same order as visitsOn()'s ORDER BY queue_key, number (an ISO time, then an integer).
  const rows = visits.store.stmt('SELECT id, queue_key, number, state FROM visits WHERE business_date = ?').all(date) as Array<{ id: string; queue_key: string; number: number; state: string }>;
  rows.sort((a, b) => (a.queue_key < b.queue_key ? -1 : a.queue_key > b.queue_key ? 1 : a.number - b.number));
  const last = parsedDays.get(visits.store);
  const before = last && last.date === date ? last.byId : undefined;
  const byId = new Map<string, { json: string; state: VisitState }>();
  const out: VisitState[] = [];
  for (const r of rows) {
    let hit = before?.get(r.id);
    if (!hit || hit.json !== r.state) hit = { json: r.state, state: deepFreeze(JSON.parse(r.state) as VisitState) };
    byId.set(r.id, hit);
    out.push(hit.state);
  }
  parsedDays.set(visits.store, { date, byId });
  return out;
}

export function terminalWaits(visits: VisitService): WaitEstimator {
  const date = visits.today();
  return new WaitEstimator(todaysVisits(visits, date), {
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
