import { addDays } from '../../common/dates/isoDate';
import { businessDate } from '../../common/dates/businessDay';
import type { TerminalConfig } from '../../common/config/schema';
import { redactPayload } from '../../common/reports/redact';
import { foldVisit } from '../../common/visit/fold';
import { isVisitEventType, type VisitEvent } from '../../common/visit/events';
import type { Store } from '../store/store';
import { readVisit, writeVisit } from '../store/visitProjection';
import { KpiDeltas } from '../store/kpiDaysProjection';
import { computeDayFromStore, ensureReportSchema, storeDay } from './source';

/** Audit event appended once per erased day (not a visit event: the fold ignores it). */
export const RETENTION_EVENT = 'report.retention';

export interface RetentionResult {
  cutoff: string | null;
  days: Array<{ date: string; visits: number; events: number }>;
}

/**
 * Erases personal details of visits whose business day is older than the configured period. For
 * each such day, in one transaction: the day's anonymous statistics are stored, event payloads
 * lose their personal fields (see common/reports/redact.ts), the visits are folded again from the
 * erased log, and an audit event records what was done. Reports for the day keep working (from
 * the stored statistics, or by folding the erased log, which gives the same figures).
 */
export function applyRetention(store: Store, config: TerminalConfig, opts: { days?: number } = {}): RetentionResult {
  const keep = opts.days ?? config.retention?.personalDetailsDays;
  if (!keep) return { cutoff: null, days: [] };
  ensureReportSchema(store);
  const today = businessDate(store.now(), config.timeZone);
  const cutoff = addDays(today, -keep);
  const dates = (
    store.db
      .prepare(
        `SELECT DISTINCT v.business_date AS d FROM visits v
         LEFT JOIN report_days r ON r.date = v.business_date
         WHERE v.business_date < ? AND (r.redacted_at IS NULL OR r.stale = 1) ORDER BY d`,
      )
      .all(cutoff) as Array<{ d: string }>
  ).map((r) => r.d);
  const out: RetentionResult = { cutoff, days: [] };
  if (dates.length === 0) return out;
  // Erased bytes must not linger in freed pages or the write-ahead log.
  const secure = store.db.pragma('secure_delete', { simple: true }) as number;
  store.db.pragma('secure_delete = ON');
  try {
    for (const date of dates) out.days.push(eraseDay(store, config, date));
  } finally {
    store.db.pragma(`secure_delete = ${secure ? 'ON' : 'OFF'}`);
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return out;
}

function eraseDay(store: Store, config: TerminalConfig, date: string): { date: string; visits: number; events: number } {
  return store.tx(() => {
    const at = new Date(store.now()).toISOString();
    storeDay(store, computeDayFromStore(store, config, date), at);
    const ids = (store.db.prepare('SELECT id FROM visits WHERE business_date = ?').all(date) as Array<{ id: string }>).map((r) => r.id);
    const update = store.db.prepare('UPDATE events SET payload = ? WHERE origin = ? AND seq = ?');
    let erased = 0;
    // Erasing changes no KPI figure, but the day sums follow the visits whatever the fold gives.
    const kpi = new KpiDeltas();
    for (const id of ids) {
      const evs = store.visitEvents(id);
      let changed = false;
      for (const ev of evs) {
        const p = redactPayload(ev.type, ev.payload);
        if (!p) continue;
        update.run(JSON.stringify(p), ev.origin, ev.seq);
        ev.payload = p;
        erased++;
        changed = true;
      }
      if (!changed) continue;
      const state = foldVisit(evs.filter((e) => isVisitEventType(e.type)).map((e) => ({ type: e.type, payload: e.payload }) as VisitEvent));
      if (!state) continue;
      kpi.replaceVisit(readVisit(store, id), state);
      writeVisit(store, state, evs[evs.length - 1]!.hlc);
    }
    kpi.flush((sql) => store.stmt(sql));
    store.append(RETENTION_EVENT, { day: date, visits: ids.length, erasedEvents: erased, at });
    return { date, visits: ids.length, events: erased };
  });
}
