import { weekday } from './closedDays';
import { parseIsoDate, type IsoDate } from './isoDate';

/**
 * Dates as people read them: `12月3日(木)` in Japanese (the year only when it is not the visit's
 * year: `2028年11月20日(月)`), and each other language's own format through Intl. Never ISO on a
 * screen or a printed list.
 */
const JA_WEEKDAYS = '日月火水木金土';

/** Intl locale for a UI language (Tagalog's is Filipino). */
export function intlLocale(lang: string): string {
  if (lang === 'ja-easy') return 'ja';
  if (lang === 'tl') return 'fil';
  return lang;
}

export function formatDisplayDate(iso: IsoDate, lang: string, opts: { visitYear?: number } = {}): string {
  const c = parseIsoDate(iso);
  if (!c) return iso;
  const showYear = opts.visitYear === undefined || opts.visitYear !== c.y;
  if (lang === 'ja' || lang === 'ja-easy') return `${showYear ? `${c.y}年` : ''}${c.m}月${c.d}日(${JA_WEEKDAYS[weekday(iso)]})`;
  const fmt = new Intl.DateTimeFormat(intlLocale(lang), { timeZone: 'UTC', weekday: 'short', month: 'long', day: 'numeric', ...(showYear ? { year: 'numeric' } : {}) });
  return fmt.format(new Date(Date.UTC(c.y, c.m - 1, c.d)));
}
