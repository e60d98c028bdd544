import { afterEach, describe, expect, it } from 'vitest';
import type { Statement } from 'better-sqlite3';
import { demoFolder, issue, openApp, seeds } from './counter-support';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('the queue query uses its index', () => {
  it('EXPLAIN QUERY PLAN of the exact SQL VisitService.callNext runs: visits_queue, no scan, no temp sort', () => {
    const app = openApp(demoFolder(cleanups), cleanups);
    for (let i = 0; i < 50; i++) issue(app, { route: ['shimin'], items: [seeds.tennyu], priority: i % 5 === 0 });
    app.terminal.store.db.exec('ANALYZE');

    // Record what callNext really prepares, rather than copying its SQL here.
    const db = app.terminal.store.db;
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      seen.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    const called = app.terminal.visits.callNext('shimin', '1', { terminal: 'counter-shimin-1' });
    db.prepare = prepare;
    expect(called?.priority).toBe(true);

    const queueSql = seen.filter((s) => /FROM visits\b/i.test(s) && /ORDER BY/i.test(s));
    expect(queueSql).toHaveLength(1);
    const plan = (prepare(`EXPLAIN QUERY PLAN ${queueSql[0]}`) as Statement).all(app.terminal.visits.today(), 'shimin') as Array<{ detail: string }>;
    const details = plan.map((p) => p.detail);
    expect(details.some((d) => /SEARCH visits USING (COVERING )?INDEX visits_queue \(business_date=\? AND department=\? AND status=\?\)/.test(d)), details.join('\n')).toBe(true);
    expect(details.some((d) => /^SCAN visits\b/.test(d)), details.join('\n')).toBe(false);
    expect(details.some((d) => /TEMP B-TREE/.test(d)), details.join('\n')).toBe(false);
  });
});
