import type { Migration } from '../migrate';

/**
 * Performance (issue 15). `events_by_type` indexed every event by (type, hlc), but the only events
 * ever looked up by type are the guide's anonymous completions (`guide.completed`): the KPI day
 * sums' backfill and the report source. A catch-up wrote one entry per visit event into it for
 * nothing (a quarter of the index writes of an ingest). The partial index below holds only the
 * completions; the queries name the type as a literal so that SQLite can use it.
 */
export const migration: Migration = {
  version: 14,
  slug: 'fast',
  sql: `
    DROP INDEX IF EXISTS events_by_type;
    CREATE INDEX IF NOT EXISTS events_guide_completed ON events (hlc) WHERE type = 'guide.completed';
  `,
};
