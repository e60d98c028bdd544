import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../src-main/common/errors';
import type { TerminalConfig } from '../../src-main/common/config/schema';
import { compareEvents, type StoredEvent } from '../../src-main/common/sync/event';
import { foldVisit } from '../../src-main/common/visit/fold';
import { isVisitEventType, type VisitEvent } from '../../src-main/common/visit/events';
import { Store } from '../../src-main/node/store/store';
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { SqliteSyncStorage, type SyncStorage } from '../../src-main/node/sync/storage';
import { VisitService } from '../../src-main/node/visits/service';
import { eventForRole } from '../../src-main/common/sync/authorisation';
import { DirectTransport, pick, rng, shuffle, terminalConfig, type StationDef, type TerminalDef } from './sync-support';
import { VISIT_COLUMNS } from '../support/visitRows';

/** 22 terminals on two sites: the main hall (本庁舎) and a branch (境支所), one supervisor seeing both. */
export function fleet(): { terminals: TerminalDef[]; stations: Record<string, StationDef[]> } {
  const stations: Record<string, StationDef[]> = {
    honcho: [1, 2, 3, 4].map((i) => ({ id: `st${i}`, from: i * 1000 + 1, to: i * 1000 + 999 })),
    sakai: [{ id: 'sakai1', from: 5001, to: 5999 }],
  };
  const t: TerminalDef[] = [];
  for (const s of stations.honcho!) t.push({ id: `kiosk-${s.id}`, role: 'kiosk', site: 'honcho', station: s.id });
  const depts = ['shimin', 'kokuho', 'nenkin'];
  for (let i = 1; i <= 10; i++) t.push({ id: `counter-${i}`, role: 'counter', site: 'honcho', department: depts[i % 3]!, counter: String(i) });
  for (let i = 1; i <= 3; i++) t.push({ id: `display-${i}`, role: 'display', site: 'honcho' });
  t.push({ id: 'supervisor', role: 'supervisor', site: 'honcho' });
  t.push({ id: 'kiosk-sakai1', role: 'kiosk', site: 'sakai', station: 'sakai1' });
  t.push({ id: 'counter-s1', role: 'counter', site: 'sakai', department: 'shimin', counter: '21' });
  t.push({ id: 'counter-s2', role: 'counter', site: 'sakai', department: 'kokuho', counter: '22' });
  t.push({ id: 'display-s', role: 'display', site: 'sakai' });
  return { terminals: t, stations };
}

interface SimTerminal {
  def: TerminalDef;
  config: TerminalConfig;
  store: Store;
  visits: VisitService;
  client: SyncClient;
  transport: DirectTransport;
  appended: number;
}

export interface SimResult {
  seed: number;
  events: number;
  visits: number;
  conflicts: number;
  serverRestarts: number;
  skewFlags: number;
}

const DEPTS: Record<string, string[]> = { honcho: ['shimin', 'kokuho', 'nenkin'], sakai: ['shimin', 'kokuho'] };

function fail(seed: number, what: string): never {
  throw new Error(`sync simulation seed ${seed}: ${what} (replay: SYNC_SIM_SEEDS=${seed} npx vitest run tests/integration/sync-sim-1.test.ts)`);
}

