/**
 * Calendar dates as ISO strings (`YYYY-MM-DD`), computed on a UTC day count so no time zone or
 * daylight-saving shift can move a deadline or an age boundary by a day.
 */
export type IsoDate = string;

export interface CivilDate {
  y: number;
  m: number; // 1–12
  d: number;
}

const DAY_MS = 86_400_000;

/** ASCII digit at `i`, or -1. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * A real calendar date in `YYYY-MM-DD` form, or null (rejects 2026-02-30, 2026-2-1, times). Read
 * character by character (a guidance list parses dates by the hundred): the same answers as
 * the pattern `^(\d{4})-(\d{2})-(\d{2})$` it replaced (dates/isoDate.test.ts holds the two together).
 */
export function parseIsoDate(s: unknown): CivilDate | null {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const y0 = digitAt(s, 0);
  const y1 = digitAt(s, 1);
  const y2 = digitAt(s, 2);
  const y3 = digitAt(s, 3);
  const m0 = digitAt(s, 5);
  const m1 = digitAt(s, 6);
  const d0 = digitAt(s, 8);
  const d1 = digitAt(s, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const mo = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (mo < 1 || mo > 12 || d < 1) return null;
  if (d > daysInMonth(y, mo)) return null;
  return { y, m: mo, d };
}

export function isIsoDate(s: unknown): s is IsoDate {
  return parseIsoDate(s) !== null;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `m` (1–12) of year `y`, by the Gregorian leap rule (no Date made: a list asks it per date). */
export function daysInMonth(y: number, m: number): number {
  // Date.UTC reads years 0–99 as 1900–1999, and rolls months outside 1–12 over: keep its answer there.
  if (!Number.isInteger(y) || !Number.isInteger(m) || m < 1 || m > 12 || y < 100) return new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m !== 2) return MONTH_DAYS[m - 1]!;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

export function formatIsoDate(c: CivilDate): IsoDate {
  return `${String(c.y).padStart(4, '0')}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;
}

/**
 * Days since 1970-01-01 for a civil date; rolls over like Date.UTC (Feb 29 of a common year → Mar 1,
 * month 13 → January next year, day 0 → the month before's last). Whole numbers in the years
 * 100–200000 by arithmetic (no Date per call); anything else (Date.UTC's 0–99 → 1900s, fractions)
 * as Date.UTC answers.
 */
export function dayNumber(y: number, m: number, d: number): number {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || y < 100 || y > 200_000 || m < -1200 || m > 1200 || d < -100_000 || d > 100_000) {
    return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
  }
  // Months rolled into years, then days from the civil date in 400-year eras starting on 1 March.
  const months = y * 12 + (m - 1);
  const yy = Math.floor(months / 12);
  const mm = months - yy * 12 + 1;
  const ey = mm <= 2 ? yy - 1 : yy;
  const era = Math.floor(ey / 400);
  const yoe = ey - era * 400;
  const doy = Math.floor((153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468 + (d - 1);
}

/** The date `n` days after 1970-01-01 (a fraction counts as its day, as a Date of `n * DAY_MS` would). */
export function fromDayNumber(n: number): IsoDate {
  if (!Number.isFinite(n)) {
    const t = new Date(n * DAY_MS);
    return formatIsoDate({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
  }
  return formatIsoDate(civilOfDayNumber(n));
}

/** The civil date `n` days after 1970-01-01 (finite `n`; a fraction counts as its day), without a string. */
export function civilOfDayNumber(n: number): CivilDate {
  // Civil date from a day count in 400-year eras of 146,097 days, the era starting on 1 March
  // (so a leap day is the era year's last day): no Date made, exact for every day.
  const z = Math.floor(n) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function must(iso: IsoDate): CivilDate {
  const c = parseIsoDate(iso);
  if (!c) throw new RangeError(`not an ISO date: ${iso}`);
  return c;
}

export function toDayNumber(iso: IsoDate): number {
  const c = must(iso);
  return dayNumber(c.y, c.m, c.d);
}

export function addDays(iso: IsoDate, n: number): IsoDate {
  return fromDayNumber(toDayNumber(iso) + n);
}

/** Same day N years later; a 29 February lands on 28 February of a common year (民法143条: the month's end). */
export function addYears(iso: IsoDate, n: number): IsoDate {
  const c = must(iso);
  const y = c.y + n;
  return formatIsoDate({ y, m: c.m, d: Math.min(c.d, daysInMonth(y, c.m)) });
}

export function compareIso(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Today in the machine's local time zone: a counter in Isesaki means Japan's calendar day. */
export function todayLocal(now: Date = new Date()): IsoDate {
  return formatIsoDate({ y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() });
}
