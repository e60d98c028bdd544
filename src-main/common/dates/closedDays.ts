import holidays from '@holiday-jp/holiday_jp/lib/holidays';
import { addDays, isIsoDate, parseIsoDate, toDayNumber, type IsoDate } from './isoDate';

/**
 * The days the city hall is closed (地方自治法4条の2第4項: a deadline that falls on one moves to the
 * next open day): Saturdays, Sundays, national holidays (from the maintained holiday_jp calendar,
 * never a hand-typed list), 29 December – 3 January, and any extra closed days in the city's config.
 */
export interface ClosedDays {
  isClosed(iso: IsoDate): boolean;
  /** Why a day is closed, for tests and the supervisor: 'weekend' | 'holiday' | 'year-end' | 'city'. */
  reason(iso: IsoDate): ClosedReason | null;
}

export type ClosedReason = 'weekend' | 'holiday' | 'year-end' | 'city';

const HOLIDAYS: Readonly<Record<string, unknown>> = holidays as unknown as Record<string, unknown>;

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(iso: IsoDate): number {
  return (((toDayNumber(iso) + 4) % 7) + 7) % 7;
}

export function isNationalHoliday(iso: IsoDate): boolean {
  return Object.prototype.hasOwnProperty.call(HOLIDAYS, iso);
}

function isYearEnd(iso: IsoDate): boolean {
  const c = parseIsoDate(iso);
  if (!c) return false;
  return (c.m === 12 && c.d >= 29) || (c.m === 1 && c.d <= 3);
}

/** The calendar for deadlines: the law's closed days plus the city's extra ones (ISO dates). */
export function closedDays(extra: readonly IsoDate[] = []): ClosedDays {
  for (const d of extra) if (!isIsoDate(d)) throw new RangeError(`not an ISO date: ${d}`);
  const city = new Set(extra);
  const reason = (iso: IsoDate): ClosedReason | null => {
    const w = weekday(iso);
    if (w === 0 || w === 6) return 'weekend';
    if (isNationalHoliday(iso)) return 'holiday';
    if (isYearEnd(iso)) return 'year-end';
    if (city.has(iso)) return 'city';
    return null;
  };
  return { reason, isClosed: (iso) => reason(iso) !== null };
}

/** The default calendar (no city extras). */
export const LEGAL_CLOSED_DAYS: ClosedDays = closedDays();

/** The day itself when open, else the next day the city hall is open. */
export function nextOpenDay(iso: IsoDate, cal: ClosedDays = LEGAL_CLOSED_DAYS): IsoDate {
  let d = iso;
  // A year-end run plus a weekend is at most ~10 days; the bound only guards a broken config.
  for (let i = 0; i < 400 && cal.isClosed(d); i++) d = addDays(d, 1);
  return d;
}