function digest(rows: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/**
 * One seeded run: random operations on 22 terminals through VisitService, random partitions,
 * server restarts, lost answers, duplicated pushes, mangled pulls and clocks skewed by ±10 min;
 * then the network heals and every terminal must hold exactly the same events and projections.
 */
type Ev = { origin: string; seq: number; hlc: string; type: string; site: string; visit_id: string | null; payload: string };

/**
 * The sync service's store for one run: SQLite (a file in `dir`), or PostgreSQL when `pgUrl` is
 * given, where each seed is its own tenant (municipality) of one shared database: no database to
 * create per seed, and every run also proves that tenants never see each other's events. A
 * restart closes the store and opens it again.
 */
async function simServer(seed: number, dir: string, clock: () => number, log: (l: string) => void, pgUrl?: string, tenant?: string) {
  const serverFile = join(dir, `server-${seed}.sqlite`);
  const open = async (): Promise<SyncStorage> =>
    pgUrl ? PgSyncStorage.open({ url: pgUrl, clock, log, poolSize: 2 }) : new SqliteSyncStorage(SyncServerStore.open({ file: serverFile, clock, log }));
  const server = { current: await open() };
  const rows = async (site?: string): Promise<Ev[]> => {
    const s = server.current;
    if (s instanceof PgSyncStorage) {
      return (await s.pool.query<Ev>(`SELECT origin, seq, hlc, type, site, visit_id, payload FROM events WHERE tenant = $1 ${site ? 'AND site = $2' : ''} ORDER BY origin, seq`, site ? [tenant, site] : [tenant])).rows;
    }
    const db = (s as SqliteSyncStorage).store.db;
    return db.prepare(`SELECT origin, seq, hlc, type, site, visit_id, payload FROM events ${site ? 'WHERE site = ?' : ''} ORDER BY origin, seq`).all(...(site ? [site] : [])) as Ev[];
  };
  return {
    server,
    rows,
    async restart() {
      await server.current.close();
      server.current = await open();
    },
  };
}

export async function runSimulation(seed: number, dir: string, steps = 320, pgUrl?: string): Promise<SimResult> {
  const r = rng(seed);
  const { terminals: defs, stations } = fleet();
  const start = Date.UTC(2026, 10, 27, 0, 30); // 09:30 in Asia/Tokyo: ±10 min never crosses the business day
  let simNow = start;
  const log: string[] = [];
  // On PostgreSQL each seed is a tenant of one database (runs of several seeds share it).
  const tenant = pgUrl ? `sim-${seed}` : undefined;
  const sim = await simServer(seed, dir, () => simNow, (l) => log.push(l), pgUrl, tenant);
  const server = sim.server;
  let restarts = 0;

  const tokens: string[] = [];
  for (const def of defs) tokens.push((await server.current.enroll(def.id, def.role, { site: def.site, ...(tenant ? { tenant } : {}) })).token);
  const terms: SimTerminal[] = defs.map((def, i) => {
    const token = tokens[i]!;
    const config = terminalConfig(def, stations[def.site]!);
    const skew = Math.round((r() * 2 - 1) * 10 * 60_000);
    const store = Store.open({ file: ':memory:', nodeId: def.id, site: def.site, clock: () => simNow + skew });
    const transport = new DirectTransport(server, token, { online: true, dropRequest: 0.05, loseAnswer: 0.1, duplicate: 0.1, mangle: 0.3 }, r);
    const client = new SyncClient({ store, transport, stations: stationClaimsOf(config), pageSize: 40 + Math.floor(r() * 200), pushBatch: 25 + Math.floor(r() * 100), stream: false });
    const t: SimTerminal = { def, config, store, visits: new VisitService(store, config), client, transport, appended: 0 };
    store.on('events', (evs: Array<{ origin: string }>) => {
      t.appended += evs.filter((e) => e.origin === def.id).length;
    });
    return t;
  });

  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      // Refusals by the rules (already called elsewhere, closed …) are part of the game.
      if (!(e instanceof AppError)) throw e;
    }
  };

  const operate = (t: SimTerminal) => {
    const by = { terminal: t.def.id };
    const depts = DEPTS[t.def.site]!;
    if (t.def.role === 'kiosk') {
      const route = shuffle(r, [...depts]).slice(0, 1 + Math.floor(r() * 2));
      attempt(() =>
        t.visits.issue(
          {
            station: t.def.station!,
            lang: pick(r, ['ja', 'en', 'pt-BR', 'vi']),
            priority: r() < 0.1,
            events: ['moving-in'],
            facts: {},
            items: route.map((d, i) => ({ id: `item-${i}`, department: d, route: 'accept' as const, delivery: 'none' as const, need: 'required' as const })),
            route,
          },
          by,
        ),
      );
      return;
    }
    if (t.def.role !== 'counter') return;
    const dept = t.def.department!;
    const counter = t.def.counter!;
    const mine = t.store.db
      .prepare(`SELECT id FROM visits WHERE called_counter = ? AND department = ? AND status IN ('called', 'serving') ORDER BY business_date, number LIMIT 1`)
      .get(counter, dept) as { id: string } | undefined;
    const x = r();
    if (!mine || x < 0.25) {
      if (r() < 0.3) {
        // Take a number out of order: with partitions, two counters may call the same visit.
        const waiting = t.store.db.prepare(`SELECT number FROM visits WHERE department = ? AND status IN ('waiting', 'no-show') ORDER BY number`).all(dept) as Array<{ number: number }>;
        if (waiting.length) attempt(() => t.visits.callNumber(pick(r, waiting).number, dept, counter, by));
      } else {
        attempt(() => t.visits.callNext(dept, counter, by));
      }
      return;
    }
    const id = mine.id;
    if (x < 0.45) attempt(() => t.visits.start(id, counter, by));
    else if (x < 0.7) attempt(() => t.visits.finishHere(id, counter, by));
    else if (x < 0.8) attempt(() => t.visits.addNote(id, `note ${Math.floor(r() * 1000)}`, dept, counter, by));
    else if (x < 0.86) attempt(() => t.visits.setItemStatus(id, 'item-0', 'accepted', dept, by));
    else if (x < 0.92) attempt(() => t.visits.noShow(id, counter, by));
    else if (x < 0.96) attempt(() => t.visits.recall(id, counter, by));
    else attempt(() => t.visits.cancel(id, 'left without finishing', by));
  };

  const sync = async (t: SimTerminal) => {
    try {
      await t.client.syncOnce();
    } catch (e) {
      // Offline, a lost answer, a refused claim: the next exchange retries; nothing may be lost.
      if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError) throw e;
    }
  };

  for (let step = 0; step < steps; step++) {
    simNow += Math.floor(r() * 15_000);
    const x = r();
    if (x < 0.08) {
      const t = pick(r, terms);
      const offline = terms.filter((u) => !u.transport.net.online).length;
      if (t.transport.net.online && offline < terms.length / 3) t.transport.net.online = false;
      else t.transport.net.online = true;
    } else if (x < 0.1) {
      await sim.restart();
      restarts++;
    } else if (x < 0.45) {
      await sync(pick(r, terms));
    } else {
      const active = terms.filter((t) => t.def.role === 'kiosk' || t.def.role === 'counter');
      const t = r() < 0.15 ? pick(r, active.filter((u) => u.def.role === 'kiosk')) : pick(r, active);
      operate(t);
    }
  }

  // The network heals: everyone syncs until a whole round moves nothing.
  for (const t of terms) Object.assign(t.transport.net, { online: true, dropRequest: 0, loseAnswer: 0, duplicate: 0, mangle: 0 });
  let quiet = false;
  for (let round = 0; round < 8 && !quiet; round++) {
    quiet = true;
    for (const t of shuffle(r, [...terms])) {
      const res = await t.client.syncOnce().catch((e: Error) => fail(seed, `${t.def.id} cannot sync after healing: ${e.message}`));
      if (res.pushed || res.pulled) quiet = false;
    }
  }
  if (!quiet) fail(seed, 'terminals still exchanging events after 8 healed rounds');

  // ---- invariants -----------------------------------------------------------------------------
  const srv = server.current;
  const totalAppended = terms.reduce((n, t) => n + t.appended, 0);
  const serverCount = await srv.eventCount(tenant ? { tenant } : {});
  if (serverCount !== totalAppended) fail(seed, `server holds ${serverCount} events, terminals appended ${totalAppended} (lost or duplicated events)`);
  for (const t of terms) {
    const own = t.store.db.prepare('SELECT COUNT(*) AS n, MAX(seq) AS m FROM events WHERE origin = ?').get(t.def.id) as { n: number; m: number | null };
    if (own.n !== t.appended || (own.m ?? 0) !== own.n) fail(seed, `${t.def.id}: its log holds ${own.n} own events (max seq ${own.m}), it appended ${t.appended}`);
    if (t.client.outbox() !== 0) fail(seed, `${t.def.id}: outbox ${t.client.outbox()} after healing`);
  }

  const eventRows = (db: { prepare(sql: string): { all(...a: unknown[]): unknown[] } }, site?: string) =>
    db.prepare(`SELECT origin, seq, hlc, type, site, visit_id, payload FROM events ${site ? 'WHERE site = ?' : ''} ORDER BY origin, seq`).all(...(site ? [site] : [])) as Ev[];
  // What a role holds is the server's events of its scope as the authorisation table gives them to
  // that role (redacted or withheld for kiosks and displays), except its own events, which it wrote.
  const asRole = (role: TerminalDef['role'], self: string, rows: Ev[]) =>
    rows.map((r) => {
      if (r.origin === self) return r;
      const e = eventForRole(role, { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: JSON.parse(r.payload) as object });
      return { origin: e.origin, seq: e.seq, hlc: e.hlc, type: e.type, site: e.site, visit_id: e.visitId, payload: JSON.stringify(e.payload) };
    });
  const serverBySite: Record<string, Ev[]> = { honcho: await sim.rows('honcho'), sakai: await sim.rows('sakai') };
  const serverAll = await sim.rows();
  for (const t of terms) {
    const want = asRole(t.def.role, t.def.id, t.def.role === 'supervisor' ? serverAll : serverBySite[t.def.site]!);
    if (digest(eventRows(t.store.db)) !== digest(want)) fail(seed, `${t.def.id} does not hold exactly the server's events of its scope, as its role (${t.def.role}) may see them`);
  }

  const visitRows = (s: Store, site?: string, queueOnly = false) =>
    s.db
      .prepare(`SELECT v.id, v.status, v.department${queueOnly ? '' : ', v.state'} FROM visits v ${site ? `WHERE v.id IN (SELECT visit_id FROM events WHERE type = 'visit.issued' AND site = ?)` : ''} ORDER BY v.id`)
      .all(...(site ? [site] : []));
  const sup = terms.find((t) => t.def.role === 'supervisor')!;
  for (const site of ['honcho', 'sakai']) {
    const ref = digest(visitRows(sup.store, site));
    const queueRef = digest(visitRows(sup.store, site, true));
    for (const t of terms.filter((u) => u.def.site === site && u.def.role !== 'supervisor')) {
      // Kiosks and displays see redacted details, so their queues (not the whole state) must agree.
      const full = t.def.role === 'counter';
      if (digest(visitRows(t.store, undefined, !full)) !== (full ? ref : queueRef)) fail(seed, `${t.def.id}'s visits differ from the supervisor's view of site ${site}`);
    }
  }
  // Arrival order does not matter: the server's events fed to a fresh store in random chunks fold the same.
  const fresh = Store.open({ file: ':memory:', nodeId: 'replay', site: 'honcho', clock: () => simNow });
  const all = shuffle(r, serverAll.map(({ visit_id, ...e }) => ({ ...e, visitId: visit_id }) as Record<string, unknown>)).map((e) => ({
    ...e,
    payload: JSON.parse(e.payload as string) as unknown,
  }));
  for (let i = 0; i < all.length; ) {
    const n = 1 + Math.floor(r() * 60);
    fresh.ingest(all.slice(i, i + n) as never);
    i += n;
  }
  if (digest(visitRows(fresh)) !== digest(visitRows(sup.store))) fail(seed, 'a fresh terminal fed the same events in another order folds different visits');
  fresh.close();
  checkBatchedFold(seed, all as unknown as StoredEvent[], visitRows(sup.store).length, () => simNow);

  const dups = sup.store.db.prepare('SELECT business_date, number, COUNT(*) AS n FROM visits GROUP BY business_date, number HAVING n > 1').all();
  if (dups.length) fail(seed, `duplicate ticket numbers ${JSON.stringify(dups)}`);
  const issued = (sup.store.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'visit.issued'`).get() as { n: number }).n;
  const visits = (sup.store.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;
  if (issued !== visits) fail(seed, `${issued} issue events but ${visits} visits`);
  for (const [site, list] of Object.entries(stations)) {
    for (const s of list) {
      const bad = sup.store.db.prepare('SELECT number FROM visits WHERE station = ? AND (number < ? OR number > ?)').all(s.id, s.from, s.to);
      if (bad.length) fail(seed, `station ${site}/${s.id} issued numbers outside its range: ${JSON.stringify(bad)}`);
    }
  }
  // Causality whatever the clocks: no action on a visit sorts before the visit's issue (it would
  // fold into nothing, silently).
  const early = sup.store.db
    .prepare(`SELECT e.origin, e.seq, e.type FROM events e JOIN events i ON i.visit_id = e.visit_id AND i.type = 'visit.issued' WHERE e.type <> 'visit.issued' AND e.hlc < i.hlc LIMIT 3`)
    .all();
  if (early.length) fail(seed, `actions ordered before their visit's issue: ${JSON.stringify(early)}`);
  const conflicts = (sup.store.db.prepare(`SELECT SUM(json_array_length(state, '$.conflicts')) AS n FROM visits`).get() as { n: number | null }).n ?? 0;
  const skewFlags = (await srv.terminals(tenant)).filter((t) => t.skewFlagged).length;

  for (const t of terms) {
    await t.client.stop();
    t.store.close();
  }
  await srv.close();
  return { seed, events: serverCount, visits, conflicts, serverRestarts: restarts, skewFlags };
}

