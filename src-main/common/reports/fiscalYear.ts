import { isIsoDate, type IsoDate } from '../dates/isoDate';
import { AppError } from '../errors';

/**
 * Japanese municipal fiscal years (年度) run April to March and are named by the calendar year in
 * which they start: FY2026 = 2026-04-01 … 2027-03-31 = 令和8年度.
 */
export function fiscalYearOf(date: IsoDate): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m >= 4 ? y : y - 1;
}

export function fiscalYearRange(fy: number): { from: IsoDate; to: IsoDate } {
  return { from: `${fy}-04-01`, to: `${fy + 1}-03-31` };
}

/** 令和 year of a fiscal year (令和元年度 = FY2019). */
export function fiscalYearLabel(fy: number): string {
  const r = fy - 2018;
  if (r < 1) return `${fy}年度`;
  return `令和${r === 1 ? '元' : r}年度`;
}

export function parseFiscalYear(raw: unknown, field = 'fy'): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new AppError('bad-input', `fiscal year must be a year like 2026 (April 2026 – March 2027); got ${JSON.stringify(raw)}`, { field });
  return n;
}

export function parseReportDate(raw: unknown, field = 'date'): IsoDate {
  if (!isIsoDate(raw)) throw new AppError('bad-input', `must be a date YYYY-MM-DD; got ${JSON.stringify(raw)}`, { field });
  return raw;
}
