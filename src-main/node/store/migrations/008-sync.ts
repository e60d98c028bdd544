import type { Migration } from '../migrate';

/**
 * Quarantine (issue 12, "trust the wire"): events sync set aside instead of letting them block.
 * - `in`: a pulled event that failed validation (or its fold) on this terminal; its raw form is
 *   kept here and a sync.quarantined placeholder holds its (origin, seq) in the log.
 * - `out`: one of this terminal's own events the server can never accept (too large, invalid);
 *   it stays in the local log and a sync.skipped placeholder goes out in its place.
 * `madoguchi sync quarantine list|drop` shows and removes them; doctor and the status bar count them.
 * IF NOT EXISTS: a test (or an operator) that winds user_version back re-runs it harmlessly.
 */
export const migration: Migration = {
  version: 8,
  slug: 'sync-quarantine',
  sql: `
    CREATE TABLE IF NOT EXISTS sync_quarantine (
      id INTEGER PRIMARY KEY,
      direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      origin TEXT,
      seq INTEGER,
      type TEXT,
      raw TEXT NOT NULL,
      reason TEXT NOT NULL,
      field TEXT,
      at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS sync_quarantine_by_event ON sync_quarantine (direction, origin, seq);
  `,
};
