import { afterEach, describe, expect, it } from 'vitest';
import type { PushMessage } from '../../src-main/common/contract';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { addStaff, client, demoFolder, issue, openApp, seeds } from './counter-support';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(clock?: () => number) {
  const dir = demoFolder(cleanups);
  const app = openApp(dir, cleanups, clock ? { clock } : {});
  addStaff(app, 'shimin-a', 'counter', 'shimin');
  addStaff(app, 'shimin-b', 'counter', 'shimin');
  addStaff(app, 'kaigo-a', 'counter', 'kaigo');
  const pushes: PushMessage[] = [];
  cleanups.unshift(app.push.subscribe((m) => pushes.push(m)));
  return { app, dir, pushes };
}

describe('counter workstation through the handler registry (real SQLite, real catalog)', () => {
  it('refuses every counter action without a signed-in staff member, and a session from another terminal', async () => {
    const { app } = setup();
    const anon = client(app, 'counter-shimin-1');
    const r = await anon.raw('counter.callNext', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('unauthenticated');

    const one = client(app, 'counter-shimin-1');
    const s = await one.signIn('shimin-a');
    const stolen = app.context('counter-shimin-2', 'test', s.token);
    const r2 = await app.registry.call('counter.queue', {}, stolen);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toMatch(/counter-shimin-1/);

    const wrongDept = await client(app, 'counter-kaigo-12').raw('staff.signIn', { staffId: 'shimin-a', pin: '2468' });
    expect(wrongDept.ok).toBe(false);
    if (!wrongDept.ok) expect(wrongDept.error.code).toBe('forbidden');
    // A display terminal never signs anybody in.
    const disp = await client(app, 'display-hall').raw('staff.signIn', { staffId: 'shimin-a', pin: '2468' });
    expect(disp.ok).toBe(false);
  });

  it('calls priority first, then by original issue time; call-next is refused while a visitor is at the counter', async () => {
    let now = Date.parse('2026-04-01T00:30:00Z');
    const { app } = setup(() => now);
    const a = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    now += 60_000;
    const b = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    now += 60_000;
    const p = issue(app, { route: ['shimin'], items: [seeds.tennyu], priority: true });
    const c = client(app, 'counter-shimin-1');
    await c.signIn('shimin-a');
    const q = await c.call('counter.queue', {});
    expect(q.waiting.map((x) => x.number)).toEqual([p.number, a.number, b.number]);

    const first = await c.call('counter.callNext', {});
    expect(first.visit?.number).toBe(p.number);
    const again = await c.raw('counter.callNext', {});
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.message).toMatch(new RegExp(`#${p.number}`));
    await c.call('counter.finish', { visitId: p.id, leftOpenReason: '順番の確認のみ' });
    expect((await c.call('counter.callNext', {})).visit?.number).toBe(a.number);
    await c.call('counter.finish', { visitId: a.id, leftOpenReason: '順番の確認のみ' });
    expect((await c.call('counter.callNext', {})).visit?.number).toBe(b.number);
    await c.call('counter.finish', { visitId: b.id, leftOpenReason: '順番の確認のみ' });
    expect((await c.call('counter.callNext', {})).visit).toBeNull();
  });

  it('walks a visit: call (push), items with who and when, note, finish → next department with the same number, sees the note; no-show after the recalls; reactivate; complete', async () => {
    const { app, pushes } = setup();
    const v = issue(app);
    const shimin = client(app, 'counter-shimin-1');
    const kaigo = client(app, 'counter-kaigo-12');
    await shimin.signIn('shimin-a');
    await kaigo.signIn('kaigo-a');

    // 来庁を通知: kaigo sees the visit coming while it is still at the one-stop counter.
    const coming = (await kaigo.call('counter.queue', {})).coming;
    expect(coming).toEqual([expect.objectContaining({ number: v.number, at: 'shimin', stopsAway: 1 })]);

    const called = await shimin.call('counter.callNumber', { number: v.number });
    expect(called.status).toBe('called');
    expect(pushes.filter((m) => m.name === 'call').map((m) => m.data)).toEqual([{ number: v.number, counter: '1', department: 'shimin', lang: 'ja', recall: false }]);
    // Another counter of the same department cannot take it.
    const other = client(app, 'counter-shimin-2');
    await other.signIn('shimin-b');
    const taken = await other.raw('counter.callNumber', { number: v.number });
    expect(taken.ok).toBe(false);
    if (!taken.ok) expect(taken.error.code).toBe('conflict');

    await shimin.call('counter.start', { visitId: v.id });
    await shimin.call('counter.itemStatus', { visitId: v.id, itemId: 'tennyu', status: 'accepted' });
    await shimin.call('counter.itemStatus', { visitId: v.id, itemId: 'kokuho-join', status: 'proxy-accepted' });
    const declined = await shimin.raw('counter.itemStatus', { visitId: v.id, itemId: 'tennyu', status: 'declined' });
    expect(declined.ok).toBe(false);
    if (!declined.ok) expect(declined.error.field).toBe('reason');
    await shimin.call('counter.note', { visitId: v.id, text: '転入届受付済み。介護の受給資格証明書あり。' });
    // 受付 only is not finished: the finish is refused and names the item (the catalog's name).
    const refused = await shimin.raw('counter.finish', { visitId: v.id });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('conflict');
      expect(refused.error.message).toContain('転入届');
      expect(refused.error.details).toMatchObject({ key: 'open-items', items: [{ id: 'tennyu', status: 'accepted' }] });
    }
    const blank = await shimin.raw('counter.finish', { visitId: v.id, leftOpenReason: '  ' });
    expect(blank.ok).toBe(false);
    const moved = await shimin.call('counter.finish', { visitId: v.id, leftOpenReason: '入力は午後にまとめて行う' });
    expect(moved.leftOpen).toEqual([expect.objectContaining({ department: 'shimin', items: ['tennyu'], reason: '入力は午後にまとめて行う', confirmed: true })]);
    expect(moved.timeline.some((e) => e.type === 'left-open' && e.detail?.includes('入力は午後にまとめて行う'))).toBe(true);
    expect(moved.status).toBe('waiting');
    expect(moved.route[moved.stop]).toBe('kaigo');
    expect(moved.number).toBe(v.number);

    const kq = await kaigo.call('counter.queue', {});
    expect(kq.waiting.map((x) => x.number)).toEqual([v.number]);
    expect(kq.waiting[0]!.from).toEqual(['shimin']);
    expect((await shimin.call('counter.queue', {})).waiting).toEqual([]);

    await kaigo.call('counter.callNext', {});
    const seen = await kaigo.call('counter.visit', { visitId: v.id });
    expect(seen.notes.map((n) => [n.text, n.department, n.counter, n.by.staff])).toEqual([['転入届受付済み。介護の受給資格証明書あり。', 'shimin', '1', 'shimin-a']]);
    const tennyu = seen.items.find((i) => i.id === 'tennyu')!;
    expect(tennyu.status).toBe('accepted');
    expect(tennyu.steps.at(-1)).toMatchObject({ status: 'accepted', department: 'shimin', by: { terminal: 'counter-shimin-1', staff: 'shimin-a' } });
    expect(seen.items.find((i) => i.id === 'kokuho-join')!.status).toBe('proxy-accepted');

    // recallsBeforeNoShow = 2 in the demo config.
    const early = await kaigo.raw('counter.noShow', { visitId: v.id });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.message).toMatch(/0 of 2/);
    await kaigo.call('counter.recall', { visitId: v.id });
    await kaigo.call('counter.recall', { visitId: v.id });
    expect(pushes.filter((m) => m.name === 'call' && (m.data as { recall: boolean }).recall)).toHaveLength(2);
    const ns = await kaigo.call('counter.noShow', { visitId: v.id });
    expect(ns.status).toBe('no-show');
    expect((await kaigo.call('counter.queue', {})).noShows.map((x) => x.number)).toEqual([v.number]);
    const back = await kaigo.call('counter.reactivate', { visitId: v.id });
    expect(back.status).toBe('waiting');
    await kaigo.call('counter.callNumber', { number: v.number });
    await kaigo.call('counter.start', { visitId: v.id });
    for (const s of ['accepted', 'entered', 'reviewed', 'awaiting-delivery'] as const) await kaigo.call('counter.itemStatus', { visitId: v.id, itemId: 'kaigo-certified-transfer', status: s });

    // 進捗の可視化: the board lists the 事後交付 item still to deliver.
    const board = await kaigo.call('counter.board', {});
    expect(board).toEqual([expect.objectContaining({ number: v.number, position: 'here', toDeliver: 1 })]);
    const done = await kaigo.call('counter.finish', { visitId: v.id });
    expect(done.status).toBe('done');
    expect(done.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['issued', 'called', 'started', 'note', 'finished-here', 'recalled', 'no-show', 'reactivated', 'completed']),
    );
    expect((await kaigo.call('counter.board', {}))[0]).toMatchObject({ position: 'passed', status: 'done' });
  });

  it('adds a missed procedure from the catalog (reason required), declines one with a reason, cancels with a reason', async () => {
    const { app } = setup();
    const v = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    const c = client(app, 'counter-shimin-1');
    await c.signIn('shimin-a');
    await c.call('counter.callNext', {});
    const unknown = await c.raw('counter.addItem', { visitId: v.id, procedureId: 'no-such', reason: 'x' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.field).toBe('procedureId');
    const noReason = await c.raw('counter.addItem', { visitId: v.id, procedureId: 'inkan-toroku', reason: ' ' });
    expect(noReason.ok).toBe(false);
    const added = await c.call('counter.addItem', { visitId: v.id, procedureId: 'kaigo-certified-transfer', reason: '祖母が要介護認定あり' });
    const item = added.items.find((i) => i.id === 'kaigo-certified-transfer')!;
    expect(item).toMatchObject({ department: 'kaigo', route: 'refer', addedBy: { reason: '祖母が要介護認定あり' } });
    // A refer item sends the visitor there too.
    expect(added.route).toEqual(['shimin', 'kaigo']);
    const dec = await c.call('counter.itemStatus', { visitId: v.id, itemId: 'tennyu', status: 'declined', reason: '来週あらためて来庁' });
    expect(dec.items.find((i) => i.id === 'tennyu')!.steps.at(-1)).toMatchObject({ status: 'declined', reason: '来週あらためて来庁' });
    const noCancelReason = await c.raw('counter.cancel', { visitId: v.id, reason: '' });
    expect(noCancelReason.ok).toBe(false);
    const cancelled = await c.call('counter.cancel', { visitId: v.id, reason: '本人確認書類なし' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled: { reason: '本人確認書類なし' } });
    expect((await c.call('counter.queue', {})).active).toEqual([]);
  });

  it('takes fees at catalog prices with a payment method and a receipt line; the survey is answered once on the visitor screen', async () => {
    const { app } = setup();
    const v = issue(app, { route: ['shimin'], items: [seeds.juminhyo], lang: 'en' });
    const c = client(app, 'counter-shimin-1');
    await c.signIn('shimin-a');
    await c.call('counter.callNext', {});
    const fees = await c.call('counter.fees', { visitId: v.id });
    expect(fees[0]).toEqual({ itemId: 'juminhyo', label: expect.any(String), unitPrice: 300, onVisit: true });
    expect(fees.find((f) => f.itemId === 'koseki')?.unitPrice).toBe(450);
    const noFee = await c.raw('counter.pay', { visitId: v.id, method: 'cash', lines: [{ itemId: 'tennyu', quantity: 1 }] });
    expect(noFee.ok).toBe(false);
    if (!noFee.ok) expect(noFee.error.field).toBe('lines[0].itemId');
    const badMethod = await c.raw('counter.pay', { visitId: v.id, method: 'bitcoin' as 'cash', lines: [{ itemId: 'juminhyo', quantity: 1 }] });
    expect(badMethod.ok).toBe(false);
    const { receipt, visit } = await c.call('counter.pay', { visitId: v.id, method: 'qr', lines: [{ itemId: 'juminhyo', quantity: 2 }, { itemId: 'koseki', quantity: 1 }] });
    expect(receipt.amount).toBe(1050);
    expect(receipt.text).toBe(`領収 #${v.number} ${fees[0]!.label} ×2 ¥600、${fees.find((f) => f.itemId === 'koseki')!.label} ×1 ¥450 計 ¥1,050（QRコード決済）`);
    expect(visit.payments).toEqual([expect.objectContaining({ method: 'qr', amount: 1050 })]);

    const screen = client(app, 'counter-shimin-1'); // the visitor-facing window: no staff session
    expect((await screen.call('survey.current', {})).offer).toBeNull();
    const unasked = await screen.raw('survey.answer', { visitId: v.id, scores: { ease: 5 } });
    expect(unasked.ok).toBe(false);
    await c.call('counter.offerSurvey', { visitId: v.id });
    expect((await screen.call('survey.current', {})).offer).toEqual({ visitId: v.id, number: v.number, lang: 'en', answered: false });
    const outOfRange = await screen.raw('survey.answer', { visitId: v.id, scores: { ease: 6 } });
    expect(outOfRange.ok).toBe(false);
    await screen.call('survey.answer', { visitId: v.id, scores: { ease: 5, waiting: 3, cashless: 4 } });
    expect(app.terminal.visits.get(v.id).survey?.scores).toEqual({ ease: 5, waiting: 3, cashless: 4 });
    expect((await screen.call('survey.current', {})).offer?.answered).toBe(true);
    expect((await screen.raw('survey.answer', { visitId: v.id, scores: { ease: 1 } })).ok).toBe(false);
  });

  it('feeds the display: latest calls first with counters, the number at each counter, waiting per department', async () => {
    let now = Date.parse('2026-04-01T00:30:00Z');
    const { app } = setup(() => (now += 1000));
    const a = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    const b = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    issue(app, { route: ['kaigo'], items: [seeds.kaigo] });
    const one = client(app, 'counter-shimin-1');
    const two = client(app, 'counter-shimin-2');
    await one.signIn('shimin-a');
    await two.signIn('shimin-b');
    await one.call('counter.callNext', {});
    await two.call('counter.callNext', {});
    await one.call('counter.recall', { visitId: a.id });
    const d = await client(app, 'display-hall').call('display.state', {});
    expect(d.recent.map((r) => [r.number, r.counter])).toEqual([
      [a.number, '1'],
      [b.number, '2'],
    ]);
    expect(d.counters.filter((c) => c.number !== null).map((c) => [c.counter, c.number])).toEqual([
      ['1', a.number],
      ['2', b.number],
    ]);
    expect(Object.fromEntries(d.waiting.map((w) => [w.department, w.count]))).toMatchObject({ shimin: 1, kaigo: 1, kokuho: 0 });
    // A kiosk may not read the display state.
    expect((await client(app, 'kiosk-east').raw('display.state', {})).ok).toBe(false);
  });

  it('a call that lost to another terminal (sync) shows on the losing counter: what happened and who has the visit', async () => {
    let now = Date.parse('2026-04-01T00:30:00Z');
    const { app } = setup(() => now);
    const v = issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    const one = client(app, 'counter-shimin-1');
    await one.signIn('shimin-a');
    now += 10_000;
    expect((await one.call('counter.callNext', {})).visit?.number).toBe(v.number);
    // Meanwhile a counter on another database had called the same visit five seconds earlier.
    const at = new Date(now - 5_000).toISOString();
    app.terminal.store.ingest([
      {
        origin: 'honcho-counter-2',
        seq: 1,
        hlc: encodeHlc({ wall: now - 5_000, logical: 0 }, 'honcho-counter-2'),
        type: 'visit.called',
        site: 'honcho',
        visitId: v.id,
        payload: { visitId: v.id, department: 'shimin', counter: '2', at, by: { terminal: 'counter-shimin-2', staff: 'shimin-b' } },
      },
    ]);
    const q = await one.call('counter.queue', {});
    expect(q.current).toBeNull();
    expect(q.active.map((e) => [e.number, e.counter])).toEqual([[v.number, '2']]);
    expect(q.conflicts).toEqual([expect.objectContaining({ visitId: v.id, number: v.number, kind: 'double-call', message: expect.stringMatching(/called by counter 2 first/) })]);
    // The other counter sees nothing of it: it won.
    const two = client(app, 'counter-shimin-2');
    await two.signIn('shimin-b');
    expect((await two.call('counter.queue', {})).conflicts).toEqual([]);
    now += 31 * 60_000;
    expect((await one.call('counter.queue', {})).conflicts).toEqual([]);
  });
});
