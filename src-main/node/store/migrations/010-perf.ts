import type { Migration } from '../migrate';

/**
 * Performance (issue 15). The trigger that marked a stored report day stale ran once per inserted
 * event, re-reading the visit and parsing the payload twice; the store's report-days projector
 * (reportDaysProjection.ts) now does the same marking once per day per ingest batch, in the same
 * transaction as the insert.
 */
export const migration: Migration = {
  version: 10,
  slug: 'perf',
  sql: `
    DROP TRIGGER IF EXISTS report_days_stale;
  `,
};
