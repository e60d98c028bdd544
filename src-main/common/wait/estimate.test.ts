import { describe, expect, it } from 'vitest';
import type { VisitState } from '../visit/state';
import { sharedPrior, WaitEstimator } from './estimate';
import { buildWaitPrior, localWeekdayHour, priorKey, type WaitPrior } from './prior';
import { buildStatusSnapshot, statusSnapshotSchema, ticketStatus } from './snapshot';

const TZ = 'Asia/Tokyo';
const T0 = Date.parse('2026-04-01T01:00:00Z'); // 10:00 in Tokyo, a Wednesday
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();

let seq = 0;
function visit(opts: { issuedMin: number; route?: string[]; stop?: number; status?: VisitState['status']; priority?: boolean; counter?: string; calledMin?: number; returnedMin?: number; number?: number }): VisitState {
  seq++;
  const route = opts.route ?? ['shimin'];
  const stop = opts.stop ?? 0;
  const status = opts.status ?? 'waiting';
  const v: VisitState = {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    businessDate: '2026-04-01',
    station: 'east',
    number: opts.number ?? 1000 + seq,
    lang: 'ja',
    priority: opts.priority ?? false,
    events: [],
    facts: {},
    source: 'kiosk',
    issuedAt: iso(opts.issuedMin),
    issuedBy: { terminal: 'k' },
    adjustments: [],
    route,
    stop,
    stops: route.map((department, i) => ({ department, ...(i === 0 ? { arrivedAt: iso(opts.issuedMin) } : {}) })),
    status,
    items: [],
    notes: [],
    timeline: [],
    payments: [],
    residentIds: [],
    conflicts: [],
  };
  if ((status === 'called' || status === 'serving') && opts.counter) {
    v.call = { department: route[stop]!, counter: opts.counter, at: iso(opts.calledMin ?? 0), count: 1, terminal: 'c' };
    v.stops[stop]!.firstCalledAt = iso(opts.calledMin ?? 0);
    v.stops[stop]!.counter = opts.counter;
  }
  if (opts.returnedMin !== undefined) v.returnedAt = iso(opts.returnedMin);
  return v;
}

/** A finished stop at `department`: called at `from`, finished at `to` (minutes from T0). */
function served(department: string, counter: string, from: number, to: number): VisitState {
  const v = visit({ issuedMin: from - 1, route: [department], status: 'done' });
  v.stops[0] = { department, arrivedAt: iso(from - 1), firstCalledAt: iso(from), startedAt: iso(from), finishedAt: iso(to), counter };
  v.stop = 1;
  return v;
}

function withItems(v: VisitState, ids: string[]): VisitState {
  v.items = ids.map((id) => ({ id, department: 'shimin', route: 'accept', delivery: 'none', need: 'required', members: [], status: 'listed', steps: [] }));
  return v;
}

function prior(department: string, seconds: number, counters: number): WaitPrior {
  const { weekday, hour } = localWeekdayHour(T0, TZ);
  const k = priorKey(department, weekday, hour);
  return { service: { [k]: { seconds, n: 50 } }, counters: { [k]: { mean: counters, days: 4 } }, overall: { [department]: { seconds, n: 200 } } };
}

