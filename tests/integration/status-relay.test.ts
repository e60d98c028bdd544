import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_SNAPSHOT_VERSION, type StatusSnapshot } from '../../src-main/common/wait/snapshot';
import { createStatusRelay, type StatusRelay } from '../../src-main/node/statusRelay/server';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signSnapshot } from '../../src-main/node/statusRelay/signature';

/** The public relay on loopback, attacked with bad input: it refuses, answers, and stays up. */
const KEY = 'test-publish-key-0123456789';
const relays: StatusRelay[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
});

async function start(opts: { burst?: number; perSecond?: number; maxBodyBytes?: number; trustProxy?: boolean } = {}) {
  let now = Date.parse('2026-04-01T01:00:00Z');
  const relay = createStatusRelay({
    key: KEY,
    clock: () => now,
    rateLimit: { burst: opts.burst ?? 1000, perSecond: opts.perSecond ?? 1000 },
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.trustProxy ? { trustProxy: true } : {}),
  });
  relays.push(relay);
  const { url } = await relay.listen(0);
  return { relay, url, advance: (ms: number) => (now += ms), now: () => now };
}

function snapshot(at: number, extra: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    v: STATUS_SNAPSHOT_VERSION,
    site: 'honcho',
    businessDate: '2026-04-01',
    generatedAt: at,
    departments: [{ id: 'shimin', waiting: 2, openCounters: 2, estimateMinutes: 15 }],
    called: [{ n: 1001, c: '3' }],
    tickets: [
      { n: 1001, s: 'called', c: '3' },
      { n: 1002, s: 'waiting', a: 0, e: 4 },
      { n: 1003, s: 'waiting', a: 1, e: 15 },
      { n: 1004, s: 'away' },
    ],
    ...extra,
  };
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const r = await fetch(`${url}/publish`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: r.status, body: (await r.json()) as { ok: boolean; error?: { code: string } } };
}

function signed(ts: number, body: string, key = KEY) {
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signSnapshot(key, ts, body) };
}

async function publish(url: string, snap: StatusSnapshot) {
  const body = JSON.stringify(snap);
  return post(url, body, signed(snap.generatedAt, body));
}

