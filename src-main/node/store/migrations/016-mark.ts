import type { Migration } from '../migrate';

/**
 * An exact change marker for visit rows (issue 15: the ticket's wait estimate reads only the rows
 * changed since it last looked). `visits.last_hlc` is not one: a late event with an older HLC
 * changes a visit's state but not its last_hlc.
 *
 * Every visit row written carries `change_seq` = the highest marker in the table plus one
 * (`NEXT_VISIT_CHANGE` in visitProjection.ts, read through the index below in the same statement),
 * so the counter lives in the file and every connection and process on it shares it. A reader that
 * saw the highest marker at C, then reads the rows with change_seq > C, never misses a change
 * committed since: writers take the write lock one at a time, and each marker is above all those
 * committed before it. Only a delete can lower the highest marker (a rebuild empties the table):
 * `visit_deletes.n` counts deleted rows, and a reader that sees it move reads everything again.
 *
 * Rows written before this migration keep change_seq 0 (no reader looked at them with a marker
 * yet, and rewriting every row of a year would write the whole table again).
 */
export const migration: Migration = {
  version: 16,
  slug: 'mark',
  sql: `
    ALTER TABLE visits ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX IF NOT EXISTS visits_by_change ON visits (change_seq);
    CREATE TABLE IF NOT EXISTS visit_deletes (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      n INTEGER NOT NULL
    );
    INSERT OR IGNORE INTO visit_deletes (one, n) VALUES (1, 0);
    CREATE TRIGGER IF NOT EXISTS visits_deleted AFTER DELETE ON visits
    BEGIN
      UPDATE visit_deletes SET n = n + 1;
    END;
  `,
};
