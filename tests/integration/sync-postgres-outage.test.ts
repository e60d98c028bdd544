import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { createSyncServer } from '../../src-main/node/sync/httpServer';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { tempDir } from '../support/tmp';
import { issuedPayload, runCliProcess, spawnSyncServer, type ServerProcess } from './sync-support';
import { until } from '../support/until';

/**
 * The sync service's PostgreSQL as an operator meets it: a --db URL that is wrong (database
 * missing, role unknown, no server there, a password not percent-encoded) is one line naming the
 * problem and a non-zero exit, never a stack trace or the password; a database that goes away
 * while the service runs gives 503s (health, push, pull, metrics), not 500s, a process that stays
 * calm (one reconnection a second, logged once), and service again when the database returns.
 * /health and /metrics turn away forged, malformed, revoked and other tenants' tokens.
 */
const missing = postgresMissing();
if (missing) console.log(`sync on PostgreSQL, a wrong or vanishing database: skipped, ${missing}`);

const P = { 'x-madoguchi-protocol': '1', 'content-type': 'application/json' };

async function call(url: string, token: string | undefined, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...P, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, json: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
}

const ticket = (seq: number) => ({
  protocol: 1,
  terminal: 'kiosk-1',
  now: Date.now(),
  events: [{ origin: 'kiosk-1', seq, hlc: encodeHlc({ wall: Date.now(), logical: seq }, 'kiosk-1'), type: 'visit.issued', site: 'honcho', visitId: `v-${seq}`, payload: issuedPayload(`v-${seq}`, 1000 + seq, 'kiosk-1') }],
});

/** The lines a failed command printed, without the plain-http warning block. */
const said = (err: string) => err.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('***'));

