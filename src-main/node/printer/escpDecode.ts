import iconv from 'iconv-lite';
import type { Bitmap } from './escpos';
import { columnsToBitmap, KANJI_DOTS, textBitmap } from './escpGlyph';
import { fromJis } from './jisx0208';

/**
 * Reads an ESC/P-K job back into what lands where on the sheet: characters with their position in
 * millimetres, bit images (with the character they show, when it is one we draw), form feeds.
 * `printer decode` and the tests use it; anything it does not know becomes an `unknown` item.
 */

export type EscpItem =
  | { type: 'init' }
  | { type: 'page-length'; mm: number }
  /** ESC R n (international character set, 0 = USA), ESC x n (1 = letter quality), ESC U n (1 = unidirectional). */
  | { type: 'setting'; name: 'character-set' | 'letter-quality' | 'unidirectional'; value: number }
  | { type: 'kanji'; on: boolean }
  | { type: 'text'; text: string; kanji: boolean; x: number; y: number; page: number }
  | { type: 'image'; x: number; y: number; page: number; width: number; height: number; blackDots: number; looksLike?: string }
  | { type: 'form-feed'; page: number }
  | { type: 'unknown'; hex: string };

const MM360 = 25.4 / 360;
const MM60 = 25.4 / 60;

/**
 * True when the bytes look like ESC/P(-K) rather than ESC/POS: after ESC @, the job opens with a
 * page length or an absolute position (ESC ( C, ESC ( V, ESC $), as every ESC/P form job does and
 * no ticket does. Only the start is looked at: image data may hold any bytes.
 */
export function looksLikeEscp(b: Buffer): boolean {
  let i = 0;
  while (b[i] === 0x1b && b[i + 1] === 0x40) i += 2;
  return b[i] === 0x1b && ((b[i + 1] === 0x28 && (b[i + 2] === 0x43 || b[i + 2] === 0x56)) || b[i + 1] === 0x24);
}

let known: Map<string, string> | undefined;
/** Characters we draw as images (outside JIS X 0208), keyed by their 24-dot bitmap. */
function knownGlyphs(): Map<string, string> {
  if (known) return known;
  known = new Map();
  const chars = new Set<string>();
  const ranges: Array<[number, number, number, number]> = [
    [0x87, 0x87, 0x40, 0x9e],
    [0xed, 0xee, 0x40, 0xfc],
    [0xfa, 0xfc, 0x40, 0xfc],
  ];
  for (const [a, b, c, d] of ranges) for (let s1 = a; s1 <= b; s1++) for (let s2 = c; s2 <= d; s2++) {
    if (s2 === 0x7f) continue;
    const ch = iconv.decode(Buffer.from([s1, s2]), 'CP932');
    if ([...ch].length === 1 && ch !== '\ufffd' && ch.codePointAt(0)! > 0x7f) chars.add(ch);
  }
  // Name characters outside CP932 that the linkage data is known to carry (JIS X 0213 / 戸籍統一文字).
  for (const ch of '𠮷𡈽𩸽𠀋𡚴𣘺𤚩𦚰𧺯𪚲𠂉𠏹𡌛𡧃𢫦𣏐𤋮𥔎𦥑𨑕') chars.add(ch);
  for (const ch of chars) known.set(bitmapKey(textBitmap(ch, KANJI_DOTS)), ch);
  return known;
}

function bitmapKey(b: Bitmap): string {
  return `${b.width}x${b.height}:${Buffer.from(b.data).toString('base64')}`;
}

function popcount(x: number): number {
  let n = 0;
  for (let b = x; b; b &= b - 1) n++;
  return n;
}

