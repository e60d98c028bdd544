import { describe, expect, it } from 'vitest';
import { mulberry32, type Rng } from '../random';
import type { VisitState } from '../visit/state';
import { counterRun, counterRunDrawn, lateOrder, normalQuantile, WaitEstimator } from './estimate';
import { buildWaitPrior } from './prior';
import golden from '../../../fixtures/wait/estimate-golden.json';
import { deepFreeze } from '../json/freeze';

/**
 * The estimate's speed-ups (issue 15: no copies of the line per draw, no splices, one place map per
 * line) change no figure. (1) `counterRun` against the plain version it replaced (a copy of the
 * line, spliced as they are called) on seeded random lines: the same call time, count ahead, and
 * the same people timed in the same order (so the same draws). (2) Every visit's estimate and every
 * department's on seeded multi-stop days, against fixtures/wait/estimate-golden.json, written by
 * the estimator before the change (commit 2fb6a4a) from these same days.
 */

const TZ = 'Asia/Tokyo';
const T0 = Date.parse('2026-04-01T00:30:00Z'); // 09:30 in Tokyo, a Wednesday
const DEPTS = ['shimin', 'hoken', 'kodomo', 'nenkin', 'zeimu'];
const PROCS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const iso = (ms: number) => new Date(ms).toISOString();

/** One seeded day at `date`: multi-stop routes, every status, priority and returned visitors, items. */
export function seededDay(rng: Rng, date: string, start: number, n: number, nowMin: number): VisitState[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const out: VisitState[] = [];
  for (let i = 0; i < n; i++) {
    const issued = start + Math.floor(rng() * nowMin * 60_000);
    const route = [...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(DEPTS)))];
    const items = route.flatMap((d, k) =>
      Array.from({ length: 1 + Math.floor(rng() * 2) }, () => ({ id: pick(PROCS) + d, department: d, route: (k === 0 ? 'accept' : 'refer') as 'accept' | 'refer', delivery: 'none' as const, need: 'required' as const, members: [], status: 'listed' as const, steps: [] })),
    ).filter((x, j, all) => all.findIndex((y) => y.id === x.id) === j);
    const stop = Math.floor(rng() * (route.length + 1));
    let t = issued;
    const stops = route.map((department, k) => {
      if (k > stop) return { department };
      const s: VisitState['stops'][number] = { department, arrivedAt: iso(t) };
      if (k < stop) {
        const called = t + Math.floor(rng() * 20 * 60_000);
        const finished = called + Math.floor((1 + rng() * 25) * 60_000);
        Object.assign(s, { firstCalledAt: iso(called), startedAt: iso(called), finishedAt: iso(finished), counter: String(1 + Math.floor(rng() * 3)) });
        t = finished + Math.floor(rng() * 60_000);
      }
      return s;
    });
    const statuses: VisitState['status'][] = ['waiting', 'waiting', 'waiting', 'called', 'serving', 'no-show'];
    const status: VisitState['status'] = stop >= route.length ? 'done' : rng() < 0.03 ? 'cancelled' : pick(statuses);
    const v: VisitState = {
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      businessDate: date,
      station: 'east',
      number: 1001 + i,
      lang: 'ja',
      priority: rng() < 0.1,
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
      items,
      notes: [],
      timeline: [],
      payments: [],
      residentIds: [],
      conflicts: [],
    };
    if (status === 'called' || status === 'serving') {
      const counter = String(1 + Math.floor(rng() * 3));
      const at = Math.min(start + nowMin * 60_000, t + Math.floor(rng() * 10 * 60_000));
      v.call = { department: route[stop]!, counter, at: iso(at), count: 1, terminal: 'c' };
      Object.assign(v.stops[stop]!, { firstCalledAt: iso(at), counter });
    }
    if (status === 'waiting' && rng() < 0.05) v.returnedAt = iso(t + 60_000);
    out.push(v);
  }
  return out;
}

