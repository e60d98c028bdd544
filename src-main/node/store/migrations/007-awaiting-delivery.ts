import type { Migration } from '../migrate';

/**
 * 事後交付: the departments that still owe a visit something (items `awaiting-delivery`), as
 * `,kokuho,kaigo,`, so a department's board finds earlier days' deliveries through an index
 * instead of reading every visit ever. Existing rows are filled from their folded state.
 */
export const migration: Migration = {
  version: 7,
  slug: 'awaiting-delivery',
  sql: `
    ALTER TABLE visits ADD COLUMN awaiting_delivery TEXT;
    UPDATE visits SET awaiting_delivery = (
      SELECT ',' || group_concat(dept, ',') || ','
      FROM (SELECT DISTINCT json_extract(value, '$.department') AS dept
            FROM json_each(visits.state, '$.items')
            WHERE json_extract(value, '$.status') = 'awaiting-delivery')
    );
    CREATE INDEX visits_awaiting_delivery ON visits (awaiting_delivery) WHERE awaiting_delivery IS NOT NULL;
  `,
};
