import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-main/common/sync/event';
import { LIMITS } from '../../src-main/common/sync/protocol';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { createSyncServer } from '../../src-main/node/sync/httpServer';
import { quarantineCount } from '../../src-main/node/sync/quarantine';
import { PULL_FIRST_CHUNK } from '../../src-main/node/sync/serverStore';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { tempDir } from '../support/tmp';
import { checkSample, fillServerStore } from './sync-fill';

/**
 * Memory (issue 15), the cheap regression of `npm run bench -- memory`: a sync server holding
 * 200,000 events answers a whole catch-up in pages that each read and hold a bounded number of
 * rows (not all of them, not a fixed 256 per origin however many origins there are), and a fresh
 * terminal folds what it pulls in bounded ingests rather than all at once. Real SQLite files, the
 * real HTTP server on loopback, the real client.
 */
const tmp = tempDir('madoguchi-sync-memory-');
afterAll(() => tmp.cleanup());

describe('sync memory stays bounded', () => {
  it('pulls 200,000 events over HTTP in pages that read and hold a bounded number of rows', async () => {
    const srv = createSyncServer({ file: `${tmp.dir}/server-200k.sqlite`, log: () => undefined });
    try {
      const fill = fillServerStore(srv.store, { events: 200_000, seedPerOrigin: 1000, groups: 10, scratch: tmp.dir });
      expect(fill.events).toBe(200_000);
      expect(fill.origins).toBe(40);
      expect(checkSample(srv.store, 500)).toEqual([]);
      const { url } = await srv.listen(0);
      const { token } = srv.store.enroll('fresh-wire', 'supervisor', 'honcho');
      const wire = new HttpTransport({ server: url, token, timeoutMs: 60_000 });
      const limit = LIMITS.maxEventsPerPull;
      const vv: Record<string, number> = {};
      let received = 0;
      let pages = 0;
      try {
        for (;;) {
          const page = await wire.pull(vv, limit);
          pages++;
          expect(page.events.length).toBeLessThanOrEqual(limit);
          for (const e of page.events) {
            // Each origin arrives as a contiguous run from its high-water mark.
            expect(e.seq).toBe((vv[e.origin] ?? 0) + 1);
            vv[e.origin] = e.seq;
          }
          received += page.events.length;
          if (!page.more) break;
        }
      } finally {
        wire.close();
      }
      expect(received).toBe(200_000);
      expect(Object.keys(vv)).toHaveLength(40);
      expect(pages).toBe(Math.ceil(200_000 / limit));

      const w = srv.store.pullWork;
      expect(w.eventsSent).toBe(200_000);
      // A page reads each origin PULL_FIRST_CHUNK rows first and doubles an origin's chunk only when
      // it takes all of it, so its buffers hold at most its events plus one first chunk per origin,
      // and it reads at most twice that: bounds in the page size and the origins, not in the
      // 200,000 events held (fixed 256-row chunks held 40 × 256 = 10,240 rows for every page).
      expect(w.maxRowsHeld).toBeLessThanOrEqual(limit + 40 * PULL_FIRST_CHUNK);
      expect(w.maxRowsReadPerPull).toBeLessThanOrEqual(2 * limit + 40 * PULL_FIRST_CHUNK);
      // Over the whole catch-up, rows read and then dropped (chunk tails a page did not use) stay
      // below the events sent.
      expect(w.rowsRead).toBeLessThan(2 * w.eventsSent);
      expect(w.pulls).toBe(pages);
    } finally {
      await srv.close();
    }
  });

  it('a fresh terminal folds a catch-up in bounded ingests, not all at once', async () => {
    const srv = createSyncServer({ file: `${tmp.dir}/server-24k.sqlite`, log: () => undefined });
    const store = Store.open({ file: `${tmp.dir}/fresh.sqlite`, nodeId: 'fresh-terminal', site: 'honcho' });
    try {
      const fill = fillServerStore(srv.store, { events: 24_000, seedPerOrigin: 1000, seedOrigins: 2, groups: 4, scratch: tmp.dir });
      expect(fill.events).toBe(24_000);
      const { url } = await srv.listen(0);
      const { token } = srv.store.enroll('fresh-terminal', 'supervisor', 'honcho');
      const ingests: number[] = [];
      store.on('events', (evs: StoredEvent[]) => ingests.push(evs.length));
      const client = new SyncClient({ store, transport: new HttpTransport({ server: url, token, timeoutMs: 60_000 }), pageSize: 1000, ingestBatch: 5000, stream: false });
      const r = await client.syncOnce({ push: false });
      await client.stop();
      expect(r.pulled).toBe(24_000);
      expect(quarantineCount(store.db)).toBe(0);
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n).toBe(6000);
      expect(ingests.reduce((a, b) => a + b, 0)).toBe(24_000);
      // At most one batch plus the page that filled it is in memory at a time.
      expect(Math.max(...ingests)).toBeLessThanOrEqual(5000 + 1000);
      expect(ingests.length).toBeGreaterThanOrEqual(4);
      expect(srv.store.pullWork.maxRowsHeld).toBeLessThanOrEqual(1000 + 8 * PULL_FIRST_CHUNK);
    } finally {
      store.close();
      await srv.close();
    }
  });
});

describe('a kept-alive socket the server closed while the terminal folded', () => {
  /**
   * A long fold blocks a terminal's event loop past the server's keep-alive timeout: the next pull
   * goes out on a socket the server has already closed and fails before any answer ("socket hang
   * up", seen by the 2,000,000-event memory bench). This server answers the first request on a
   * connection and hangs up on the next one, as a server whose keep-alive timer fired does.
   */
  it('sends a pull again once on a fresh socket, and still reports a reset on a fresh socket', async () => {
    const { createServer } = await import('node:net');
    let connections = 0;
    const answer = JSON.stringify({ protocol: 1, events: [], more: false, serverNow: 0 });
    let resetFresh = false;
    const server = createServer((socket) => {
      connections++;
      let requests = 0;
      let buf = '';
      socket.on('error', () => undefined);
      socket.on('data', (d) => {
        buf += d.toString('latin1');
        while (buf.includes('\r\n\r\n')) {
          buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
          requests++;
          if (requests > 1 || resetFresh) {
            socket.resetAndDestroy();
            return;
          }
          socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer)}\r\nconnection: keep-alive\r\n\r\n${answer}`);
        }
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    const t = new HttpTransport({ server: `http://127.0.0.1:${port}`, token: 'mdg1_test-token-123', timeoutMs: 5000 });
    try {
      expect((await t.pull({}, 10)).more).toBe(false);
      expect(connections).toBe(1);
      // The second pull goes out on the kept-alive socket, which is reset: sent again on a new one.
      expect((await t.pull({}, 10)).more).toBe(false);
      expect(connections).toBe(2);
      // A reset on a fresh socket is a real failure: reported, not hidden by a retry loop.
      resetFresh = true;
      t.close();
      const fresh = new HttpTransport({ server: `http://127.0.0.1:${port}`, token: 'mdg1_test-token-123', timeoutMs: 5000 });
      await expect(fresh.pull({}, 10)).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(connections).toBe(3);
      fresh.close();
    } finally {
      t.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
