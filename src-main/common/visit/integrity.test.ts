import { describe, expect, it } from 'vitest';
import type { Actor, VisitEvent, VisitItemSeed } from './events';
import { foldVisit } from './fold';
import { itemsLeftOpen } from './integrity';

const kiosk: Actor = { terminal: 'kiosk-east', staff: 'concierge01' };
const a: Actor = { terminal: 'counter-shimin-1', staff: 'shimin01' };
const b: Actor = { terminal: 'counter-shimin-2', staff: 'shimin02' };
const visitId = '00000000-0000-4000-8000-000000000001';
const at = (m: number) => new Date(Date.UTC(2026, 3, 1, 0, m)).toISOString();
const seed = (id: string, department: string, route: VisitItemSeed['route'], need: VisitItemSeed['need'] = 'required'): VisitItemSeed => ({ id, department, route, delivery: 'none', need });

function issued(items: VisitItemSeed[], route: string[]): VisitEvent {
  return { type: 'visit.issued', payload: { visitId, businessDate: '2026-04-01', station: 'east', number: 1001, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items, route, adjustments: [], source: 'kiosk', at: at(0), by: kiosk } };
}
const status = (itemId: string, s: 'accepted' | 'proxy-accepted' | 'done' | 'referred', by = a, m = 2): VisitEvent => ({ type: 'visit.itemStatus', payload: { visitId, itemId, status: s, department: 'shimin', at: at(m), by } });
const finish = (by: Actor, m: number, leftOpen?: { items: string[]; reason: string }): VisitEvent => ({ type: 'visit.finishedHere', payload: { visitId, department: 'shimin', counter: by === a ? '1' : '2', at: at(m), by, ...(leftOpen ? { leftOpen } : {}) } });

const items = [seed('tennyu', 'shimin', 'accept'), seed('kokuho-join', 'kokuho', 'proxy'), seed('kaigo-certified-transfer', 'kaigo', 'refer'), seed('hoiku-apply', 'hoiku', 'refer-optional', 'optional')];

describe('workflow integrity: what a finish may leave open', () => {
  it('names 未着手 and 受付 items this stop is the last to see; not items of a department ahead, not optional offers, not 代理受付', () => {
    const v = foldVisit([issued(items, ['shimin', 'kaigo']), status('tennyu', 'accepted')])!;
    expect(itemsLeftOpen(v).map((i) => [i.id, i.status])).toEqual([
      ['tennyu', 'accepted'],
      ['kokuho-join', 'listed'],
    ]);
    const settled = foldVisit([issued(items, ['shimin', 'kaigo']), status('tennyu', 'done'), status('kokuho-join', 'proxy-accepted')])!;
    expect(itemsLeftOpen(settled)).toEqual([]);
    // At the last stop nothing is ahead: the refer item is that stop's to settle.
    expect(itemsLeftOpen(settled, 1).map((i) => i.id)).toEqual(['kaigo-certified-transfer']);
  });

  it('a confirmed finish records the items and the reason in the visit and its timeline', () => {
    const v = foldVisit([issued(items, ['shimin', 'kaigo']), status('tennyu', 'done'), finish(a, 3, { items: ['kokuho-join'], reason: '保険証を後日持参' })])!;
    expect(v.route[v.stop]).toBe('kaigo');
    expect(v.leftOpen).toEqual([{ at: at(3), department: 'shimin', counter: '1', by: a, items: ['kokuho-join'], reason: '保険証を後日持参', confirmed: true }]);
    expect(v.timeline.find((e) => e.type === 'left-open')?.detail).toBe('kokuho-join: 保険証を後日持参');
    expect(v.conflicts).toEqual([]);
    expect(v.items.find((i) => i.id === 'kokuho-join')?.status).toBe('listed');
  });

  it('sync: a finish folded from another terminal never silently drops an item it did not confirm', () => {
    // Terminal A settled what it saw and finished; meanwhile terminal B (cut off) added an item.
    const added: VisitEvent = { type: 'visit.itemAdded', payload: { visitId, item: seed('inkan-touroku', 'shimin', 'accept'), reason: '印鑑登録も希望', at: at(2), by: b } };
    const log = [issued([seed('tennyu', 'shimin', 'accept')], ['shimin', 'kaigo']), status('tennyu', 'done'), added, finish(a, 3)];
    const v = foldVisit(log)!;
    // The visitor has moved on (the finish is applied) but the item stays on the visit, open,
    // recorded as left unconfirmed, and terminal A sees a conflict naming it.
    expect(v.route[v.stop]).toBe('kaigo');
    expect(v.items.find((i) => i.id === 'inkan-touroku')?.status).toBe('listed');
    expect(v.leftOpen).toEqual([expect.objectContaining({ items: ['inkan-touroku'], confirmed: false })]);
    expect(v.conflicts).toEqual([expect.objectContaining({ kind: 'left-open', loser: expect.objectContaining({ terminal: 'counter-shimin-1', counter: '1' }) })]);
    expect(v.conflicts[0]!.message).toContain('inkan-touroku');
    // An item that arrives after the finish (in clock order) is not dropped either: the next stop,
    // being the last, has to settle it before it can finish.
    const later = foldVisit([log[0]!, log[1]!, log[3]!, log[2]!])!;
    expect(later.leftOpen).toBeUndefined();
    expect(itemsLeftOpen(later).map((i) => i.id)).toEqual(['inkan-touroku']);
  });

  it('a confirmation covers only the items it names; others folded in are recorded unconfirmed', () => {
    const v = foldVisit([issued(items.slice(0, 2), ['shimin']), finish(a, 3, { items: ['tennyu'], reason: '本人が後日来庁' })])!;
    expect(v.status).toBe('done');
    expect(v.leftOpen?.map((r) => [r.items, r.confirmed])).toEqual([
      [['tennyu'], true],
      [['kokuho-join'], false],
    ]);
    expect(v.conflicts.map((c) => c.kind)).toEqual(['left-open']);
  });
});

describe('daily report', () => {
  it('counts finishes that left items open, confirmed or not, and the items left', async () => {
    const { computeDailyReport } = await import('../reports/daily');
    const v = foldVisit([issued(items.slice(0, 2), ['shimin']), finish(a, 3, { items: ['tennyu'], reason: '本人が後日来庁' })])!;
    const r = computeDailyReport({ date: '2026-04-01', timeZone: 'Asia/Tokyo', visits: [v] });
    expect(r.leftOpen).toEqual({ confirmed: 1, unconfirmed: 1, items: 2 });
    expect(computeDailyReport({ date: '2026-04-01', timeZone: 'Asia/Tokyo', visits: [] }).leftOpen).toEqual({ confirmed: 0, unconfirmed: 0, items: 0 });
  });
});