/** Every figure the estimator gives on one seeded day (what the golden file holds). */
export function dayFigures(seed: number, frozen = false): unknown {
  const rng = mulberry32(seed);
  const past = [7, 14].flatMap((d) => seededDay(rng, `2026-03-${String(32 - d).padStart(2, '0')}`, T0 - d * 86_400_000, 300, 420).map((v) => ({ ...v, status: 'done' as const })));
  const prior = buildWaitPrior(past, TZ);
  const nowMin = 120 + Math.floor(rng() * 200);
  const day = seededDay(rng, '2026-04-01', T0, 80 + Math.floor(rng() * 220), nowMin);
  const make = () => new WaitEstimator(day, { now: T0 + nowMin * 60_000, timeZone: TZ, prior, configuredCounters: { shimin: 3, hoken: 2 } });
  if (frozen) {
    // As a terminal shares them: deep-frozen states, read by one estimator after another.
    for (const v of day) deepFreeze(v);
    const first = make();
    day.forEach((v) => first.forVisit(v));
  }
  const est = make();
  return { departments: est.departments(), visits: day.map((v) => est.forVisit(v)) };
}

export const SEEDS = [1, 2, 3, 20261203, 77];

/** The old counterRun: a copy of the line, each one called spliced out. */
function counterRunByCopy<P extends { arrival: number }>(freeAt: number[], idle: number, ahead: P[], cycle: (p: P) => number, arrival: number): { atMs: number; ahead: number } {
  const free = [...freeAt];
  for (let i = 0; i < idle; i++) free.push(0);
  if (!free.length) free.push(0);
  let calledBefore = 0;
  for (;;) {
    let m = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[m]!) m = i;
    const at = free[m]!;
    const idx = ahead.findIndex((p) => p.arrival <= at);
    if (idx >= 0) {
      free[m] = at + cycle(ahead[idx]!);
      ahead.splice(idx, 1);
      calledBefore++;
      continue;
    }
    if (arrival <= at) return { atMs: at, ahead: calledBefore };
    let first = -1;
    for (let i = 0; i < ahead.length; i++) if (first < 0 || ahead[i]!.arrival < ahead[first]!.arrival) first = i;
    if (first < 0 || ahead[first]!.arrival >= arrival) return { atMs: arrival, ahead: calledBefore };
    free[m] = ahead[first]!.arrival + cycle(ahead[first]!);
    ahead.splice(first, 1);
    calledBefore++;
  }
}