describe.skipIf(!!missing)('sync on PostgreSQL: a wrong --db URL, hostile tokens, a database that goes away', () => {
  const tmp = tempDir('madoguchi-sync-pg-outage-');
  let cluster: PgCluster;
  let db: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    cluster = startPgCluster();
    db = await cluster.createDatabase('outage');
  });
  afterAll(async () => {
    if (server && server.proc.exitCode === null) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    cluster?.stop();
    tmp.cleanup();
  });

  it('a wrong --db gives one line naming the problem, exits non-zero, and never shows the password', { timeout: 120_000 }, async () => {
    const u = new URL(db);
    const variant = (edit: (x: URL) => void) => {
      const x = new URL(u.toString());
      edit(x);
      return x.toString();
    };
    const cases: Array<[what: string, url: string, expect: RegExp]> = [
      ['database missing', variant((x) => (x.pathname = '/no_such_db')), /database "no_such_db" does not exist/],
      ['role unknown', variant((x) => ((x.username = 'nobody'), (x.password = 's3cret-pw'))), /role "nobody" does not exist/],
      ['no server there', variant((x) => x.searchParams.set('host', join(tmp.dir, 'no-socket-here'))), /cannot use the PostgreSQL database .*(ENOENT|ECONNREFUSED)/],
      ['password not percent-encoded', 'postgres://madoguchi:s3cret-pw/x#y@127.0.0.1:5432/madoguchi', /must be percent-encoded/],
    ];
    // The server for every case; enroll (the same opening path) for the first two.
    const runs = await Promise.all(
      cases.map(([, url], i) => [
        runCliProcess(['sync-server', '--db', url, '--port', '0', '--insecure-http']),
        ...(i < 2 ? [runCliProcess(['sync-server', 'enroll', '--db', url, '--tenant', 'isesaki', '--terminal', 'kiosk-1', '--role', 'kiosk'])] : []),
      ]).map((ps) => Promise.all(ps)),
    );
    cases.forEach(([what, , pattern], i) => {
      for (const r of runs[i]!) {
        const lines = said(r.err);
        expect(r.code, `${what}: ${r.err}`).not.toBe(0);
        expect(lines, `${what}: ${r.err}`).toHaveLength(1);
        expect(lines[0], what).toMatch(pattern);
        expect(r.err + r.out, what).not.toMatch(/\n\s+at |s3cret-pw/);
      }
    });
  });

  it('/health and /metrics on PostgreSQL refuse forged, malformed, revoked and cross-tenant tokens', { timeout: 60_000 }, async () => {
    const storage = await PgSyncStorage.open({ url: await cluster.createDatabase('attacks'), listen: true, log: () => undefined });
    const srv = createSyncServer({ storage, log: () => undefined });
    try {
      const { url } = await srv.listen(0);
      const iseAdmin = (await storage.enroll('admin-1', 'admin', { tenant: 'isesaki' })).token;
      const otaAdmin = (await storage.enroll('admin-1', 'admin', { tenant: 'ota' })).token;
      await storage.enroll('kiosk-1', 'kiosk', { tenant: 'ota', stations: ['east'] });
      const otaCounter = (await storage.enroll('counter-1', 'counter', { tenant: 'ota' })).token;
      const revoked = (await storage.enroll('admin-2', 'admin', { tenant: 'ota' })).token;
      await storage.revoke('admin-2', 'ota');
      const metricsToken = await storage.createMetricsToken();
      const metrics = async (authorization?: string) => {
        const r = await fetch(`${url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
        return { status: r.status, text: await r.text() };
      };
      const flip = (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
      for (const [what, authorization] of [
        ['none', undefined],
        ['empty bearer', 'Bearer '],
        ['basic', 'Basic YWRtaW46YWRtaW4='],
        ['bearer without a space', `Bearer${iseAdmin}`],
        ['a long token', `Bearer mdg1_${'A'.repeat(4000)}`],
        ['forged terminal token', `Bearer mdg1_${'x'.repeat(43)}`],
        ['forged metrics token', `Bearer mdgm_${'x'.repeat(43)}`],
        ['an admin token one character off', `Bearer ${flip(iseAdmin)}`],
        ['the metrics token one character off', `Bearer ${flip(metricsToken)}`],
        ['a revoked admin', `Bearer ${revoked}`],
      ] as const) {
        const r = await metrics(authorization);
        expect(r.status, what).toBe(401);
        expect(r.text, what).not.toMatch(/madoguchi_|isesaki|ota/);
      }
      expect((await metrics(`Bearer ${otaCounter}`)).status).toBe(403);
      // An admin reads its own tenant's series only; the operator's metrics token reads every tenant's.
      const ota = await metrics(`Bearer ${otaAdmin}`);
      expect(ota.status).toBe(200);
      expect(ota.text).toMatch(/tenant="ota"/);
      expect(ota.text).not.toMatch(/tenant="isesaki"/);
      const ise = await metrics(`Bearer ${iseAdmin}`);
      expect(ise.text).toMatch(/tenant="isesaki"/);
      expect(ise.text).not.toMatch(/tenant="ota"/);
      const all = await metrics(`Bearer ${metricsToken}`);
      expect(all.text).toMatch(/tenant="ota"/);
      expect(all.text).toMatch(/tenant="isesaki"/);
      // /health names no tenant and no terminal, whatever token comes with it.
      for (const authorization of [`Bearer ${otaAdmin}`, `Bearer mdg1_${'x'.repeat(43)}`, 'Bearer ']) {
        const h = await fetch(`${url}/health?tenant=isesaki`, { headers: { authorization } });
        const body = await h.text();
        expect(h.status).toBe(200);
        expect(Object.keys(JSON.parse(body) as object).sort()).toEqual(['database', 'db', 'ok', 'protocol', 'service', 'supported', 'version']);
        expect(body).not.toMatch(/isesaki|ota|admin|kiosk/);
      }
      expect((await fetch(`${url}/health`, { method: 'POST', body: '{}' })).status).toBe(405);
    } finally {
      await srv.close();
      await storage.close();
    }
  });

  it('the database goes away while serving: 503s, a calm process, and service again when it returns', { timeout: 180_000 }, async () => {
    const storage = await PgSyncStorage.open({ url: db, log: () => undefined });
    const kiosk = (await storage.enroll('kiosk-1', 'kiosk', { tenant: 'isesaki', stations: ['east'] })).token;
    const display = (await storage.enroll('display-1', 'display', { tenant: 'isesaki' })).token;
    const metrics = await storage.createMetricsToken();
    server = await spawnSyncServer(join(tmp.dir, 'unused'), 0, { db });
    const url = server.url;
    const pid = server.proc.pid!;
    expect((await call(url, kiosk, '/sync/push', ticket(1))).status).toBe(200);

    cluster.pause();
    const health = await call(url, undefined, '/health');
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ ok: false, database: { kind: 'postgresql', ok: false } });
    const push = await call(url, kiosk, '/sync/push', ticket(2));
    expect(push.status, server.stderr.join('')).toBe(503);
    expect(push.json.error.code).toBe('unavailable');
    expect((await call(url, display, '/sync/pull?protocol=1')).status).toBe(503);
    expect((await call(url, metrics, '/metrics')).status).toBe(503);
    // While it is gone, the process keeps one reconnection at a time: its sockets and its log stay
    // small (it once forked a reconnection per failure, ran out of file descriptors and hung).
    // Three health checks a second apart let several reconnections fail meanwhile.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      expect((await call(url, undefined, '/health')).status).toBe(503);
    }
    expect(server.proc.exitCode).toBeNull();
    expect(readdirSync(`/proc/${pid}/fd`).length).toBeLessThan(200);
    const lost = server.stderr.join('').split('\n').filter((l) => l.includes('LISTEN connection'));
    expect(lost, server.stderr.join('')).toHaveLength(1);
    expect(server.stderr.join('')).not.toMatch(/\n\s+at /);

    cluster.resume();
    await until('/health to answer 200 again', async () => (await call(url, undefined, '/health')).status === 200, { timeoutMs: 60_000, everyMs: 50 });
    expect((await call(url, kiosk, '/sync/push', ticket(2))).status).toBe(200);
    expect((await call(url, metrics, '/metrics')).status).toBe(200);
    await until('the LISTEN connection to be back', () => server!.stderr.join('').includes('LISTEN connection to PostgreSQL is back'), { timeoutMs: 60_000, everyMs: 50 });
    // A push committed elsewhere (another process on the same database) reaches a stream here again.
    const ac = new AbortController();
    const res = await fetch(`${url}/sync/stream?protocol=1`, { headers: { ...P, authorization: `Bearer ${display}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    let heard = '';
    const reading = (async () => {
      const dec = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) heard += dec.decode(chunk);
      } catch {
        /* aborted */
      }
    })();
    await until('the stream to say hello', () => heard.includes('event: hello'), { timeoutMs: 60_000, everyMs: 50 });
    const other = await PgSyncStorage.open({ url: db, log: () => undefined });
    await other.push(await other.authenticate(`Bearer ${kiosk}`), ticket(3));
    await until('the stream to hear the push made through another process', () => /"kiosk-1":3/.test(heard.split('event: events')[1] ?? ''), { timeoutMs: 60_000, everyMs: 50 });
    ac.abort();
    await reading;
    expect(await storage.eventCount({ tenant: 'isesaki' })).toBe(3);
    await other.close();
    await storage.close();
  });
});
