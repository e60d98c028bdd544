import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { mulberry32 } from '../../common/random';
import type { VersionVector } from '../../common/sync/event';
import { Store } from './store';

/**
 * versionVector() remembers the contiguous mark it proved per origin and checks only beyond it.
 * These compare it, call after call, with the full answer computed from scratch over the same
 * rows: events arriving out of order (gaps filled later), from another connection on the same
 * file, and rows inserted inside a transaction that is rolled back.
 */
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function open(file?: string) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const path = file ?? join(t.dir, 'db.sqlite');
  const store = Store.open({ file: path, nodeId: 'display-1', site: 'honcho' });
  cleanups.unshift(() => store.close());
  return { store, path };
}

function insert(store: Pick<Store, 'db'>, origin: string, seq: number): void {
  store.db
    .prepare("INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, 'visit.called', 'honcho', NULL, '{}', '2025-06-02T00:00:00.000Z')")
    .run(origin, seq, `${String(seq).padStart(15, '0')}.000000.${origin}`);
}

/** The answer from scratch: per origin, the highest n with 1..n all held. */
function fromScratch(store: Store): VersionVector {
  const held = new Map<string, Set<number>>();
  for (const r of store.db.prepare('SELECT origin, seq FROM events').all() as Array<{ origin: string; seq: number }>) {
    if (!held.has(r.origin)) held.set(r.origin, new Set());
    held.get(r.origin)!.add(r.seq);
  }
  const vv: VersionVector = {};
  for (const [origin, seqs] of held) {
    let n = 0;
    while (seqs.has(n + 1)) n++;
    vv[origin] = n;
  }
  return vv;
}

describe('versionVector', () => {
  it('equals the answer from scratch after every arrival, in any order (seeded; MADOGUCHI_VV_SEED replays)', () => {
    const seed = Number(process.env.MADOGUCHI_VV_SEED ?? Date.now() % 1_000_000);
    console.log(`versionVector seed ${seed} (MADOGUCHI_VV_SEED=${seed} replays)`);
    const rnd = mulberry32(seed);
    const { store } = open();
    const origins = ['a', 'b', 'counter-1', 'kiosk-2', 'z'];
    // Each origin's seqs 1..60 arrive shuffled, mostly near their order (pages with holes), interleaved.
    const arrivals: Array<[string, number]> = [];
    for (const o of origins) {
      const seqs = Array.from({ length: 60 }, (_, i) => i + 1);
      for (let i = 0; i < seqs.length; i++) {
        const j = Math.min(seqs.length - 1, i + Math.floor(rnd() * 4));
        [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
      }
      for (const s of seqs) arrivals.push([o, s]);
    }
    for (let i = arrivals.length - 1; i > 0; i--) {
      if (rnd() < 0.7) continue; // keep much of each origin's run together
      const j = Math.floor(rnd() * (i + 1));
      [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
    }
    expect(store.versionVector()).toEqual({});
    for (const [o, s] of arrivals) {
      insert(store, o, s);
      if (rnd() < 0.5) expect(store.versionVector(), `seed ${seed}, after ${o}#${s}`).toEqual(fromScratch(store));
    }
    expect(store.versionVector()).toEqual(Object.fromEntries(origins.map((o) => [o, 60])));
  });

  it('a gap filled later moves the mark past it; an origin starting above 1 proves nothing', () => {
    const { store } = open();
    for (const s of [1, 2, 4, 5]) insert(store, 'a', s);
    insert(store, 'b', 2);
    expect(store.versionVector()).toEqual({ a: 2, b: 0 });
    insert(store, 'a', 3);
    insert(store, 'a', 7);
    expect(store.versionVector()).toEqual({ a: 5, b: 0 });
    insert(store, 'b', 1);
    insert(store, 'a', 6);
    expect(store.versionVector()).toEqual({ a: 7, b: 2 });
  });

  it('sees rows another connection added to the same file', () => {
    const { store, path } = open();
    insert(store, 'a', 1);
    expect(store.versionVector()).toEqual({ a: 1 });
    // The same terminal's other process (a CLI command, the app's second window) on the file.
    const other = new Database(path);
    try {
      insert({ db: other }, 'a', 2);
      insert({ db: other }, 'c', 1);
    } finally {
      other.close();
    }
    expect(store.versionVector()).toEqual({ a: 2, c: 1 });
  });

  it('rows of a rolled-back transaction are not remembered as held', () => {
    const { store } = open();
    insert(store, 'a', 1);
    expect(store.versionVector()).toEqual({ a: 1 });
    expect(() =>
      store.tx(() => {
        insert(store, 'a', 2);
        insert(store, 'a', 3);
        insert(store, 'b', 1);
        // Inside the transaction the rows count (this connection sees them)...
        expect(store.versionVector()).toEqual({ a: 3, b: 1 });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    // ...and after the rollback they are gone, and a later pull asks for them again.
    expect(store.versionVector()).toEqual({ a: 1 });
    insert(store, 'a', 3);
    expect(store.versionVector()).toEqual({ a: 1 });
  });
});
