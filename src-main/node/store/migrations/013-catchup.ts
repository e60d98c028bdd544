import type { Migration } from '../migrate';

/**
 * Performance (issue 15): `visits` becomes an ordinary (rowid) table. A folded visit state is
 * about 1.7 KB; in a WITHOUT ROWID table a row over ~1 KB does not fit its b-tree cell, so every
 * visit written also wrote an overflow page of its own (4 KiB): a catch-up of 12,500 visits wrote
 * twice the pages it needed. In a rowid table a row up to ~4 KB stays in its leaf page. Same
 * columns, same indexes, same data; `id` stays the primary key (ON CONFLICT(id) upserts as before).
 *
 * The old table is dropped with secure_delete on, so the pages it frees hold no visit details
 * that retention (which erases with secure_delete) could later miss.
 */
export const migration: Migration = {
  version: 13,
  slug: 'catchup',
  sql: `
    PRAGMA secure_delete = ON;
    CREATE TABLE visits_rowid (
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
      state TEXT NOT NULL,
      awaiting_delivery TEXT
    );
    INSERT INTO visits_rowid (id, business_date, station, number, status, department, priority, queue_key, called_counter, last_hlc, state, awaiting_delivery)
      SELECT id, business_date, station, number, status, department, priority, queue_key, called_counter, last_hlc, state, awaiting_delivery FROM visits ORDER BY id;
    DROP TABLE visits;
    ALTER TABLE visits_rowid RENAME TO visits;
    CREATE INDEX visits_queue ON visits (business_date, department, status, priority DESC, queue_key, number);
    CREATE INDEX visits_by_number ON visits (business_date, station, number);
    CREATE INDEX visits_awaiting_delivery ON visits (awaiting_delivery) WHERE awaiting_delivery IS NOT NULL;
    PRAGMA secure_delete = OFF;
  `,
};
