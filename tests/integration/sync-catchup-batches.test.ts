import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { SqliteSyncStorage } from '../../src-main/node/sync/storage';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { VisitService } from '../../src-main/node/visits/service';
import { tempDir } from '../support/tmp';
import { QUARANTINED_EVENT } from '../../src-main/common/sync/authorisation';
import type { VersionVector } from '../../src-main/common/sync/event';
import type { PullResponse } from '../../src-main/common/sync/protocol';
import { quarantineCount } from '../../src-main/node/sync/quarantine';
import { DirectTransport, rng, terminalConfig } from './sync-support';
import { VISIT_COLUMNS } from '../support/visitRows';

/**
 * A catch-up folds in batches (issue 15): pulled pages are gathered into ingests of up to
 * `ingestBatch` events, each visit is folded and written once per ingest, and the visits come out
 * exactly as on the terminal that made them (which folded one event at a time as it appended).
 */
const tmp = tempDir('madoguchi-catchup-batches-');
afterAll(() => tmp.cleanup());

function visitRows(s: Store): unknown[] {
  return s.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits ORDER BY id`).all();
}

describe('catch-up in batches', () => {
  it('gathers pages into few ingests, writes each visit about once, and folds the same visits', async () => {
    const sqlite = SyncServerStore.open({ file: `${tmp.dir}/server.sqlite`, log: () => undefined });
    const server = { current: new SqliteSyncStorage(sqlite) };
    const stations = [{ id: 'st1', from: 1001, to: 1999 }];
    const def = { id: 'kiosk-1', role: 'kiosk' as const, site: 'honcho', station: 'st1' };
    const origin = Store.open({ file: ':memory:', nodeId: def.id, site: 'honcho' });
    const visits = new VisitService(origin, terminalConfig(def, stations));
    const by = { terminal: def.id };
    const VISITS = 300;
    origin.tx(() => {
      for (let i = 0; i < VISITS; i++) {
        const v = visits.issue({ station: 'st1', lang: 'ja', priority: i % 7 === 0, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, by);
        visits.callNumber(v.number, 'shimin', '1', by);
        visits.start(v.id, '1', by);
        if (i % 3 !== 0) visits.finishHere(v.id, '1', by, { leftOpenReason: 'test' });
      }
    });
    const events = origin.eventCount();
    const faultless = { online: true, dropRequest: 0, loseAnswer: 0, duplicate: 0, mangle: 0 };
    const pushToken = sqlite.enroll(def.id, 'admin', 'honcho').token;
    const pusher = new SyncClient({ store: origin, transport: new DirectTransport(server, pushToken, faultless, rng(1)), pushBatch: 500, stream: false });
    await pusher.syncOnce();
    expect(sqlite.eventCount()).toBe(events);

    const catchUp = async (id: string, ingestBatch: number) => {
      const store = Store.open({ file: ':memory:', nodeId: id, site: 'honcho' });
      const token = sqlite.enroll(id, 'supervisor', 'honcho').token;
      const c = new SyncClient({ store, transport: new DirectTransport(server, token, faultless, rng(2)), pageSize: 100, ingestBatch, stream: false });
      const r = await c.syncOnce();
      await c.stop();
      return { store, pulled: r.pulled };
    };

    // A link that fails on its fourth pull, and a page that brings one event no schema accepts:
    // the three pages that arrived are folded (the bad event quarantined, a placeholder in its
    // place), and the next exchange carries on from there.
    {
      const store = Store.open({ file: ':memory:', nodeId: 'display-flaky', site: 'honcho' });
      const token = sqlite.enroll('display-flaky', 'supervisor', 'honcho').token;
      class Flaky extends DirectTransport {
        pulls = 0;
        override async pull(vv: VersionVector, limit: number): Promise<PullResponse> {
          if (++this.pulls === 4) throw new Error('connection reset (test)');
          const page = await super.pull(vv, limit);
          if (this.pulls === 2) page.events[10] = { ...page.events[10]!, payload: { bogus: true } as never };
          return page;
        }
      }
      const transport = new Flaky(server, token, faultless, rng(3));
      const c = new SyncClient({ store, transport, pageSize: 100, ingestBatch: 1000, stream: false });
      await expect(c.syncOnce()).rejects.toThrow('connection reset (test)');
      expect(store.eventCount()).toBe(300);
      expect(store.work.ingests).toBe(1);
      expect(quarantineCount(store.db)).toBe(1);
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM events WHERE type = ?').get(QUARANTINED_EVENT) as { n: number }).n).toBe(1);
      const r = await c.syncOnce();
      expect(r.pulled).toBe(events - 300);
      expect(store.eventCount()).toBe(events);
      await c.stop();
      store.close();
    }
    const batched = await catchUp('display-batched', 500);
    const pageByPage = await catchUp('display-pages', 1);
    try {
      expect(batched.pulled).toBe(events);
      expect(pageByPage.pulled).toBe(events);
      // 1,100 events in pages of 100: three ingests of up to 500 instead of eleven.
      expect(batched.store.work.ingests).toBe(Math.ceil(events / 500));
      expect(pageByPage.store.work.ingests).toBe(Math.ceil(events / 100));
      // Each visit is written once per ingest it has events in: a visit split by a batch edge twice.
      expect(batched.store.work.visitWrites).toBeGreaterThanOrEqual(VISITS);
      expect(batched.store.work.visitWrites).toBeLessThanOrEqual(VISITS + batched.store.work.ingests);
      expect(batched.store.work.eventsFolded).toBe(events);
      expect(batched.store.work.logFolds).toBe(0);
      // The terminal that appended one event at a time wrote a visit row per event.
      expect(origin.work.visitWrites).toBe(events);
      expect(visitRows(batched.store)).toEqual(visitRows(origin));
      // The payload text kept from the pull's check is the one the origin stored.
      const log = (st: Store) => st.db.prepare('SELECT origin, seq, hlc, type, visit_id, payload FROM events ORDER BY origin, seq').all();
      expect(log(batched.store)).toEqual(log(origin));
      expect(visitRows(pageByPage.store)).toEqual(visitRows(origin));
    } finally {
      batched.store.close();
      pageByPage.store.close();
      origin.close();
      await pusher.stop();
      server.current.close();
    }
  });
});
