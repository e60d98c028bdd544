import iconv from 'iconv-lite';
import type { Align } from './escpos';

/**
 * Reads ESC/POS bytes back into what a person would see on the paper. Tests, golden files and
 * the e2e suite assert on this instead of on raw bytes, so a layout change shows up as a readable
 * diff. It understands the commands our encoder writes plus the common ones other tools emit;
 * anything else becomes an `unknown` item rather than being skipped silently.
 */

export interface TextStyle {
  size: { width: number; height: number };
  align: Align;
  bold: boolean;
  kanji: boolean;
}

export type DecodedItem =
  | { type: 'init' }
  | ({ type: 'text'; text: string } & TextStyle)
  | { type: 'newline' }
  | { type: 'feed'; lines: number }
  | { type: 'kanji'; on: boolean }
  | { type: 'qr'; payload: string; model: number; moduleSize: number; errorLevel: string; align: Align }
  | { type: 'image'; width: number; height: number; blackDots: number; align: Align }
  | { type: 'cut'; partial: boolean; feed?: number }
  | { type: 'status-request'; n: number }
  | { type: 'setting'; name: string; value: number }
  | { type: 'unknown'; hex: string };

const ALIGNS: Align[] = ['left', 'center', 'right'];
const QR_LEVELS: Record<number, string> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

