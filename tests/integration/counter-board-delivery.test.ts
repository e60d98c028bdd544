import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src-main/node/store/migrate';
import { migrations } from '../../src-main/node/store/migrations';
import { addStaff, client, demoFolder, issue, openApp, seeds } from './counter-support';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('進捗ボード: 事後交付 still owed from earlier days', () => {
  it("lists an earlier day's visit while its department still owes the delivery, and drops it once delivered", async () => {
    let now = Date.parse('2026-11-24T01:00:00Z'); // 10:00 JST, Tuesday
    const dir = demoFolder(cleanups);
    const app = openApp(dir, cleanups, { clock: () => now });
    addStaff(app, 'kokuho-a', 'counter', 'kokuho');
    const v = issue(app, { route: ['shimin'], items: [seeds.tennyu, seeds.kokuho] });
    const by = { terminal: 'counter-kokuho-10' };
    app.terminal.visits.setItemStatus(v.id, 'kokuho-join', 'awaiting-delivery', 'kokuho', by);
    const other = issue(app, { route: ['shimin'], items: [seeds.tennyu, seeds.kokuho] }); // nothing owed

    now += 2 * 86_400_000; // two days later
    const c = client(app, 'counter-kokuho-10');
    await c.signIn('kokuho-a');
    const board = await c.call('counter.board', {});
    const row = board.find((r) => r.visitId === v.id);
    expect(row).toMatchObject({ number: v.number, businessDate: '2026-11-24', toDeliver: 1 });
    expect(board.some((r) => r.visitId === other.id)).toBe(false);

    app.terminal.visits.setItemStatus(v.id, 'kokuho-join', 'delivered', 'kokuho', by);
    expect((await c.call('counter.board', {})).some((r) => r.visitId === v.id)).toBe(false);
    // The shimin board has nothing owed by shimin from that day.
    expect(app.terminal.visits.awaitingDeliveryBefore('shimin')).toEqual([]);
  });

  it('migration 7 fills the column for visits already awaiting delivery, and the query uses its index', () => {
    const dir = demoFolder(cleanups);
    const app = openApp(dir, cleanups, {});
    const v = issue(app, { route: ['shimin'], items: [seeds.tennyu, seeds.kokuho] });
    app.terminal.visits.setItemStatus(v.id, 'kokuho-join', 'awaiting-delivery', 'kokuho', { terminal: 'x' });
    const file = app.terminal.store.file;
    app.close();
    // Back to schema 6, as a terminal installed before this release would be.
    const db = new Database(file);
    db.exec('DROP INDEX visits_awaiting_delivery; ALTER TABLE visits DROP COLUMN awaiting_delivery;');
    db.pragma('user_version = 6');
    migrate(db, migrations);
    expect(db.prepare('SELECT awaiting_delivery AS a FROM visits WHERE id = ?').get(v.id)).toEqual({ a: ',kokuho,' });
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT state FROM visits INDEXED BY visits_awaiting_delivery WHERE awaiting_delivery IS NOT NULL AND instr(awaiting_delivery, ?) > 0 AND business_date < ? ORDER BY business_date, number`)
      .all(',kokuho,', '2099-01-01') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/visits_awaiting_delivery/);
    db.close();
  });
});
