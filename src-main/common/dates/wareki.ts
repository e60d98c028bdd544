import { parseIsoDate, type IsoDate } from './isoDate';

/** Japanese era dates (和暦) for forms and printed lists. First day of each era, newest first. */
const ERAS: ReadonlyArray<{ name: string; short: string; start: IsoDate }> = [
  { name: '令和', short: 'R', start: '2019-05-01' },
  { name: '平成', short: 'H', start: '1989-01-08' },
  { name: '昭和', short: 'S', start: '1926-12-25' },
  { name: '大正', short: 'T', start: '1912-07-30' },
  { name: '明治', short: 'M', start: '1868-10-23' },
];

export interface Wareki {
  era: string;
  short: string;
  /** 1 for the first year (written 元年). */
  year: number;
  month: number;
  day: number;
}

export function toWareki(iso: IsoDate): Wareki | null {
  const c = parseIsoDate(iso);
  if (!c) return null;
  const era = ERAS.find((e) => iso >= e.start);
  if (!era) return null;
  return { era: era.name, short: era.short, year: c.y - Number(era.start.slice(0, 4)) + 1, month: c.m, day: c.d };
}

/** `令和8年11月26日`; the first year of an era is written 元年. */
export function formatWareki(iso: IsoDate): string {
  const w = toWareki(iso);
  // Not a date (an event day nobody knew: "unknown") prints as an empty box, never the word.
  if (!w) return iso === 'unknown' ? '' : iso;
  return `${w.era}${w.year === 1 ? '元' : w.year}年${w.month}月${w.day}日`;
}
