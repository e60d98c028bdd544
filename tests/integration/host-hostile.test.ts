import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { createApp, type App } from '../../src-main/node/app/app';
import { createHost } from '../../src-main/node/http/host';
import { DeviceRegistry, DEVICE_COOKIE } from '../../src-main/node/http/devices';
import { seedDemoStaff } from '../../src-main/node/staff/demo';
import { ensureDemoSetup, dbPath } from '../../src-main/node/terminal/dataFolder';
import { verifyAudit } from '../../src-main/node/residents/audit';
import { mulberry32 } from '../../src-main/common/guidance/generate';
import { api } from '../../src-main/common/contract';
import { METHOD_POLICY } from '../../src-main/node/api/policy';

/**
 * Browser mode under hostile input (issue 12): a real host on loopback, real HTTP. Each finding
 * of the issue that concerns browser mode is a regression case here, then a seeded fuzz of
 * malformed requests (HOSTILE_SEED=<n> replays one; HOSTILE_REQUESTS=<n> runs more).
 */

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: { ok?: boolean; value?: unknown; error?: { code: string; message: string; field?: string } } | null;
}

let tmp: ReturnType<typeof tempDir>;
let app: App;
let server: Server;
let port = 0;
/** The same data folder, served as a LAN host would be (loopback browsers must pair too). */
let lanServer: Server;
let lanPort = 0;

