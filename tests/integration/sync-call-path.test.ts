import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type TerminalConfig } from '../../src-main/common/config/schema';
import type { StoredEvent } from '../../src-main/common/sync/event';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { createSyncServer } from '../../src-main/node/sync/httpServer';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { VisitService } from '../../src-main/node/visits/service';
import { tempDir } from '../support/tmp';
import { until } from '../support/until';

/**
 * The call → display path over a real server on loopback (what `npm run bench -- sync` times):
 * the counter's call is pushed on its local write, the server announces it on the live stream,
 * the display pulls and folds it. Each call reaches the display exactly once and in order; the
 * marks written without an fsync of their own (the counter's acknowledged mark, the server's
 * last-seen time of a pull) are right, and every connection is back to synchronous=FULL after.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function config(id: string, role: 'kiosk' | 'counter' | 'display'): TerminalConfig {
  return parseConfig({
    site: 'honcho',
    node: { id },
    stations: [{ id: 'east', name: 'east', range: { from: 1001, to: 1999 } }],
    terminals: [role === 'kiosk' ? { id, role, station: 'east' } : role === 'counter' ? { id, role, department: 'shimin', counter: '1' } : { id, role }],
  });
}

const FULL = 2;

describe('call → display over the live stream', () => {
  it('delivers each call once, in order; the acked mark and last-seen time are kept; every connection stays synchronous=FULL', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const srv = createSyncServer({ file: join(t.dir, 'server.sqlite'), log: () => undefined });
    cleanups.unshift(() => srv.close());
    const { url } = await srv.listen(0);
    const transport = (id: string, role: 'kiosk' | 'counter' | 'display') => new HttpTransport({ server: url, token: srv.store.enroll(id, role, 'honcho').token });

    const CALLS = 12;
    const kiosk = Store.open({ file: join(t.dir, 'kiosk.sqlite'), nodeId: 'kiosk-1', site: 'honcho' });
    const kv = new VisitService(kiosk, config('kiosk-1', 'kiosk'));
    kiosk.tx(() => {
      for (let i = 0; i < CALLS; i++) kv.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, { terminal: 'kiosk-1' });
    });
    const kc = new SyncClient({ store: kiosk, transport: transport('kiosk-1', 'kiosk') });
    await kc.syncOnce();
    await kc.stop();
    kiosk.close();

    const counterFile = join(t.dir, 'counter.sqlite');
    const counter = Store.open({ file: counterFile, nodeId: 'counter-1', site: 'honcho' });
    const display = Store.open({ file: join(t.dir, 'display.sqlite'), nodeId: 'display-1', site: 'honcho' });
    let counterOpen = true;
    cleanups.unshift(() => display.close(), () => counterOpen && counter.close());
    const visits = new VisitService(counter, config('counter-1', 'counter'));
    // Long intervals: only the local write and the stream move anything.
    const ca = new SyncClient({ store: counter, transport: transport('counter-1', 'counter'), intervalMs: 60_000 });
    const cb = new SyncClient({ store: display, transport: transport('display-1', 'display'), intervalMs: 60_000 });
    await ca.syncOnce();
    await cb.syncOnce();
    const arrived: StoredEvent[] = [];
    display.on('events', (evs: StoredEvent[]) => arrived.push(...evs.filter((e) => e.origin === 'counter-1')));
    ca.run();
    cb.run();
    cleanups.unshift(() => ca.stop(), () => cb.stop());
    await until('both streams open', () => srv.streamClients() === 2, { timeoutMs: 20_000, everyMs: 10 });

    const called: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      const v = visits.callNext('shimin', '1', { terminal: 'counter-1' });
      expect(v, `call ${i}`).toBeTruthy();
      called.push(v!.id);
      await until(`call ${i} on the display`, () => arrived.some((e) => e.type === 'visit.called' && e.visitId === v!.id), { timeoutMs: 20_000, everyMs: 10 });
      // Every other visit is finished at once, so some calls follow traffic still in flight.
      if (i % 2 === 0) visits.finishHere(v!.id, '1', { terminal: 'counter-1' }, { leftOpenReason: 'test' });
    }
    const finished = called.filter((_, i) => i % 2 === 0).length;
    await until('the last finish on the display', () => arrived.filter((e) => e.type === 'visit.finishedHere').length === finished, { timeoutMs: 20_000, everyMs: 10 });

    // Exactly once and in the counter's order: seq 1..n, no repeats, nothing missing.
    const own = counter.db.prepare('SELECT seq, type, visit_id FROM events WHERE origin = ? ORDER BY seq').all('counter-1') as Array<{ seq: number; type: string; visit_id: string }>;
    expect(arrived.map((e) => e.seq)).toEqual(own.map((e) => e.seq));
    expect(arrived.filter((e) => e.type === 'visit.called').map((e) => e.visitId)).toEqual(called);
    expect(display.versionVector()['counter-1']).toBe(own.length);
    // The display's visits are the counter's, row for row (a display's pull carries the issue
    // with its facts redacted: that one field differs by design).
    const rows = (s: Store) =>
      (s.db.prepare('SELECT * FROM visits ORDER BY id').all() as Array<{ state: string }>).map((r) => {
        const { facts: _facts, ...state } = JSON.parse(r.state) as Record<string, unknown>;
        return { ...r, state };
      });
    expect(rows(display)).toHaveLength(CALLS);
    expect(rows(display)).toEqual(rows(counter));

    // The counter's acknowledged mark is the server's, and survives a reopen of the file.
    await until('the outbox empty', () => ca.status().outbox === 0, { timeoutMs: 20_000, everyMs: 10 });
    expect(Number(counter.meta('sync.acked'))).toBe(own.length);
    expect(srv.store.db.prepare('SELECT max_seq FROM origins WHERE origin = ?').get('counter-1')).toEqual({ max_seq: own.length });
    // The display's pulls were seen by the server (its time written without an fsync of its own).
    const seen = srv.store.db.prepare('SELECT last_seen_at FROM terminals WHERE id = ?').get('display-1') as { last_seen_at: string | null };
    expect(seen.last_seen_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Local appends and the server's stores are still fully synchronous.
    expect(counter.db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(display.db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(srv.store.db.pragma('synchronous', { simple: true })).toBe(FULL);

    await ca.stop();
    counter.close();
    counterOpen = false;
    const reopened = Store.open({ file: counterFile, nodeId: 'counter-1', site: 'honcho' });
    try {
      expect(Number(reopened.meta('sync.acked'))).toBe(own.length);
    } finally {
      reopened.close();
    }
  });
  it("a counter's own writes only push while its stream is up; others' events still reach it (a stream notice, a pull); with no stream a write pulls too", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const srv = createSyncServer({ file: join(t.dir, 'server.sqlite'), log: () => undefined });
    cleanups.unshift(() => srv.close());
    const { url } = await srv.listen(0);
    class CountingTransport extends HttpTransport {
      pulls = 0;
      override pull(...args: Parameters<HttpTransport['pull']>) {
        this.pulls++;
        return super.pull(...args);
      }
    }
    const transport = (id: string, role: 'kiosk' | 'counter') => new CountingTransport({ server: url, token: srv.store.enroll(id, role, 'honcho').token });
    const kiosk = Store.open({ file: join(t.dir, 'kiosk.sqlite'), nodeId: 'kiosk-1', site: 'honcho' });
    cleanups.unshift(() => kiosk.close());
    const kv = new VisitService(kiosk, config('kiosk-1', 'kiosk'));
    const issue = () => kv.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, { terminal: 'kiosk-1' });
    for (let i = 0; i < 6; i++) issue();
    const kc = new SyncClient({ store: kiosk, transport: transport('kiosk-1', 'kiosk') });
    await kc.syncOnce();

    for (const stream of [true, false]) {
      const file = join(t.dir, `counter-${stream}.sqlite`);
      const id = `counter-${stream ? 'a' : 'b'}`;
      const counter = Store.open({ file, nodeId: id, site: 'honcho' });
      cleanups.unshift(() => counter.close());
      const visits = new VisitService(counter, config(id, 'counter'));
      const tr = transport(id, 'counter');
      const ca = new SyncClient({ store: counter, transport: tr, intervalMs: 60_000, stream });
      cleanups.unshift(() => ca.stop());
      await ca.syncOnce();
      ca.run();
      if (stream) await until('the stream open', () => srv.streamClients() === 1);
      await until('the first exchange done', () => ca.status().state === 'online' && ca.status().outbox === 0);
      await new Promise((ok) => setTimeout(ok, 100));
      const before = tr.pulls;
      const pushed = () => (srv.store.db.prepare('SELECT max_seq FROM origins WHERE origin = ?').get(id) as { max_seq: number } | undefined)?.max_seq ?? 0;
      const v = visits.callNext('shimin', '1', { terminal: id })!;
      await until('the call on the server', () => pushed() === 1);
      visits.finishHere(v.id, '1', { terminal: id }, { leftOpenReason: 'test' });
      await until('the finish on the server', () => pushed() === 2 && ca.status().outbox === 0);
      await new Promise((ok) => setTimeout(ok, 100));
      if (stream) expect(tr.pulls, 'pulls after its own writes, stream up').toBe(before);
      else expect(tr.pulls, 'pulls after its own writes, no stream').toBeGreaterThanOrEqual(before + 1);
      // Another terminal's event still arrives (stream up: announced, then pulled).
      const fresh = issue();
      await kc.syncOnce();
      // With no stream nothing announces it: the interval's exchange brings it (asked for here).
      if (!stream) ca.trigger();
      await until('the kiosk\'s new visit on the counter', () => counter.db.prepare('SELECT 1 FROM visits WHERE id = ?').get(fresh.id) !== undefined);
      expect(tr.pulls).toBeGreaterThan(before);
      // Nothing of the counter's own was lost or doubled on the way.
      expect(counter.db.prepare('SELECT COUNT(*) AS n FROM events WHERE origin = ?').get(id)).toEqual({ n: 2 });
      expect(ca.status()).toMatchObject({ state: 'online', outbox: 0 });
      await ca.stop();
      if (stream) await until('the stream closed', () => srv.streamClients() === 0);
    }
    await kc.stop();
  });
});
