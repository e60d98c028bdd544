/**
 * How big a pull answer may be, on both sides of the wire (issue 15's memory goal, and the trust
 * goal: a corrupt or hostile answer must not fill a terminal's memory).
 *
 * - The server ends a page once the events in it pass LIMITS.maxPullPageChars of text, not only at
 *   2,000 events: large payloads (a counter's long memo, a published catalog) come in several
 *   pages, each origin's part still a prefix from its mark. Both stores: SQLite always, PostgreSQL
 *   when installed (a throwaway cluster).
 * - A terminal reads at most LIMITS.maxPullAnswerBytes of an answer (by Content-Length, or as it
 *   arrives) and a live-stream notice of bounded size; beyond that it refuses with an error that
 *   says so, closes the connection, and the next exchange works.
 *
 * Real stores, the real HTTP server and client on loopback; the hostile servers are real sockets.
 * Replay: SYNC_ANSWER_LIMITS_SEED=<seed printed below>.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/common/random';
import { LIMITS, PROTOCOL_VERSION } from '../../src-main/common/sync/protocol';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { createSyncServer, type SyncServer } from '../../src-main/node/sync/httpServer';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { HttpTransport, SyncRemoteError } from '../../src-main/node/sync/transport';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { tempDir } from '../support/tmp';
import { issuedPayload } from './sync-support';

const SEED = Number(process.env.SYNC_ANSWER_LIMITS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`sync-answer-limits: SYNC_ANSWER_LIMITS_SEED=${SEED}`);

const pgMissing = postgresMissing();
if (pgMissing) console.log(`sync answer limits on PostgreSQL: skipped, ${pgMissing}`);

const HALLS = ['admin-1', 'admin-2'];
const PER_HALL = 300;

/** A memo of `chars` UTF-16 units in several scripts (a UTF-8 size of up to about 1.3× that). */
function memo(r: () => number, chars: number): string {
  const parts = ['窓口', 'abc', ' ', 'é', '😀', '"', '\\', 'x'.repeat(20)];
  let s = '';
  while (s.length < chars) s += parts[Math.floor(r() * parts.length)];
  return s.slice(0, chars - 1) + '.';
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe.skipIf(kind === 'postgresql' && !!pgMissing)(`pull pages bounded by their text (${kind})`, () => {
    const tmp = tempDir('madoguchi-answer-limits-');
    let cluster: PgCluster | undefined;
    let srv: SyncServer | undefined;
    const stores: Store[] = [];
    afterAll(async () => {
      for (const s of stores) s.close();
      await srv?.close();
      cluster?.stop();
      tmp.cleanup();
    });

    it('events of large payloads come in pages under the text budget, each origin contiguous, and a fresh terminal takes them all', { timeout: 120_000 }, async () => {
      if (kind === 'postgresql') {
        cluster = startPgCluster();
        srv = createSyncServer({ storage: await PgSyncStorage.open({ url: await cluster.createDatabase('answer_limits'), log: () => undefined }), log: () => undefined });
      } else srv = createSyncServer({ file: join(tmp.dir, 'server.sqlite'), log: () => undefined });
      const { url } = await srv.listen(0, '127.0.0.1');
      const r = mulberry32(SEED);
      // Two terminals each issue 300 visits whose interview facts hold a memo of 15,000-21,000
      // units (at most 3 bytes each in UTF-8 and JSON: under the 64 KiB payload limit), some 11
      // million units of stored text in all: three pages' worth. (Facts are the one free-form part of a payload; fields a schema does
      // not name are dropped on the way.)
      let total = 0;
      for (const id of HALLS) {
        const store = Store.open({ file: join(tmp.dir, `${id}.sqlite`), nodeId: id, site: 'honcho' });
        stores.push(store);
        for (let i = 1; i <= PER_HALL; i++) {
          const m = memo(r, 15_000 + Math.floor(r() * 6_000));
          total += m.length;
          const visitId = `v-${id}-${i}`;
          store.append('visit.issued', issuedPayload(visitId, i, id, { at: new Date(1_790_000_000_000 + i * 1000).toISOString(), facts: { memo: m } }), { visitId });
        }
        // An administrator's terminal may issue without a station of its own.
        const { token } = await srv.storage.enroll(id, 'admin', { site: 'honcho' });
        const c = new SyncClient({ store, transport: new HttpTransport({ server: url, token }), stream: false });
        expect(await c.syncOnce({ pull: false })).toMatchObject({ pushed: PER_HALL });
        await c.stop();
      }
      expect(total).toBeGreaterThan(2 * LIMITS.maxPullPageChars);

      // Page by page over the wire, as an administrator (the one role that reads interview facts).
      const { token } = await srv.storage.enroll('admin-8', 'admin', { site: 'honcho' });
      const wire = new HttpTransport({ server: url, token });
      const vv: Record<string, number> = {};
      let skipped = 0;
      const pages: Array<{ events: number; chars: number; more: boolean }> = [];
      try {
        for (;;) {
          const page = await wire.pull(vv, LIMITS.maxEventsPerPull);
          for (const e of page.events) {
            if (e.type !== 'visit.issued') skipped++;
            expect(e.seq).toBe((vv[e.origin] ?? 0) + 1);
            vv[e.origin] = e.seq;
          }
          pages.push({ events: page.events.length, chars: JSON.stringify(page).length, more: page.more });
          if (!page.more) break;
          expect(pages.length).toBeLessThan(20);
        }
      } finally {
        wire.close();
      }
      expect(vv).toEqual({ 'admin-1': PER_HALL, 'admin-2': PER_HALL });
      expect(skipped).toBe(0);
      // Several pages, none near 2,000 events; each ends once it passed the budget, so it holds at
      // most the budget plus one event (a payload of at most 64 KiB and its envelope).
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const p of pages) {
        expect(p.events).toBeGreaterThan(0);
        expect(p.events).toBeLessThan(LIMITS.maxEventsPerPull / 2);
        expect(p.chars).toBeLessThan(LIMITS.maxPullPageChars + 70_000);
      }
      for (const p of pages.slice(0, -1)) {
        expect(p.more).toBe(true);
        expect(p.chars).toBeGreaterThan(LIMITS.maxPullPageChars - 70_000);
      }

      // A fresh administrator's terminal catches up through the real client: every event, every memo intact.
      const fresh = Store.open({ file: join(tmp.dir, 'fresh.sqlite'), nodeId: 'admin-9', site: 'honcho' });
      stores.push(fresh);
      const t9 = (await srv.storage.enroll('admin-9', 'admin', { site: 'honcho' })).token;
      const c9 = new SyncClient({ store: fresh, transport: new HttpTransport({ server: url, token: t9 }), stream: false });
      expect(await c9.syncOnce()).toMatchObject({ pulled: 2 * PER_HALL });
      await c9.stop();
      const own = 'SELECT origin, seq, payload FROM events WHERE origin = ? ORDER BY seq';
      for (const id of HALLS) {
        const mine = stores.find((s) => s.nodeId === id)!.db.prepare(own).all(id);
        expect(mine).toHaveLength(PER_HALL);
        expect(fresh.db.prepare(own).all(id)).toEqual(mine);
      }
    });
  });
}