export function decodeEscp(bytes: Buffer | Uint8Array, opts: { recognise?: boolean } = {}): EscpItem[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: EscpItem[] = [];
  let kanji = false;
  let x60 = 0;
  let y360 = 0;
  let page = 1;
  const need = (i: number, n: number) => {
    if (i + n > b.length) throw new RangeError(`ESC/P command at byte ${i} is cut short (needs ${n} bytes, ${b.length - i} left)`);
  };
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x1b) {
      need(i, 2);
      const k = b[i + 1]!;
      if (k === 0x40) {
        out.push({ type: 'init' });
        kanji = false;
        i += 2;
      } else if (k === 0x24) {
        need(i, 4);
        x60 = b.readUInt16LE(i + 2);
        i += 4;
      } else if (k === 0x28) {
        need(i, 5);
        const fn = b[i + 2]!;
        const len = b.readUInt16LE(i + 3);
        need(i, 5 + len);
        const arg = len >= 2 ? b.readUInt16LE(i + 5) : (b[i + 5] ?? 0);
        if (fn === 0x56) y360 = arg;
        else if (fn === 0x43) out.push({ type: 'page-length', mm: Math.round(arg * MM360 * 10) / 10 });
        else out.push({ type: 'unknown', hex: b.subarray(i, i + 5 + len).toString('hex') });
        i += 5 + len;
      } else if (k === 0x2a) {
        need(i, 5);
        const m = b[i + 2]!;
        const n = b.readUInt16LE(i + 3);
        const per = m >= 32 ? 3 : 1;
        need(i, 5 + n * per);
        const cols = b.subarray(i + 5, i + 5 + n * per);
        let black = 0;
        for (const v of cols) black += popcount(v);
        const item: Extract<EscpItem, { type: 'image' }> = { type: 'image', x: r1(x60 * MM60), y: r1(y360 * MM360), page, width: n, height: per * 8, blackDots: black };
        if (opts.recognise !== false && per === 3 && n === KANJI_DOTS) {
          const ch = knownGlyphs().get(bitmapKey(columnsToBitmap(Buffer.from(cols), n)));
          if (ch) item.looksLike = ch;
        }
        out.push(item);
        i += 5 + n * per;
      } else if (k === 0x52 || k === 0x78 || k === 0x55) {
        need(i, 3);
        out.push({ type: 'setting', name: k === 0x52 ? 'character-set' : k === 0x78 ? 'letter-quality' : 'unidirectional', value: b[i + 2]! });
        i += 3;
      } else {
        need(i, 3);
        out.push({ type: 'unknown', hex: b.subarray(i, i + 3).toString('hex') });
        i += 3;
      }
    } else if (c === 0x1c) {
      need(i, 2);
      const k = b[i + 1]!;
      if (k === 0x26 || k === 0x2e) {
        kanji = k === 0x26;
        out.push({ type: 'kanji', on: kanji });
      } else out.push({ type: 'unknown', hex: b.subarray(i, i + 2).toString('hex') });
      i += 2;
    } else if (c === 0x0c) {
      out.push({ type: 'form-feed', page });
      page++;
      i += 1;
    } else if (c < 0x20) {
      out.push({ type: 'unknown', hex: b.subarray(i, i + 1).toString('hex') });
      i += 1;
    } else if (kanji) {
      need(i, 2);
      out.push({ type: 'text', text: fromJis(c, b[i + 1]!), kanji: true, x: r1(x60 * MM60), y: r1(y360 * MM360), page });
      x60 += 10; // a full-width character at 1/6 inch, if no ESC $ follows
      i += 2;
    } else {
      out.push({ type: 'text', text: String.fromCharCode(c), kanji: false, x: r1(x60 * MM60), y: r1(y360 * MM360), page });
      x60 += 6;
      i += 1;
    }
  }
  return out;
}

function r1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Lines as a person reads the sheet: per page, top to bottom, each line's characters left to right;
 * an image shows as ⟦image w×h "髙"⟧. A gap wider than a character becomes a space.
 */
export function escpLines(items: EscpItem[]): Array<{ page: number; y: number; x: number; text: string }> {
  const marks = items.filter((it): it is Extract<EscpItem, { type: 'text' | 'image' }> => it.type === 'text' || it.type === 'image');
  const groups = new Map<string, typeof marks>();
  for (const m of marks) {
    const key = `${m.page}:${m.y}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(m);
  }
  const lines: Array<{ page: number; y: number; x: number; text: string }> = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.x - b.x);
    let text = '';
    let end = g[0]!.x;
    for (const m of g) {
      if (m.x - end > 1.2 && text) text += ' ';
      if (m.type === 'text') {
        text += m.text;
        end = m.x + (m.kanji ? 3.4 : 1.7);
      } else {
        text += `⟦image ${m.width}×${m.height}${m.looksLike ? ` "${m.looksLike}"` : ''}⟧`;
        end = m.x + (m.width * 25.4) / 180;
      }
    }
    lines.push({ page: g[0]!.page, y: g[0]!.y, x: g[0]!.x, text });
  }
  return lines.sort((a, b) => a.page - b.page || a.y - b.y || a.x - b.x);
}
