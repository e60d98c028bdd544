import { AppError } from '../../common/errors';
import type { TerminalConfig } from '../../common/config/schema';
import type { Catalog } from '../../common/catalog/types';
import { catalogText } from '../../common/catalog/texts';
import { guide, visitRoute, type GuidanceItem } from '../../common/guidance/guide';
import type { Actor, ItemStatus, PaymentLine, PaymentMethod, VisitItemSeed } from '../../common/visit/events';
import type { VisitState } from '../../common/visit/state';
import type { Store } from '../store/store';
import type { VisitService } from '../visits/service';
import { localInstant, type SimClock } from './clock';
import { MinHeap } from './heap';
import { makeVisitor, type VisitorProfile } from './population';
import { Prng, seedFrom } from './prng';

/**
 * `demo simulate`: one business day at the counter, driven through the real VisitService, so every
 * figure of the day's report comes from real events (issue, call, start, item outcomes, notes,
 * payments, surveys, no-shows, cancellations, and visitors still waiting at closing). A
 * discrete-event simulation moves the store's injected clock from 8:30 to closing; the same seed
 * gives the same day.
 */

export interface SimulationTarget {
  store: Store;
  visits: VisitService;
  config: TerminalConfig;
}

export interface SimulateOptions {
  date: string;
  visitors: number;
  seed: number;
  /** Local opening and closing times (default 08:30, 17:15). */
  opens?: string;
  closes?: string;
  /**
   * The demo config has two 市民課 counters; a day of a thousand visitors needs more. When true
   * (default), departments get extra counters (ids `<department>-<n>`) sized to the day's load.
   */
  extraCounters?: boolean;
}

export interface SimulationResult {
  date: string;
  seed: number;
  visitors: number;
  issued: number;
  /** Visitors the kiosks could not give a number to (every station's range used up). */
  turnedAway: number;
  counters: Record<string, string[]>;
  events: number;
  status: Record<string, number>;
  payments: number;
  surveys: number;
  /** Operations the service refused: a correct driver leaves this empty. */
  anomalies: string[];
  firstIssuedAt: string | null;
  lastEventAt: string | null;
}

/** Share of the day's arrivals per half hour from 8:30 (peaks mid-morning and after lunch, and a rush just before closing). */
const HALF_HOURS: ReadonlyArray<[string, number]> = [
  ['08:30', 1.0], ['09:00', 1.35], ['09:30', 1.5], ['10:00', 1.55], ['10:30', 1.5], ['11:00', 1.3], ['11:30', 1.1],
  ['12:00', 0.8], ['12:30', 0.85], ['13:00', 1.3], ['13:30', 1.4], ['14:00', 1.25], ['14:30', 1.1], ['15:00', 1.0],
  ['15:30', 0.9], ['16:00', 0.75], ['16:30', 0.65], ['17:00', 0.7],
];
const PAYMENT_MIX: Readonly<Record<PaymentMethod, number>> = { cash: 89.5, qr: 5, card: 2.5, 'e-money': 3 };

interface Plan {
  profile: VisitorProfile;
  items: VisitItemSeed[];
  route: string[];
  /** Service seconds per stop. */
  service: number[];
  station: string;
  arrival: number;
  absentAtFirstCall: boolean;
  comesBackAfter: number | null;
  patience: number | null;
  missingDocuments: boolean;
  answersSurvey: boolean;
  p: Prng;
}

interface Counter {
  id: string;
  department: string;
  actor: Actor;
  busy: boolean;
}

export function arrivalTimes(p: Prng, date: string, n: number, timeZone: string, opens = '08:30', closes = '17:15'): number[] {
  const start = localInstant(date, opens, timeZone);
  const end = localInstant(date, closes, timeZone);
  const monday = new Date(`${date}T12:00:00Z`).getUTCDay() === 1;
  const slots = HALF_HOURS.map(([hhmm, w]) => {
    const from = Math.max(start, localInstant(date, hhmm, timeZone));
    const to = Math.min(end, from + 30 * 60_000);
    // Monday mornings carry the weekend's moves and certificates.
    const weight = w * (monday && hhmm < '12:00' ? 1.3 : 1) * Math.max(0, to - from);
    return { from, to, weight };
  }).filter((s) => s.weight > 0);
  const total = slots.reduce((a, s) => a + s.weight, 0);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let x = p.next() * total;
    let slot = slots[slots.length - 1]!;
    for (const s of slots) {
      x -= s.weight;
      if (x < 0) {
        slot = s;
        break;
      }
    }
    out.push(Math.floor(slot.from + p.next() * (slot.to - slot.from)));
  }
  return out.sort((a, b) => a - b);
}

