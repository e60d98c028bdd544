import { AppError } from '../../common/errors';
import type { Station } from '../../common/config/schema';
import type { Store } from '../store/store';

/**
 * Next ticket number for a station on a business day. Must run inside the store's IMMEDIATE
 * transaction that also appends the `visit.issued` event: the write lock makes two processes on
 * one data folder take turns, and the number exists only once that event is committed.
 */
export function nextTicketNumber(store: Store, station: Station, businessDate: string): number {
  const row = store.stmt('SELECT MAX(number) AS n FROM visits WHERE business_date = ? AND station = ?').get(businessDate, station.id) as { n: number | null };
  const next = Math.max((row.n ?? 0) + 1, station.range.from);
  if (next > station.range.to) {
    throw new AppError('range-exhausted', `station "${station.id}" (${station.name}) has used its whole range ${station.range.from}–${station.range.to} today. Tell the supervisor: another station or a wider range is needed.`, {
      field: 'station',
      details: { station: station.id, range: station.range },
    });
  }
  return next;
}

/** How many of today's numbers a station has left (an alarm when low). */
export function ticketsLeft(store: Store, station: Station, businessDate: string): number {
  const row = store.db.prepare('SELECT MAX(number) AS n FROM visits WHERE business_date = ? AND station = ?').get(businessDate, station.id) as { n: number | null };
  const used = Math.max((row.n ?? station.range.from - 1) + 1, station.range.from);
  return Math.max(0, station.range.to - used + 1);
}