describe('a terminal reads bounded answers', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  /** A loopback server answering every request with `answer`; counts the bytes it managed to write. */
  async function hostile(answer: (res: ServerResponse, sent: { bytes: number; closed: boolean }, path: string) => void) {
    const sent = { bytes: 0, closed: false };
    const s = createServer((req, res) => {
      res.on('close', () => (sent.closed = true));
      answer(res, sent, req.url ?? '');
    });
    servers.push(s);
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, sent };
  }

  it('an answer that declares more than the limit is refused before its body is read', async () => {
    const { url, sent } = await hostile((res, sent) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMITS.maxPullAnswerBytes + 1) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && sent.bytes < LIMITS.maxPullAnswerBytes && res.write(chunk)) sent.bytes += chunk.length;
        if (!res.destroyed && sent.bytes < LIMITS.maxPullAnswerBytes) res.once('drain', pump);
      };
      pump();
    });
    const t = new HttpTransport({ server: url, token: 'x'.repeat(20) });
    const e = await t.pull({}, 10).catch((x: unknown) => x);
    t.close();
    expect(e).toBeInstanceOf(SyncRemoteError);
    expect((e as SyncRemoteError).code).toBe('answer-too-large');
    expect((e as Error).message).toContain(`is ${LIMITS.maxPullAnswerBytes + 1} bytes long (Content-Length); a sync answer is at most ${LIMITS.maxPullAnswerBytes} bytes`);
    await expect.poll(() => sent.closed).toBe(true);
    expect(sent.bytes).toBeLessThan(LIMITS.maxPullAnswerBytes / 2);
  });

  it('an endless chunked answer is cut at the limit; the client reports it and syncs again once the server is sane', { timeout: 60_000 }, async () => {
    let sane = false;
    const { url, sent } = await hostile((res, sent, path) => {
      if (!path.startsWith('/sync/pull')) {
        // A push (this terminal has nothing to send) is answered as a sync server would.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ protocol: PROTOCOL_VERSION, accepted: 0, duplicates: 0, have: 0, serverNow: Date.now(), skew: { ms: 0, flagged: false }, conflicts: [] }));
        return;
      }
      if (sane) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ protocol: PROTOCOL_VERSION, events: [], more: false, serverNow: Date.now() }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"protocol":3,"events":[');
      const chunk = Buffer.from('{"origin":"a","seq":1},'.repeat(4000));
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent.bytes += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const dir = tempDir('madoguchi-answer-limits-client-');
    const store = Store.open({ file: join(dir.dir, 't.sqlite'), nodeId: 'display-1', site: 'honcho' });
    try {
      const c = new SyncClient({ store, transport: new HttpTransport({ server: url, token: 'x'.repeat(20) }), stream: false });
      await expect(c.syncOnce()).rejects.toThrow(/the answer from http:\/\/127\.0\.0\.1:\d+ is longer than that; a sync answer is at most 33554432 bytes: refused/);
      expect(c.status().state).toBe('offline');
      await expect.poll(() => sent.closed).toBe(true);
      // It stopped reading at the limit: the server got no further than its socket buffers allow.
      expect(sent.bytes).toBeLessThan(LIMITS.maxPullAnswerBytes + 16 * 1024 * 1024);
      expect(store.eventCount()).toBe(0);
      sane = true;
      await expect(c.syncOnce()).resolves.toMatchObject({ pulled: 0 });
      expect(c.status().state).toBe('online');
      await c.stop();
    } finally {
      store.close();
      dir.cleanup();
    }
  });

  it('a live stream that never ends a notice is closed with a reason, not buffered without end', async () => {
    const { url, sent } = await hostile((res, sent) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: events\ndata: ');
      const chunk = 'x'.repeat(16 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent.bytes += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const t = new HttpTransport({ server: url, token: 'x'.repeat(20) });
    const closed = await new Promise<Error | undefined>((ok) => t.stream({ onNotice: () => undefined, onClose: ok }));
    t.close();
    expect(closed?.message).toMatch(/the live stream from http:\/\/127\.0\.0\.1:\d+ sent \d+ characters without ending a notice \(at most 262144\): closed/);
    await expect.poll(() => sent.closed).toBe(true);
  });
});