describe('the wait estimate after its speed-ups', () => {
  const seed = Number(process.env.WAIT_SAME_SEED ?? 20261203);
  it(`counterRun calls the same people in the same order as the spliced copy (seed ${seed}, WAIT_SAME_SEED replays)`, () => {
    const rng = mulberry32(seed);
    for (let round = 0; round < 2000; round++) {
      const n = Math.floor(rng() * 40);
      // Many present from the start (arrival 0), some arriving later, ties included.
      // One round in four with odd values: negative cycles (the counters' time going back, where
      // counterRun searches the line as before), arrivals before 0, infinite or NaN.
      const odd = round % 4 === 3;
      const oddArrival = () => [Number.NaN, -60_000, Infinity, -0][Math.floor(rng() * 4)]!;
      const ahead = Array.from({ length: n }, (_, i) => ({
        i,
        arrival: odd && rng() < 0.2 ? oddArrival() : rng() < 0.6 ? 0 : Math.floor(rng() * 8) * 60_000,
        cycle: (odd && rng() < 0.3 ? -1 : 1) * Math.floor(1 + rng() * 10) * 60_000,
      }));
      const free = Array.from({ length: Math.floor(rng() * 3) }, () => Math.floor(rng() * 10) * 60_000);
      const idle = Math.floor(rng() * 3);
      const arrival = rng() < 0.5 ? 0 : Math.floor(rng() * 40) * 60_000;
      const draw = mulberry32(round + 1);
      const drawOld = mulberry32(round + 1);
      const seenNew: number[] = [];
      const seenOld: number[] = [];
      const got = counterRun(free, idle, ahead, (p) => (seenNew.push(p.i), p.cycle * (0.5 + draw())), arrival);
      const want = counterRunByCopy([...free], idle, ahead.map((p) => ({ ...p })), (p) => (seenOld.push(p.i), p.cycle * (0.5 + drawOld())), arrival);
      expect({ round, ...got, seen: seenNew }).toEqual({ round, ...want, seen: seenOld });
    }
  });

  it(`counterRunDrawn draws the same times as counterRun with the draw as its cycle (seed ${seed}, WAIT_SAME_SEED replays)`, () => {
    const rng = mulberry32(seed);
    let called = new Uint8Array(0);
    for (let round = 0; round < 2000; round++) {
      const n = Math.floor(rng() * 40);
      const turnover = rng() < 0.5 ? 0 : Math.floor(rng() * 60) * 1000;
      // One round in five with everyone present from the start (the usual line).
      const allPresent = round % 5 === 0;
      // And one in four with odd values: shorter than the turnover (the time going back), arrivals
      // before 0, infinite or NaN.
      const odd = round % 4 === 3;
      const oddArrival = () => [Number.NaN, -60_000, Infinity, -0][Math.floor(rng() * 4)]!;
      const ahead = Array.from({ length: n }, () => ({
        arrival: allPresent ? 0 : odd && rng() < 0.2 ? oddArrival() : rng() < 0.6 ? 0 : Math.floor(rng() * 8) * 60_000,
        cycle: odd && rng() < 0.3 ? turnover - Math.floor(1 + rng() * 10) * 60_000 : turnover + Math.floor(1 + rng() * 10) * 60_000,
      }));
      const free = Array.from({ length: Math.floor(rng() * 3) }, () => Math.floor(rng() * 10) * 60_000);
      const idle = Math.floor(rng() * 3);
      const arrival = rng() < 0.5 ? 0 : Math.floor(rng() * 40) * 60_000;
      const sigma = 0.1 + rng();
      const mu = -(sigma * sigma) / 2;
      const draw = mulberry32(round + 1);
      const drawOld = mulberry32(round + 1);
      const want = counterRun(free, idle, ahead, (p) => (p.cycle - turnover) * Math.exp(mu + sigma * normalQuantile(Math.min(1 - 1e-9, Math.max(1e-9, drawOld())))) + turnover, arrival);
      // The called buffer reused between runs, as the draws do: counterRunDrawn leaves it cleared.
      if (called.length < n || round % 7 === 0) called = new Uint8Array(n);
      const arrivals = Float64Array.from(ahead, (p) => p.arrival);
      // The later arrivals' order given (as the estimator does for its draws) or worked out inside.
      const got = counterRunDrawn([...free], idle, arrivals, Float64Array.from(ahead, (p) => p.cycle - turnover), called.subarray(0, n), { mu, sigma, turnover, rnd: draw }, arrival, round % 2 ? lateOrder(arrivals) : undefined);
      // Bit for bit, and the same count of rnd() calls (the next number is the same).
      expect({ round, at: got, next: draw(), marks: called.reduce((a, x) => a + x, 0) }).toEqual({ round, at: want.atMs, next: drawOld(), marks: 0 });
    }
  });

  it('gives the figures the estimator gave before (fixtures/wait/estimate-golden.json)', () => {
    const want = golden as Record<string, unknown>;
    for (const s of SEEDS) {
      expect(JSON.parse(JSON.stringify(dayFigures(s))), `seed ${s}`).toEqual(want[String(s)]);
      expect(JSON.parse(JSON.stringify(dayFigures(s, true))), `seed ${s}, frozen shared states`).toEqual(want[String(s)]);
    }
  });
});