function seedOf(it: GuidanceItem): VisitItemSeed {
  return { id: it.id, department: it.department, route: it.route as VisitItemSeed['route'], delivery: it.delivery, need: it.status, members: it.members, ...(it.fee !== undefined ? { fee: it.fee } : {}) };
}

const CERTS = new Set(['juminhyo', 'inkan-shomei', 'koseki', 'zei-shomei', 'nozei-shomei']);

function plan(p: Prng, date: string, catalog: Catalog, stations: readonly string[], arrival: number): Plan | { error: string } {
  const profile = makeVisitor(p, date);
  if (profile.events.length === 1 && profile.events[0] === 'certificate') profile.facts.members = [{ role: 'applicant' }];
  let result;
  try {
    result = guide(profile.facts, catalog, { lang: 'ja', today: date });
  } catch (e) {
    return { error: `guide refused simulated facts: ${(e as Error).message}` };
  }
  const items = result.procedures.map(seedOf);
  const route = visitRoute(result.procedures, catalog);
  const service = route.map((dept) => {
    if (dept !== catalog.oneStop) return p.lognormal(9 * 60, 0.4);
    const here = items.filter((i) => i.route === 'accept' || i.route === 'proxy');
    const certs = here.filter((i) => CERTS.has(i.id));
    const others = here.length - certs.length;
    const copies = Object.values(profile.copies).reduce((a, b) => a + b, 0);
    const certSeconds = certs.length ? p.lognormal(4 * 60, 0.35) + 70 * Math.max(0, copies - 1) : 0;
    const otherSeconds = others ? p.lognormal((8 + 4.5 * others) * 60, 0.3) : 0;
    const referSeconds = 60 * items.filter((i) => i.route === 'refer' || i.route === 'refer-optional').length;
    return Math.max(90, certSeconds + otherSeconds + referSeconds);
  });
  const stationWeights = stations.map((_, i) => (i === 0 ? 45 : i === 1 ? 35 : 20));
  const sw = stationWeights.reduce((a, b) => a + b, 0);
  let x = p.next() * sw;
  let station = stations[stations.length - 1]!;
  for (let i = 0; i < stations.length; i++) {
    x -= stationWeights[i]!;
    if (x < 0) {
      station = stations[i]!;
      break;
    }
  }
  const lifeEvent = profile.events.some((e) => e !== 'certificate');
  const absent = p.chance(0.03);
  return {
    profile,
    items,
    route,
    service,
    station,
    arrival,
    absentAtFirstCall: absent,
    comesBackAfter: absent && p.chance(0.6) ? p.between(5, 40) * 60_000 : null,
    patience: p.chance(0.025) ? p.between(15, 45) * 60_000 : null,
    missingDocuments: lifeEvent && p.chance(0.012),
    answersSurvey: p.chance(0.18),
    p,
  };
}

