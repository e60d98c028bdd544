import { useEffect, useMemo, useState } from 'react';
import { daysInMonth, formatIsoDate, parseIsoDate, todayLocal } from '../../src-main/common/dates/isoDate';
import { toWareki } from '../../src-main/common/dates/wareki';
import { intlLocale } from './dates';

type Part = 'year' | 'month' | 'day';
interface Parts {
  y?: number;
  m?: number;
  d?: number;
}

const JA_LIKE = new Set(['ja', 'ja-easy']);
/** Languages that write 年 月 日 after the numbers (Japanese and Chinese). */
const CJK_SUFFIX: Record<string, Record<Part, string>> = { ja: { year: '年', month: '月', day: '日' }, 'zh-CN': { year: '年', month: '月', day: '日' } };

/** The order a language writes a date in (年月日 in Japanese, month-day-year in English, day-month-year in Vietnamese…). */
export function partOrder(lang: string): Part[] {
  try {
    const parts = new Intl.DateTimeFormat(intlLocale(lang), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).formatToParts(new Date(Date.UTC(2001, 10, 22)));
    const order = parts.map((p) => p.type).filter((t): t is Part => t === 'year' || t === 'month' || t === 'day');
    if (order.length === 3) return order;
  } catch {
    /* an engine without this locale: ISO order */
  }
  return ['year', 'month', 'day'];
}

/** `1990（平成2）`; a year two eras share shows both: `1989（昭和64・平成元）`. */
export function yearLabel(y: number, lang: string): string {
  if (!JA_LIKE.has(lang)) return String(y);
  const first = toWareki(`${String(y).padStart(4, '0')}-01-01`);
  const last = toWareki(`${String(y).padStart(4, '0')}-12-31`);
  const name = (w: NonNullable<ReturnType<typeof toWareki>>) => `${w.era}${w.year === 1 ? '元' : w.year}`;
  if (!last) return String(y);
  return `${y}（${first && first.era !== last.era ? `${name(first)}・` : ''}${name(last)}）`;
}

function fieldName(part: Part, lang: string): string {
  try {
    const names = new Intl.DisplayNames([intlLocale(lang)], { type: 'dateTimeField' });
    return names.of(part) ?? part;
  } catch {
    return part;
  }
}

function toParts(value: string | undefined): Parts {
  const c = parseIsoDate(value);
  return c ? { y: c.y, m: c.m, d: c.d } : {};
}

/**
 * A calendar date as the screen's language writes it, in three selects (year, month, day) in that
 * language's order: 年 月 日 with the 和暦 beside each year on Japanese screens, "December 6, 1981"
 * in English, "6 tháng 12 1981" in Vietnamese. Replaces `<input type=date>`, which shows the
 * browser's own locale (mm/dd/yyyy in an English Chromium). Only real dates can be picked: the
 * days follow the month (29 February only in leap years) and nothing after `max`. The value is an
 * ISO date, or undefined until all three parts are chosen. Selects work with keys (type "1981")
 * and with a finger (the system's picker); each is at least 44 px high (app.css).
 */
