import { nextOpenDay, LEGAL_CLOSED_DAYS, type ClosedDays } from './closedDays';
import { addDays, daysInMonth, formatIsoDate, parseIsoDate, type IsoDate } from './isoDate';

/**
 * Deadlines as the laws count them (FACTS.md):
 * - `civil` (民法140条, 初日不算入; 住基法・国保・介護・児童手当・番号法): the first day is not counted,
 *   so N days from the event end on eventDate + N.
 * - `koseki` (戸籍法43条1項; 出生届・死亡届): the day of the event is day 1, so N days end on
 *   eventDate + N − 1 (born 20 November: 出生届 by 3 December).
 * Months: the same day number N months later (民法143条; the month's last day when it has none),
 * minus one day for the 戸籍法 count. A last day on which the city hall is closed moves to the next
 * open day (地方自治法4条の2第4項).
 */
export type DeadlineCount = 'civil' | 'koseki';

export interface DeadlineSpan {
  days?: number;
  months?: number;
  years?: number;
  count?: DeadlineCount;
}

/** The same day number N months later; the month's last day when it has no such day. */
export function addMonths(iso: IsoDate, n: number): IsoDate {
  const c = parseIsoDate(iso);
  if (!c) throw new RangeError(`not an ISO date: ${iso}`);
  const total = c.y * 12 + (c.m - 1) + n;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return formatIsoDate({ y, m, d: Math.min(c.d, daysInMonth(y, m)) });
}

/** The last day by the law's count, before any closed-day move. */
export function lawfulLastDay(from: IsoDate, span: DeadlineSpan): IsoDate {
  const koseki = span.count === 'koseki';
  let d = from;
  if (span.years) d = addMonths(d, span.years * 12);
  if (span.months) d = addMonths(d, span.months);
  if (span.days) d = addDays(d, span.days);
  return koseki ? addDays(d, -1) : d;
}

/** The deadline that applies: the law's last day, moved to the next open day when the city hall is closed on it. */
export function deadlineDay(from: IsoDate, span: DeadlineSpan, cal: ClosedDays = LEGAL_CLOSED_DAYS): { deadline: IsoDate; lawful: IsoDate; moved: boolean } {
  const lawful = lawfulLastDay(from, span);
  const deadline = nextOpenDay(lawful, cal);
  return { deadline, lawful, moved: deadline !== lawful };
}