/** A raw GET (fetch would normalise `..` away before it is sent). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const sock = connect(Number(u.port), u.hostname, () => sock.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`));
    let data = '';
    sock.on('data', (d) => (data += d.toString('utf8')));
    sock.on('end', () => ok({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
    sock.on('error', fail);
  });
}

const status = async (url: string, site: string, n: number | string) => {
  const r = await fetch(`${url}/status/${site}/${n}.json`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('status-relay', () => {
  it('accepts a signed snapshot and answers each number in one shape, known or not', async () => {
    const { url, now } = await start();
    expect((await publish(url, snapshot(now()))).status).toBe(200);
    const waiting = await status(url, 'honcho', 1003);
    expect(waiting.body).toEqual({ site: 'honcho', number: 1003, state: 'waiting', counter: null, ahead: 1, estimateMinutes: 15, updatedAt: new Date(now()).toISOString() });
    expect((await status(url, 'honcho', 1001)).body).toMatchObject({ state: 'called', counter: '3' });
    const unknown = await status(url, 'honcho', 4321);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(waiting.body).sort());
    expect(unknown.body).toMatchObject({ state: 'none', counter: null, ahead: null, estimateMinutes: null });
    // A site never published: same shape, "not available".
    const other = await status(url, 'shisho-1', 1003);
    expect(Object.keys(other.body).sort()).toEqual(Object.keys(waiting.body).sort());
    expect(other.body.state).toBe('unavailable');
  });

  it('refuses a missing or bad signature, another key, and a signature over another body', async () => {
    const { url, now } = await start();
    const body = JSON.stringify(snapshot(now()));
    expect((await post(url, body, {})).status).toBe(401);
    expect((await post(url, body, { [TIMESTAMP_HEADER]: String(now()) })).status).toBe(401);
    expect((await post(url, body, { [TIMESTAMP_HEADER]: String(now()), [SIGNATURE_HEADER]: 'v1=' + '0'.repeat(64) })).body.error?.code).toBe('bad-signature');
    expect((await post(url, body, signed(now(), body, 'another-key-of-enough-length'))).status).toBe(401);
    const tampered = JSON.stringify(snapshot(now(), { tickets: [{ n: 1002, s: 'called', c: '9' }] }));
    expect((await post(url, tampered, signed(now(), body))).status).toBe(401);
    expect((await status(url, 'honcho', 1002)).body.state).toBe('unavailable');
  });

  it('refuses a replayed or old snapshot, and one whose time is far from the clock', async () => {
    const { url, now, advance } = await start();
    const first = snapshot(now());
    expect((await publish(url, first)).status).toBe(200);
    advance(5000);
    const second = snapshot(now(), { tickets: [{ n: 1002, s: 'called', c: '1' }] });
    expect((await publish(url, second)).status).toBe(200);
    const replay = await publish(url, first);
    expect(replay.status).toBe(409);
    expect(replay.body.error?.code).toBe('replayed');
    expect((await status(url, 'honcho', 1002)).body).toMatchObject({ state: 'called', counter: '1' });
    const future = await publish(url, snapshot(now() + 10 * 60_000));
    expect(future.body.error?.code).toBe('stale');
    advance(10 * 60_000);
    const late = await publish(url, second);
    expect(late.status).toBe(409);
    // The hall stopped publishing: after the stale time the status is "not available".
    expect((await status(url, 'honcho', 1002)).body.state).toBe('unavailable');
  });

  it('refuses malformed JSON and snapshots with anything personal or unexpected in them', async () => {
    const { url, now, advance } = await start();
    const bad = '{"v":1,"site":';
    const r = await post(url, bad, signed(now(), bad));
    expect(r.status).toBe(400);
    for (const snap of [
      { ...snapshot(now()), tickets: [{ n: 1002, s: 'waiting', name: '山田 太郎' }] },
      { ...snapshot(now()), visitId: '00000000-0000-4000-8000-000000000001' },
      { ...snapshot(now()), tickets: [{ n: 1002, s: 'waiting', procedure: 'tennyu' }] },
      { ...snapshot(now()), site: '../etc' },
      { ...snapshot(now()), v: 99 },
      [1, 2, 3],
      'null',
    ]) {
      advance(1);
      const body = JSON.stringify(typeof snap === 'object' && snap && !Array.isArray(snap) ? { ...snap, generatedAt: now() } : snap);
      const res = await post(url, body, signed(now(), body));
      expect(res.status, body).toBe(400);
    }
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('bounds the body: a declared or streamed oversized snapshot is refused with 413', async () => {
    const { url, now } = await start({ maxBodyBytes: 4096 });
    const big = JSON.stringify(snapshot(now(), { tickets: Array.from({ length: 500 }, (_, i) => ({ n: i, s: 'waiting' as const, a: i, e: 1 })) }));
    expect(big.length).toBeGreaterThan(4096);
    expect((await post(url, big, signed(now(), big))).status).toBe(413);
    // Chunked, no content-length: cut off at the limit.
    const u = new URL(url);
    const streamed = await new Promise<number>((ok, fail) => {
      const req = request({ host: u.hostname, port: Number(u.port), path: '/publish', method: 'POST', headers: { ...signed(now(), big), 'transfer-encoding': 'chunked' } }, (res) => {
        ok(res.statusCode ?? 0);
        res.resume();
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE' ? ok(413) : fail(e)));
      for (let i = 0; i < 8; i++) req.write(big.slice(0, 1024));
      req.end();
    });
    expect(streamed).toBe(413);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('answers path traversal and odd addresses with 404, never a file', async () => {
    const { url, now } = await start();
    await publish(url, snapshot(now()));
    for (const p of ['/status/../../etc/passwd.json', '/status/honcho/..%2f..%2fetc%2fpasswd.json', '/status/%2e%2e/1001.json', '/status/honcho/1001.json/..', '/status/HONCHO/1001.json', '/status/honcho/-1.json', '/status/honcho/123456.json', '/s/../../etc/passwd', '/etc/passwd', '/status/honcho/1e3.json']) {
      const r = await rawGet(url, p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body, p).not.toMatch(/root:|1001/);
    }
    expect((await rawGet(url, '/s/honcho/1001')).status).toBe(200);
    expect((await rawGet(url, `/${'a'.repeat(5000)}`)).status).toBeGreaterThanOrEqual(400);
  });

  it('rate-limits a client that asks too often, and stays up for everyone', async () => {
    const { url, now, advance } = await start({ burst: 10, perSecond: 1 });
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await fetch(`${url}/status/honcho/${1000 + i}.json`)).status);
    expect(codes.slice(0, 10).every((c) => c === 200)).toBe(true);
    expect(codes.filter((c) => c === 429).length).toBe(20);
    const limited = await fetch(`${url}/health`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    advance(5000);
    expect((await publish(url, snapshot(now()))).status).toBe(200);
    expect((await status(url, 'honcho', 1003)).body.state).toBe('waiting');
  });

  it('behind a proxy (--trust-proxy), limits each phone by the address the proxy forwards', async () => {
    const { url } = await start({ burst: 3, perSecond: 0.001, trustProxy: true });
    const get = (ip: string) => fetch(`${url}/status/honcho/1.json`, { headers: { 'x-forwarded-for': `203.0.113.9, ${ip}` } }).then((r) => r.status);
    for (let i = 0; i < 3; i++) expect(await get('198.51.100.1')).toBe(200);
    expect(await get('198.51.100.1')).toBe(429);
    expect(await get('198.51.100.2')).toBe(200);
  });

  it('serves the phone page: small, with the eight languages, a strict CSP and no inline data of any visitor', async () => {
    const { url } = await start();
    const r = await fetch(`${url}/s/honcho/1003?lang=vi`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const html = await r.text();
    const { gzipSync } = await import('node:zlib');
    expect(r.headers.get('content-security-policy')).toMatch(/worker-src 'self'/);
    // Its service worker (the page in a dead spot) counts in the phone's budget too.
    const sw = await fetch(`${url}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    const swText = await sw.text();
    expect(swText).toContain("addEventListener('fetch'");
    expect(gzipSync(html).length + gzipSync(swText).length).toBeLessThan(50 * 1024);
    for (const s of ['あと約{{minutes}}分', 'Còn khoảng {{minutes}} phút', 'Now calling you: counter {{counter}}', '正在叫您的号', 'Tiếng Việt', 'Mất kết nối']) expect(html).toContain(s);
  });
});