export function DateField({
  value,
  onChange,
  lang,
  label,
  minYear,
  max,
  maxYear,
  testId,
  id,
}: {
  value: string | undefined;
  onChange: (iso: string | undefined) => void;
  lang: string;
  /** The field's name for assistive technology (the visible label sits outside). */
  label: string;
  minYear: number;
  /** The latest date that can be picked (e.g. today for a birth date). */
  max?: string;
  /** Without `max`: the last year offered. */
  maxYear?: number;
  testId?: string;
  /** Given to the first select, so a <label htmlFor> reaches the field. */
  id?: string;
}) {
  const [parts, setParts] = useState<Parts>(() => toParts(value));
  // A value set from outside (cleared, or another answer chosen) replaces the parts; a partial
  // choice (a year without a day yet) stays while the value is still empty.
  useEffect(() => {
    const next = toParts(value);
    setParts((cur) => {
      const complete = cur.y !== undefined && cur.m !== undefined && cur.d !== undefined;
      if (next.y !== undefined) return next.y === cur.y && next.m === cur.m && next.d === cur.d ? cur : next;
      return complete ? {} : cur;
    });
  }, [value]);

  const limit = parseIsoDate(max ?? '') ?? null;
  const lastYear = limit?.y ?? maxYear ?? parseIsoDate(todayLocal())!.y;
  const order = useMemo(() => partOrder(lang), [lang]);
  const suffix = CJK_SUFFIX[JA_LIKE.has(lang) ? 'ja' : lang];
  const monthNames = useMemo(() => {
    if (suffix) return null;
    const f = new Intl.DateTimeFormat(intlLocale(lang), { month: 'long', timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2001, i, 1))));
  }, [lang, suffix]);

  const years: number[] = [];
  for (let y = lastYear; y >= minYear; y--) years.push(y);
  const lastMonth = limit && parts.y === limit.y ? limit.m : 12;
  const monthDays = parts.y !== undefined && parts.m !== undefined ? daysInMonth(parts.y, parts.m) : parts.m !== undefined ? daysInMonth(2000, parts.m) : 31;
  const lastDay = limit && parts.y === limit.y && parts.m === limit.m ? Math.min(limit.d, monthDays) : monthDays;

  const set = (p: Part, raw: string) => {
    const n = raw === '' ? undefined : Number(raw);
    const next: Parts = { ...parts, [p === 'year' ? 'y' : p === 'month' ? 'm' : 'd']: n };
    // Keep only what still makes a real date (31 January → February drops the day).
    if (next.y !== undefined && next.m !== undefined && limit && (next.y > limit.y || (next.y === limit.y && next.m > limit.m))) next.m = undefined;
    if (next.d !== undefined && next.m !== undefined) {
      const maxD = next.y !== undefined ? daysInMonth(next.y, next.m) : daysInMonth(2000, next.m);
      const overLimit = limit && next.y === limit.y && next.m === limit.m && next.d > limit.d;
      if (next.d > maxD || overLimit) next.d = undefined;
    }
    setParts(next);
    const iso = next.y !== undefined && next.m !== undefined && next.d !== undefined ? formatIsoDate({ y: next.y, m: next.m, d: next.d }) : undefined;
    if (iso !== value) onChange(iso);
  };

  const partial = (parts.y !== undefined || parts.m !== undefined || parts.d !== undefined) && !(parts.y !== undefined && parts.m !== undefined && parts.d !== undefined);
  const select = (p: Part, i: number) => {
    const cur = p === 'year' ? parts.y : p === 'month' ? parts.m : parts.d;
    const opts = p === 'year' ? years.map((y) => [y, yearLabel(y, lang)] as const) : p === 'month' ? Array.from({ length: lastMonth }, (_, k) => [k + 1, monthNames ? monthNames[k]! : String(k + 1)] as const) : Array.from({ length: lastDay }, (_, k) => [k + 1, String(k + 1)] as const);
    return (
      <span className="date-part" key={p}>
        <select id={i === 0 ? id : undefined} aria-label={`${label} ${fieldName(p, lang)}`} data-part={p} value={cur === undefined ? '' : String(cur)} onChange={(e) => set(p, e.target.value)}>
          <option value="">—</option>
          {opts.map(([v, text]) => (
            <option key={v} value={String(v)}>
              {text}
            </option>
          ))}
        </select>
        {suffix ? <span aria-hidden="true">{suffix[p]}</span> : null}
      </span>
    );
  };
  return (
    <span className="date-field" role="group" aria-label={label} aria-invalid={partial || undefined} data-testid={testId} data-value={value ?? ''} lang={JA_LIKE.has(lang) ? 'ja' : lang}>
      {order.map((p, i) => select(p, i))}
    </span>
  );
}
