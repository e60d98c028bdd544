import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src-main/node/app/app';
import { writeAudit } from '../../src-main/node/residents/audit';
import { runCli } from '../../src-main/node/cli/main';
import { Store } from '../../src-main/node/store/store';
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { startSyncForApp } from '../../src-main/node/sync/forApp';
import { createSyncServer, type SyncServer } from '../../src-main/node/sync/httpServer';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { openTerminal, type Terminal } from '../../src-main/node/terminal/dataFolder';
import type { SyncStatus } from '../../src-main/common/sync/protocol';
import { tempDir } from '../support/tmp';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { terminalConfig, type StationDef, type TerminalDef } from './sync-support';
import { until } from '../support/until';

const stations: StationDef[] = [
  { id: 'east', from: 1001, to: 1999 },
  { id: 'west', from: 2001, to: 2999 },
];

function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const r = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', fail);
    r.end(opts.body);
  });
}

function cliIO() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '' }, out, err };
}

const pgMissing = postgresMissing();
if (pgMissing) console.log(`sync over HTTP on PostgreSQL: skipped, ${pgMissing}`);

httpSuite('sqlite');
httpSuite('postgresql');

/** The same suite against each store: SQLite (the embedded default) and PostgreSQL (a throwaway cluster). */
function httpSuite(kind: 'sqlite' | 'postgresql'): void {
  describe.skipIf(kind === 'postgresql' && !!pgMissing)(`sync over HTTP on loopback (${kind})`, () => {
    const tmp = tempDir('madoguchi-sync-http-');
    let cluster: PgCluster | undefined;
    let srv: SyncServer;
    let url: string;
    const serverLog: string[] = [];
    const tokens: Record<string, string> = {};
    const open: Terminal[] = [];

    function terminal(def: TerminalDef, opts: { clock?: () => number; nodeId?: string } = {}): Terminal {
      const dir = join(tmp.dir, def.id);
      mkdirSync(dir, { recursive: true });
      const cfg = terminalConfig(def, stations, { server: url, token: tokens[def.id] ?? 'no-token-x' });
      if (opts.nodeId) cfg.node.id = opts.nodeId;
      writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
      const t = openTerminal(dir, opts.clock ? { clock: opts.clock } : {});
      open.push(t);
      return t;
    }

    function client(t: Terminal, token = tokens[t.config.node.id]!): SyncClient {
      return new SyncClient({ store: t.store, transport: new HttpTransport({ server: url, token }), stations: stationClaimsOf(t.config), intervalMs: 10_000 });
    }

    beforeAll(async () => {
      if (kind === 'postgresql') {
        cluster = startPgCluster();
        const storage = await PgSyncStorage.open({ url: await cluster.createDatabase('sync_http'), listen: true, log: (l) => serverLog.push(l) });
        srv = createSyncServer({ storage, log: (l) => serverLog.push(l) });
      } else {
        srv = createSyncServer({ file: join(tmp.dir, 'server.sqlite'), log: (l) => serverLog.push(l) });
      }
      url = (await srv.listen(0)).url;
      const enroll: Array<[string, string, string]> = [
        ['kiosk-east', 'kiosk', 'honcho'],
        ['kiosk-east2', 'kiosk', 'honcho'],
        ['counter-1', 'counter', 'honcho'],
        ['display-1', 'display', 'honcho'],
        ['kiosk-branch', 'kiosk', 'sakai'],
        ['supervisor', 'supervisor', 'honcho'],
        ['admin-1', 'admin', 'honcho'],
        ['skewed', 'counter', 'honcho'],
        ['liar', 'counter', 'honcho'],
      ];
      for (const [id, role, site] of enroll) tokens[id] = (await srv.storage.enroll(id, role, { site })).token;
    });

    afterAll(async () => {
      for (const t of open) t.close();
      await srv?.close();
      cluster?.stop();
      tmp.cleanup();
    });

    it('pushes, pulls and converges; a display hears of a call through the stream', async () => {
      const kiosk = terminal({ id: 'kiosk-east', role: 'kiosk', site: 'honcho', station: 'east' });
      const counter = terminal({ id: 'counter-1', role: 'counter', site: 'honcho', department: 'shimin', counter: '1' });
      const display = terminal({ id: 'display-1', role: 'display', site: 'honcho' });
      const by = { terminal: 'kiosk-east' };
      for (let i = 0; i < 5; i++) {
        kiosk.visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, by);
      }
      const ck = client(kiosk);
      expect(ck.status().outbox).toBe(5);
      expect(await ck.syncOnce()).toMatchObject({ pushed: 5 });
      expect(ck.status()).toMatchObject({ state: 'online', outbox: 0 });
      // Idempotent: a second exchange sends and takes nothing new.
      expect(await ck.syncOnce()).toMatchObject({ pushed: 0, pulled: 0 });

      const cd = client(display);
      const states: SyncStatus[] = [];
      cd.on('state', (s: SyncStatus) => states.push(s));
      cd.run();
      await until('display catch-up', () => display.store.eventCount() === 5);

      const cc = client(counter);
      await cc.syncOnce();
      const called = counter.visits.callNext('shimin', '1', { terminal: 'counter-1' })!;
      expect(called.number).toBe(1001);
      await cc.syncOnce();
      // The display did not poll (interval 10 s): the stream announced the call and it pulled.
      await until('the call on the display', () => display.visits.get(called.id).status === 'called', { timeoutMs: 5000 });
      await cd.stop();
      expect(states.at(-1)?.state).toBe('online');

      await ck.syncOnce();
      const rows = (t: Terminal) => t.store.db.prepare('SELECT id, status, department, state FROM visits ORDER BY id').all();
      expect(rows(kiosk)).toEqual(rows(counter));
      // The display gets the queue, not the personal details (authorisation table: redacted).
      const queue = (t: Terminal) => t.store.db.prepare('SELECT id, status, department FROM visits ORDER BY id').all();
      expect(queue(display)).toEqual(queue(counter));
      const shown = display.store.db.prepare(`SELECT payload FROM events WHERE type = 'visit.issued'`).all() as Array<{ payload: string }>;
      expect(shown.map((r) => JSON.parse(r.payload) as { facts: unknown; redacted?: boolean })).toEqual(shown.map(() => expect.objectContaining({ facts: null, redacted: true })));
    });

    it('replicates audit lines: the service accepts them, an administrator pulls them whole, other roles get placeholders', async () => {
      const counter = terminal({ id: 'counter-1', role: 'counter', site: 'honcho', department: 'shimin', counter: '1' });
      const admin = terminal({ id: 'admin-1', role: 'admin', site: 'honcho' });
      const supervisor = terminal({ id: 'supervisor', role: 'supervisor', site: 'honcho' });
      writeAudit(counter.store, { actor: 'shimin-a', terminal: 'counter-1' }, [
        { action: 'search', purpose: '転入届の確認', detail: 'たかさき' },
        { action: 'read', residentId: '1000000001', householdId: '200000001', purpose: '転入届の確認' },
      ]);
      const audited = (t: Terminal) => t.store.db.prepare(`SELECT payload FROM events WHERE type = 'audit.recorded' ORDER BY seq`).all() as Array<{ payload: string }>;
      const mine = audited(counter).map((r) => JSON.parse(r.payload) as { hash: string; detailHash: string | null });
      expect(mine.length).toBeGreaterThanOrEqual(2);
      const pushed = await client(counter).syncOnce();
      expect(pushed.pushed).toBeGreaterThanOrEqual(mine.length);
      // Nothing was refused or set aside: the service knows the type and its schema.
      expect(counter.store.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type IN ('sync.skipped', 'sync.quarantined')`).get()).toEqual({ n: 0 });
      await client(admin).syncOnce();
      const copy = audited(admin).map((r) => JSON.parse(r.payload) as { hash: string; detailHash: string | null });
      expect(copy.map((c) => c.hash)).toEqual(expect.arrayContaining(mine.map((m) => m.hash)));
      // The search term travels only as its digest.
      expect(JSON.stringify(copy)).not.toContain('たかさき');
      await client(supervisor).syncOnce();
      expect(audited(supervisor)).toEqual([]);
      const placeholders = supervisor.store.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'sync.withheld' AND origin = 'counter-1'`).get() as { n: number };
      expect(placeholders.n).toBeGreaterThanOrEqual(mine.length);
    });

    it('answers an unknown protocol with 426, a bad token with 401, and a revoked token too', async () => {
      const noHeader = await raw(`${url}/sync/pull?protocol=1`, { headers: { authorization: `Bearer ${tokens['display-1']}` } });
      expect(noHeader.status).toBe(426);
      expect(JSON.parse(noHeader.body)).toMatchObject({ ok: false, error: { code: 'protocol' }, supported: [1] });
      expect(JSON.parse(noHeader.body).error.message).toMatch(/protocol 1.*Update/);
      const old = await raw(`${url}/sync/push`, { method: 'POST', headers: { 'x-madoguchi-protocol': '0', authorization: `Bearer ${tokens['display-1']}` }, body: '{}' });
      expect(old.status).toBe(426);
      const bodyVersion = await raw(`${url}/sync/push`, {
        method: 'POST',
        headers: { 'x-madoguchi-protocol': '1', authorization: `Bearer ${tokens['display-1']}`, 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 2, terminal: 'display-1', now: Date.now(), events: [] }),
      });
      expect(bodyVersion.status).toBe(426);
      const anon = await raw(`${url}/sync/pull?protocol=1`, { headers: { 'x-madoguchi-protocol': '1' } });
      expect(anon.status).toBe(401);

      const { token } = await srv.storage.enroll('temp-1', 'display', { site: 'honcho' });
      const ok = await raw(`${url}/sync/pull?protocol=1`, { headers: { 'x-madoguchi-protocol': '1', authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      await srv.storage.revoke('temp-1');
      const revoked = await raw(`${url}/sync/pull?protocol=1`, { headers: { 'x-madoguchi-protocol': '1', authorization: `Bearer ${token}` } });
      expect(revoked.status).toBe(401);
      expect(JSON.parse(revoked.body).error.code).toBe('revoked');
    });

    it('refuses a second kiosk on the same station, loudly on both sides', async () => {
      const k1 = terminal({ id: 'kiosk-east', role: 'kiosk', site: 'honcho', station: 'east' });
      const k2 = terminal({ id: 'kiosk-east2', role: 'kiosk', site: 'honcho', station: 'east' });
      k2.visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, { terminal: 'kiosk-east2' });
      const before = await srv.storage.eventCount();
      const c2 = client(k2);
      await expect(c2.syncOnce()).rejects.toThrow(/kiosk-east/);
      const s2 = c2.status();
      expect(s2.state).toBe('error');
      expect(s2.message).toMatch(/station "east" is already claimed by terminal "kiosk-east"; terminal "kiosk-east2"/);
      expect(s2.outbox).toBe(1);
      expect(await srv.storage.eventCount()).toBe(before); // nothing of the refused message was applied
      expect(k2.store.db.prepare('SELECT state, message FROM sync_runs ORDER BY id DESC LIMIT 1').get()).toMatchObject({ state: 'error', message: expect.stringMatching(/kiosk-east2/) });
      expect(serverLog.join('\n')).toMatch(/STATION CLAIM REFUSED.*kiosk-east2/);

      // The holder hears of it on its next exchange.
      const c1 = client(k1);
      await c1.syncOnce();
      expect(c1.status().conflicts?.[0]).toMatchObject({ station: 'east', holder: 'kiosk-east', claimant: 'kiosk-east2' });
      expect(c1.status().message).toMatch(/kiosk-east2/);

      // And the CLI exits non-zero with the message.
      const r = cliIO();
      const code = await runCli(['sync', 'once', '--data', k2.dataDir, '--server', url, '--token', tokens['kiosk-east2']!], r.io);
      expect(code).toBe(1);
      expect(r.err.join('\n')).toMatch(/409 station-conflict.*already claimed by terminal "kiosk-east"/);
      // An overlapping range under another station name is refused the same way, in the same site.
      const c3 = new SyncClient({ store: k2.store, transport: new HttpTransport({ server: url, token: tokens['kiosk-east2']! }), stations: [{ station: 'west', from: 1500, to: 2999 }] });
      await expect(c3.syncOnce()).rejects.toThrow(/overlaps station "east" 1001–1999 held by terminal "kiosk-east"/);
      // Another site (building) numbers on its own: its kiosk may use the same range.
      const k4 = terminal({ id: 'kiosk-branch', role: 'kiosk', site: 'sakai', station: 'west' });
      const c4 = new SyncClient({ store: k4.store, transport: new HttpTransport({ server: url, token: tokens['kiosk-branch']! }), stations: [{ station: 'west', from: 1500, to: 2999 }] });
      await c4.syncOnce();
      expect((await srv.storage.claims()).map((c) => `${c.site}/${c.station}:${c.terminal}`)).toEqual(['honcho/east:kiosk-east', 'sakai/west:kiosk-branch']);
    });

    it('scopes pulls by site; a supervisor pulls every site', async () => {
      const branch = terminal({ id: 'kiosk-branch', role: 'kiosk', site: 'sakai', station: 'west' });
      branch.visits.issue({ station: 'west', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, { terminal: 'kiosk-branch' });
      const cb = new SyncClient({ store: branch.store, transport: new HttpTransport({ server: url, token: tokens['kiosk-branch']! }), stations: [{ station: 'west', from: 2001, to: 2999 }] });
      await cb.syncOnce();
      expect(branch.store.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE site <> 'sakai'`).get()).toEqual({ n: 0 });
      const sup = terminal({ id: 'supervisor', role: 'supervisor', site: 'honcho' });
      await client(sup).syncOnce();
      const sites = sup.store.db.prepare('SELECT DISTINCT site FROM events ORDER BY site').all();
      expect(sites).toEqual([{ site: 'honcho' }, { site: 'sakai' }]);
      expect(sup.store.eventCount()).toBe(await srv.storage.eventCount());
    });

    it('flags a terminal whose clock is 10 minutes ahead, but keeps its events', async () => {
      const t = terminal({ id: 'skewed', role: 'counter', site: 'honcho', department: 'shimin', counter: '9' }, { clock: () => Date.now() + 10 * 60_000 });
      const c = client(t);
      await c.syncOnce();
      const v = t.visits.callNext('shimin', '9', { terminal: 'skewed' });
      expect(v).not.toBeNull();
      await c.syncOnce();
      expect(c.status().skew?.flagged).toBe(true);
      expect(c.status().skew!.ms).toBeGreaterThan(9 * 60_000);
      expect(c.status().message).toMatch(/clock is 10 min ahead/);
      expect(c.status().state).toBe('online');
      const metrics = await raw(`${url}/metrics`, { headers: { authorization: `Bearer ${await srv.storage.createMetricsToken()}` } });
      expect(metrics.body).toMatch(/madoguchi_sync_terminal_clock_flagged\{terminal="skewed"\} 1/);
      expect(await srv.storage.eventCount({ origin: 'skewed' })).toBe(1);
    });

    it('refuses events of another origin (node.id must be the enrolled terminal id)', async () => {
      const t = terminal({ id: 'liar', role: 'kiosk', site: 'honcho', station: 'west' }, { nodeId: 'someone-else' });
      t.visits.issue({ station: 'west', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, { terminal: 'liar' });
      const c = new SyncClient({ store: t.store, transport: new HttpTransport({ server: url, token: tokens['liar']! }) });
      await expect(c.syncOnce()).rejects.toThrow(/node\.id must equal its enrolled terminal id/);
      expect(c.status().state).toBe('error');
    });

    it('reports health and Prometheus metrics', async () => {
      const h = await raw(`${url}/health`);
      expect(h.status).toBe(200);
      // Health names no terminal and counts nothing: whether the service and its database answer.
      expect(JSON.parse(h.body)).toEqual({ ok: true, service: 'madoguchi-sync', version: 'unknown', protocol: 1, supported: [1], db: 'ok', database: { kind: srv.storage.kind, ok: true, ms: expect.any(Number) } });
      expect((await raw(`${url}/metrics`)).status).toBe(401);
      expect((await raw(`${url}/metrics`, { headers: { authorization: `Bearer ${tokens['display-1']}` } })).status).toBe(403);
      const m = (await raw(`${url}/metrics`, { headers: { authorization: `Bearer ${await srv.storage.createMetricsToken()}` } })).body;
      expect(m).toMatch(/^# HELP madoguchi_sync_events_stored /m);
      expect(m).toMatch(new RegExp(`^madoguchi_sync_events_stored ${await srv.storage.eventCount()}$`, 'm'));
      expect(m).toMatch(/^madoguchi_sync_pushes_total [1-9]\d*$/m);
      expect(m).toMatch(/^madoguchi_sync_rejections_total\{reason="station-conflict"\} [1-9]/m);
      expect(m).toMatch(/^madoguchi_sync_terminal_last_seen_timestamp_seconds\{terminal="kiosk-east",site="honcho"\} \d+$/m);
      expect(m).toMatch(/^madoguchi_sync_stream_clients \d+$/m);
      for (const line of m.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/);
    });

    it('runs for an app: startSyncForApp publishes the sync push and sync.status answers', async () => {
      const dir = join(tmp.dir, 'app-display');
      mkdirSync(dir, { recursive: true });
      const { token } = await srv.storage.enroll('app-display', 'display', { site: 'honcho' });
      const cfg = terminalConfig({ id: 'app-display', role: 'display', site: 'honcho' }, stations, { server: url, token });
      writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
      const app = createApp(dir);
      const pushes: Array<{ state: string; outbox: number }> = [];
      app.push.subscribe((m) => {
        if (m.name === 'sync') pushes.push(m.data as { state: string; outbox: number });
      });
      try {
        expect(startSyncForApp(app)).not.toBeNull();
        await until('app online', () => pushes.some((p) => p.state === 'online'));
        const r = await app.registry.call('sync.status', {}, app.context(undefined, 'test'));
        expect(r).toMatchObject({ ok: true, value: { state: 'online', outbox: 0, server: url } });
        expect(app.terminal.store.eventCount()).toBe(await srv.storage.eventCount({ site: 'honcho' }));
      } finally {
        app.close();
      }
      // Without config.sync the state is 'disabled'.
      const dir2 = join(tmp.dir, 'app-nosync');
      mkdirSync(dir2, { recursive: true });
      writeFileSync(join(dir2, 'config.json'), JSON.stringify(terminalConfig({ id: 'app-nosync', role: 'display', site: 'honcho' }, stations)));
      const app2 = createApp(dir2);
      try {
        expect(startSyncForApp(app2)).toBeNull();
        expect(await app2.registry.call('sync.status', {}, app2.context(undefined, 'test'))).toMatchObject({ ok: true, value: { state: 'disabled', outbox: 0 } });
      } finally {
        app2.close();
      }
    });

    it('serves HTTPS with --tls-cert/--tls-key; the client trusts a private CA file', async () => {
      const dir = join(tmp.dir, 'tls');
      mkdirSync(dir, { recursive: true });
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      const tls = createSyncServer({ file: join(dir, 'server.sqlite'), tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }, log: () => undefined });
      try {
        const { url: httpsUrl } = await tls.listen(0);
        expect(httpsUrl).toMatch(/^https:/);
        const { token } = tls.store.enroll('tls-kiosk', 'kiosk', 'honcho');
        const store = Store.open({ file: join(dir, 'kiosk.sqlite'), nodeId: 'tls-kiosk', site: 'honcho' });
        store.append('test.ping', { n: 1 });
        const untrusted = new SyncClient({ store, transport: new HttpTransport({ server: httpsUrl, token }) });
        await expect(untrusted.syncOnce()).rejects.toThrow();
        expect(untrusted.status().state).toBe('offline');
        const trusted = new SyncClient({ store, transport: new HttpTransport({ server: httpsUrl, token, caFile: join(dir, 'cert.pem') }) });
        expect(await trusted.syncOnce()).toMatchObject({ pushed: 1 });
        expect(tls.store.eventCount()).toBe(1);
        await trusted.stop();
        await untrusted.stop();
        store.close();
      } finally {
        await tls.close();
      }
    });
  });
}
