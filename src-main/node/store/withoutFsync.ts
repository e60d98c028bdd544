import type { Database } from 'better-sqlite3';

/**
 * Runs `fn` so that its commits skip an fsync of their own (WAL, synchronous=NORMAL: never a
 * corrupt database; the next fully synchronous commit covers them). Only for writes a power cut may
 * lose because something restates them: a hint, a mark the server re-acknowledges, events the
 * server still holds. The level in force before comes back afterwards, even when `fn` throws.
 * Inside a transaction the outer commit decides, and a database already at NORMAL or below needs
 * nothing: `fn` just runs.
 */
export function withoutFsync<T>(db: Database, fn: () => T): T {
  if (db.inTransaction) return fn();
  const level = db.pragma('synchronous', { simple: true }) as number;
  if (level <= 1) return fn();
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma(`synchronous = ${level}`);
  }
}
