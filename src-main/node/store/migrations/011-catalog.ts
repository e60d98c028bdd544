import type { Migration } from '../migrate';

/**
 * Published catalog versions (issue 19). `catalog_versions` is a projection of the
 * `catalog.published` events (the content stays in the event log): one row per published version
 * with its number, hash, publisher, reason and effective date, and `problem` when this terminal
 * keeps it out (the hash does not match, the publisher is not an administrator, or the catalog
 * fails this app's checks). `catalog_terminals` folds `catalog.activated`: the version each
 * terminal says it serves (the supervisor lists terminals that are behind).
 */
export const migration: Migration = {
  version: 11,
  slug: 'catalog',
  sql: `
    CREATE TABLE IF NOT EXISTS catalog_versions (
      origin TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hlc TEXT NOT NULL,
      version INTEGER NOT NULL,
      hash TEXT NOT NULL,
      publisher TEXT NOT NULL,
      published_at TEXT NOT NULL,
      reason TEXT NOT NULL,
      effective TEXT NOT NULL,
      rollback_of INTEGER,
      problem TEXT,
      PRIMARY KEY (origin, seq)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS catalog_versions_by_version ON catalog_versions (version, hlc);
    CREATE TABLE IF NOT EXISTS catalog_terminals (
      terminal TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      hash TEXT NOT NULL,
      at TEXT NOT NULL,
      hlc TEXT NOT NULL,
      refused_version INTEGER,
      refused_reason TEXT
    ) WITHOUT ROWID;
  `,
};
