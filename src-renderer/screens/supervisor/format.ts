import { useTranslation } from 'react-i18next';
import { departmentLabel } from '../../../src-main/common/reports/labels';
import { useCatalogText } from '../../guidance/useCatalogText';

/**
 * Numbers, minutes, percentages, clock times and dates for the supervisor screen, in the UI
 * language: figures a supervisor compares across rows must read the same way everywhere.
 */
export interface SupervisorFormat {
  count(n: number): string;
  /** Seconds as minutes with one decimal, or a dash when there is nothing to measure. */
  minutes(seconds: number | null | undefined): string;
  /** A 0–1 ratio as a percentage with the given decimals, or a dash. */
  percent(ratio: number | null | undefined, decimals?: number): string;
  decimal(n: number, decimals: number): string;
  /** Clock time of an ISO instant in the city's time zone. */
  clock(iso: string): string;
  /** A business date (YYYY-MM-DD) with its weekday. */
  date(isoDate: string): string;
  /** A date without the weekday, for ranges. */
  day(isoDate: string): string;
}

/** Intl has no "ja-easy" (やさしい日本語): it is written with Japanese conventions. */
export function intlLocale(lang: string): string {
  if (/^ja\b/i.test(lang)) return 'ja-JP';
  try {
    return Intl.getCanonicalLocales(lang)[0] ?? 'ja-JP';
  } catch {
    return 'ja-JP';
  }
}

export function supervisorFormat(lang: string, timeZone: string, dash: string, minutesText: (value: string) => string): SupervisorFormat {
  const locale = intlLocale(lang);
  const fixed = (decimals: number) => new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const clock = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  // A business date is a calendar day, not an instant: read and show it in UTC so it never shifts.
  const withWeekday = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' });
  const plain = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
  const calendarDay = (f: Intl.DateTimeFormat) => (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? f.format(new Date(`${d}T00:00:00Z`)) : d);
  return {
    count: (n) => count.format(n),
    decimal: (n, decimals) => fixed(decimals).format(n),
    minutes: (s) => (s === null || s === undefined ? dash : minutesText(fixed(1).format(s / 60))),
    percent: (r, decimals = 1) => (r === null || r === undefined ? dash : new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(r)),
    clock: (iso) => clock.format(new Date(iso)),
    date: calendarDay(withWeekday),
    day: calendarDay(plain),
  };
}

export function useSupervisorFormat(timeZone: string): SupervisorFormat {
  const { t, i18n } = useTranslation('supervisor');
  return supervisorFormat(i18n.language, timeZone, t('none'), (value) => t('minutes', { value }));
}

/**
 * A department's name as the counter screens show it: the catalog text in the UI language, else
 * the name the report carries (the city's catalog may rename a department), else the built-in one.
 */
export function useDepartmentName(names: Readonly<Record<string, string>>): (id: string) => string {
  const { t } = useTranslation('supervisor');
  const ct = useCatalogText();
  return (id) => (id === '*' ? t('overall') : ct.plain(`department.${id}`, departmentLabel(id, names)));
}
