import type { StoredEvent } from '../../common/sync/event';
import type { Projector, Store } from './store';
import { GUIDE_COMPLETED_EVENT, KpiDeltas } from './kpiDaysProjection';

/**
 * A stored report day (report_days) is the fold of that day's visits and guide completions. When
 * an event of that day arrives later (sync, a late correction), the stored day is marked stale in
 * the same transaction, so a stored day is never wrong. The visit projector marks the business day
 * of every visit it folds; this projector marks the day a guide completion names. Each day is
 * marked once per batch. It also adds each guide completion to the KPI day sums of the date it
 * names (kpi_days' guide columns, see kpiDaysProjection.ts).
 */
export const reportDaysProjector: Projector = {
  name: 'report-days',
  tables: [],
  apply(store: Store, ev: StoredEvent) {
    this.applyBatch!(store, [ev]);
  },
  applyBatch(store: Store, events: readonly StoredEvent[]) {
    const days = new Set<string>();
    const kpi = new KpiDeltas();
    for (const ev of events) {
      if (ev.type === GUIDE_COMPLETED_EVENT) kpi.addGuideCompletion(ev.payload);
      if (ev.visitId !== null || ev.type !== 'guide.completed') continue;
      const p = ev.payload as { businessDate?: unknown; date?: unknown } | null;
      if (p && typeof p === 'object') {
        if (typeof p.businessDate === 'string') days.add(p.businessDate);
        if (typeof p.date === 'string') days.add(p.date);
      }
    }
    kpi.flush((sql) => store.stmt(sql));
    markReportDaysStale(store, days);
  },
};

export function markReportDaysStale(store: Store, days: Iterable<string>): void {
  const upd = store.stmt('UPDATE report_days SET stale = 1 WHERE date = ? AND stale = 0');
  for (const d of days) upd.run(d);
}
