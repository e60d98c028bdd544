/**
 * `npm run bench -- saas`: the sync service for a prefecture (窓口DX SaaS). 35 municipalities from
 * 伊勢崎 (210,000 residents) down to towns of 10,000, each with kiosks, counters and displays in
 * proportion; every visitor is four pushes (issued by a kiosk; called, started, finished by a
 * counter), each followed by a display's pull, as terminals do after every write. The load runs
 * as fast as the service answers with 16 requests in flight (its capacity; compared below with the
 * prefecture's peak rate, twice the day's mean) against:
 *   - two sync-server processes on one PostgreSQL, requests alternating between them (a load
 *     balancer), 35 tenants;
 *   - one sync-server process on SQLite (the municipalities as sites of one file, since a SQLite
 *     server holds one tenant).
 * Both on disk with fsync on. The default run is a sample of the day (--day-share=0.04, 4%); the whole
 * day: `npm run bench -- saas --full-day`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import type { WireEvent } from '../../src-main/common/sync/protocol';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { SqliteSyncStorage, type SyncStorage } from '../../src-main/node/sync/storage';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { mulberry32 } from '../../src-main/common/guidance/generate';
import { postgresMissing, startPgCluster } from '../support/pgCluster';
import { issuedPayload, spawnSyncServer, type ServerProcess } from '../integration/sync-support';
import { summarize } from './stats';

const TENANTS = 35;
const LARGEST = 210_000;
const SMALLEST = 10_000;
/** Visitors of the one-stop counter per resident and day (伊勢崎: about 1,500 a day). */
const VISITORS_PER_RESIDENT = 1 / 140;
/** Requests in flight at once (a closed loop): throughput is the service's capacity at that concurrency. */
const IN_FLIGHT = 16;
/** A business day (8:30–17:15) and how much busier the peak hour is than the day's mean. */
const DAY_HOURS = 8.75;
const PEAK_FACTOR = 2;

interface Tenant {
  id: string;
  population: number;
  visitors: number;
  kiosks: string[];
  counters: string[];
  displays: string[];
}

export function prefecture(share: number): Tenant[] {
  const r = Math.pow(SMALLEST / LARGEST, 1 / (TENANTS - 1));
  return Array.from({ length: TENANTS }, (_, i) => {
    const population = Math.round(LARGEST * Math.pow(r, i));
    const id = i === 0 ? 'isesaki' : `city-${String(i + 1).padStart(2, '0')}`;
    const n = (k: number, per: number) => Array.from({ length: Math.max(k, Math.round(population / per)) }, (_, j) => j + 1);
    return {
      id,
      population,
      visitors: Math.max(1, Math.round(population * VISITORS_PER_RESIDENT * share)),
      kiosks: n(1, 70_000).map((j) => `kiosk-${j}`),
      counters: n(2, 15_000).map((j) => `counter-${j}`),
      displays: n(1, 100_000).map((j) => `display-${j}`),
    };
  });
}

/** One terminal's queue of single-event pushes, in its own order. */
interface Lane {
  tenant: string;
  site: string;
  origin: string;
  token: string;
  display: string;
  pushes: WireEvent[];
}

function buildLanes(tenants: Tenant[], mode: 'tenants' | 'sites', tokens: Map<string, string>, seed: number): Lane[] {
  const rnd = mulberry32(seed);
  const lanes = new Map<string, Lane>();
  const wall = Date.now();
  const name = (t: Tenant, id: string) => (mode === 'tenants' ? id : `${t.id}-${id}`.slice(0, 40));
  const lane = (t: Tenant, id: string): Lane => {
    const origin = name(t, id);
    const key = `${t.id}/${origin}`;
    let l = lanes.get(key);
    if (!l) {
      l = { tenant: t.id, site: mode === 'tenants' ? 'honcho' : t.id, origin, token: tokens.get(key)!, display: tokens.get(`${t.id}/${name(t, t.displays[Math.floor(rnd() * t.displays.length)]!)}`)!, pushes: [] };
      lanes.set(key, l);
    }
    return l;
  };
  const at = new Date(wall).toISOString();
  for (const t of tenants) {
    for (let v = 0; v < t.visitors; v++) {
      const visitId = `${t.id.slice(0, 8)}-v${v}-${Math.floor(rnd() * 1e9).toString(36)}`;
      const k = lane(t, t.kiosks[v % t.kiosks.length]!);
      const c = lane(t, t.counters[Math.floor(rnd() * t.counters.length)]!);
      const ev = (l: Lane, type: string, payload: Record<string, unknown>): WireEvent => {
        const seq = l.pushes.length + 1;
        return { origin: l.origin, seq, hlc: encodeHlc({ wall: wall + seq, logical: 0 }, l.origin), type, site: l.site, visitId, payload };
      };
      k.pushes.push(ev(k, 'visit.issued', { ...issuedPayload(visitId, 1000 + (v % 8999), k.origin), at }));
      for (const type of ['visit.called', 'visit.started', 'visit.finishedHere']) c.pushes.push(ev(c, type, { visitId, at, by: { terminal: c.origin }, department: 'shimin', counter: '1' }));
    }
  }
  return [...lanes.values()];
}

