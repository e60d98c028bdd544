import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatusRelay } from '../../src-main/node/statusRelay/server';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { StatusPublisher, checkPublishUrl } from '../../src-main/node/sync/publish';
import { tempDir } from '../support/tmp';
import { runCliProcess } from './sync-support';

/** The sync service's publisher against a real server database and a real relay on loopback. */
const KEY = 'publisher-test-key-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('status publisher', () => {
  it('publishes nothing while the day is empty, then every site as events arrive (a quiet round never blocks the next)', async () => {
    const { dir, cleanup } = tempDir('madoguchi-publish-');
    cleanups.push(cleanup);
    const store = SyncServerStore.open({ file: join(dir, 'sync-server.sqlite') });
    cleanups.push(() => store.close());
    let now = Date.parse('2026-04-01T01:00:00Z');
    const relay = createStatusRelay({ key: KEY, clock: () => now });
    const { url } = await relay.listen(0);
    cleanups.push(() => relay.close());
    const pub = new StatusPublisher({ db: store.db, url: `${url}/publish`, key: KEY, clock: () => now });

    await pub.tick();
    expect(pub.stats).toEqual({ published: 0, failed: 0 });

    let seq = 0;
    const put = (site: string, visitId: string, type: string, payload: Record<string, unknown>) => {
      seq++;
      store.db
        .prepare('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(`kiosk-${site}`, seq, `${String(now).padStart(15, '0')}-${String(seq).padStart(4, '0')}`, type, site, visitId, JSON.stringify({ visitId, ...payload }), new Date(now).toISOString());
      store.db.prepare('INSERT INTO origins (origin, site, max_seq) VALUES (?, ?, ?) ON CONFLICT(origin) DO UPDATE SET max_seq = excluded.max_seq').run(`kiosk-${site}`, site, seq);
    };
    const by = { terminal: 'k' };
    const issue = (site: string, id: string, number: number) =>
      put(site, id, 'visit.issued', { businessDate: '2026-04-01', station: 'east', number, lang: 'vi', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'], adjustments: [], source: 'kiosk', at: new Date(now).toISOString(), by });
    const A = '00000000-0000-4000-8000-00000000000a';
    const B = '00000000-0000-4000-8000-00000000000b';
    issue('honcho', A, 1001);
    issue('shisho-1', B, 5001);
    now += 1000;
    await pub.tick();
    expect(pub.stats).toEqual({ published: 2, failed: 0 });
    expect(relay.latest('honcho')?.tickets).toEqual([{ n: 1001, s: 'waiting', a: 0, e: expect.any(Number) }]);
    expect(relay.latest('shisho-1')?.tickets.map((t) => t.n)).toEqual([5001]);

    put('honcho', A, 'visit.called', { department: 'shimin', counter: '2', at: new Date(now).toISOString(), by });
    now += 1000;
    await pub.tick();
    expect(relay.latest('honcho')?.called).toEqual([{ n: 1001, c: '2' }]);
    expect(JSON.stringify(relay.latest('honcho'))).not.toContain(A);
  });

  it('refuses a bad publish URL or key, naming the flag', () => {
    expect(() => checkPublishUrl('ftp://x/publish')).toThrow(/--publish: use an http/);
    expect(() => checkPublishUrl('not a url')).toThrow(/--publish: "not a url" is not a URL/);
    const { dir, cleanup } = tempDir('madoguchi-publish-');
    cleanups.push(cleanup);
    const store = SyncServerStore.open({ file: join(dir, 'sync-server.sqlite') });
    cleanups.push(() => store.close());
    expect(() => new StatusPublisher({ db: store.db, url: 'http://127.0.0.1:1/publish', key: 'short' })).toThrow(/--publish-key: the publish key must be at least 16/);
  });

  it('sync-server and status-relay refuse half or bad publishing flags, naming the flag (exit 2)', async () => {
    const { dir, cleanup } = tempDir('madoguchi-publish-');
    cleanups.push(cleanup);
    const half = await runCliProcess(['sync-server', '--port', '0', '--data', dir, '--publish', 'http://127.0.0.1:1/publish']);
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/--publish URL and --publish-key K/);
    const ftp = await runCliProcess(['sync-server', '--port', '0', '--data', dir, '--publish', 'ftp://x/publish', '--publish-key', KEY]);
    expect(ftp.code).toBe(2);
    expect(ftp.err).toMatch(/--publish: use an http/);
    const relay = await runCliProcess(['status-relay', '--port', '0', '--key', 'short']);
    expect(relay.code).toBe(2);
    expect(relay.err).toMatch(/--key: the publish key must be at least 16/);
  }, 60_000);
});