describe('wait estimate', () => {
  it('knows weekday and hour in the city time zone', () => {
    expect(localWeekdayHour(T0, TZ)).toEqual({ weekday: 3, hour: 10 });
    expect(localWeekdayHour(Date.parse('2026-04-04T15:30:00Z'), TZ)).toEqual({ weekday: 0, hour: 0 });
  });

  it('before any data today: the prior of this weekday and hour (service time and counters)', () => {
    const line = [0, 1, 2, 3, 4, 5].map((m) => visit({ issuedMin: -10 + m }));
    const est = new WaitEstimator(line, { now: T0, timeZone: TZ, prior: prior('shimin', 600, 2), draws: 1 });
    expect(est.openCounters('shimin')).toBe(2);
    expect(est.serviceSeconds('shimin')).toBe(600);
    // Every service exactly 10 minutes: two counters free now call the first two, both free again
    // in 10 minutes and call the next two, and so on.
    expect(est.forVisit(line[0]!)!.minutes).toBe(0);
    expect(est.forVisit(line[1]!)!.minutes).toBe(0);
    expect(est.forVisit(line[2]!)!.minutes).toBe(10);
    expect(est.forVisit(line[3]!)!.minutes).toBe(10);
    expect(est.forVisit(line[5]!)!.minutes).toBe(20);
    expect(est.forVisit(line[5]!)!.ahead).toBe(5);
    expect(est.department('shimin')).toMatchObject({ waiting: 6, openCounters: 2, estimateMinutes: 30 });
    // Services that vary (drawn with the default spread): one of two counters frees sooner than
    // the 10 minutes a single service takes on average, so the third visitor is called earlier.
    const drawn = new WaitEstimator(line, { now: T0, timeZone: TZ, prior: prior('shimin', 600, 2) });
    const third = drawn.forVisit(line[2]!)!.exactMinutes;
    expect(third).toBeGreaterThan(5);
    expect(third).toBeLessThan(10);
    expect(drawn.forVisit(line[5]!)!.exactMinutes).toBeGreaterThan(third + 5);
    // The same visits give the same estimate (the draws are seeded).
    expect(new WaitEstimator(line, { now: T0, timeZone: TZ, prior: prior('shimin', 600, 2) }).forVisit(line[2]!)!.exactMinutes).toBe(third);
  });

  it("today's service times pull the estimate away from the prior, recent ones most", () => {
    const today = [served('shimin', '1', -60, -40), served('shimin', '1', -40, -20), served('shimin', '2', -35, -15), served('shimin', '2', -15, 5 - 5)];
    const line = [visit({ issuedMin: -3 }), visit({ issuedMin: -2 }), visit({ issuedMin: -1 })];
    const est = new WaitEstimator([...today, ...line], { now: T0, timeZone: TZ, prior: prior('shimin', 300, 2) });
    // Four 20-minute stops against a 5-minute prior worth four stops: well above 5 minutes.
    expect(est.serviceSeconds('shimin')).toBeGreaterThan(450);
    expect(est.serviceSeconds('shimin')).toBeLessThan(1200);
  });

  it('counts the counters open now, not the configured ones', () => {
    const busy = ['1', '2', '3'].map((c) => visit({ issuedMin: -20, status: 'serving', counter: c, calledMin: -5 }));
    const est = new WaitEstimator([...busy, visit({ issuedMin: -1 })], { now: T0, timeZone: TZ, configuredCounters: { shimin: 8 } });
    expect(est.openCounters('shimin')).toBe(3);
  });

  it('a returned 不在 visitor and priority visitors are ahead; later issues are not', () => {
    const a = visit({ issuedMin: -10 });
    const back = visit({ issuedMin: -30, returnedMin: -1 });
    const p = visit({ issuedMin: -2, priority: true });
    const late = visit({ issuedMin: -1 });
    const busy = visit({ issuedMin: -40, status: 'serving', counter: '1', calledMin: -2 });
    const est = new WaitEstimator([a, back, p, late, busy], { now: T0, timeZone: TZ, prior: prior('shimin', 600, 1) });
    expect(est.forVisit(back)!.ahead).toBe(0);
    expect(est.forVisit(p)!.ahead).toBe(1);
    expect(est.forVisit(a)!.ahead).toBe(2);
    expect(est.forVisit(late)!.ahead).toBe(3);
    expect(est.forVisit(late)!.minutes).toBeGreaterThan(est.forVisit(a)!.minutes);
  });

  it('counts visitors still at an earlier stop of their route who will join this line ahead (the whole route)', () => {
    // Three visitors issued earlier are at the one-stop counter and go on to kaigo afterwards.
    const coming = [1, 2, 3].map((c) => visit({ issuedMin: -30 + c, route: ['shimin', 'kaigo'], status: 'serving', counter: String(c), calledMin: -8 }));
    const me = visit({ issuedMin: 0, route: ['kaigo'] });
    const atKaigo = visit({ issuedMin: -40, route: ['kaigo'], status: 'serving', counter: '12', calledMin: -1 });
    const pr: WaitPrior = { ...prior('kaigo', 600, 1), overall: { kaigo: { seconds: 600, n: 100 }, shimin: { seconds: 600, n: 100 } } };
    const alone = new WaitEstimator([atKaigo, me], { now: T0, timeZone: TZ, prior: pr, draws: 1 });
    const withRoute = new WaitEstimator([...coming, atKaigo, me], { now: T0, timeZone: TZ, prior: pr, draws: 1 });
    // One counter, busy for a minute so far: it frees when that visitor's service ends (the
    // service time counts that minute too, so it is above the 10-minute prior).
    const S = alone.serviceSeconds('kaigo') / 60;
    expect(S).toBeGreaterThan(10);
    expect(alone.forVisit(me)).toMatchObject({ ahead: 0, minutes: Math.round(S - 1) });
    // Nobody else is in the kaigo line yet, but three visitors issued earlier reach it before the
    // counter frees: they leave the one-stop counter when their service there ends (8 minutes in),
    // and each takes a kaigo service before this visitor is called.
    const w = withRoute.forVisit(me)!;
    expect(w.ahead).toBe(3);
    const Sk = withRoute.serviceSeconds('kaigo') / 60;
    const arrive = withRoute.serviceSeconds('shimin') / 60 - 8;
    expect(arrive).toBeLessThan(Sk - 1);
    expect(w.minutes).toBe(Math.round(Sk - 1 + 3 * Sk));
    // Had the counter freed before they arrive, this visitor, already here, would go first.
    const early = visit({ issuedMin: -40, route: ['kaigo'], status: 'serving', counter: '12', calledMin: -9 });
    expect(new WaitEstimator([...coming, early, me], { now: T0, timeZone: TZ, prior: pr, draws: 1 }).forVisit(me)!.ahead).toBe(0);
    // The visitor's own route: the one-stop counter, then kaigo, adds up.
    const two = visit({ issuedMin: 0, route: ['shimin', 'kaigo'] });
    const r = new WaitEstimator([two], { now: T0, timeZone: TZ, prior: pr }).forVisit(two)!;
    expect(r.stops.map((s) => s.department)).toEqual(['shimin', 'kaigo']);
    expect(r.routeMinutes).toBeGreaterThanOrEqual(20);
  });

  it('times the line ahead by what each visitor in it came for (the past weeks per procedure)', () => {
    // Past weeks: a certificate took 4 minutes, a move with five procedures 30.
    const cert = (k: number) => withItems(served('shimin', String(k % 3), -100 + k, -96 + k), ['juminhyo']);
    const move = (k: number) => withItems(served('shimin', String(k % 3), -100 + k, -70 + k), ['tennyu', 'kokuho', 'nenkin', 'jido-teate', 'inkan']);
    const pr = buildWaitPrior([...[0, 1, 2, 3, 4].map(cert), ...[0, 1, 2, 3, 4].map(move)], TZ);
    const one = { now: T0, timeZone: TZ, prior: pr, draws: 1 };
    const ahead = (what: string[]) => withItems(visit({ issuedMin: -5 }), what);
    const busy = withItems(visit({ issuedMin: -20, status: 'serving', counter: '1', calledMin: -1 }), ['juminhyo']);
    const me = visit({ issuedMin: 0 });
    const certs = new WaitEstimator([busy, ahead(['juminhyo']), ahead(['juminhyo']), me], one).forVisit(me)!;
    const moves = new WaitEstimator([busy, ahead(['tennyu', 'kokuho', 'nenkin', 'jido-teate', 'inkan']), ahead(['tennyu', 'kokuho', 'nenkin', 'jido-teate', 'inkan']), me], one).forVisit(me)!;
    expect(certs.ahead).toBe(2);
    expect(moves.ahead).toBe(2);
    // One counter: the certificate being served ends in about 3 minutes, then two more of 4 (or 30).
    expect(certs.minutes).toBeGreaterThanOrEqual(9);
    expect(certs.minutes).toBeLessThanOrEqual(13);
    expect(moves.minutes).toBeGreaterThanOrEqual(55);
    expect(moves.minutes).toBeLessThanOrEqual(70);
  });

  it('weighs "a,b" alone and "a" with "b" apart: the same joined key, not the same count', () => {
    // Past weeks: one procedure took 4 minutes, two took 20; "a,b" (joined, the same key as "a" with
    // "b") was seen too rarely for its own mean, so each takes its count's.
    const one = (k: number) => withItems(served('shimin', '1', -100 + k * 5, -96 + k * 5), ['juminhyo']);
    const two = (k: number) => withItems(served('shimin', '1', -60 + k * 21, -40 + k * 21), ['tennyu', 'kokuho']);
    const pr = buildWaitPrior([...[0, 1, 2, 3].map(one), ...[0, 1, 2].map(two), withItems(served('shimin', '2', -10, -5), ['a,b'])], TZ);
    const alone = withItems(visit({ issuedMin: -3 }), ['a,b']);
    const both = withItems(visit({ issuedMin: -2 }), ['a', 'b']);
    const fresh = (v: VisitState) => new WaitEstimator([alone, both], { now: T0, timeZone: TZ, prior: pr }).cycleSeconds(v, 0);
    expect(fresh(both)).toBeGreaterThan(fresh(alone) * 3);
    // Asked in either order, on an estimator or on estimators sharing the prior's memo.
    for (const p of [pr, sharedPrior(structuredClone(pr))]) {
      const est = new WaitEstimator([alone, both], { now: T0, timeZone: TZ, prior: p });
      expect([est.cycleSeconds(alone, 0), est.cycleSeconds(both, 0)]).toEqual([fresh(alone), fresh(both)]);
      const other = new WaitEstimator([alone, both], { now: T0, timeZone: TZ, prior: p });
      expect([other.cycleSeconds(both, 0), other.cycleSeconds(alone, 0)]).toEqual([fresh(both), fresh(alone)]);
    }
  });

  it('shares the weighed work of a shared prior only for states that cannot change', () => {
    const pr = buildWaitPrior(
      [0, 1, 2, 3].flatMap((k) => [withItems(served('shimin', '1', -100 + k * 5, -96 + k * 5), ['juminhyo']), withItems(served('shimin', '2', -100 + k * 21, -80 + k * 21), ['tennyu', 'kokuho', 'nenkin'])]),
      TZ,
    );
    const shared = sharedPrior(structuredClone(pr));
    expect(Object.isFrozen(shared.overall.shimin)).toBe(true);
    const v = withItems(visit({ issuedMin: -3 }), ['juminhyo']);
    const opts = { now: T0, timeZone: TZ, draws: 1 };
    const before = new WaitEstimator([v], { ...opts, prior: shared }).cycleSeconds(v, 0);
    expect(before).toBe(new WaitEstimator([v], { ...opts, prior: pr }).cycleSeconds(v, 0));
    // The same object, changed: the next estimate weighs it again.
    withItems(v, ['tennyu', 'kokuho', 'nenkin']);
    expect(new WaitEstimator([v], { ...opts, prior: shared }).cycleSeconds(v, 0)).toBe(new WaitEstimator([v], { ...opts, prior: pr }).cycleSeconds(v, 0));
    expect(new WaitEstimator([v], { ...opts, prior: shared }).cycleSeconds(v, 0)).not.toBe(before);
  });

  it('builds the prior from past days: mean service and counters per weekday and hour', () => {
    const past = [served('shimin', '1', 0, 10), served('shimin', '2', 5, 25), served('shimin', '1', 12, 20)];
    const p = buildWaitPrior(past, TZ);
    const k = priorKey('shimin', 3, 10);
    expect(p.service[k]).toEqual({ seconds: ((10 + 20 + 8) * 60) / 3, n: 3 });
    expect(p.counters[k]).toEqual({ mean: 2, days: 1 });
  });
});

