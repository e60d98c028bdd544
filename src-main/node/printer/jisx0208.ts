import iconv from 'iconv-lite';
import { normalizeForCp932 } from './escpos';

/**
 * JIS X 0208, the character set of a dot-matrix printer's Kanji ROM (ESC/P-K). CP932 adds rows the
 * printer does not have: NEC special characters (row 13: ①, ㈱ …), NEC-selected IBM extensions
 * (rows 89–92) and IBM extensions (0xFA–0xFC: 髙, 﨑 …). Characters outside JIS X 0208, and
 * outside CP932 altogether (𠮷), must be drawn as images.
 */

/** The JIS row/cell code of a character the printer's ROM has, or null. */
export function jisCode(ch: string): [number, number] | null {
  const n = normalizeForCp932(ch);
  if ([...n].length !== 1) return null;
  const b = iconv.encode(n, 'CP932');
  if (b.length !== 2 || iconv.decode(b, 'CP932') !== n) return null;
  const s1 = b[0]!;
  const s2 = b[1]!;
  let row = s1 <= 0x9f ? (s1 - 0x81) * 2 + 1 : (s1 - 0xc1) * 2 + 1;
  let cell: number;
  if (s2 >= 0x9f) {
    row += 1;
    cell = s2 - 0x9e;
  } else cell = s2 - (s2 >= 0x80 ? 0x40 : 0x3f);
  const inSet = (row >= 1 && row <= 8) || (row >= 16 && row <= 83) || (row === 84 && cell <= 6);
  return inSet && cell >= 1 && cell <= 94 ? [row + 0x20, cell + 0x20] : null;
}

/** A character from its JIS bytes (0x21–0x7E each). */
export function fromJis(b1: number, b2: number): string {
  const row = b1 - 0x20;
  const cell = b2 - 0x20;
  const s1 = row <= 62 ? ((row + 1) >> 1) + 0x80 : ((row + 1) >> 1) + 0xc0;
  const s2 = row % 2 === 1 ? cell + 0x3f + (cell >= 64 ? 1 : 0) : cell + 0x9e;
  return iconv.decode(Buffer.from([s1, s2]), 'CP932');
}

/** Printable with the printer's own fonts: ASCII (outside Kanji mode) or JIS X 0208 (in Kanji mode). */
export function printerHas(ch: string): 'ascii' | 'kanji' | null {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x20 && cp < 0x7f) return 'ascii';
  return jisCode(ch) ? 'kanji' : null;
}
