import type { Migration } from '../migrate';

/**
 * Terminal-side sync history: one row per change of sync state (online, offline, refused), so a
 * supervisor can see when a terminal was cut off and why. Progress itself needs no table: the log
 * is the outbox, and the server's acknowledged high-water mark lives in `meta` (sync.acked).
 */
export const migration: Migration = {
  version: 5,
  slug: 'sync',
  sql: `
    CREATE TABLE sync_runs (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('online', 'offline', 'error')),
      outbox INTEGER NOT NULL,
      message TEXT
    );
    CREATE INDEX sync_runs_by_at ON sync_runs (at);
  `,
};