async function enrollAll(storage: SyncStorage, tenants: Tenant[], mode: 'tenants' | 'sites'): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const t of tenants) {
    for (const [ids, role] of [[t.kiosks, 'kiosk'], [t.counters, 'counter'], [t.displays, 'display']] as const) {
      for (const id of ids) {
        const origin = mode === 'tenants' ? id : `${t.id}-${id}`.slice(0, 40);
        const r = await storage.enroll(origin, role, mode === 'tenants' ? { tenant: t.id } : { site: t.id });
        tokens.set(`${t.id}/${origin}`, r.token);
      }
    }
  }
  return tokens;
}

let resets = 0;

/** One request; a keep-alive socket the server closed just as it was reused is retried (pushes are idempotent). */
async function send(agent: Agent, url: string, token: string, method: 'GET' | 'POST', path: string, body?: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce(agent, url, token, method, path, body);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET' || attempt >= 3) throw e;
      resets++;
    }
  }
}

function sendOnce(agent: Agent, url: string, token: string, method: 'GET' | 'POST', path: string, body?: string): Promise<number> {
  return new Promise((ok, fail) => {
    const r = request(`${url}${path}`, { method, agent, headers: { authorization: `Bearer ${token}`, 'x-madoguchi-protocol': '1', 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? ok(res.statusCode) : fail(new Error(`${method} ${path}: ${res.statusCode}`))));
    });
    r.on('error', fail);
    r.end(body);
  });
}

