import y2024 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2024';
import y2025 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2025';
import y2026 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2026';
import y2027 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2027';
import y2028 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2028';
import y2029 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2029';
import y2030 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2030';
import y2031 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2031';
import y2032 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2032';
import y2033 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2033';
import y2034 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2034';
import y2035 from '@holiday-jp/holiday_jp/lib/holidays_every_year/2035';
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

/**
 * The years whose national holidays the city's deadlines can touch (visits from 2024, claims up to
 * 5 years later and beyond), each from the library's own per-year table: the whole 1970–2050 table would
 * weigh on the online guide's download. A deadline outside these years still moves off weekends
 * and 29 Dec – 3 Jan; `HOLIDAY_YEARS` says which years are covered.
 */
const TABLES: ReadonlyArray<Record<string, unknown>> = [y2024, y2025, y2026, y2027, y2028, y2029, y2030, y2031, y2032, y2033, y2034, y2035] as unknown as Array<Record<string, unknown>>;
const HOLIDAYS: Readonly<Record<string, unknown>> = Object.assign({}, ...TABLES) as Record<string, unknown>;
export const HOLIDAY_YEARS: readonly number[] = [2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035];

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
