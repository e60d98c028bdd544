import type { Migration } from '../migrate';

/**
 * KPIs (issue 15). The fiscal year's 市民アンケート is read by its event type
 * (`citizen-survey.imported`, one event per import of the city's survey CSV). Migration 14 dropped
 * the index by type, so every KPI report, cold or warm, scanned the whole log for it: 0.8 s on the
 * bench's year of 2.5 million events. The partial index below holds only those imports; the query
 * names the type as a literal so that SQLite can use it.
 */
export const migration: Migration = {
  version: 15,
  slug: 'survey',
  sql: `
    CREATE INDEX IF NOT EXISTS events_citizen_survey ON events (hlc) WHERE type = 'citizen-survey.imported';
  `,
};
