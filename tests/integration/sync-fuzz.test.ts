import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { SqliteSyncStorage, type SyncStorage } from '../../src-main/node/sync/storage';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { tempDir } from '../support/tmp';
import { issuedPayload, pick, rng, spawnSyncServer, type ServerProcess } from './sync-support';

interface Fuzz {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

function send(agent: Agent, base: string, f: Fuzz): Promise<number> {
  return new Promise((ok, fail) => {
    const r = request(`${base}${f.path}`, { method: f.method, headers: f.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
      res.on('error', fail);
    });
    r.on('error', (e) => fail(new Error(`${f.kind}: ${e.message}`)));
    r.end(f.body);
  });
}

function rawTcp(port: number, bytes: string): Promise<string> {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1', () => s.end(bytes));
    let got = '';
    s.setEncoding('utf8').on('data', (d: string) => (got += d));
    s.on('close', () => ok(got));
    s.on('error', () => ok(got));
  });
}

const pgMissing = postgresMissing();
if (pgMissing) console.log(`sync fuzz on PostgreSQL: skipped, ${pgMissing}`);

fuzzSuite('sqlite');
fuzzSuite('postgresql');

/** The same fuzz against a server process on each store. */
function fuzzSuite(kind: 'sqlite' | 'postgresql'): void {
  describe.skipIf(kind === 'postgresql' && !!pgMissing)(`fuzzed sync messages against a real server process (${kind})`, () => {
    const tmp = tempDir('madoguchi-sync-fuzz-');
    let server: ServerProcess;
    let file: string;
    let cluster: PgCluster | undefined;
    let pgStore: PgSyncStorage | undefined;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      file = join(tmp.dir, 'sync-server.sqlite');
      let db: string | undefined;
      const s: SyncStorage = kind === 'postgresql' ? await PgSyncStorage.open({ url: (db = await (cluster = startPgCluster()).createDatabase('fuzz')), log: () => undefined }) : new SqliteSyncStorage(SyncServerStore.open({ file, log: () => undefined }));
      tokens.kiosk = (await s.enroll('fuzz-kiosk', 'kiosk')).token;
      tokens.other = (await s.enroll('other-kiosk', 'kiosk')).token;
      tokens.revoked = (await s.enroll('gone', 'counter')).token;
      await s.revoke('gone');
      tokens.metrics = await s.createMetricsToken();
      if (s instanceof PgSyncStorage) pgStore = s;
      else await s.close();
      server = await spawnSyncServer(tmp.dir, 0, db ? { db } : {});
    });

    afterAll(async () => {
      server?.proc.kill('SIGKILL');
      await server?.exited;
      await pgStore?.close();
      cluster?.stop();
      tmp.cleanup();
    });

    it('rejects ≥1,000 corrupt, oversized, unauthenticated, foreign and old-protocol messages with 4xx; data intact', { timeout: 120_000 }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'x-madoguchi-protocol': '1', 'content-type': 'application/json' });
      const now = Date.now();
      const ev = (seq: number, origin = 'fuzz-kiosk', extra: Record<string, unknown> = {}) => ({
        origin,
        seq,
        hlc: encodeHlc({ wall: now + seq, logical: 0 }, origin),
        type: 'visit.issued',
        site: 'honcho',
        visitId: `v-${seq}`,
        payload: issuedPayload(`v-${seq}`, 1000 + seq, origin),
        ...extra,
      });
      // Some real data first: 20 events the fuzzing must leave exactly as they are.
      const seedBody = { protocol: 1, terminal: 'fuzz-kiosk', now, events: Array.from({ length: 20 }, (_, i) => ev(i + 1)), stations: [{ station: 'east', from: 1001, to: 1999 }] };
      expect(await send(agent, server.url, { kind: 'seed', method: 'POST', path: '/sync/push', headers: auth(tokens.kiosk!), body: JSON.stringify(seedBody) })).toBe(200);
      const snapshot = async () => {
        if (pgStore) {
          // The same digest from PostgreSQL; its own consistency is the database's job (no integrity pragma there).
          const rows = (await pgStore.pool.query('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events ORDER BY origin, seq')).rows;
          return { count: rows.length, digest: createHash('sha256').update(JSON.stringify(rows)).digest('hex'), integrity: 'ok' };
        }
        const db = new Database(file, { readonly: true });
        try {
          const rows = db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events ORDER BY origin, seq').all();
          return { count: rows.length, digest: createHash('sha256').update(JSON.stringify(rows)).digest('hex'), integrity: db.pragma('integrity_check', { simple: true }) };
        } finally {
          db.close();
        }
      };
      const before = await snapshot();
      expect(before).toMatchObject({ count: 20, integrity: 'ok' });

      const r = rng(20261127);
      const valid = () => ({ protocol: 1, terminal: 'fuzz-kiosk', now: Date.now(), events: [ev(21), ev(22)], stations: [] as unknown[] });
      type Mut = (b: Record<string, any>) => void;
      const wrongTypes: Mut[] = [
        (b) => (b.events[0].seq = String(b.events[0].seq)),
        (b) => (b.events[0].seq = -1),
        (b) => (b.events[0].seq = 0),
        (b) => (b.events[0].seq = 21.5),
        (b) => (b.events[0].seq = null),
        (b) => (b.events[0].hlc = 'not-a-clock'),
        (b) => (b.events[0].hlc = 12345),
        (b) => (b.events[0].hlc = encodeHlc({ wall: now, logical: 0 }, 'other-kiosk')),
        (b) => (b.events[0].origin = 42),
        (b) => (b.events[0].origin = 'UPPER CASE'),
        (b) => (b.events[0].type = ''),
        (b) => (b.events[0].type = 7),
        (b) => (b.events[0].type = 'x'.repeat(65)),
        (b) => (b.events[0].site = null),
        (b) => (b.events[0].visitId = 5),
        (b) => delete b.events[0].payload,
        (b) => (b.events[0].extra = 'field'),
        (b) => (b.events = {}),
        (b) => (b.events = 'events'),
        (b) => (b.events = null),
        (b) => (b.events = [null]),
        (b) => (b.events = [[]]),
        (b) => (b.now = 'now'),
        (b) => (b.now = -5),
        (b) => (b.protocol = '1'),
        (b) => delete b.protocol,
        (b) => delete b.terminal,
        (b) => (b.stations = [{ station: 'east', from: 9, to: 1 }]),
        (b) => (b.stations = [{ station: 'east', from: 0, to: 1 }]),
        (b) => (b.stations = 'east'),
        (b) => (b.evil = true),
        (b) => (b.events = Array.from({ length: 2001 }, (_, i) => ev(21 + i))),
      ];
      const foreign: Mut[] = [
        (b) => (b.events = [ev(1, 'other-kiosk')]),
        (b) => (b.terminal = 'other-kiosk'),
        (b) => (b.events[0].site = 'sakai'),
        (b) => (b.events = [ev(25)]), // a gap: the server holds up to 20
        (b) => (b.events = [{ ...ev(3), hlc: encodeHlc({ wall: now - 99, logical: 1 }, 'fuzz-kiosk') }]), // rewrites history
        (b) => (b.stations = [{ station: 'east', from: 1001, to: 1999 }, { station: 'west', from: 1500, to: 2500 }]), // overlaps its own? no: refused as another holder below
      ];
      const fuzz: Fuzz[] = [];
      const push = (kind: string, body: Buffer | string, headers: Record<string, string> = auth(tokens.kiosk!)) => fuzz.push({ kind, method: 'POST', path: '/sync/push', headers, body });
      for (let i = 0; i < 1100; i++) {
        const x = r();
        const body = valid();
        const text = JSON.stringify(body);
        if (x < 0.2) {
          const style = pick(r, ['truncate', 'prefix', 'bytes', 'empty']);
          if (style === 'truncate') push('corrupt-json', text.slice(0, Math.floor(r() * (text.length - 1))));
          else if (style === 'prefix') push('corrupt-json', pick(r, ['\u0000', '<xml>', ']', 'NaN', '{{']) + text);
          else if (style === 'bytes') push('corrupt-json', Buffer.from(Array.from({ length: 1 + Math.floor(r() * 300) }, () => 128 + Math.floor(r() * 128))));
          else push('corrupt-json', '');
        } else if (x < 0.45) {
          const m = pick(r, wrongTypes);
          m(body);
          push('wrong-type', JSON.stringify(body));
        } else if (x < 0.47) {
          push('wrong-type', JSON.stringify(pick(r, [[], 5, 'text', null, true])));
        } else if (x < 0.5) {
          const kind = pick(r, ['payload', 'declared', 'events']);
          if (kind === 'payload') {
            body.events[0]!.payload = { text: 'x'.repeat(70 * 1024) };
            push('oversized', JSON.stringify(body));
          } else if (kind === 'declared') {
            fuzz.push({ kind: 'oversized', method: 'POST', path: '/sync/push', headers: { ...auth(tokens.kiosk!), 'content-length': String(50 * 1024 * 1024) }, body: undefined });
          } else {
            body.events = Array.from({ length: 2500 }, (_, k) => ev(21 + k));
            push('oversized', JSON.stringify(body));
          }
        } else if (x < 0.65) {
          const h = pick(r, [
            { 'x-madoguchi-protocol': '1', 'content-type': 'application/json' },
            { ...auth('mdg1_wrongwrongwrongwrongwrongwrongwrongwrong') },
            { ...auth(tokens.kiosk!), authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
            { ...auth(tokens.kiosk!), authorization: 'Bearer' },
            auth(tokens.revoked!),
          ]);
          if (r() < 0.5) push('unauthenticated', text, h);
          else fuzz.push({ kind: 'unauthenticated', method: 'GET', path: '/sync/pull?protocol=1', headers: h });
        } else if (x < 0.78) {
          const m = pick(r, foreign);
          m(body);
          push('foreign', JSON.stringify(body), body.stations.length > 1 ? auth(tokens.other!) : auth(tokens.kiosk!));
        } else if (x < 0.88) {
          const v = pick(r, [undefined, '0', '2', 'abc', '1.0', '-1', '999999999']);
          const h: Record<string, string> = { ...auth(tokens.kiosk!) };
          if (v === undefined) delete h['x-madoguchi-protocol'];
          else h['x-madoguchi-protocol'] = v;
          if (r() < 0.3) {
            push('bad-protocol', JSON.stringify({ ...body, protocol: pick(r, [0, 2, 3]) }));
          } else if (r() < 0.5) push('bad-protocol', text, h);
          else fuzz.push({ kind: 'bad-protocol', method: 'GET', path: `/sync/pull?protocol=${pick(r, ['0', '2', 'x'])}`, headers: auth(tokens.kiosk!) });
        } else if (x < 0.96) {
          const q = pick(r, [
            'protocol=1&vv=not-json',
            'protocol=1&vv=%5B%5D',
            'protocol=1&vv=%7B%22fuzz-kiosk%22%3A-1%7D',
            'protocol=1&vv=%7B%22fuzz-kiosk%22%3A%22x%22%7D',
            'protocol=1&limit=0',
            'protocol=1&limit=999999',
            'protocol=1&limit=x',
            'protocol=1&evil=1',
            'protocol=1&protocol=1',
            'vv=%7B%7D',
            `protocol=1&vv=${encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 600 }, (_, k) => [`o-${k}`, k]))))}`,
          ]);
          fuzz.push({ kind: 'bad-pull', method: 'GET', path: `/sync/pull?${q}`, headers: auth(tokens.kiosk!) });
        } else {
          const [method, path] = pick(r, [
            ['GET', '/sync/push'],
            ['DELETE', '/sync/pull'],
            ['PUT', '/sync/push'],
            ['POST', '/sync/stream'],
            ['GET', '/sync/../../etc/passwd'],
            ['GET', '/nothing'],
            ['POST', '/health'],
          ] as const);
          fuzz.push({ kind: 'wrong-route', method, path, headers: auth(tokens.kiosk!), ...(method === 'POST' || method === 'PUT' ? { body: text } : {}) });
        }
      }
      // A handful of whole bodies beyond the 4 MB limit.
      for (let i = 0; i < 4; i++) push('oversized', JSON.stringify({ ...valid(), pad: 'x'.repeat(4 * 1024 * 1024 + 10) }));

      expect(fuzz.length).toBeGreaterThanOrEqual(1000);
      const statuses = new Map<string, Set<number>>();
      const bad: string[] = [];
      const queue = [...fuzz];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let f = queue.shift(); f; f = queue.shift()) {
            let status: number;
            try {
              status = await send(agent, server.url, f);
            } catch (e) {
              // An oversized body may be cut off after the 413 was sent; that is the point of the limit.
              if (f.kind === 'oversized') continue;
              throw e;
            }
            if (!statuses.has(f.kind)) statuses.set(f.kind, new Set());
            statuses.get(f.kind)!.add(status);
            if (status < 400 || status > 499) bad.push(`${f.kind} ${f.method} ${f.path} → ${status}: ${String(f.body ?? '').slice(0, 160)}`);
          }
        }),
      );
      agent.destroy();
      expect(bad).toEqual([]);
      expect([...statuses.keys()].sort()).toEqual(['bad-protocol', 'bad-pull', 'corrupt-json', 'foreign', 'oversized', 'unauthenticated', 'wrong-route', 'wrong-type']);
      expect([...statuses.get('bad-protocol')!]).toContain(426);
      expect([...statuses.get('unauthenticated')!]).toEqual([401]);
      expect([...statuses.get('oversized')!]).toContain(413);
      expect([...statuses.get('foreign')!].sort()).toEqual(expect.arrayContaining([403, 409]));

      // Malformed HTTP on raw sockets: answered 400, never a crash.
      for (const junk of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\nHost\r\n\r\n', 'POST /sync/push HTTP/1.1\r\ncontent-length: abc\r\n\r\n', '\u0000\u0001\u0002\r\n\r\n']) {
        expect(await rawTcp(server.port, junk)).toMatch(/^HTTP\/1\.1 400/);
      }

      expect(server.proc.exitCode).toBeNull();
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, db: 'ok' });
      expect(await snapshot()).toEqual(before);
      const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${tokens.metrics}` } })).text();
      expect(metrics).toMatch(/madoguchi_sync_rejections_total\{reason="bad-input"\} \d{2,}/);
    });
  });
}