/** Every lane pushes its events one at a time (each then a display pull), 64 requests in flight at most. */
async function drive(lanes: Lane[], urls: string[]): Promise<{ ms: number; pushes: number[]; pulls: number[]; events: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let rr = 0;
  const next = () => urls[rr++ % urls.length]!;
  let free = IN_FLIGHT;
  const waiting: Array<() => void> = [];
  const slot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (free === 0) await new Promise<void>((ok) => waiting.push(ok));
    else free--;
    try {
      return await fn();
    } finally {
      const w = waiting.shift();
      if (w) w();
      else free++;
    }
  };
  const pushes: number[] = [];
  const pulls: number[] = [];
  const vvs = new Map<string, Record<string, number>>();
  const t0 = performance.now();
  await Promise.all(
    lanes.map(async (l) => {
      for (const e of l.pushes) {
        const body = JSON.stringify({ protocol: 1, terminal: l.origin, now: Date.now(), events: [e], stations: [] });
        await slot(async () => {
          const s = performance.now();
          await send(agent, next(), l.token, 'POST', '/sync/push', body);
          pushes.push(performance.now() - s);
        });
        await slot(async () => {
          const vv = vvs.get(l.display) ?? {};
          const s = performance.now();
          await send(agent, next(), l.display, 'GET', `/sync/pull?protocol=1&limit=200&vv=${encodeURIComponent(JSON.stringify(vv))}`);
          pulls.push(performance.now() - s);
          vv[l.origin] = e.seq;
          vvs.set(l.display, vv);
        });
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return { ms, pushes, pulls, events: lanes.reduce((n, l) => n + l.pushes.length, 0) };
}

export async function benchSaas(): Promise<Record<string, number | string>> {
  const argv = process.argv.slice(2);
  const shareArg = argv.find((a) => a.startsWith('--day-share='));
  const share = argv.includes('--full-day') ? 1 : shareArg ? Number(shareArg.split('=')[1]) : 0.04;
  const seed = Number(process.env.BENCH_SEED ?? 20261203);
  const tenants = prefecture(share);
  const out: Record<string, number | string> = {};
  out['municipalities'] = tenants.length;
  out['residents (largest / smallest)'] = `${tenants[0]!.population.toLocaleString('en-US')} / ${tenants.at(-1)!.population.toLocaleString('en-US')}`;
  out['terminals'] = tenants.reduce((n, t) => n + t.kiosks.length + t.counters.length + t.displays.length, 0);
  out['share of a business day'] = share === 1 ? 'the whole day' : `${share} (the whole day: --full-day)`;
  out['visitors in this run'] = tenants.reduce((n, t) => n + t.visitors, 0);
  out['seed (BENCH_SEED)'] = seed;
  const dayPushes = prefecture(1).reduce((n, t) => n + t.visitors * 4, 0);
  const peakRate = (dayPushes / (DAY_HOURS * 3600)) * PEAK_FACTOR;
  out["the prefecture's peak push rate (/s)"] = Number(peakRate.toFixed(2));
  const scratch = mkdtempSync(join(tmpdir(), 'madoguchi-bench-saas-'));
  const procs: ServerProcess[] = [];
  const fig = (label: string, r: Awaited<ReturnType<typeof drive>>) => {
    const p = summarize(r.pushes);
    const q = summarize(r.pulls);
    out[`${label}: events pushed`] = r.events;
    out[`${label}: pushes/s`] = Math.round((r.pushes.length / r.ms) * 1000);
    out[`${label}: push p50 / p95 ms`] = `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)}`;
    out[`${label}: pull p95 ms`] = Number(q.p95.toFixed(1));
    out[`${label}: connections reset and retried`] = resets;
    resets = 0;
    out[`${label}: capacity ÷ peak rate`] = Math.round(((r.pushes.length / r.ms) * 1000) / peakRate);
    return { rate: r.pushes.length / r.ms, p95: p.p95 };
  };
  try {
    // SQLite, one process.
    const sqDir = join(scratch, 'sqlite');
    mkdirSync(sqDir);
    const sq = new SqliteSyncStorage(SyncServerStore.open({ file: join(sqDir, 'sync-server.sqlite'), log: () => undefined }));
    let t = performance.now();
    const sqTokens = await enrollAll(sq, tenants, 'sites');
    process.stderr.write(`saas: enrolled on SQLite in ${Math.round(performance.now() - t)} ms\n`);
    await sq.close();
    const one = await spawnSyncServer(sqDir);
    procs.push(one);
    t = performance.now();
    process.stderr.write(`saas: SQLite server up\n`);
    const sqlite = fig('SQLite, 1 process', await drive(buildLanes(tenants, 'sites', sqTokens, seed), [one.url]));
    one.proc.kill('SIGTERM');
    await one.exited;

    const missing = postgresMissing();
    if (missing) {
      out['PostgreSQL'] = `not measured: ${missing}`;
      return out;
    }
    const cluster = startPgCluster({ durable: true, prefix: 'madoguchi-bench-pg-' });
    try {
      const db = await cluster.createDatabase('saas');
      const pg = await PgSyncStorage.open({ url: db, log: () => undefined });
      const pgTokens = await enrollAll(pg, tenants, 'tenants');
      await pg.close();
      const [a, b] = await Promise.all([spawnSyncServer(join(scratch, 'a'), 0, { db }), spawnSyncServer(join(scratch, 'b'), 0, { db })]);
      procs.push(a, b);
      const postgres = fig('PostgreSQL, 2 processes', await drive(buildLanes(tenants, 'tenants', pgTokens, seed), [a.url, b.url]));
      const check = await PgSyncStorage.open({ url: db, log: () => undefined });
      const stored = await check.eventCount();
      await check.close();
      if (stored !== out['PostgreSQL, 2 processes: events pushed']) throw new Error(`PostgreSQL holds ${stored} events, ${out['PostgreSQL, 2 processes: events pushed']} were pushed`);
      out['throughput PostgreSQL ÷ SQLite'] = Number((postgres.rate / sqlite.rate).toFixed(2));
      out['push p95 PostgreSQL ÷ SQLite'] = Number((postgres.p95 / sqlite.p95).toFixed(2));
      for (const p of [a, b]) p.proc.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    } finally {
      cluster.stop();
    }
    return out;
  } finally {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  }
}