export function simulateDay(target: SimulationTarget, catalog: Catalog, clock: SimClock, opts: SimulateOptions): SimulationResult {
  const { store, visits, config } = target;
  const tz = config.timeZone;
  if (!config.stations.length) throw new AppError('bad-config', 'the config has no kiosk stations to issue tickets from', { field: 'stations' });
  if (!Number.isInteger(opts.visitors) || opts.visitors < 0) throw new AppError('bad-input', 'visitors must be a whole number ≥ 0', { field: 'visitors' });
  const rng = new Prng(opts.seed ^ seedFrom(opts.date));
  const stations = config.stations.map((s) => s.id);
  const opens = opts.opens ?? '08:30';
  const closes = opts.closes ?? '17:15';
  const openAt = localInstant(opts.date, opens, tz);
  const closeAt = localInstant(opts.date, closes, tz);
  const arrivals = arrivalTimes(rng, opts.date, opts.visitors, tz, opens, closes);
  const anomalies: string[] = [];
  const plans: Plan[] = [];
  for (const [i, at] of arrivals.entries()) {
    const pl = plan(rng.fork(i), opts.date, catalog, stations, at);
    if ('error' in pl) anomalies.push(pl.error);
    else plans.push(pl);
  }

  // Counters: the config's, plus extra ones where the day's load needs them.
  const counters = new Map<string, Counter[]>();
  for (const t of config.terminals) {
    if (t.role !== 'counter' || !t.department || !t.counter) continue;
    const list = counters.get(t.department) ?? [];
    list.push({ id: t.counter, department: t.department, actor: { terminal: t.id, staff: `sim-${t.id}` }, busy: false });
    counters.set(t.department, list);
  }
  const load = new Map<string, number>();
  for (const pl of plans) pl.route.forEach((d, i) => load.set(d, (load.get(d) ?? 0) + pl.service[i]!));
  const openSeconds = (closeAt - openAt) / 1000;
  for (const [dept, seconds] of load) {
    const list = counters.get(dept) ?? [];
    const want = opts.extraCounters === false ? Math.max(1, list.length) : Math.max(1, list.length, Math.ceil(seconds / (openSeconds * 0.72)));
    for (let k = list.length + 1; list.length < want; k++) {
      const id = `${dept}-${k}`;
      list.push({ id, department: dept, actor: { terminal: `sim-counter-${dept}-${k}`, staff: `sim-staff-${dept}-${k}` }, busy: false });
    }
    counters.set(dept, list);
  }
  const kioskActor = (station: string): Actor => {
    const t = config.terminals.find((x) => x.role === 'kiosk' && x.station === station);
    return { terminal: t?.id ?? `sim-kiosk-${station}`, staff: `sim-concierge-${station}` };
  };

  const agenda = new MinHeap<() => void>();
  // The hybrid logical clock counts whole milliseconds.
  const at = (t: number, fn: () => void) => agenda.push(Math.round(t), fn);
  const byVisit = new Map<string, Plan>();
  let closed = false;
  let issued = 0;
  let turnedAway = 0;
  let payments = 0;
  let surveys = 0;
  let firstIssuedAt: string | null = null;
  let lastEventAt: string | null = null;
  const eventsBefore = store.eventCount();

  const act = <T>(what: string, fn: () => T): T | null => {
    try {
      const r = fn();
      lastEventAt = new Date(clock.now).toISOString();
      return r;
    } catch (e) {
      anomalies.push(`${new Date(clock.now).toISOString()} ${what}: ${(e as Error).message}`);
      return null;
    }
  };
  const label = (id: string) => catalogText(catalog, `department.${id}`, 'ja');

  // Day-end work (締め作業): from 30 minutes before closing, departments other than the one-stop
  // counter stop calling and half the one-stop counters close. Whoever is still waiting at closing
  // stays unfinished and is listed for the supervisor (閉庁後の対応).
  const windDown = closeAt - 30 * 60_000;
  const calling = (c: Counter, index: number): boolean => {
    if (clock.now < windDown) return true;
    if (c.department !== catalog.oneStop) return false;
    return index < Math.ceil((counters.get(c.department)?.length ?? 1) / 2);
  };

  function tryCall(dept: string): void {
    if (closed) return;
    for (const [i, c] of (counters.get(dept) ?? []).entries()) {
      if (c.busy || !calling(c, i)) continue;
      const v = act(`call ${dept}`, () => visits.callNext(dept, c.id, c.actor));
      if (!v) return;
      c.busy = true;
      called(v, c);
    }
  }

  function free(c: Counter, after: number): void {
    at(clock.now + after, () => {
      c.busy = false;
      tryCall(c.department);
    });
  }

  function called(v: VisitState, c: Counter): void {
    const pl = byVisit.get(v.id)!;
    if (pl.absentAtFirstCall && v.stop === 0) {
      pl.absentAtFirstCall = false;
      at(clock.now + 60_000, () => act('recall', () => visits.recall(v.id, c.id, c.actor)));
      at(clock.now + 120_000, () => {
        act('no-show', () => visits.noShow(v.id, c.id, c.actor));
        free(c, 0);
        if (pl.comesBackAfter !== null) {
          at(clock.now + pl.comesBackAfter, () => {
            if (closed) return;
            const now = visits.get(v.id);
            if (now.status !== 'no-show') return;
            act('reactivate', () => visits.reactivate(v.id, kioskActor(pl.station)));
            tryCall(dept(now));
          });
        }
      });
      return;
    }
    at(clock.now + pl.p.between(20, 90) * 1000, () => serve(v.id, c));
  }

  const dept = (v: VisitState) => v.route[v.stop]!;

  function serve(visitId: string, c: Counter): void {
    const pl = byVisit.get(visitId)!;
    const v = act('start', () => visits.start(visitId, c.id, c.actor));
    if (!v) {
      free(c, 0);
      return;
    }
    const here = dept(v);
    const stopIndex = v.stop;
    const t0 = clock.now;
    const D = pl.service[stopIndex]! * 1000;
    const p = pl.p;
    const step = (frac: number, fn: () => void) => at(t0 + frac * D, fn);
    const setStatus = (itemId: string, status: ItemStatus, reason?: string) => act(`item ${itemId} → ${status}`, () => visits.setItemStatus(visitId, itemId, status, here, c.actor, reason));

    if (stopIndex === 0 && pl.missingDocuments) {
      step(0.35, () => act('note', () => visits.addNote(visitId, '本人確認書類の不足。書類をそろえて再来庁予定。', here, c.id, c.actor)));
      step(0.4, () => {
        act('cancel', () => visits.cancel(visitId, '書類不足のため出直し', c.actor));
        free(c, 15_000);
      });
      return;
    }

    if (here === catalog.oneStop) {
      const fees: PaymentLine[] = [];
      for (const it of v.items) {
        let proceed = true;
        if (it.status === 'to-confirm') {
          proceed = p.chance(0.6);
          if (!proceed) step(0.2, () => setStatus(it.id, 'declined', '確認の結果、対象外'));
        } else if (it.need === 'required' && (it.route === 'accept' || it.route === 'proxy') && p.chance(0.015)) {
          proceed = false;
          step(0.2, () => setStatus(it.id, 'declined', '後日手続き (本人の申出)'));
        }
        if (!proceed) continue;
        if (it.route === 'accept') {
          const last: ItemStatus = it.delivery === 'immediate' ? 'delivered' : it.delivery === 'later' ? 'awaiting-delivery' : 'done';
          if (CERTS.has(it.id)) {
            step(0.3, () => setStatus(it.id, 'accepted'));
            step(0.85, () => setStatus(it.id, last));
            fees.push({ itemId: it.id, label: catalogText(catalog, `procedure.${it.id}`, 'ja'), quantity: pl.profile.copies[it.id] ?? 1, unitPrice: it.fee ?? 0 });
          } else {
            step(0.25, () => setStatus(it.id, 'accepted'));
            step(0.5, () => setStatus(it.id, 'entered'));
            step(0.7, () => setStatus(it.id, 'reviewed'));
            step(0.9, () => setStatus(it.id, last));
            if (it.fee) fees.push({ itemId: it.id, label: catalogText(catalog, `procedure.${it.id}`, 'ja'), quantity: 1, unitPrice: it.fee });
          }
        } else if (it.route === 'proxy') {
          step(0.4, () => setStatus(it.id, 'proxy-accepted'));
          if (it.delivery === 'later') step(0.88, () => setStatus(it.id, 'awaiting-delivery'));
        } else if (it.route === 'refer') {
          step(0.92, () => setStatus(it.id, 'referred'));
        } else if (it.route === 'refer-optional') {
          if (p.chance(0.3)) step(0.92, () => setStatus(it.id, 'referred'));
          else step(0.92, () => setStatus(it.id, 'declined', '相談の希望なし'));
        }
      }
      if (fees.length && fees.some((f) => f.unitPrice > 0)) {
        step(0.8, () => {
          if (act('payment', () => visits.takePayment(visitId, p.weighted(PAYMENT_MIX), fees, c.actor))) payments++;
        });
      }
      const next = v.route[stopIndex + 1];
      if (next) {
        const n = v.items.filter((i) => i.route === 'accept' || i.route === 'proxy').length;
        step(0.95, () => act('note', () => visits.addNote(visitId, `総合窓口で${n}件受付済み。${label(next)}へご案内。`, here, c.id, c.actor)));
      }
    } else {
      for (const it of v.items) {
        if (it.department !== here || it.route !== 'refer' || it.status === 'declined') continue;
        const last: ItemStatus = it.delivery === 'immediate' ? 'delivered' : it.delivery === 'later' ? 'awaiting-delivery' : 'done';
        step(0.3, () => setStatus(it.id, 'accepted'));
        step(0.85, () => setStatus(it.id, last));
      }
      if (p.chance(0.1)) step(0.9, () => act('note', () => visits.addNote(visitId, `${label(here)}で受付済み。`, here, c.id, c.actor)));
    }

    step(1, () => {
      const after = act('finish', () => visits.finishHere(visitId, c.id, c.actor));
      free(c, 15_000);
      if (!after) return;
      if (after.status === 'done') {
        if (pl.answersSurvey) at(clock.now + 90_000, () => survey(after, pl));
      } else {
        tryCall(dept(after));
      }
    });
  }

  function survey(v: VisitState, pl: Plan): void {
    const p = pl.p;
    const waited = v.stops.reduce((a, s) => a + (s.firstCalledAt && s.arrivedAt ? Date.parse(s.firstCalledAt) - Date.parse(s.arrivedAt) : 0), 0) / 60_000;
    const score = (mean: number) => Math.max(1, Math.min(5, Math.round(mean + 0.8 * p.normal())));
    const scores: Record<string, number> = {
      ease: score(4.1),
      convenience: score(4.2),
      waiting: score(waited < 10 ? 4.4 : waited < 25 ? 3.7 : waited < 45 ? 3.0 : 2.3),
      clarity: score(4.2),
    };
    if (v.payments.some((x) => x.method !== 'cash')) scores.cashless = score(4.3);
    if (act('survey', () => visits.answerSurvey(v.id, scores, { terminal: kioskActor(pl.station).terminal }))) surveys++;
  }

  for (const pl of plans) {
    at(pl.arrival, () => {
      const order = [pl.station, ...stations.filter((s) => s !== pl.station)];
      let v: VisitState | null = null;
      for (const station of order) {
        try {
          v = visits.issue(
            { station, lang: pl.profile.lang, priority: pl.profile.priority, events: pl.profile.events, facts: pl.profile.facts, items: pl.items, route: pl.route, source: pl.profile.fromGuide ? 'guide-qr' : 'kiosk' },
            kioskActor(station),
          );
          break;
        } catch (e) {
          if ((e as AppError).code !== 'range-exhausted') {
            anomalies.push(`issue: ${(e as Error).message}`);
            break;
          }
        }
      }
      if (!v) {
        turnedAway++;
        return;
      }
      issued++;
      firstIssuedAt ??= v.issuedAt;
      lastEventAt = v.issuedAt;
      byVisit.set(v.id, pl);
      if (pl.patience !== null) {
        const id = v.id;
        at(clock.now + pl.patience, () => {
          const now = visits.get(id);
          if (now.stop === 0 && (now.status === 'waiting' || now.status === 'no-show') && !now.stops[0]?.startedAt) {
            act('cancel', () => visits.cancel(id, '待ち時間が長いため帰宅', kioskActor(pl.station)));
          }
        });
      }
      if (v.route[0]) tryCall(v.route[0]);
    });
  }
  at(closeAt, () => {
    closed = true;
  });

  const run = () => {
    for (let next = agenda.pop(); next; next = agenda.pop()) {
      clock.now = Math.max(clock.now, next.at);
      next.item();
    }
  };
  // One transaction for the day: the whole day commits at once (and fast).
  store.tx(run);

  const status: Record<string, number> = {};
  // The day's visits are the ones issued today (read one by one: a scratch store keeps states in memory).
  for (const id of byVisit.keys()) {
    const v = visits.get(id);
    status[v.status] = (status[v.status] ?? 0) + 1;
  }
  return {
    date: opts.date,
    seed: opts.seed,
    visitors: opts.visitors,
    issued,
    turnedAway,
    counters: Object.fromEntries([...counters.entries()].map(([d, cs]) => [d, cs.map((c) => c.id)])),
    events: store.eventCount() - eventsBefore,
    status,
    payments,
    surveys,
    anomalies,
    firstIssuedAt,
    lastEventAt,
  };
}
