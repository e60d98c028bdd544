import type { Migration } from '../migrate';

/**
 * Resident (linkage) data and the audit log of every read and print of it.
 *
 * Residents are not events: they are a copy of the city's core systems, refreshed by imports and
 * purged after residentAccess.ttlHours, so they never sync and never enter the event log. The
 * audit log is kept apart from them and survives a purge. Statements use IF NOT EXISTS because
 * the residents module may lay this schema before the migration list reaches version 4.
 */
export const migration: Migration = {
  version: 4,
  slug: 'residents',
  sql: `
    CREATE TABLE IF NOT EXISTS resident_imports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      source TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
      rows INTEGER NOT NULL,
      inserted INTEGER NOT NULL,
      updated INTEGER NOT NULL,
      retired INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS residents (
      id TEXT PRIMARY KEY,
      household_id TEXT NOT NULL,
      kana_key TEXT NOT NULL,
      birth_date TEXT NOT NULL,
      data TEXT NOT NULL,
      imported_at INTEGER NOT NULL,
      import_id INTEGER NOT NULL REFERENCES resident_imports (id),
      retired_at TEXT
    );
    CREATE INDEX IF NOT EXISTS residents_by_household ON residents (household_id) WHERE retired_at IS NULL;
    CREATE INDEX IF NOT EXISTS residents_by_kana ON residents (kana_key) WHERE retired_at IS NULL;
    CREATE INDEX IF NOT EXISTS residents_by_birth ON residents (birth_date) WHERE retired_at IS NULL;
    CREATE TABLE IF NOT EXISTS audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      terminal TEXT NOT NULL,
      action TEXT NOT NULL,
      resident_id TEXT,
      household_id TEXT,
      visit_id TEXT,
      purpose TEXT NOT NULL,
      detail TEXT
    );
    CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (at);
  `,
};