describe('public status snapshot', () => {
  it('carries numbers, states, counters, counts and minutes — never a visit id, a procedure or a name', () => {
    const w = visit({ issuedMin: -5, number: 1002 });
    const c = visit({ issuedMin: -9, number: 1001, status: 'called', counter: '3', calledMin: -1 });
    const away = visit({ issuedMin: -20, number: 1000, status: 'no-show' });
    const done = served('shimin', '1', -30, -20);
    (w as { facts: unknown }).facts = { name: '山田 太郎' };
    w.items = [{ id: 'tennyu', department: 'shimin', route: 'accept', delivery: 'none', need: 'required', members: [], status: 'listed', steps: [] }];
    const all = [w, c, away, done];
    const snap = buildStatusSnapshot(all, new WaitEstimator(all, { now: T0, timeZone: TZ, prior: prior('shimin', 600, 1) }), { site: 'honcho', businessDate: '2026-04-01', now: T0 });
    expect(statusSnapshotSchema.parse(snap)).toEqual(snap);
    expect(snap.tickets).toEqual([{ n: 1000, s: 'away' }, { n: 1001, s: 'called', c: '3' }, { n: 1002, s: 'waiting', a: 0, e: expect.any(Number) }]);
    expect(snap.called).toEqual([{ n: 1001, c: '3' }]);
    const text = JSON.stringify(snap);
    for (const v of all) expect(text).not.toContain(v.id);
    expect(text).not.toMatch(/山田|tennyu|east/);
    expect(ticketStatus(snap, 'honcho', 1001, true)).toMatchObject({ state: 'called', counter: '3' });
    expect(ticketStatus(snap, 'honcho', done.number, true)).toMatchObject({ state: 'none', counter: null });
    expect(ticketStatus(snap, 'honcho', 1001, false)).toMatchObject({ state: 'unavailable', counter: null, updatedAt: null });
  });
});
