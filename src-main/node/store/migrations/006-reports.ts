import type { Migration } from '../migrate';

/**
 * Reports and data retention. `report_days` holds each closed day's anonymous statistics (the
 * DailyReport, folded from events): the KPIs add these up instead of re-folding a year of visits,
 * and they are what remains after personal details are erased. A trigger marks a day stale when
 * an event of that day arrives later (sync, a late correction), so a stored day is never wrong.
 * Written with IF NOT EXISTS so the reports module can also ensure it on a database whose
 * migration list does not include it yet.
 */
export const migration: Migration = {
  version: 6,
  slug: 'reports',
  sql: `
    CREATE TABLE IF NOT EXISTS report_days (
      date TEXT PRIMARY KEY,
      report TEXT NOT NULL,
      computed_at TEXT NOT NULL,
      stale INTEGER NOT NULL DEFAULT 0,
      redacted_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS events_by_type ON events (type, hlc);
    CREATE TRIGGER IF NOT EXISTS report_days_stale AFTER INSERT ON events
    WHEN NEW.visit_id IS NOT NULL OR NEW.type = 'guide.completed'
    BEGIN
      UPDATE report_days SET stale = 1
      WHERE stale = 0 AND date IN (
        (SELECT business_date FROM visits WHERE id = NEW.visit_id),
        json_extract(NEW.payload, '$.businessDate'),
        json_extract(NEW.payload, '$.date')
      );
    END;
  `,
};
