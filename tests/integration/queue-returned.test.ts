import { afterEach, describe, expect, it } from 'vitest';
import { foldVisit } from '../../src-main/common/visit/fold';
import { queueRank } from '../../src-main/common/visit/state';
import type { VisitEvent } from '../../src-main/common/visit/events';
import { addStaff, client, demoFolder, issue, openApp, seeds } from './counter-support';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('不在 → back: a reactivated visitor is called next', () => {
  it('the fold marks a returned visitor, and the mark ends when they are called', () => {
    const by = { terminal: 't' };
    const visitId = '00000000-0000-4000-8000-000000000001';
    const issued: VisitEvent = {
      type: 'visit.issued',
      payload: { visitId, businessDate: '2026-04-01', station: 'east', number: 1001, lang: 'ja', priority: false, events: [], facts: {}, items: [], route: ['shimin'], adjustments: [], source: 'kiosk', at: '2026-04-01T00:00:00Z', by },
    };
    const called: VisitEvent = { type: 'visit.called', payload: { visitId, department: 'shimin', counter: '1', at: '2026-04-01T00:05:00Z', by } };
    const away: VisitEvent = { type: 'visit.noShow', payload: { visitId, department: 'shimin', at: '2026-04-01T00:07:00Z', by } };
    const back: VisitEvent = { type: 'visit.reactivated', payload: { visitId, department: 'shimin', at: '2026-04-01T00:30:00Z', by } };
    const v = foldVisit([issued, called, away, back])!;
    expect(v.status).toBe('waiting');
    expect(v.returnedAt).toBe('2026-04-01T00:30:00Z');
    expect(queueRank(v)).toBe(2);
    expect(queueRank({ priority: true })).toBe(1);
    expect(queueRank({ priority: false })).toBe(0);
    const again = foldVisit([issued, called, away, back, { ...called, payload: { ...called.payload, at: '2026-04-01T00:31:00Z' } }])!;
    expect(again.returnedAt).toBeUndefined();
    expect(queueRank(again)).toBe(0);
  });

  it('the queue puts a returned visitor before priority and earlier visitors; the kiosk (concierge) or the counter reactivates', async () => {
    let now = Date.parse('2026-04-01T00:30:00Z');
    const dir = demoFolder(cleanups);
    const app = openApp(dir, cleanups, { clock: () => now });
    addStaff(app, 'shimin-a', 'counter', 'shimin');
    const c = client(app, 'counter-shimin-1');
    await c.signIn('shimin-a');
    const tick = () => (now += 60_000);
    const away = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    tick();
    const a = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    tick();
    const p = issue(app, { route: ['shimin'], items: [seeds.tennyu], priority: true });
    tick();
    // The first visitor is called, is not there, and is marked 不在.
    const first = await c.call('counter.callNumber', { number: away.number });
    expect(first.number).toBe(away.number);
    await c.call('counter.recall', { visitId: away.id });
    await c.call('counter.recall', { visitId: away.id });
    await c.call('counter.noShow', { visitId: away.id });
    tick();
    // They come back: the concierge reactivates the number at the kiosk.
    const kiosk = client(app, 'kiosk-east');
    const wrong = await kiosk.raw('ticket.reactivate', { number: a.number });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/not a no-show/);
    const back = await kiosk.call('ticket.reactivate', { number: away.number });
    expect(back).toMatchObject({ number: away.number, status: 'waiting', department: 'shimin', estimatedWaitMinutes: expect.any(Number) });
    const q = await c.call('counter.queue', {});
    expect(q.waiting.map((x) => x.number)).toEqual([away.number, p.number, a.number]);
    expect(app.terminal.visits.waitingAhead('shimin', app.terminal.visits.get(p.id))).toBe(1);
    expect(app.terminal.visits.waitingAhead('shimin', app.terminal.visits.get(away.id))).toBe(0);
    const next = await c.call('counter.callNext', {});
    expect(next.visit?.number).toBe(away.number);
    // Once called, the mark is gone: the next call is the priority visitor again.
    await c.call('counter.start', { visitId: away.id });
    await c.call('counter.finish', { visitId: away.id, leftOpenReason: '順番の確認のみ' });
    expect((await c.call('counter.callNext', {})).visit?.number).toBe(p.number);
  });

  it('a counter reactivates a returned visitor and they go next', async () => {
    let now = Date.parse('2026-04-01T00:30:00Z');
    const dir = demoFolder(cleanups);
    const app = openApp(dir, cleanups, { clock: () => now });
    addStaff(app, 'shimin-a', 'counter', 'shimin');
    const c = client(app, 'counter-shimin-1');
    await c.signIn('shimin-a');
    const away = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    now += 60_000;
    const later = issue(app, { route: ['shimin'], items: [seeds.tennyu], priority: true });
    await c.call('counter.callNumber', { number: away.number });
    await c.call('counter.recall', { visitId: away.id });
    await c.call('counter.recall', { visitId: away.id });
    await c.call('counter.noShow', { visitId: away.id });
    now += 60_000;
    const back = await c.call('counter.reactivate', { visitId: away.id });
    expect(back.status).toBe('waiting');
    expect((await c.call('counter.queue', {})).waiting.map((x) => x.number)).toEqual([away.number, later.number]);
  });
});