/**
 * A catch-up folds in batches (each visit read, folded and written once per ingest). Its visits
 * must equal, column for column, those of a store fed the same events one at a time in log order,
 * and each state must equal the plain one-event-at-a-time fold of the visit's log.
 */
function checkBatchedFold(seed: number, events: StoredEvent[], visitCount: number, clock: () => number): void {
  const rows = (s: Store) => s.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits ORDER BY id`).all() as Array<{ id: string; state: string }>;
  const inOrder = [...events].sort(compareEvents);
  const batched = Store.open({ file: ':memory:', nodeId: 'batched', site: 'honcho', clock });
  const single = Store.open({ file: ':memory:', nodeId: 'single', site: 'honcho', clock });
  try {
    batched.ingest(events.map((e) => ({ ...e, payload: structuredClone(e.payload) })));
    for (const e of inOrder) single.ingest([{ ...e, payload: structuredClone(e.payload) }]);
    const b = rows(batched);
    if (b.length !== visitCount) fail(seed, `a batched catch-up holds ${b.length} visits, the supervisor ${visitCount}`);
    if (digest(b) !== digest(rows(single))) fail(seed, 'a batched catch-up folds different visits than one event at a time');
    const byVisit = new Map<string, VisitEvent[]>();
    for (const e of inOrder) {
      if (!e.visitId || !isVisitEventType(e.type)) continue;
      const list = byVisit.get(e.visitId) ?? [];
      list.push({ type: e.type, payload: e.payload } as VisitEvent);
      byVisit.set(e.visitId, list);
    }
    for (const r of b) {
      if (r.state !== JSON.stringify(foldVisit(byVisit.get(r.id) ?? []))) fail(seed, `visit ${r.id}: the batched state differs from the plain fold of its log`);
    }
    // The work done proves the batching: one write per visit, no visit folded twice.
    if (batched.work.visitWrites !== visitCount || batched.work.logFolds !== 0) {
      fail(seed, `a one-ingest catch-up wrote ${batched.work.visitWrites} visit rows for ${visitCount} visits and refolded ${batched.work.logFolds} from the log`);
    }
  } finally {
    batched.close();
    single.close();
  }
}
