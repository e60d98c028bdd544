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

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar date in `YYYY-MM-DD` form, or null (rejects 2026-02-30, 2026-2-1, times). */
export function parseIsoDate(s: unknown): CivilDate | null {
  if (typeof s !== 'string') return null;
  const m = ISO_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  if (d > daysInMonth(y, mo)) return null;
  return { y, m: mo, d };
}

export function isIsoDate(s: unknown): s is IsoDate {
  return parseIsoDate(s) !== null;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function formatIsoDate(c: CivilDate): IsoDate {
  return `${String(c.y).padStart(4, '0')}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`;
}

/** Days since 1970-01-01 for a civil date; rolls over like Date.UTC (Feb 29 of a common year → Mar 1). */
export function dayNumber(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function fromDayNumber(n: number): IsoDate {
  const t = new Date(n * DAY_MS);
  return formatIsoDate({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
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
