import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { createSyncServer, type SyncServer } from '../../src-main/node/sync/httpServer';
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { openTerminal, type Terminal } from '../../src-main/node/terminal/dataFolder';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { tempDir } from '../support/tmp';
import { runCli } from '../../src-main/node/cli/main';
import { Relay, issuedPayload, runCliProcess, spawnSyncServer, terminalConfig, type ServerProcess, type StationDef, type TerminalDef } from './sync-support';
import { until } from '../support/until';

const missing = postgresMissing();
if (missing) console.log(`sync on PostgreSQL: skipped, ${missing}`);

const stations: StationDef[] = [{ id: 'east', from: 1001, to: 1999 }];
const P = { 'x-madoguchi-protocol': '1', 'content-type': 'application/json' };

async function call(url: string, token: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { ...P, authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as unknown) : null };
}

describe.skipIf(!!missing)('sync on PostgreSQL: tenants, two processes, kill -9', () => {
  const tmp = tempDir('madoguchi-sync-pg-');
  let cluster: PgCluster;
  const open: Terminal[] = [];
  const clients: SyncClient[] = [];

  beforeAll(() => {
    cluster = startPgCluster();
  });
  afterAll(async () => {
    for (const c of clients) await c.stop();
    for (const t of open) t.close();
    cluster?.stop();
    tmp.cleanup();
  });

  function terminal(def: TerminalDef, server: string, token: string, sub: string): Terminal {
    const dir = join(tmp.dir, sub, def.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(terminalConfig(def, stations, { server, token })));
    const t = openTerminal(dir);
    open.push(t);
    return t;
  }
  function client(t: Terminal, server: string, token: string, opts: { intervalMs?: number } = {}): SyncClient {
    const c = new SyncClient({ store: t.store, transport: new HttpTransport({ server, token, timeoutMs: 5000 }), stations: stationClaimsOf(t.config), intervalMs: opts.intervalMs ?? 600_000 });
    clients.push(c);
    return c;
  }
  const issue = (t: Terminal, n: number) => {
    for (let i = 0; i < n; i++) t.visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, { terminal: t.config.node.id });
  };

  it('keeps tenants apart: a token of one municipality neither pushes into nor pulls from another', { timeout: 90_000 }, async () => {
    const db = await cluster.createDatabase('tenants');
    // Enrollment through the CLI, as the operator does it: the same terminal ids in two tenants.
    const enroll = async (tenant: string | undefined, id: string, role: string) => {
      const r = await runCliProcess(['sync-server', 'enroll', '--db', db, ...(tenant ? ['--tenant', tenant] : []), '--terminal', id, '--role', role, '--format', 'json']);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as { token: string; tenant: string };
    };
    const [iseKiosk, otaKiosk, byDefault, bad] = await Promise.all([
      enroll('isesaki', 'kiosk-1', 'kiosk'),
      enroll('ota', 'kiosk-1', 'kiosk'),
      enroll(undefined, 'kiosk-9', 'kiosk'),
      runCliProcess(['sync-server', 'enroll', '--db', db, '--tenant', 'Ota City', '--terminal', 'x', '--role', 'kiosk']),
    ]);
    expect(iseKiosk.tenant).toBe('isesaki');
    expect(byDefault.tenant).toBe('default');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/tenant "Ota City"/);

    const storage = await PgSyncStorage.open({ url: db, listen: true, log: () => undefined });
    const more = (tenant: string, id: string, role: string) => storage.enroll(id, role, { tenant });
    const ise = { kiosk: iseKiosk, counter: await more('isesaki', 'counter-1', 'counter') };
    const ota = { kiosk: otaKiosk, counter: await more('ota', 'counter-1', 'counter'), display: await more('ota', 'display-1', 'display'), admin: await more('ota', 'admin-1', 'admin') };
    const srv: SyncServer = createSyncServer({ storage, log: () => undefined });
    try {
      const { url } = await srv.listen(0);
      const k1 = terminal({ id: 'kiosk-1', role: 'kiosk', site: 'honcho', station: 'east' }, url, ise.kiosk.token, 'isesaki');
      const k2 = terminal({ id: 'kiosk-1', role: 'kiosk', site: 'honcho', station: 'east' }, url, ota.kiosk.token, 'ota');
      issue(k1, 3);
      issue(k2, 2);
      // The same station and range in two municipalities: no conflict (claims are per tenant).
      expect(await client(k1, url, ise.kiosk.token).syncOnce()).toMatchObject({ pushed: 3 });
      expect(await client(k2, url, ota.kiosk.token).syncOnce()).toMatchObject({ pushed: 2 });
      expect(await storage.eventCount({ tenant: 'isesaki' })).toBe(3);
      expect(await storage.eventCount({ tenant: 'ota' })).toBe(2);

      const c1 = terminal({ id: 'counter-1', role: 'counter', site: 'honcho', department: 'shimin', counter: '1' }, url, ise.counter.token, 'isesaki');
      const c2 = terminal({ id: 'counter-1', role: 'counter', site: 'honcho', department: 'shimin', counter: '1' }, url, ota.counter.token, 'ota');
      await client(c1, url, ise.counter.token).syncOnce();
      await client(c2, url, ota.counter.token).syncOnce();
      const ids = (t: Terminal) => (t.store.db.prepare('SELECT id FROM visits ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id);
      expect(ids(c1)).toEqual(ids(k1));
      expect(ids(c2)).toEqual(ids(k2));
      expect(ids(c1).filter((id) => ids(k2).includes(id))).toEqual([]);

      // Raw: ota's token pulls from zero and gets only ota's events, whatever the vector names.
      const pulled = await call(url, ota.counter.token, `/sync/pull?protocol=1&vv=${encodeURIComponent(JSON.stringify({ 'kiosk-1': 0, 'counter-1': 0 }))}`);
      expect(pulled.status).toBe(200);
      expect(pulled.json.events.map((e: { visitId: string }) => e.visitId).sort()).toEqual(ids(k2));
      // A push with ota's token naming isesaki's counter is refused; nothing lands anywhere.
      const now = Date.now();
      const forged = {
        protocol: 1,
        terminal: 'counter-1',
        now,
        events: [{ origin: 'kiosk-1', seq: 1, hlc: encodeHlc({ wall: now, logical: 0 }, 'kiosk-1'), type: 'visit.issued', site: 'honcho', visitId: 'v-x', payload: issuedPayload('v-x', 1001, 'kiosk-1') }],
      };
      expect((await call(url, ota.kiosk.token, '/sync/push', forged)).status).toBe(403);
      // ota's kiosk-1 pushing "seq 4" lands in ota's log only (a gap there), never after isesaki's #3.
      const next = { ...forged, terminal: 'kiosk-1', events: [{ ...forged.events[0]!, seq: 4 }] };
      expect((await call(url, ota.kiosk.token, '/sync/push', next)).json.error.code).toBe('gap');
      expect(await storage.eventCount({ tenant: 'isesaki' })).toBe(3);

      // A live stream of ota hears nothing of isesaki's pushes.
      const ctl = new AbortController();
      const seen: string[] = [];
      const stream = await fetch(`${url}/sync/stream`, { headers: { ...P, authorization: `Bearer ${ota.display.token}` }, signal: ctl.signal });
      const reader = (async () => {
        const dec = new TextDecoder();
        try {
          for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) seen.push(dec.decode(chunk));
        } catch {
          /* aborted */
        }
      })();
      await until('the stream hello', () => seen.join('').includes('event: hello'));
      issue(k1, 1);
      await clients[0]!.syncOnce();
      issue(k2, 1);
      await clients[1]!.syncOnce();
      await until('a notice on the ota stream', () => seen.join('').includes('event: events'));
      const notices = seen.join('').split('event: events\ndata: ').slice(1).map((x) => JSON.parse(x.split('\n')[0]!) as { vv: Record<string, number> });
      expect(notices[0]).toEqual({ vv: { 'kiosk-1': 3 } });
      ctl.abort();
      await reader;

      // Metrics: the operator sees each tenant; ota's admin sees ota only.
      const all = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${await storage.createMetricsToken()}` } })).text();
      expect(all).toMatch(/^madoguchi_sync_tenant_events_stored\{tenant="isesaki"\} 4$/m);
      expect(all).toMatch(/^madoguchi_sync_tenant_events_stored\{tenant="ota"\} 3$/m);
      expect(all).toMatch(/^madoguchi_sync_tenant_terminals\{tenant="ota"\} 4$/m);
      const mine = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ota.admin.token}` } })).text();
      expect(mine).toMatch(/^madoguchi_sync_tenant_events_stored\{tenant="ota"\} 3$/m);
      expect(mine).not.toMatch(/isesaki/);
      const h = await (await fetch(`${url}/health`)).json();
      expect(h).toMatchObject({ ok: true, db: 'ok', database: { kind: 'postgresql', ok: true } });
    } finally {
      await srv.close();
    }
  });

  describe('two sync-server processes on one database', () => {
    let db: string;
    let a: ServerProcess;
    let b: ServerProcess;
    const tokens: Record<string, string> = {};
    const relay = new Relay();

    beforeAll(async () => {
      db = await cluster.createDatabase('shared');
      const s = await PgSyncStorage.open({ url: db, log: () => undefined });
      for (const [id, role] of [['kiosk-a', 'kiosk'], ['display-b', 'display'], ['counter-b', 'counter']] as const) tokens[id] = (await s.enroll(id, role, { tenant: 'isesaki' })).token;
      for (let i = 0; i < 8; i++) for (const side of ['x', 'y']) tokens[`k${side}${i}`] = (await s.enroll(`k${side}${i}`, 'kiosk', { tenant: 'isesaki' })).token;
      await s.close();
      [a, b] = await Promise.all([spawnSyncServer(join(tmp.dir, 'proc-a'), 0, { db }), spawnSyncServer(join(tmp.dir, 'proc-b'), 0, { db })]);
      relay.target = a.port;
      await relay.listen();
    }, 90_000);
    afterAll(async () => {
      relay.close();
      for (const p of [a, b]) {
        if (p && p.proc.exitCode === null && p.proc.signalCode === null) {
          p.proc.kill('SIGTERM');
          await p.exited;
        }
      }
    });

    it('a push to process A reaches a display streaming from process B (LISTEN/NOTIFY, no polling)', { timeout: 60_000 }, async () => {
      for (const p of [a, b]) expect(await (await fetch(`${p.url}/health`)).json()).toMatchObject({ ok: true, database: { kind: 'postgresql', ok: true } });
      const kiosk = terminal({ id: 'kiosk-a', role: 'kiosk', site: 'honcho', station: 'east' }, a.url, tokens['kiosk-a']!, 'two');
      const display = terminal({ id: 'display-b', role: 'display', site: 'honcho' }, b.url, tokens['display-b']!, 'two');
      // The display polls every 10 minutes: only B's stream, fed by A's NOTIFY, can bring the ticket.
      const cd = client(display, b.url, tokens['display-b']!, { intervalMs: 600_000 });
      let opened = false;
      cd.on('state', () => (opened = true));
      cd.run();
      await until('the display online', () => opened && cd.status().state === 'online');
      await new Promise((ok) => setTimeout(ok, 300)); // the stream's hello has been read
      issue(kiosk, 1);
      await client(kiosk, a.url, tokens['kiosk-a']!).syncOnce();
      await until('the ticket on the display', () => display.store.eventCount() === 1);
      await cd.stop();
    });

    it('station claims are atomic across processes: of two kiosks claiming one station at once, one wins', { timeout: 60_000 }, async () => {
      const results: number[][] = [];
      for (let i = 0; i < 8; i++) {
        const body = (id: string) => ({ protocol: 1, terminal: id, now: Date.now(), events: [], stations: [{ station: `st${i}`, from: 10_000 + i * 100, to: 10_000 + i * 100 + 99 }] });
        const [x, y] = await Promise.all([call(a.url, tokens[`kx${i}`]!, '/sync/push', body(`kx${i}`)), call(b.url, tokens[`ky${i}`]!, '/sync/push', body(`ky${i}`))]);
        results.push([x.status, y.status].sort());
      }
      expect(results).toEqual(results.map(() => [200, 409]));
    });

    it('kill -9 of process A mid-push loses nothing: the terminal retries against B', { timeout: 90_000 }, async () => {
      const relayUrl = `http://127.0.0.1:${(relay.server.address() as { port: number }).port}`;
      const kiosk = open.find((t) => t.config.node.id === 'kiosk-a' && t.dataDir.includes('/two/'))!;
      const ck = client(kiosk, relayUrl, tokens['kiosk-a']!);
      issue(kiosk, 20);
      expect(await ck.syncOnce()).toMatchObject({ pushed: 20 });
      issue(kiosk, 15);
      const cut = relay.armCut(tokens['kiosk-a']!);
      const pushing = ck.syncOnce().then(
        () => 'answered',
        (e: Error) => e.message,
      );
      await cut;
      a.proc.kill('SIGKILL');
      expect(await a.exited).toBeNull();
      expect(await pushing).not.toBe('answered');
      expect(ck.status().outbox).toBe(15);
      // The load balancer sends the retry to B.
      relay.target = b.port;
      await ck.syncOnce();
      expect(ck.status().outbox).toBe(0);
      const own = kiosk.store.eventCount();
      const counter = terminal({ id: 'counter-b', role: 'counter', site: 'honcho', department: 'shimin', counter: '1' }, b.url, tokens['counter-b']!, 'two');
      await client(counter, b.url, tokens['counter-b']!).syncOnce();
      expect(counter.store.eventCount()).toBe(own);
      const s = await PgSyncStorage.open({ url: db, log: () => undefined });
      try {
        expect(await s.eventCount({ tenant: 'isesaki', origin: 'kiosk-a' })).toBe(own);
        const numbers = (counter.store.db.prepare('SELECT number FROM visits ORDER BY number').all() as Array<{ number: number }>).map((r) => r.number);
        expect(numbers).toEqual(Array.from({ length: own }, (_, i) => 1001 + i));
      } finally {
        await s.close();
      }
    });
  });
});

describe('sync-server --db with --publish', () => {
  it('is refused before anything starts, naming the flag and why (a wait board is one municipality\'s)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    // The database is never reached: the flags are checked first.
    const code = await runCli(['sync-server', '--db', 'postgres://madoguchi:pw@127.0.0.1:1/madoguchi', '--port', '0', '--insecure-http', '--publish', 'http://127.0.0.1:9/publish', '--publish-key', 'k'.repeat(32)], {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      readStdin: async () => '',
    });
    expect(code).not.toBe(0);
    expect(err.join('\n')).toMatch(/--publish: the public wait board belongs to one municipality .* PostgreSQL \(--db\) holds many/);
    expect(out.join('\n')).not.toMatch(/sync server:/);
  });
});
