import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { withoutFsync } from './withoutFsync';

describe('withoutFsync', () => {
  const tmp = tempDir('madoguchi-nofsync-');
  const db = new Database(join(tmp.dir, 'x.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER)');
  const level = () => db.pragma('synchronous', { simple: true }) as number;
  afterEach(() => {
    db.pragma('synchronous = FULL');
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('commits at NORMAL and restores the level in force before (FULL or EXTRA)', () => {
    for (const before of [2, 3]) {
      db.pragma(`synchronous = ${before}`);
      const inside = withoutFsync(db, () => {
        db.prepare('INSERT INTO t VALUES (?)').run(before);
        return level();
      });
      expect(inside).toBe(1);
      expect(level()).toBe(before);
    }
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2 });
  });

  it('restores the level when the work throws, and the error reaches the caller', () => {
    db.pragma('synchronous = FULL');
    expect(() => withoutFsync(db, () => {
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(level()).toBe(2);
  });

  it('inside a transaction, and on a database already at NORMAL or OFF, leaves the level alone', () => {
    db.pragma('synchronous = FULL');
    const inTx = db.transaction(() => withoutFsync(db, level));
    expect(inTx()).toBe(2);
    for (const before of [0, 1]) {
      db.pragma(`synchronous = ${before}`);
      expect(withoutFsync(db, level)).toBe(before);
      expect(level()).toBe(before);
    }
  });
});
