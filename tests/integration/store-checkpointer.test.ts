import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src-main/common/sync/event';
import { NEW_DATABASE_PAGE_SIZE, Store } from '../../src-main/node/store/store';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { PROTOCOL_VERSION } from '../../src-main/common/sync/protocol';
import { VisitService } from '../../src-main/node/visits/service';
import { tempDir } from '../support/tmp';
import { terminalConfig } from './sync-support';
import { until } from '../support/until';
import { VISIT_COLUMNS } from '../support/visitRows';

/**
 * Bulk ingests (a catch-up), and a terminal's everyday commits every CHECKPOINT_EVERY_COMMITS,
 * leave their WAL checkpoints to a worker thread with its own connection (store/checkpointer.ts),
 * so a commit never stops to copy the WAL into the database and fsync it. What is stored must not
 * change: the same rows as an in-memory store fed the same batches, a sound file, the terminal's
 * connection as it was (FULL; SQLite's autocheckpoint on as a backstop), and the worker's
 * connection closed with the store. If the worker is gone, the writer checkpoints for itself again.
 */
const tmp = tempDir('madoguchi-checkpointer-');
afterAll(() => tmp.cleanup());

const BATCH = 1000;
/** SQLite's default autocheckpoint (1,000 pages of 4 KiB) in the pages of a new file. */
const AUTOCHECKPOINT_PAGES = (1000 * 4096) / NEW_DATABASE_PAGE_SIZE;
/** SQLite's own autocheckpoint while the worker checkpoints: a backstop at four times the default. */
const BACKSTOP_PAGES = 4 * AUTOCHECKPOINT_PAGES;
let events: StoredEvent[] = [];

