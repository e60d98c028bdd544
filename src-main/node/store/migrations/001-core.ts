import type { Migration } from '../migrate';

/** The event log (the terminal's truth) and the visit projection folded from it. */
export const migration: Migration = {
  version: 1,
  slug: 'core',
  sql: `
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE events (
      origin TEXT NOT NULL,
      seq INTEGER NOT NULL,
      hlc TEXT NOT NULL,
      type TEXT NOT NULL,
      site TEXT NOT NULL,
      visit_id TEXT,
      payload TEXT NOT NULL,
      received_at TEXT NOT NULL,
      PRIMARY KEY (origin, seq)
    ) WITHOUT ROWID;
    CREATE INDEX events_by_hlc ON events (hlc);
    CREATE INDEX events_by_visit ON events (visit_id, hlc) WHERE visit_id IS NOT NULL;

    CREATE TABLE visits (
      id TEXT PRIMARY KEY,
      business_date TEXT NOT NULL,
      station TEXT NOT NULL,
      number INTEGER NOT NULL,
      status TEXT NOT NULL,
      department TEXT,
      priority INTEGER NOT NULL,
      queue_key TEXT NOT NULL,
      called_counter TEXT,
      last_hlc TEXT NOT NULL,
      state TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX visits_queue ON visits (business_date, department, status, priority DESC, queue_key, number);
    CREATE INDEX visits_by_number ON visits (business_date, station, number);
  `,
};
