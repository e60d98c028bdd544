/**
 * 和暦 for forms and printed lists. The era table (明治/大正/昭和/平成/令和 with their exact first
 * days) lives in dates/wareki.ts; this module adds the shapes forms print.
 */
import { formatWareki, toWareki, type Wareki } from './dates/wareki';

export { formatWareki, toWareki, type Wareki };

/** Era boundaries, newest first: the first day of each era (改元日). */
export const ERA_STARTS: ReadonlyArray<{ era: string; start: string }> = [
  { era: '令和', start: '2019-05-01' },
  { era: '平成', start: '1989-01-08' },
  { era: '昭和', start: '1926-12-25' },
  { era: '大正', start: '1912-07-30' },
  { era: '明治', start: '1868-10-23' },
];

/** Parts for a form with separate era / year / month / day boxes: `{ era: '平成', year: '元', … }`. */
export function warekiParts(iso: string): { era: string; year: string; month: string; day: string } | null {
  const w = toWareki(iso);
  if (!w) return null;
  return { era: w.era, year: w.year === 1 ? '元' : String(w.year), month: String(w.month), day: String(w.day) };
}
