/**
 * Issue 15: the sync server writes each pull answer into a buffer it keeps from one answer to the
 * next (src-main/node/sync/pageBytes.ts). A buffer goes back to the pool only once its response
 * has handed the last byte to the operating system. These tests hold that on a real server on
 * loopback: a terminal that stops reading in the middle of a 2,000-event answer still receives
 * exactly that answer after many other pulls were answered meanwhile, and one that hangs up
 * mid-answer leaves the service answering. Replay: SYNC_PAGE_BUFFERS_SEED=<seed printed below>.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/common/random';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type PullResponse } from '../../src-main/common/sync/protocol';
import { PageBytes, PageBytesPool } from '../../src-main/node/sync/pageBytes';
import { createSyncServer, type SqliteSyncServer } from '../../src-main/node/sync/httpServer';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { tempDir } from '../support/tmp';

const SEED = Number(process.env.SYNC_PAGE_BUFFERS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`sync-page-buffers: SYNC_PAGE_BUFFERS_SEED=${SEED}`);

const ORIGINS = ['hall-1', 'hall-2', 'hall-3'];
const PER_ORIGIN = 2000;

describe('PageBytes', () => {
  it('writes UTF-8 exactly, grows from any size, and keeps its memory across clear()', () => {
    const r = mulberry32(SEED);
    const parts = ['{"a":', '"窓口"', ',"b":"😀é\\u2028"', ',"c":[1,2,3]', '}', ''.padEnd(300, 'x'), '"伊勢崎市 総合窓口"'];
    for (const initial of [1, 7, 64, 4096]) {
      const page = new PageBytes(initial);
      for (let round = 0; round < 3; round++) {
        page.clear();
        let text = '';
        const n = 1 + Math.floor(r() * 200);
        for (let i = 0; i < n; i++) {
          const p = parts[Math.floor(r() * parts.length)]!;
          page.write(p);
          text += p;
          if (r() < 0.1) {
            const raw = Buffer.from(p, 'utf8');
            page.append(raw);
            text += p;
          }
        }
        expect(page.bytes().equals(Buffer.from(text, 'utf8'))).toBe(true);
        expect(page.text()).toBe(text);
        expect(page.length).toBe(Buffer.byteLength(text));
      }
      const held = page.capacity;
      page.clear();
      page.write('{}');
      expect(page.capacity).toBe(held);
      expect(page.text()).toBe('{}');
    }
  });

  it('a pool lends a kept buffer again, keeps at most its count and drops a huge one', () => {
    const pool = new PageBytesPool(2, 1024 * 1024);
    const a = pool.take();
    a.write('first');
    pool.give(a);
    const again = pool.take();
    expect(again === a).toBe(true);
    expect(again.length).toBe(0);
    const b = pool.take();
    const c = pool.take();
    pool.give(again);
    pool.give(again); // given twice by mistake: held once
    pool.give(b);
    pool.give(c); // a third: not kept
    expect(pool.idle).toBe(2);
    const huge = new PageBytes(16);
    huge.write(''.padEnd(5000, 'z'));
    const pool2 = new PageBytesPool(2, 4096);
    pool2.give(huge);
    expect(pool2.idle).toBe(0);
  });
});

describe('pull answers from kept buffers over loopback', () => {
  const tmp = tempDir('madoguchi-page-buffers-');
  let srv: SqliteSyncServer;
  let url: string;
  let port: number;
  let token: string;

  beforeAll(async () => {
    srv = createSyncServer({ file: join(tmp.dir, 'server.sqlite'), log: () => undefined });
    const r = mulberry32(SEED ^ 0x2545f491);
    const insert = srv.store.db.prepare('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const mark = srv.store.db.prepare('INSERT INTO origins (origin, site, max_seq) VALUES (?, ?, ?)');
    srv.store.db.transaction(() => {
      for (const origin of ORIGINS) {
        for (let seq = 1; seq <= PER_ORIGIN; seq++) {
          // Each event's payload differs (origin, seq, random text in several scripts), so an answer
          // overwritten by another would not pass for the right one.
          const note = Array.from({ length: 850 + Math.floor(r() * 300) }, () => '窓口aé😀b"\\'[Math.floor(r() * 9)]).join('');
          const payload = JSON.stringify({ origin, seq, note, items: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => ({ id: `item-${seq}-${i}`, fee: Math.floor(r() * 1000) })) });
          insert.run(origin, seq, encodeHlc({ wall: 1_790_000_000_000 + seq * 10 + Math.floor(r() * 10), logical: 0 }, origin), 'visit.called', 'honcho', `v-${origin}-${seq}`, payload, '2026-12-04T00:00:00.000Z');
        }
        mark.run(origin, 'honcho', PER_ORIGIN);
      }
    })();
    token = srv.store.enroll('counter-1', 'counter', 'honcho').token;
    ({ url, port } = await srv.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await srv.close();
    tmp.cleanup();
  });

  /** The events of a pull as the store's objects say (serverNow aside). */
  function expected(vv: Record<string, number>, limit: number): PullResponse['events'] {
    const who = srv.store.enroll('reference', 'counter', 'honcho').terminal;
    return srv.store.pull(who, { protocol: String(PROTOCOL_VERSION), vv: JSON.stringify(vv), limit: String(limit) }).events;
  }

  function rawPull(vv: Record<string, number>, limit: number): Socket {
    const s = connect(port, '127.0.0.1');
    const q = new URLSearchParams({ protocol: String(PROTOCOL_VERSION), vv: JSON.stringify(vv), limit: String(limit) });
    s.write(`GET /sync/pull?${q} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\r\nconnection: close\r\n\r\n`);
    return s;
  }

  it(`a terminal that stops reading mid-answer still gets its own answer, byte for byte, after others were answered (seed ${SEED})`, async () => {
    const slow = rawPull({}, 2000);
    const received: Buffer[] = [];
    // Take the first bytes, then stop reading: the rest of the answer waits in the server's socket.
    await new Promise<void>((ok) =>
      slow.once('data', (c: Buffer) => {
        received.push(c);
        slow.pause();
        ok();
      }),
    );
    // Meanwhile other terminals pull other pages, each answer from a kept buffer.
    const r = mulberry32(SEED);
    const fast = new HttpTransport({ server: url, token });
    try {
      for (let i = 0; i < 30; i++) {
        const vv = Object.fromEntries(ORIGINS.map((o) => [o, Math.floor(r() * PER_ORIGIN)]));
        const limit = 1 + Math.floor(r() * 2000);
        const page = await fast.pull(vv, limit);
        expect(page.events).toEqual(expected(vv, limit));
      }
    } finally {
      fast.close();
    }
    slow.on('data', (c: Buffer) => received.push(c));
    const ended = new Promise<void>((ok) => slow.once('end', ok));
    slow.resume();
    await ended;
    const all = Buffer.concat(received);
    const split = all.indexOf('\r\n\r\n');
    const head = all.subarray(0, split).toString('latin1');
    const body = all.subarray(split + 4);
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(Number(/content-length: (\d+)/i.exec(head)?.[1])).toBe(body.length);
    // The answer was far larger than what the socket buffers hold, so it was still being sent
    // while the other answers were written.
    expect(body.length).toBeGreaterThan(4_500_000);
    const answer = JSON.parse(body.toString('utf8')) as PullResponse;
    expect(answer.events).toEqual(expected({}, 2000));
    expect(answer.more).toBe(true);
  });

  it('a terminal that hangs up mid-answer leaves the service answering the others correctly', async () => {
    for (let k = 0; k < 5; k++) {
      const quitter = rawPull({ 'hall-2': k * 100 }, 2000);
      await new Promise<void>((ok) => quitter.once('data', () => ok()));
      quitter.destroy();
    }
    const t = new HttpTransport({ server: url, token });
    try {
      expect((await t.pull({ 'hall-1': 10 }, 1500)).events).toEqual(expected({ 'hall-1': 10 }, 1500));
      const all = await t.pull({}, 2000);
      expect(all.events).toEqual(expected({}, 2000));
    } finally {
      t.close();
    }
  });
});
