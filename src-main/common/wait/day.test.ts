import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../json/freeze';
import { mulberry32, type Rng } from '../random';
import type { VisitState } from '../visit/state';
import { WaitDay, type DayPlace } from './day';
import { sharedPrior, WaitEstimator } from './estimate';
import type { WaitPrior } from './prior';

/**
 * A WaitDay updated visit by visit gives the estimate a grouping of the same visits in their order
 * gives, bit for bit, whatever the order of the updates: new visits anywhere in the day, changed
 * ones, deleted ones, one moved in the day's order; ties in a line (two stations' visitors with the
 * same number, issued in the same minute), returned and priority visitors, multi-stop routes. An
 * estimate taken earlier keeps what the day was then. Seeded: WAIT_DAY_SEED replays.
 */

const TZ = 'Asia/Tokyo';
const T0 = Date.parse('2026-04-01T00:30:00Z');
const DEPTS = ['shimin', 'hoken', 'kodomo'];
const iso = (ms: number) => new Date(ms).toISOString();
const PRIOR: WaitPrior = {
  service: {},
  counters: {},
  overall: { shimin: { seconds: 600, n: 100 }, hoken: { seconds: 900, n: 100 }, kodomo: { seconds: 300, n: 100 } },
  work: { 'shimin|p1': { seconds: 300, n: 10 }, 'shimin|#2': { seconds: 1200, n: 10 }, 'hoken|#1': { seconds: 400, n: 10 } },
  spread: { shimin: { sigma: 0.5, n: 40 } },
};

/** One state of visit `i`: any status, at any stop of a route of up to three departments. */
function someState(rnd: Rng, i: number): VisitState {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  // Now and then a route that comes back to a department (two entries of one visit in a list).
  const drawn = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(DEPTS));
  const route = rnd() < 0.2 ? drawn : [...new Set(drawn)];
  const stop = Math.floor(rnd() * (route.length + 1));
  const issued = T0 + Math.floor(rnd() * 6) * 60_000;
  let t = issued;
  const stops = route.map((department, k): VisitState['stops'][number] => {
    if (k > stop) return { department };
    if (k === stop) return { department, arrivedAt: iso(t) };
    const called = t + Math.floor(rnd() * 10) * 60_000;
    t = called + (1 + Math.floor(rnd() * 20)) * 60_000;
    return { department, arrivedAt: iso(called), firstCalledAt: iso(called), finishedAt: iso(t), counter: pick(['1', '2', '3']) };
  });
  const status: VisitState['status'] = stop >= route.length ? 'done' : pick(['waiting', 'waiting', 'called', 'serving', 'no-show', 'cancelled'] as const);
  const v: VisitState = {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    businessDate: '2026-04-01',
    station: i % 2 ? 'east' : 'west',
    // Two stations' numbers meet: ties in a line when issued in the same minute.
    number: 1001 + Math.floor(i / 2),
    lang: 'ja',
    priority: rnd() < 0.15,
    events: [],
    facts: {},
    source: 'kiosk',
    issuedAt: iso(issued),
    issuedBy: { terminal: 'k' },
    adjustments: [],
    route,
    stop: Math.min(stop, route.length),
    stops,
    status,
    items: route.map((d, k) => ({ id: rnd() < 0.5 ? `p1` : `p${k}-${d}`, department: d, route: k === 0 ? 'accept' : 'refer', delivery: 'none', need: 'required', members: [], status: 'listed', steps: [] })),
    notes: [],
    timeline: [],
    payments: [],
    residentIds: [],
    conflicts: [],
  };
  v.items = v.items.filter((x, j, all) => all.findIndex((y) => y.id === x.id) === j);
  if (status === 'called' || status === 'serving') {
    const counter = pick(['1', '2', '3']);
    v.call = { department: route[stop]!, counter, at: iso(t + 60_000), count: 1, terminal: 'c' };
    Object.assign(v.stops[stop]!, { firstCalledAt: iso(t + 60_000), counter });
  }
  if (status === 'waiting' && rnd() < 0.1) v.returnedAt = iso(t + 120_000);
  return deepFreeze(v);
}