beforeAll(() => {
  const def = { id: 'kiosk-1', role: 'kiosk' as const, site: 'honcho', station: 'st1' };
  const origin = Store.open({ file: ':memory:', nodeId: def.id, site: 'honcho' });
  const visits = new VisitService(origin, terminalConfig(def, [{ id: 'st1', from: 1001, to: 9999 }]));
  const by = { terminal: def.id };
  origin.tx(() => {
    for (let i = 0; i < 2500; i++) {
      const v = visits.issue({ station: 'st1', lang: 'ja', priority: i % 5 === 0, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, by);
      visits.callNumber(v.number, 'shimin', '1', by);
      visits.start(v.id, '1', by);
      if (i % 4 !== 0) visits.finishHere(v.id, '1', by, { leftOpenReason: 'test' });
    }
  });
  events = [...origin.allEvents()];
  origin.close();
});

/** The batch of events from `i`, each with its own copy of the payload (a store may keep what it folds). */
const batchAt = (i: number) => events.slice(i, i + BATCH).map((e) => ({ ...e, payload: structuredClone(e.payload) }));

function ingestInBatches(store: Store): void {
  for (let i = 0; i < events.length; i += BATCH) store.ingest(batchAt(i));
}

const rows = (s: Store) => ({
  visits: s.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits ORDER BY id`).all(),
  events: s.db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events ORDER BY origin, seq').all(),
  kpi: s.db.prepare('SELECT * FROM kpi_days ORDER BY date').all(),
});

describe("WAL checkpoints on a worker thread (bulk ingests, everyday commits, the sync server's pushes)", () => {
  it('stores exactly what an in-memory store does, checkpointed beside the writer; settings restored; closed with the store', async () => {
    const reference = Store.open({ file: ':memory:', nodeId: 'display-1', site: 'honcho' });
    ingestInBatches(reference);
    expect(reference.walCheckpointer()).toBeNull();

    const file = join(tmp.dir, 'display.sqlite');
    const store = Store.open({ file, nodeId: 'display-1', site: 'honcho' });
    try {
      ingestInBatches(store);
      const ck = store.walCheckpointer()!;
      expect(ck.alive).toBe(true);
      await until('a checkpoint made by the worker', () => ck.done > 0, { timeoutMs: 20_000, everyMs: 10 });
      // The terminal's own connection is as it was: local appends fsync; SQLite checkpoints on
      // commit only as a backstop while the worker does it.
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      // A small ingest (a call reaching a display) is not bulk and leaves the setting alone too.
      store.ingest([]);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      expect(rows(store)).toEqual(rows(reference));
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
      reference.close();
    }
    // The worker's connection closed with the store: the last one out removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = Store.open({ file, nodeId: 'display-1', site: 'honcho' });
    try {
      expect(reopened.eventCount()).toBe(events.length);
    } finally {
      reopened.close();
    }
  });

  it('checkpoints on commit again once the worker is gone, and still stores the same', () => {
    const reference = Store.open({ file: ':memory:', nodeId: 'display-2', site: 'honcho' });
    const file = join(tmp.dir, 'display-2.sqlite');
    const store = Store.open({ file, nodeId: 'display-2', site: 'honcho' });
    try {
      store.ingest(events.slice(0, BATCH));
      reference.ingest(batchAt(0));
      const ck = store.walCheckpointer()!;
      ck.stop();
      expect(ck.alive).toBe(false);
      for (let i = BATCH; i < events.length; i += BATCH) {
        store.ingest(events.slice(i, i + BATCH));
        reference.ingest(batchAt(i));
        expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTOCHECKPOINT_PAGES);
      }
      expect(rows(store)).toEqual(rows(reference));
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
      reference.close();
    }
  });

  it('keeps nothing of a bulk ingest that fails mid-way, and the next one goes in whole', () => {
    const file = join(tmp.dir, 'display-3.sqlite');
    const store = Store.open({ file, nodeId: 'display-3', site: 'honcho' });
    try {
      store.ingest(events.slice(0, BATCH));
      const bad = events.slice(BATCH, 2 * BATCH).map((e) => ({ ...e }));
      // A payload a fold cannot read (the sync client quarantines such an event; here the ingest itself fails).
      const i = bad.findIndex((e) => e.type === 'visit.called');
      bad[i] = { ...bad[i]!, payload: null };
      expect(() => store.ingest(bad)).toThrow(TypeError);
      expect(store.eventCount()).toBe(BATCH);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      store.ingest(events.slice(BATCH, 2 * BATCH));
      expect(store.eventCount()).toBe(2 * BATCH);
      expect(store.versionVector()).toEqual({ 'kiosk-1': 2 * BATCH });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
    }
  });

  it("checkpoints a terminal's everyday commits (a call, a finish) on the worker every 16, and stores the same", async () => {
    const def = { id: 'counter-9', role: 'kiosk' as const, site: 'honcho', station: 'st9' };
    const file = join(tmp.dir, 'counter-9.sqlite');
    const store = Store.open({ file, nodeId: def.id, site: 'honcho' });
    const reference = Store.open({ file: ':memory:', nodeId: 'display-9', site: 'honcho' });
    let written: ReturnType<typeof rows>;
    try {
      // Fewer than 16 commits start no worker (a short-lived store never has one).
      for (let i = 0; i < 15; i++) store.tx(() => undefined);
      expect(store.walCheckpointer()).toBeNull();
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTOCHECKPOINT_PAGES);
      // One commit per step, as at a counter: 2 × 20 visits, 2 × 60 commits.
      const visits = new VisitService(store, terminalConfig(def, [{ id: 'st9', from: 1001, to: 9999 }]));
      const by = { terminal: def.id };
      const serve = (n: number) => {
        for (let i = 0; i < n; i++) {
          const v = visits.issue({ station: 'st9', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, by);
          visits.callNumber(v.number, 'shimin', '1', by);
          visits.finishHere(v.id, '1', by, { leftOpenReason: 'test' });
        }
      };
      serve(20);
      const ck = store.walCheckpointer()!;
      expect(ck.alive).toBe(true);
      await until('a checkpoint made by the worker', () => ck.done >= 1, { timeoutMs: 20_000, everyMs: 10 });
      serve(20);
      await until('a second checkpoint made by the worker', () => ck.done >= 2, { timeoutMs: 20_000, everyMs: 10 });
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      // The same rows as a fold of the same events in memory, and a sound file.
      reference.ingest([...store.allEvents()]);
      written = rows(store);
      expect(written).toEqual(rows(reference));
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Once the worker is gone, SQLite checkpoints on commit at its own threshold again.
      ck.stop();
      for (let i = 0; i < 16; i++) store.tx(() => undefined);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTOCHECKPOINT_PAGES);
    } finally {
      store.close();
      reference.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = Store.open({ file, nodeId: def.id, site: 'honcho' });
    try {
      expect(rows(reopened)).toEqual(written);
    } finally {
      reopened.close();
    }
  });

  it("checkpoints the sync server's pushes on a worker too, and the server reads back every event", async () => {
    const file = join(tmp.dir, 'server.sqlite');
    const server = SyncServerStore.open({ file, log: () => undefined });
    const who = server.enroll('kiosk-1', 'admin', 'honcho').terminal;
    const sent = events.slice(0, 60);
    try {
      expect(server.walCheckpointer()).toBeNull();
      // One event per push, as a counter sends a call: a checkpoint asked at the 16th commit, the
      // next one at the first commit 16 or more later that finds the worker idle.
      const push = (e: StoredEvent) => server.push(who, { protocol: PROTOCOL_VERSION, terminal: who.id, now: Date.now(), events: [e], stations: [] });
      for (const e of sent.slice(0, 30)) push(e);
      const ck = server.walCheckpointer()!;
      expect(ck.alive).toBe(true);
      await until('a checkpoint made by the worker', () => ck.done >= 1, { timeoutMs: 20_000, everyMs: 10 });
      for (const e of sent.slice(30)) push(e);
      await until('a second checkpoint made by the worker', () => ck.done >= 2, { timeoutMs: 20_000, everyMs: 10 });
      expect(server.db.pragma('wal_autocheckpoint', { simple: true })).toBe(4 * 1000);
      expect(server.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(server.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      server.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = SyncServerStore.open({ file, log: () => undefined });
    try {
      const page = reopened.pull(reopened.enroll('display-1', 'display', 'honcho').terminal, { protocol: String(PROTOCOL_VERSION), vv: '{}', limit: '100' });
      expect(page.events.map((e) => [e.origin, e.seq, e.hlc, e.type])).toEqual(sent.map((e) => [e.origin, e.seq, e.hlc, e.type]));
    } finally {
      reopened.close();
    }
  });
});

