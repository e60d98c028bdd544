import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { SqliteSyncStorage } from '../../src-main/node/sync/storage';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { VisitService } from '../../src-main/node/visits/service';
import type { VersionVector } from '../../src-main/common/sync/event';
import type { PullResponse } from '../../src-main/common/sync/protocol';
import { tempDir } from '../support/tmp';
import { DirectTransport, rng, terminalConfig } from './sync-support';
import { VISIT_COLUMNS } from '../support/visitRows';

/**
 * A catch-up asks for the next page before it folds the current one, so the server prepares it
 * while the terminal folds (issue 15). Over HTTP the request only leaves when the event loop turns
 * (Node hands a request its keep-alive socket on the next tick), and a fold blocks the loop: the
 * client must let the loop turn between asking and folding, or the server waits for the fold and
 * the terminal then waits for the server (the catch-up took fold + wire time instead of the larger
 * of the two). The transport below, like an HTTP request, only "sends" a pull on the next turn of
 * the loop, and records whether it had been sent when each fold began.
 */
const tmp = tempDir('madoguchi-catchup-overlap-');
afterAll(() => tmp.cleanup());

describe('catch-up overlaps the next pull with the fold', () => {
  it('sends the next pull before each fold, and folds the same visits as the terminal that made them', async () => {
    const sqlite = SyncServerStore.open({ file: join(tmp.dir, 'server.sqlite'), log: () => undefined });
    const server = { current: new SqliteSyncStorage(sqlite) };
    const def = { id: 'kiosk-1', role: 'kiosk' as const, site: 'honcho', station: 'st1' };
    const origin = Store.open({ file: join(tmp.dir, 'kiosk.sqlite'), nodeId: def.id, site: 'honcho' });
    const visits = new VisitService(origin, terminalConfig(def, [{ id: 'st1', from: 1001, to: 1999 }]));
    const by = { terminal: def.id };
    origin.tx(() => {
      for (let i = 0; i < 150; i++) {
        const v = visits.issue({ station: 'st1', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, by);
        visits.callNumber(v.number, 'shimin', '1', by);
        visits.start(v.id, '1', by);
        visits.finishHere(v.id, '1', by, { leftOpenReason: 'test' });
      }
    });
    const faultless = { online: true, dropRequest: 0, loseAnswer: 0, duplicate: 0, mangle: 0 };
    const pusher = new SyncClient({ store: origin, transport: new DirectTransport(server, sqlite.enroll(def.id, 'admin', 'honcho').token, faultless, rng(1)), stream: false });
    await pusher.syncOnce();
    await pusher.stop();

    const sent: boolean[] = [];
    class SentOnNextTurn extends DirectTransport {
      override pull(vv: VersionVector, limit: number): Promise<PullResponse> {
        const i = sent.push(false) - 1;
        setImmediate(() => (sent[i] = true));
        return super.pull(vv, limit);
      }
    }
    const store = Store.open({ file: join(tmp.dir, 'display.sqlite'), nodeId: 'display-1', site: 'honcho' });
    // At each fold: how many pulls had been asked for, and had the last of them left?
    const folds: Array<{ asked: number; lastSent: boolean }> = [];
    const ingest = store.ingest.bind(store);
    store.ingest = (events, opts) => {
      folds.push({ asked: sent.length, lastSent: sent[sent.length - 1]! });
      return ingest(events, opts);
    };
    const client = new SyncClient({ store, transport: new SentOnNextTurn(server, sqlite.enroll('display-1', 'supervisor', 'honcho').token, faultless, rng(2)), pageSize: 50, ingestBatch: 50, stream: false });
    try {
      const r = await client.syncOnce();
      expect(r.pulled).toBe(600);
      // 12 pages of 50: every fold but the last began with the next page asked for and sent.
      expect(folds).toHaveLength(12);
      folds.slice(0, -1).forEach((f, i) => expect(f, `fold ${i + 1}`).toEqual({ asked: i + 2, lastSent: true }));
      expect(folds.at(-1)!.asked).toBe(12);
      const rows = (s: Store) => s.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits ORDER BY id`).all();
      expect(rows(store)).toEqual(rows(origin));
    } finally {
      await client.stop();
      store.close();
      origin.close();
      server.current.close();
    }
  });
});
