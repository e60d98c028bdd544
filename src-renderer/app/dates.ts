/**
 * Dates as each screen's language writes them: 2026年12月17日 on Japanese screens (and やさしい日本語),
 * "December 17, 2026" in English, and so on. A date-only ISO string is a calendar day, so it is
 * formatted in UTC (never shifted by the terminal's zone).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function intlLocale(lang: string): string {
  return lang === 'ja-easy' ? 'ja-JP' : lang;
}

export function formatDate(iso: string, lang: string, opts: { weekday?: boolean } = {}): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const key = `${lang}|${opts.weekday ? 'w' : ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(lang), { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric', ...(opts.weekday ? { weekday: 'short' } : {}) });
    formatters.set(key, f);
  }
  return f.format(new Date(`${iso}T00:00:00Z`));
}