export function decodeEscPos(bytes: Buffer | Uint8Array): DecodedItem[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: DecodedItem[] = [];
  const st: TextStyle = { size: { width: 1, height: 1 }, align: 'left', bold: false, kanji: false };
  let codeTable = 0;
  let text: number[] = [];
  const qr = { model: 2, moduleSize: 3, level: 'L', data: Buffer.alloc(0) };

  const flush = () => {
    if (text.length === 0) return;
    const buf = Buffer.from(text);
    const s = st.kanji || codeTable === 1 ? iconv.decode(buf, 'CP932') : buf.toString('latin1');
    out.push({ type: 'text', text: s, size: { ...st.size }, align: st.align, bold: st.bold, kanji: st.kanji });
    text = [];
  };
  const need = (i: number, n: number) => {
    if (i + n > b.length) throw new RangeError(`ESC/POS command at byte ${i} is cut short (needs ${n} bytes, ${b.length - i} left)`);
  };

  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x0a) {
      if (text.length) flush();
      out.push({ type: 'newline' });
      i += 1;
    } else if (c === 0x1b) {
      need(i, 2);
      const k = b[i + 1]!;
      if (k === 0x40) {
        flush();
        st.size = { width: 1, height: 1 };
        st.align = 'left';
        st.bold = false;
        st.kanji = false;
        codeTable = 0;
        out.push({ type: 'init' });
        i += 2;
      } else if (k === 0x32) {
        i += 2;
      } else {
        need(i, 3);
        const n = b[i + 2]!;
        flush();
        if (k === 0x61) st.align = ALIGNS[n % 48] ?? 'left';
        else if (k === 0x45) st.bold = (n & 1) === 1;
        else if (k === 0x64) out.push({ type: 'feed', lines: n });
        else if (k === 0x74) {
          codeTable = n;
          out.push({ type: 'setting', name: 'code-table', value: n });
        } else if (k === 0x21) {
          st.bold = (n & 0x08) !== 0;
          st.size = { width: n & 0x20 ? 2 : 1, height: n & 0x10 ? 2 : 1 };
        } else if (k === 0x52) out.push({ type: 'setting', name: 'international', value: n });
        else if (k === 0x4d) out.push({ type: 'setting', name: 'font', value: n });
        else if (k === 0x2d) out.push({ type: 'setting', name: 'underline', value: n });
        else if (k === 0x33) out.push({ type: 'setting', name: 'line-spacing', value: n });
        else if (k === 0x4a) out.push({ type: 'feed', lines: 0 });
        else out.push({ type: 'unknown', hex: b.subarray(i, i + 3).toString('hex') });
        i += 3;
      }
    } else if (c === 0x1c) {
      need(i, 2);
      const k = b[i + 1]!;
      flush();
      if (k === 0x26 || k === 0x2e) {
        st.kanji = k === 0x26;
        out.push({ type: 'kanji', on: st.kanji });
        i += 2;
      } else if (k === 0x43) {
        need(i, 3);
        out.push({ type: 'setting', name: 'kanji-code', value: b[i + 2]! });
        i += 3;
      } else if (k === 0x21) {
        need(i, 3);
        const n = b[i + 2]!;
        st.size = { width: n & 0x04 ? 2 : 1, height: n & 0x08 ? 2 : 1 };
        i += 3;
      } else {
        out.push({ type: 'unknown', hex: b.subarray(i, i + 2).toString('hex') });
        i += 2;
      }
    } else if (c === 0x1d) {
      need(i, 2);
      const k = b[i + 1]!;
      flush();
      if (k === 0x21) {
        need(i, 3);
        const n = b[i + 2]!;
        st.size = { width: ((n >> 4) & 0x07) + 1, height: (n & 0x07) + 1 };
        i += 3;
      } else if (k === 0x56) {
        need(i, 3);
        const m = b[i + 2]!;
        if (m === 0x41 || m === 0x42) {
          need(i, 4);
          out.push({ type: 'cut', partial: m === 0x42, feed: b[i + 3]! });
          i += 4;
        } else {
          out.push({ type: 'cut', partial: m === 0x01 || m === 0x31 });
          i += 3;
        }
      } else if (k === 0x76 && b[i + 2] === 0x30) {
        need(i, 8);
        const xBytes = b.readUInt16LE(i + 4);
        const rows = b.readUInt16LE(i + 6);
        const len = xBytes * rows;
        need(i + 8, len);
        let black = 0;
        for (let j = i + 8; j < i + 8 + len; j++) black += popcount(b[j]!);
        out.push({ type: 'image', width: xBytes * 8, height: rows, blackDots: black, align: st.align });
        i += 8 + len;
      } else if (k === 0x28 && b[i + 2] === 0x6b) {
        need(i, 7);
        const plen = b.readUInt16LE(i + 3);
        need(i + 5, plen);
        const fn = b[i + 6]!;
        const params = b.subarray(i + 7, i + 5 + plen);
        if (b[i + 5] !== 0x31) out.push({ type: 'unknown', hex: b.subarray(i, i + 5 + plen).toString('hex') });
        else if (fn === 0x41) qr.model = params[0]! - 48;
        else if (fn === 0x43) qr.moduleSize = params[0]!;
        else if (fn === 0x45) qr.level = QR_LEVELS[params[0]!] ?? `?${params[0]}`;
        else if (fn === 0x50) qr.data = Buffer.from(params.subarray(1));
        else if (fn === 0x51) out.push({ type: 'qr', payload: qr.data.toString('utf8'), model: qr.model, moduleSize: qr.moduleSize, errorLevel: qr.level, align: st.align });
        else out.push({ type: 'unknown', hex: b.subarray(i, i + 5 + plen).toString('hex') });
        i += 5 + plen;
      } else {
        need(i, 3);
        out.push({ type: 'unknown', hex: b.subarray(i, i + 3).toString('hex') });
        i += 3;
      }
    } else if (c === 0x10 && b[i + 1] === 0x04) {
      need(i, 3);
      flush();
      out.push({ type: 'status-request', n: b[i + 2]! });
      i += 3;
    } else if (c < 0x20 && c !== 0x0d) {
      flush();
      out.push({ type: 'unknown', hex: b.subarray(i, i + 1).toString('hex') });
      i += 1;
    } else {
      if (c !== 0x0d) {
        // A Shift JIS lead byte in Kanji mode takes its trail byte with it, even if that byte
        // looks like a control code.
        if (st.kanji && ((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) && i + 1 < b.length) {
          text.push(c, b[i + 1]!);
          i += 2;
          continue;
        }
        text.push(c);
      }
      i += 1;
    }
  }
  flush();
  return out;
}

function popcount(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

/** All text items joined, one printed line per line; handy for assertions and logs. */
export function decodedText(items: DecodedItem[]): string {
  let s = '';
  for (const it of items) {
    if (it.type === 'text') s += it.text;
    else if (it.type === 'newline') s += '\n';
  }
  return s;
}
