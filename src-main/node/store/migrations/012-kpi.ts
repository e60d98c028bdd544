import type { Migration } from '../migrate';
import { KPI_TABLES_SQL, rebuildKpiDays } from '../kpiDaysProjection';

/**
 * Fiscal-year KPI day sums (issue 15): `kpi_days` (one row per business day: the visits' KPI
 * counts and sums, durations in ms, and the day's guide completions) and `kpi_day_departments`
 * (per day and department: waits, and KPI②'s single-department acceptances). The store's
 * projectors keep them up to date at fold time (store/kpiDaysProjection.ts); a KPI report sums
 * day rows instead of folding the year's visits. The migration fills them from the visits already
 * folded and the guide completions in the log (with progress on a large database).
 */
export const migration: Migration = {
  version: 12,
  slug: 'kpi',
  sql: KPI_TABLES_SQL,
  backfill: (db, log) => {
    rebuildKpiDays(db, log);
  },
};
