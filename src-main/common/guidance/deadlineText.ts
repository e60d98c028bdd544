import { formatDisplayDate } from '../dates/format';
import type { GuidanceItem } from './guide';

/** A catalog text lookup: `list.deadlineDays` → the language's words with `{n}`, `{event}`, `{date}` slots. */
export type TextOf = (key: string) => string;

function fill(s: string, vars: Record<string, string | number>): string {
  return s.replace(/\{(n|event|date)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

/**
 * The deadline of a list item in words, for every screen and printed list: a date in the reader's
 * language (`12月7日(月)`, and why it moved from a closed day), or, when the event day is not known,
 * how it is counted (`出来事の日から14日以内`) and no date at all.
 */
export function deadlineText(item: Pick<GuidanceItem, 'deadline' | 'deadlineRule' | 'deadlineMovedFrom'>, lang: string, t: TextOf, opts: { visitYear?: number } = {}): string | null {
  const r = item.deadlineRule;
  if (item.deadline) {
    const date = formatDisplayDate(item.deadline, lang, opts);
    if (r?.before) return fill(t('list.deadlineBefore'), { event: date });
    if (item.deadlineMovedFrom) return `${date} (${fill(t('list.deadlineMoved'), { date: formatDisplayDate(item.deadlineMovedFrom, lang, opts) })})`;
    return date;
  }
  if (!r) return null;
  const event = t('list.theEvent');
  if (r.before) return fill(t('list.deadlineBefore'), { event });
  if (r.days) return fill(t('list.deadlineDays'), { n: r.days, event });
  if (r.months) return fill(t('list.deadlineMonths'), { n: r.months, event });
  if (r.years) return fill(t('list.deadlineYears'), { n: r.years, event });
  return null;
}
