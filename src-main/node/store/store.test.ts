import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { parseConfig } from '../../common/config/schema';
import demo from '../../../fixtures/config/demo.json';
import { VisitService } from '../visits/service';
import { NEW_DATABASE_PAGE_SIZE, Store } from './store';
import { migrations } from './migrations';
import { migrate } from './migrate';
import { rebuildKpiDays } from './kpiDaysProjection';
import { latestCitizenSurvey, readGuideCompletions, reportDates } from '../reports/source';
import { CITIZEN_SURVEY_EVENT } from '../../common/reports/citizenSurvey';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function open(nodeId = 'demo-hall', file?: string, clock?: () => number) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const store = Store.open({ file: file ?? join(t.dir, 'db.sqlite'), nodeId, site: 'honcho', ...(clock ? { clock } : {}) });
  cleanups.unshift(() => store.close());
  return { store, dir: t.dir };
}

const by = { terminal: 'kiosk-east' };
const seed = { id: 'tennyu', department: 'shimin', route: 'accept' as const, delivery: 'none' as const, need: 'required' as const };

function snapshot(store: Store) {
  return store.db.prepare('SELECT * FROM visits ORDER BY id').all();
}

describe('store', () => {
  it('migrates a new file to the latest version, in WAL mode with synchronous=FULL', () => {
    const { store } = open();
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('makes a new file with 16 KiB pages; a file with 4 KiB pages keeps them; both overwrite deleted content', () => {
    const { store } = open();
    expect(store.db.pragma('page_size', { simple: true })).toBe(NEW_DATABASE_PAGE_SIZE);
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
    // The WAL's autocheckpoint stays at SQLite's default in bytes (1,000 pages of 4 KiB).
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe((1000 * 4096) / NEW_DATABASE_PAGE_SIZE);

    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'small-pages.sqlite');
    const old = new Database(file);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.close();
    const { store: kept } = open('demo-hall', file);
    expect(kept.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(kept.db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(kept.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const visits = new VisitService(kept, parseConfig(demo));
    const v = visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [seed], route: ['shimin'] }, by);
    expect(kept.db.prepare('SELECT id FROM visits').pluck().all()).toEqual([v.id]);
  });

  it('keeps every visit when the catch-up migration makes visits a rowid table (a state stays in its leaf page)', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'v11.sqlite');
    const old = new Database(file);
    const at = migrations.findIndex((m) => m.slug === 'catchup');
    migrate(old, migrations.slice(0, at));
    const ins = old.prepare('INSERT INTO visits (id, business_date, station, number, status, department, priority, queue_key, called_counter, last_hlc, state, awaiting_delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 50; i++) ins.run(`v-${i}`, '2026-12-03', 'east', 1000 + i, i % 2 ? 'done' : 'waiting', i % 2 ? null : 'shimin', i % 3, `q${i}`, null, `h${i}`, JSON.stringify({ id: `v-${i}`, pad: 'x'.repeat(1700) }), i % 5 ? null : ',kokuho,');
    const before = old.prepare('SELECT * FROM visits ORDER BY id').all();
    old.close();
    const { store } = open('demo-hall', file);
    // (Migration 16 adds the change marker: rows written before it hold 0.)
    expect(store.db.prepare('SELECT * FROM visits ORDER BY id').all()).toEqual(before.map((r) => ({ ...(r as object), change_seq: 0 })));
    const sql = (store.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'visits'").get() as { sql: string }).sql;
    expect(sql).not.toMatch(/WITHOUT ROWID/i);
    expect((store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' AND sql IS NOT NULL ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name)).toEqual(['visits_awaiting_delivery', 'visits_by_change', 'visits_by_number', 'visits_queue']);
    // Migration 13 turns secure_delete off again when it is done; the store then turns it on for every connection.
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it('indexes by type only the guide completions (an ingest writes no type entry per visit event), and their queries still find them all', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'v13.sqlite');
    const old = new Database(file);
    migrate(old, migrations.slice(0, migrations.findIndex((m) => m.slug === 'fast')));
    const ins = old.prepare('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 1; i <= 30; i++) {
      const guide = i % 3 === 0;
      ins.run('kiosk-east', i, `0017962968543${String(i).padStart(2, '0')}.000000.kiosk-east`, guide ? 'guide.completed' : 'visit.noted', 'honcho', guide ? null : `v-${i}`, JSON.stringify(guide ? { date: '2026-12-03', uses: 1 } : { note: i }), '2026-12-03T00:00:00.000Z');
    }
    old.close();
    const { store } = open('demo-hall', file);
    const indexes = store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name").all() as Array<{ name: string; sql: string }>;
    expect(indexes.map((r) => r.name)).toEqual(['events_by_hlc', 'events_by_visit', 'events_citizen_survey', 'events_guide_completed']);
    // The partial index holds the 10 completions and nothing else.
    expect((store.db.prepare("SELECT COUNT(*) AS n FROM events INDEXED BY events_guide_completed WHERE type = 'guide.completed'").get() as { n: number }).n).toBe(10);
    // The queries that read completions by type use it (a plan on the whole log would be a scan).
    const plan = (sql: string) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    expect(plan("SELECT payload FROM events WHERE type = 'guide.completed'")).toContain('events_guide_completed');
    // Every reader of completions by type still finds all 10 (and no visit event).
    expect(readGuideCompletions(store, '2026-12-03')).toEqual({ uses: 10, ratings: [] });
    expect(reportDates(store, '2026-12-01', '2026-12-31')).toEqual(['2026-12-03']);
    expect(rebuildKpiDays(store.db).guideCompletions).toBe(10);
  });

  it('reads the fiscal year\'s citizen survey through its partial index (migration 15), the newest import of that year', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'v14.sqlite');
    const old = new Database(file);
    migrate(old, migrations.slice(0, migrations.findIndex((m) => m.slug === 'survey')));
    const ins = old.prepare('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const survey = (fiscalYear: number, satisfied: number) => ({ fiscalYear, satisfied });
    for (let i = 1; i <= 40; i++) {
      const kind = i === 7 ? survey(2025, 60) : i === 21 ? survey(2026, 70) : i === 33 ? survey(2025, 80) : null;
      ins.run('admin-1', i, `0017962968543${String(i).padStart(2, '0')}.000000.admin-1`, kind ? CITIZEN_SURVEY_EVENT : 'visit.noted', 'honcho', kind ? null : `v-${i}`, JSON.stringify(kind ?? { note: i }), '2026-12-03T00:00:00.000Z');
    }
    old.close();
    const { store } = open('admin-1', file);
    expect((store.db.prepare(`SELECT COUNT(*) AS n FROM events INDEXED BY events_citizen_survey WHERE type = '${CITIZEN_SURVEY_EVENT}'`).get() as { n: number }).n).toBe(3);
    const plan = (sql: string) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    expect(plan(`SELECT payload FROM events WHERE type = '${CITIZEN_SURVEY_EVENT}' AND json_extract(payload, '$.fiscalYear') = 2025 ORDER BY hlc DESC LIMIT 1`)).toContain('events_citizen_survey');
    // The newest import of the year asked for, and none for a year without one.
    expect(latestCitizenSurvey(store, 2025)).toMatchObject({ fiscalYear: 2025, satisfied: 80 });
    expect(latestCitizenSurvey(store, 2026)).toMatchObject({ fiscalYear: 2026, satisfied: 70 });
    expect(latestCitizenSurvey(store, 2024)).toBeNull();
  });

  it('refuses a database written by a newer version, with a clear message', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${migrations.length + 5}`);
    db.close();
    expect(() => Store.open({ file, nodeId: 'x', site: 'honcho' })).toThrow(/newer Madoguchi/);
  });

  it('refuses a database that belongs to another origin', () => {
    const { store } = open('term-a');
    const file = store.file;
    store.close();
    expect(() => Store.open({ file, nodeId: 'term-b', site: 'honcho' })).toThrow(/belongs to terminal "term-a"/);
  });

  it('numbers events per origin without gaps and orders them by HLC even when the clock stalls', () => {
    let now = 1_800_000_000_000;
    const { store } = open('a', undefined, () => now);
    const e1 = store.append('x.test', { n: 1 });
    const e2 = store.append('x.test', { n: 2 });
    now -= 60_000; // the wall clock steps back
    const e3 = store.append('x.test', { n: 3 });
    expect([e1.seq, e2.seq, e3.seq]).toEqual([1, 2, 3]);
    expect(e1.hlc < e2.hlc && e2.hlc < e3.hlc).toBe(true);
    expect(store.versionVector()).toEqual({ a: 3 });
  });

  it('rebuilds projections from the log to exactly the live state', () => {
    const { store } = open();
    const svc = new VisitService(store, parseConfig(demo));
    const issued = Array.from({ length: 5 }, (_, i) => svc.issue({ station: 'east', lang: 'ja', priority: i === 3, events: ['moving-in'], facts: {}, items: [seed], route: ['shimin', 'kokuho'] }, by));
    const c = { terminal: 'counter-shimin-1' };
    const first = svc.callNext('shimin', '1', c)!;
    expect(first.id).toBe(issued[3]!.id); // priority first
    svc.start(first.id, '1', c);
    svc.setItemStatus(first.id, 'tennyu', 'accepted', 'shimin', c);
    svc.addNote(first.id, '転出証明書あり', 'shimin', '1', c);
    svc.finishHere(first.id, '1', c, { leftOpenReason: '入力は後で' });
    svc.cancel(issued[4]!.id, '気分不良のため帰宅', c);
    const live = snapshot(store);
    store.rebuildProjections();
    expect(snapshot(store)).toEqual(live);
    expect(svc.get(first.id).route[svc.get(first.id).stop]).toBe('kokuho');
  });

  it('converges whatever order events arrive in, and records the losing double call', () => {
    const a = open('counter-a').store;
    const b = open('counter-b').store;
    const cfg = parseConfig(demo);
    const svcA = new VisitService(a, cfg);
    const v = svcA.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [seed], route: ['shimin'] }, by);
    b.ingest(a.eventsAfter({}));
    // Both counters call the same visit while cut off from each other.
    new VisitService(b, cfg).callNext('shimin', '2', { terminal: 'counter-b' });
    svcA.callNext('shimin', '1', { terminal: 'counter-a' });
    const replicas = [open('r1').store, open('r2').store];
    const all = [...a.eventsAfter({}), ...b.eventsAfter({})];
    replicas[0]!.ingest(all);
    for (const e of [...all].reverse()) replicas[1]!.ingest([e]);
    a.ingest(b.eventsAfter({}));
    b.ingest(a.eventsAfter({}));
    const states = [a, b, ...replicas].map((s) => new VisitService(s, cfg).get(v.id));
    for (const s of states) expect(s).toEqual(states[0]);
    expect(states[0]!.conflicts).toHaveLength(1);
    expect(states[0]!.conflicts[0]!.kind).toBe('double-call');
  });

  it('ignores duplicates on ingest', () => {
    const a = open('a').store;
    const b = open('b').store;
    a.append('x.test', {});
    const evs = a.eventsAfter({});
    expect(b.ingest(evs).inserted).toHaveLength(1);
    expect(b.ingest(evs)).toMatchObject({ inserted: [], duplicates: 1 });
  });

  it('tells new events from duplicates in a large ingest: held ones, repeats inside it, and holes filled late', () => {
    const a = open('a').store;
    const b = open('b').store;
    a.tx(() => {
      for (let i = 0; i < 130; i++) a.append('x.test', { i });
    });
    const evs = a.eventsAfter({}, 1000);
    // b holds 1–20 and 40 (a hole from 21 to 39), then gets everything again, 60–70 twice.
    b.ingest([...evs.slice(0, 20), evs[39]!]);
    const r = b.ingest([...evs, ...evs.slice(59, 70)].reverse());
    expect(r.duplicates).toBe(21 + 11);
    expect(r.inserted.map((e) => e.seq)).toEqual(evs.map((e) => e.seq).filter((s) => s > 20 && s !== 40));
    const rows = b.db.prepare('SELECT seq, payload, received_at FROM events ORDER BY seq').all() as Array<{ seq: number; payload: string; received_at: string }>;
    expect(rows.map((x) => x.seq)).toEqual(evs.map((e) => e.seq));
    expect(rows.map((x) => JSON.parse(x.payload) as unknown)).toEqual(evs.map((e) => e.payload));
    expect(rows.every((x) => /^\d{4}-\d{2}-\d{2}T/.test(x.received_at))).toBe(true);
    expect(b.versionVector()).toEqual({ a: 130 });
    expect(b.ingest(evs)).toMatchObject({ inserted: [], duplicates: 130 });
  });

  it('tells new events from repeats when an origin\'s clocks do not follow its seqs (a damaged log)', () => {
    const a = open('a').store;
    const b = open('b').store;
    a.tx(() => {
      for (let i = 0; i < 80; i++) a.append('x.test', { i });
    });
    const evs = a.eventsAfter({}, 1000);
    const hlcs = evs.map((e) => e.hlc);
    // Log order (by clock) puts seq 80 first, then 79 … 41, then 1 … 40; 41–45 and 3 come twice.
    const scrambled = evs.map((e, i) => ({ ...e, hlc: i < 40 ? hlcs[40 + i]! : hlcs[79 - i]! }));
    const r = b.ingest([...scrambled, ...scrambled.slice(40, 45), scrambled[2]!]);
    expect(r.duplicates).toBe(6);
    expect(r.inserted.map((e) => e.seq).sort((x, y) => x - y)).toEqual(evs.map((e) => e.seq));
    expect(b.eventCount()).toBe(80);
    expect(b.ingest(scrambled)).toMatchObject({ inserted: [], duplicates: 80 });
  });

  it('fails a large ingest whose rows do not all go in (the bulk INSERT ignores conflicts), and keeps nothing of it', () => {
    const a = open('a').store;
    const b = open('b').store;
    a.tx(() => {
      for (let i = 0; i < 130; i++) a.append('x.test', { i });
    });
    const evs = a.eventsAfter({}, 1000);
    // Row 75 (in the second statement of 50 rows) lacks a NOT NULL column: ignored by SQLite, caught by the store.
    const broken = evs.map((e, i) => (i === 74 ? { ...e, site: null as never } : e));
    expect(() => b.ingest(broken)).toThrow(/1 of 50 new events were not stored/);
    expect(b.eventCount()).toBe(0);
    expect(b.meta('hlc')).toBeUndefined();
    // The same events whole go in, all of them.
    expect(b.ingest(evs).inserted).toHaveLength(130);
    expect(b.eventCount()).toBe(130);
  });
});