function placeOf(v: VisitState, shift: number): DayPlace {
  return { key: v.issuedAt, number: v.number + shift, id: v.id };
}

function inOrder(day: Map<string, { v: VisitState; place: DayPlace }>): VisitState[] {
  const rows = [...day.values()];
  rows.sort((a, b) => (a.place.key !== b.place.key ? (a.place.key < b.place.key ? -1 : 1) : a.place.number !== b.place.number ? a.place.number - b.place.number : a.place.id < b.place.id ? -1 : 1));
  return rows.map((r) => r.v);
}

/** Every list of a day's view, as comparable values (which visit, in which order). */
function grouping(day: WaitDay): unknown {
  const view = day.view();
  const departments = [...view.departments()].sort();
  return {
    departments,
    lists: DEPTS.map((d) => ({
      line: view.line(d).map((e) => [e.v.id, e.rank, e.key]),
      holders: view.holders(d).map((h) => [h.v.id, h.since, h.counter]),
      incoming: view.incoming(d).map((x) => [x.v.id, x.stopIndex]),
      served: view.served(d).map((x) => x.s),
      counters: view.counterStops(d).map((c) => [c.counter, c.finishedAt, c.firstCalledAt]),
    })),
  };
}

function figures(est: WaitEstimator, visits: readonly VisitState[]): unknown {
  return { departments: est.departments(), visits: visits.map((v) => est.forVisit(v)) };
}

describe('WaitDay', () => {
  it('updated visit by visit, estimates as the day grouped from scratch (seeded; WAIT_DAY_SEED replays)', () => {
    const seed = Number(process.env.WAIT_DAY_SEED ?? Date.now() % 1_000_000);
    console.log(`wait-day seed ${seed} (WAIT_DAY_SEED=${seed} replays)`);
    const rnd = mulberry32(seed);
    const prior = sharedPrior(structuredClone(PRIOR));
    for (let round = 0; round < 6; round++) {
      const kept = new WaitDay();
      const truth = new Map<string, { v: VisitState; place: DayPlace }>();
      let earlier: { est: WaitEstimator; visits: VisitState[]; want: unknown } | null = null;
      for (let step = 0; step < 60; step++) {
        // Every other round a small day, where a department is left with no stop now and then.
        const i = 1 + Math.floor(rnd() * (round % 2 ? 5 : 40));
        const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        const r = rnd();
        if (r < 0.15 && truth.has(id)) {
          kept.delete(id);
          truth.delete(id);
        } else {
          const v = r < 0.2 && truth.has(id) ? truth.get(id)!.v : someState(rnd, i);
          // Now and then the same state at another place in the day's order.
          const place = placeOf(v, r < 0.2 ? Math.floor(rnd() * 3) : 0);
          kept.set(v, place);
          truth.set(id, { v, place });
        }
        const now = T0 + (20 + Math.floor(rnd() * 30)) * 60_000;
        const opts = { now, timeZone: TZ, prior, configuredCounters: { shimin: 2 } };
        const visits = inOrder(truth);
        const est = new WaitEstimator(kept, opts);
        const want = figures(new WaitEstimator(visits, { ...opts, prior: structuredClone(PRIOR) }), visits);
        const where = `seed ${seed} round ${round} step ${step}`;
        expect(grouping(kept), where).toEqual(grouping(WaitDay.of(visits)));
        // The earlier estimate, asked only now, still gives what the day was then.
        if (earlier) expect(figures(earlier.est, earlier.visits), `${where}: the estimate taken a step before`).toEqual(earlier.want);
        expect(figures(est, visits), where).toEqual(want);
        earlier = { est: new WaitEstimator(kept, opts), visits, want };
      }
    }
  });

  it('a day grouped from an iterable does not change', () => {
    const day = WaitDay.of([]);
    expect(() => day.delete('x')).toThrow('does not change');
  });
});