function send(opts: { path: string; method?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[]; port?: number }): Promise<Reply> {
  return new Promise((ok, fail) => {
    const p = opts.port ?? port;
    const chunked = Array.isArray(opts.body);
    const headers: Record<string, string> = { host: `127.0.0.1:${p}`, ...(opts.headers ?? {}) };
    if (chunked) headers['transfer-encoding'] = 'chunked';
    const req = request({ host: '127.0.0.1', port: p, path: opts.path, method: opts.method ?? 'POST', headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Reply['json'] = null;
        try {
          json = JSON.parse(text) as Reply['json'];
        } catch {
          json = null;
        }
        ok({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    if (chunked) {
      for (const c of opts.body as Buffer[]) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function callApi(method: string, input: unknown, h: Record<string, string> = {}, p = port): Promise<Reply> {
  return send({ path: `/api/call/${method}`, headers: { ...JSON_HEADERS, ...h }, body: JSON.stringify(input), port: p });
}

async function signIn(terminal: string, staffId: string, pin: string, h: Record<string, string> = {}, p = port): Promise<string> {
  const r = await callApi('staff.signIn', { staffId, pin }, { 'x-madoguchi-terminal': terminal, ...h }, p);
  if (!r.json?.ok) throw new Error(`sign-in ${staffId}@${terminal} failed: ${r.text}`);
  return (r.json.value as { token: string }).token;
}

const auditRows = () => app.terminal.store.db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<{ actor: string; terminal: string; action: string; detail: string | null }>;
const visitCount = () => (app.terminal.store.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;
const certificateTicket = { lang: 'ja', facts: { events: ['certificate'], certificates: ['juminhyo'] } };

async function listen(s: Server): Promise<number> {
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  tmp = tempDir('madoguchi-hostile-');
  ensureDemoSetup(tmp.dir);
  app = createApp(tmp.dir);
  seedDemoStaff(app.terminal);
  const pages = join(tmp.dir, 'pages');
  mkdirSync(pages);
  writeFileSync(join(pages, 'index.html'), '<!doctype html><html><body>screens</body></html>');
  server = createHost(app, { staticDir: pages });
  port = await listen(server);
  lanServer = createHost(app, { staticDir: pages, pairLoopback: false });
  lanPort = await listen(lanServer);
});

afterAll(async () => {
  for (const s of [server, lanServer]) {
    s?.closeAllConnections();
    await new Promise((ok) => s?.close(ok));
  }
  app?.close();
  tmp?.cleanup();
});

describe('browser mode refuses what the issue found (regressions)', () => {
  it('item 4: a session opened at a kiosk is refused at a counter (401), audited under the real terminal', async () => {
    const token = await signIn('kiosk-east', 'concierge01', '1111');
    const issued = await callApi('ticket.issue', certificateTicket, { 'x-madoguchi-terminal': 'kiosk-east' });
    const visitId = (issued.json!.value as { visit: { id: string } }).visit.id;
    const before = auditRows().length;
    const moved = await callApi('counter.visit', { visitId }, { 'x-madoguchi-terminal': 'counter-shimin-1', 'x-madoguchi-session': token });
    expect(moved.status).toBe(401);
    expect(moved.json?.error?.code).toBe('unauthenticated');
    const moved2 = await callApi('residents.search', { kana: 'タカサキ', purpose: 'x' }, { 'x-madoguchi-terminal': 'counter-shimin-1', 'x-madoguchi-session': token });
    expect(moved2.status).toBe(401);
    const refused = auditRows().slice(before).filter((a) => a.action === 'session-refused');
    expect(refused).toHaveLength(2);
    for (const a of refused) {
      expect(a.actor).toBe('concierge01');
      expect(a.terminal).toBe('kiosk-east'); // where the session really is, not the claimed counter
      expect(a.detail).toContain('claimed terminal counter-shimin-1');
    }
  });

  it('item 4: a session is bound to the device (browser) it was opened on', async () => {
    const devices = new DeviceRegistry(app.terminal.store.db);
    const a = devices.request('browser A', '127.0.0.1', 'counter-shimin-1', true, 'test');
    const b = devices.request('browser B', '127.0.0.1', 'counter-shimin-1', true, 'test');
    const token = await signIn('counter-shimin-1', 'shimin01', '1111', { cookie: `${DEVICE_COOKIE}=${a.token}` }, lanPort);
    const own = await callApi('counter.queue', {}, { cookie: `${DEVICE_COOKIE}=${a.token}`, 'x-madoguchi-session': token }, lanPort);
    expect(own.status).toBe(200);
    expect(own.json?.ok).toBe(true);
    const other = await callApi('counter.queue', {}, { cookie: `${DEVICE_COOKIE}=${b.token}`, 'x-madoguchi-session': token }, lanPort);
    expect(other.status).toBe(401);
    expect(auditRows().at(-1)).toMatchObject({ action: 'session-refused', actor: 'shimin01', terminal: 'counter-shimin-1' });
  });

  it('item 5: a cross-site POST cannot issue a ticket (Origin, Sec-Fetch-Site), nor can text/plain JSON', async () => {
    const before = visitCount();
    const evil = await callApi('ticket.issue', certificateTicket, { 'x-madoguchi-terminal': 'kiosk-east', origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json?.error?.field).toBe('origin');
    const site = await callApi('ticket.issue', certificateTicket, { 'x-madoguchi-terminal': 'kiosk-east', 'sec-fetch-site': 'cross-site' });
    expect(site.status).toBe(403);
    const plain = await send({ path: '/api/call/ticket.issue', headers: { 'content-type': 'text/plain', origin: `http://127.0.0.1:${port}`, 'x-madoguchi-terminal': 'kiosk-east' }, body: JSON.stringify(certificateTicket) });
    expect(plain.status).toBe(415);
    const form = await send({ path: '/api/call/ticket.issue', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-madoguchi-terminal': 'kiosk-east' }, body: 'a=1' });
    expect(form.status).toBe(415);
    const streamEvil = await send({ path: '/api/stream', method: 'GET', headers: { origin: 'http://evil.example' } });
    expect(streamEvil.status).toBe(403);
    expect(visitCount()).toBe(before);
    // The same request from this very origin works.
    const same = await callApi('ticket.issue', certificateTicket, { 'x-madoguchi-terminal': 'kiosk-east', origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });
    expect(same.json?.ok, same.text).toBe(true);
    expect(visitCount()).toBe(before + 1);
  });

  it('item 5: a spoofed Host (DNS rebinding) is refused, for the API and the pages', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '', 'a b']) {
      const r = await send({ path: '/api/call/terminal.info', headers: { ...JSON_HEADERS, host }, body: '{}' });
      expect(r.status, host).toBeGreaterThanOrEqual(400);
      expect(r.status, host).toBeLessThan(500);
      expect(r.json?.ok ?? false).toBe(false);
    }
    expect((await send({ path: '/', method: 'GET', headers: { host: 'rebind.evil.example' } })).status).toBe(421);
    expect((await send({ path: '/api/call/terminal.info', headers: { ...JSON_HEADERS, host: `localhost:${port}` }, body: '{}' })).status).toBe(200);
  });

  it('item 5: reports, the live board, reprints, printer status and list PDFs need the right session', async () => {
    for (const m of ['report.daily', 'report.kpi', 'report.unfinished', 'supervisor.live', 'audit.export'] as const) {
      const r = await callApi(m, m === 'audit.export' ? { from: '2026-01-01', to: '2026-01-02' } : {}, { 'x-madoguchi-terminal': 'supervisor' });
      expect(r.status, m).toBe(401);
    }
    expect((await callApi('report.export', { format: 'csv' }, { 'x-madoguchi-terminal': 'supervisor' })).status).toBe(401);
    expect((await callApi('printer.status', {}, { 'x-madoguchi-terminal': 'kiosk-east' })).status).toBe(401);
    // A supervisor session opens them; a counter clerk's cannot (wrong terminal role).
    const sup = await signIn('supervisor', 'super01', '9999');
    const live = await callApi('supervisor.live', {}, { 'x-madoguchi-terminal': 'supervisor', 'x-madoguchi-session': sup });
    expect(live.json?.ok, live.text).toBe(true);
    expect(auditRows().filter((a) => a.action === 'sign-in' && a.actor === 'super01').length).toBeGreaterThan(0);
    // A ticket issued at kiosk-east: kiosk-west may not reprint it or print its list without staff.
    const issued = await callApi('ticket.issue', certificateTicket, { 'x-madoguchi-terminal': 'kiosk-east' });
    const visitId = (issued.json!.value as { visit: { id: string } }).visit.id;
    expect((await callApi('ticket.reprint', { visitId }, { 'x-madoguchi-terminal': 'kiosk-west' })).status).toBe(401);
    expect((await callApi('guidance.listPdf', { visitId }, { 'x-madoguchi-terminal': 'kiosk-west' })).status).toBe(401);
    expect((await callApi('guidance.listPdf', { visitId }, { 'x-madoguchi-terminal': 'counter-shimin-1' })).status).toBe(401);
    expect((await callApi('ticket.reprint', { visitId }, { 'x-madoguchi-terminal': 'kiosk-east' })).json?.ok).toBe(true);
    expect((await callApi('guidance.listPdf', { visitId }, { 'x-madoguchi-terminal': 'kiosk-east' })).json?.ok).toBe(true);
    // Signing out is audited too.
    await callApi('staff.signOut', {}, { 'x-madoguchi-terminal': 'supervisor', 'x-madoguchi-session': sup });
    expect(auditRows().at(-1)).toMatchObject({ action: 'sign-out', actor: 'super01', terminal: 'supervisor' });
  });

  it('every method of the contract is decided in the policy table', () => {
    expect(Object.keys(api).filter((m) => !(m in METHOD_POLICY))).toEqual([]);
  });

  it('item 5: a LAN host answers nothing to an unpaired browser; an administrator approves it once, for one terminal', async () => {
    const none = await callApi('terminal.info', {}, {}, lanPort);
    expect(none.status).toBe(401);
    expect(none.json?.error).toMatchObject({ code: 'unauthenticated', field: 'device' });
    expect((await send({ path: '/api/stream', method: 'GET', port: lanPort })).status).toBe(401);
    const asked = await send({ path: '/api/pair', headers: JSON_HEADERS, body: JSON.stringify({ terminal: 'kiosk-west', label: 'test browser' }), port: lanPort });
    expect(asked.status).toBe(200);
    const cookie = String(asked.headers['set-cookie']?.[0] ?? '');
    expect(cookie).toMatch(new RegExp(`^${DEVICE_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/`));
    const jar = { cookie: cookie.split(';')[0]! };
    const code = (asked.json!.value as { code: string }).code;
    expect(code).toMatch(/^\d{6}$/);
    const pending = await callApi('terminal.info', {}, jar, lanPort);
    expect(pending.status).toBe(401);
    expect(pending.json?.error?.message).toContain(code);
    // The administrator approves it (CLI or admin session; here the registry the CLI uses).
    new DeviceRegistry(app.terminal.store.db).approve(code, 'kiosk-west', 'test-admin');
    const info = await callApi('terminal.info', {}, jar, lanPort);
    expect(info.json?.ok).toBe(true);
    expect((info.json!.value as { terminal: { id: string } }).terminal.id).toBe('kiosk-west');
    // Paired as kiosk-west: it cannot claim to be a counter.
    const claim = await callApi('terminal.info', {}, { ...jar, 'x-madoguchi-terminal': 'counter-shimin-1' }, lanPort);
    expect(claim.status).toBe(403);
    // A forged cookie is no device.
    expect((await callApi('terminal.info', {}, { cookie: `${DEVICE_COOKIE}=forged` }, lanPort)).status).toBe(401);
  });

  it('item 8: 30 parallel bogus sign-ins do not hold up other calls (PIN checks off the event loop)', async () => {
    // Thirty browsers (paired devices), one bogus sign-in each: every one reaches a PIN check.
    const devices = new DeviceRegistry(app.terminal.store.db);
    const cookies = Array.from({ length: 30 }, (_, i) => `${DEVICE_COOKIE}=${devices.request(`attacker ${i}`, '127.0.0.1', 'counter-shimin-2', true, 'test').token}`);
    let pending = cookies.length;
    const signIns = cookies.map((cookie, i) =>
      callApi('staff.signIn', { staffId: i % 2 ? 'shimin01' : `ghost${i}`, pin: '0000' }, { cookie, 'x-madoguchi-terminal': 'counter-shimin-2' }, lanPort).then((r) => {
        pending--;
        return r;
      }),
    );
    // Meanwhile another terminal keeps calling, one call after the other. With PIN checks on the
    // event loop each call waits behind a scrypt (a dozen get through); off the loop, dozens do.
    let served = 0;
    while (pending > 0 && served < 200) {
      const r = await callApi('display.state', {}, { 'x-madoguchi-terminal': 'display-hall' });
      expect(r.json?.ok).toBe(true);
      if (pending > 0) served++;
    }
    const results = await Promise.all(signIns);
    for (const r of results) expect(r.status).toBe(401);
    expect(served).toBeGreaterThanOrEqual(30);
    // Per id AND device: the bogus tries from elsewhere do not keep shimin01 from their own counter.
    expect((await signIn('counter-shimin-1', 'shimin01', '1111')).length).toBeGreaterThan(20);
  });

  it('item 10: nested JSON gets 400 (never a 500 with a stack), oversized and chunked bodies 413, and the host stays up', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = await send({ path: '/api/call/ticket.issue', headers: { ...JSON_HEADERS, 'x-madoguchi-terminal': 'kiosk-east' }, body: deep });
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/at \w+ \(|node:internal|\.ts:\d+/);
    const nested = `{"facts":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
    expect((await send({ path: '/api/call/ticket.issue', headers: JSON_HEADERS, body: nested })).status).toBe(400);
    const big = await send({ path: '/api/call/terminal.info', headers: JSON_HEADERS, body: Buffer.alloc(1024 * 1024 + 10, 0x20) });
    expect(big.status).toBe(413);
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 0x20));
    const chunked = await send({ path: '/api/call/terminal.info', headers: JSON_HEADERS, body: chunks });
    expect(chunked.status).toBe(413);
    expect((await send({ path: '/api/health', method: 'GET' })).status).toBe(200);
  });

  it('fuzz finds, pinned: pages answer only GET (405), and a broken chunked body gets exactly one response', async () => {
    expect((await send({ path: '/../../etc/passwd', method: 'POST', headers: JSON_HEADERS, body: '{}' })).status).toBe(405);
    expect((await send({ path: '/%2e%2e/%2e%2e/x', method: 'DELETE' })).status).toBe(405);
    const raw = await new Promise<string>((ok) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.write(`DELETE /api/call/counter.finish HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);
      });
      let got = '';
      sock.on('data', (c) => (got += c.toString('latin1')));
      sock.on('close', () => ok(got));
      sock.on('error', () => ok(got));
      setTimeout(() => sock.destroy(), 3000);
    });
    expect(raw.match(/HTTP\/1\.1 \d{3}/g)?.length ?? 0).toBe(1);
    expect((await send({ path: '/api/health', method: 'GET' })).status).toBe(200);
  });

  it('the audit log written through all of this is an intact hash chain', () => {
    const db = new Database(dbPath(tmp.dir), { readonly: true });
    try {
      const v = verifyAudit(db);
      expect(v.ok, JSON.stringify(v.broken)).toBe(true);
      expect(v.rows).toBeGreaterThan(5);
    } finally {
      db.close();
    }
  });
});

describe('browser mode fuzz', () => {
  it('malformed, cross-site, spoofed, oversized, chunked and unauthenticated requests: no 5xx, no crash, health green', async () => {
    const seed = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const total = Number(process.env.HOSTILE_REQUESTS ?? 2500);
    console.log(`host fuzz seed ${seed} (replay: HOSTILE_SEED=${seed} npx vitest run tests/integration/host-hostile.test.ts)`);
    const rnd = mulberry32(seed);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const methods = [...Object.keys(api), 'nope', '../../etc/passwd', '%E0%A4%A', 'constructor', '__proto__', 'staff.signIn'];
    const terminals = ['kiosk-east', 'counter-shimin-1', 'supervisor', 'display-hall', 'nope', '', '../x'];
    const token = await signIn('counter-shimin-1', 'shimin01', '1111');
    const junkValue = (depth: number): unknown => {
      const k = rnd();
      if (depth > 4 || k < 0.3) return pick([null, true, false, 0, -1, 1e308, 'x', '', '2026-13-45', '=cmd|', 'ä'.repeat(Math.floor(rnd() * 50)), '00000000-0000-0000-0000-000000000000']);
      if (k < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => junkValue(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(rnd() * 5); i++) o[pick(['visitId', 'facts', 'lang', 'staffId', 'pin', 'date', 'format', 'kana', 'events', 'members', 'number', '__proto__', 'constructor', 'x'])] = junkValue(depth + 1);
      return o;
    };
    const body = (): string | Buffer | Buffer[] => {
      const k = rnd();
      if (k < 0.45) return JSON.stringify(junkValue(0));
      if (k < 0.55) return Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      if (k < 0.62) return '{"a":'.repeat(Math.floor(rnd() * 80)) + '1';
      if (k < 0.68) return Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Buffer.from(JSON.stringify(junkValue(1)).slice(0, 1 + Math.floor(rnd() * 40))));
      if (k < 0.7) return Buffer.alloc(1024 * 1024 + 1 + Math.floor(rnd() * 1000), 0x7b);
      if (k < 0.72) return Array.from({ length: 18 }, () => Buffer.alloc(64 * 1024, 0x5b));
      if (k < 0.8) return '';
      return JSON.stringify({ visitId: '00000000-0000-4000-8000-000000000000', lang: 'ja', facts: { events: ['certificate'], certificates: ['juminhyo'] }, staffId: pick(['shimin01', 'nobody']), pin: '1234' });
    };
    const headers = (): Record<string, string> => {
      const h: Record<string, string> = {};
      const ct = rnd();
      if (ct < 0.7) h['content-type'] = 'application/json';
      else if (ct < 0.8) h['content-type'] = 'text/plain';
      else if (ct < 0.85) h['content-type'] = 'application/json; charset=latin1';
      if (rnd() < 0.2) h.origin = pick(['http://evil.example', 'null', `http://127.0.0.1:${port}`, `http://127.0.0.1:${port}.evil.example`, 'file://']);
      if (rnd() < 0.1) h['sec-fetch-site'] = pick(['cross-site', 'same-site', 'same-origin', 'none', 'weird']);
      if (rnd() < 0.1) h.host = pick(['evil.example', `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, '127.0.0.1:1', 'x'.repeat(300)]);
      if (rnd() < 0.7) h['x-madoguchi-terminal'] = pick(terminals);
      if (rnd() < 0.3) h['x-madoguchi-session'] = pick([token, 'bogus', 'A'.repeat(5000), '']);
      if (rnd() < 0.1) h.cookie = pick([`${DEVICE_COOKIE}=nope`, `${DEVICE_COOKIE}=${'x'.repeat(300)}`, 'a=b; __proto__=1', '=']);
      return h;
    };
    const bad: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        const i = sent++;
        const r = rnd();
        const method = pick(methods);
        const path = r < 0.85 ? `/api/call/${method}` : pick(['/api/stream?x=1', '/api/pair', '/api/nope', '/api/call/', '/../../etc/passwd', '/%2e%2e/%2e%2e/x', '/api/health']);
        const verb = rnd() < 0.9 ? 'POST' : pick(['GET', 'PUT', 'DELETE', 'OPTIONS']);
        try {
          const res = await (path.startsWith('/api/stream') && verb === 'GET' ? streamOnce(headers()) : send({ path, method: verb, headers: headers(), body: verb === 'GET' ? undefined : body() }));
          if (res.status >= 500) bad.push(`#${i} ${verb} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
        } catch (e) {
          // The host may close a connection it refused mid-body (413): that is not a crash, the health check below says.
          if (!/ECONNRESET|EPIPE|socket hang up/.test(String(e))) bad.push(`#${i} ${verb} ${path}: ${String(e)}`);
        }
        if (i % 250 === 0) {
          const h = await send({ path: '/api/health', method: 'GET' });
          if (h.status !== 200) bad.push(`#${i}: health ${h.status}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(bad, `seed ${seed}`).toEqual([]);
    expect((await send({ path: '/api/health', method: 'GET' })).json).toMatchObject({ ok: true });
    const info = await callApi('terminal.info', {}, { 'x-madoguchi-terminal': 'kiosk-east' });
    expect(info.json?.ok).toBe(true);
  }, 120_000);
});

/** Opens the event stream, reads the first bytes, and closes it (a stream never ends by itself). */
function streamOnce(h: Record<string, string>): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/stream', method: 'GET', headers: { host: `127.0.0.1:${port}`, ...h }, setHost: false, agent: false }, (res) => {
      res.once('data', (c: Buffer) => {
        ok({ status: res.statusCode ?? 0, headers: res.headers, text: c.toString('utf8'), json: null });
        req.destroy();
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: null }));
      res.on('error', () => undefined);
    });
    req.on('error', (e) => (/ECONNRESET|socket hang up/.test(String(e)) ? undefined : fail(e)));
    req.end();
  });
}
