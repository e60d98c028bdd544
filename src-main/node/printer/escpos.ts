import iconv from 'iconv-lite';

/**
 * A small ESC/POS byte builder for Epson-compatible Japanese thermal printers.
 *
 * We write these bytes ourselves because node-escpos 0.6 gets the ones a Japanese ticket needs
 * wrong: it encodes text as GB18030, has no Kanji-mode commands, and its qrcode() emits a clone
 * printer's command instead of Epson's `GS ( k`. The commands it does get right (init, align,
 * GS ! size, cut) are checked byte-for-byte against node-escpos in escpos.test.ts.
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

export type Align = 'left' | 'center' | 'right';
export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';
export type CutMode = 'full' | 'partial';

/** A 1-bit image: rows of `width` dots, packed 8 dots a byte, most significant bit first, 1 = black. */
export interface Bitmap {
  width: number;
  height: number;
  /** `ceil(width/8) * height` bytes. */
  data: Uint8Array;
}

/** Real-time status requests (DLE EOT n). */
export const STATUS_PRINTER = 1;
export const STATUS_OFFLINE_CAUSE = 2;
export const STATUS_ERROR_CAUSE = 3;
export const STATUS_PAPER = 4;

/**
 * JIS-style code points that CP932 spells differently (WAVE DASH vs FULLWIDTH TILDE, …): Japanese
 * text typed on a Mac or taken from the web uses the former, and would otherwise fall back to an
 * image for one character. The printed glyph is the same.
 */
const CP932_VARIANTS: Record<string, string> = {
  '\u301c': '\uff5e', // 〜 → ～
  '\u2212': '\uff0d', // − → －
  '\u2016': '\u2225', // ‖ → ∥
  '\u00a2': '\uffe0', // ¢ → ￠
  '\u00a3': '\uffe1', // £ → ￡
  '\u00ac': '\uffe2', // ¬ → ￢
  '\u2014': '\u2015', // — → ―
};

export function normalizeForCp932(text: string): string {
  return text.replace(/[\u301c\u2212\u2016\u00a2\u00a3\u00ac\u2014]/g, (c) => CP932_VARIANTS[c] ?? c);
}

/** Text the printer's Kanji font can print exactly: after normalizeForCp932 it survives a CP932 round trip. */
export function isCp932Safe(text: string): boolean {
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) return false;
  const t = normalizeForCp932(text);
  return iconv.decode(iconv.encode(t, 'CP932'), 'CP932') === t;
}

export function encodeCp932(text: string): Buffer {
  return iconv.encode(normalizeForCp932(text), 'CP932');
}

const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };
const QR_LEVEL_CODE: Record<QrErrorLevel, number> = { L: 48, M: 49, Q: 50, H: 51 };

/** Largest image band sent in one GS v 0 command; long images go as several bands. */
export const MAX_RASTER_BAND_ROWS = 256;

export class EscPosBuilder {
  private readonly parts: Buffer[] = [];
  private kanji = false;

  raw(bytes: ArrayLike<number> | Buffer): this {
    this.parts.push(Buffer.from(bytes as ArrayLike<number>));
    return this;
  }

  /** ESC @: clears modes and buffer; Kanji mode goes off with it. */
  init(): this {
    this.kanji = false;
    return this.raw([ESC, 0x40]);
  }

  /** ESC t n: single-byte code table. 1 = Katakana, which Japanese models use alongside Kanji mode. */
  codeTable(n: number): this {
    return this.raw([ESC, 0x74, byte(n, 'code table')]);
  }

  /** FS C 1 (Shift JIS) then FS & (Kanji mode on): two-byte CP932 text prints as Kanji. */
  kanjiOn(): this {
    this.kanji = true;
    return this.raw([FS, 0x43, 0x01, FS, 0x26]);
  }

  /** FS . : back to single-byte characters. */
  kanjiOff(): this {
    this.kanji = false;
    return this.raw([FS, 0x2e]);
  }

  get inKanjiMode(): boolean {
    return this.kanji;
  }

  /** ESC a n */
  align(a: Align): this {
    return this.raw([ESC, 0x61, ALIGN_CODE[a]]);
  }

  /** ESC E n */
  bold(on: boolean): this {
    return this.raw([ESC, 0x45, on ? 1 : 0]);
  }

  /** GS ! n: width and height multipliers 1–8 (applies to Kanji and single-byte characters). */
  size(width: number, height = width): this {
    if (!Number.isInteger(width) || width < 1 || width > 8) throw new RangeError(`character width must be 1–8, got ${width}`);
    if (!Number.isInteger(height) || height < 1 || height > 8) throw new RangeError(`character height must be 1–8, got ${height}`);
    return this.raw([GS, 0x21, ((width - 1) << 4) | (height - 1)]);
  }

  /**
   * Text in the printer's font. Must be CP932-safe (see isCp932Safe); anything else has to go as
   * an image, because the printer would print '?' or the wrong glyph.
   */
  text(s: string): this {
    if (!isCp932Safe(s.replace(/\n/g, ''))) throw new RangeError(`text cannot be printed with the printer font (not CP932): ${JSON.stringify(s)}`);
    if (!this.kanji && /[^\x00-\x7f]/.test(s)) throw new RangeError('non-ASCII text needs Kanji mode (kanjiOn) first');
    return this.raw(encodeCp932(s));
  }

  line(s = ''): this {
    if (s) this.text(s);
    return this.raw([LF]);
  }

  /** ESC d n: print and feed n lines. */
  feed(lines = 1): this {
    return this.raw([ESC, 0x64, byte(lines, 'feed lines')]);
  }

  /**
   * Epson QR code, `GS ( k` function 165/167/169/180/181: model 2, module size in dots, error
   * correction level (M by default), store the data in the symbol area, then print it.
   */
  qr(payload: string | Buffer, opts: { moduleSize?: number; level?: QrErrorLevel } = {}): this {
    const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
    const moduleSize = opts.moduleSize ?? 6;
    if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > 16) throw new RangeError(`QR module size must be 1–16, got ${moduleSize}`);
    if (data.length === 0 || data.length > 7089) throw new RangeError(`QR payload must be 1–7089 bytes, got ${data.length}`);
    const storeLen = data.length + 3;
    return this.raw([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]) // model 2
      .raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize])
      .raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, QR_LEVEL_CODE[opts.level ?? 'M']])
      .raw([GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30])
      .raw(data)
      .raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
  }

  /** GS v 0 m=0: a 1-bit raster image, sent in bands so printers with small buffers cope. */
  image(bmp: Bitmap): this {
    const bytesPerRow = Math.ceil(bmp.width / 8);
    if (bmp.data.length !== bytesPerRow * bmp.height) throw new RangeError(`bitmap data is ${bmp.data.length} bytes, expected ${bytesPerRow * bmp.height}`);
    if (bmp.height === 0 || bmp.width === 0) return this;
    for (let y = 0; y < bmp.height; y += MAX_RASTER_BAND_ROWS) {
      const rows = Math.min(MAX_RASTER_BAND_ROWS, bmp.height - y);
      this.raw([GS, 0x76, 0x30, 0x00, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8]);
      this.raw(bmp.data.subarray(y * bytesPerRow, (y + rows) * bytesPerRow));
    }
    return this;
  }

  /**
   * GS V: cut. With `feed`, function B (m = 65/66) feeds to the cutter plus `feed` dots first, so
   * the last line is not cut through.
   */
  cut(mode: CutMode = 'partial', feed?: number): this {
    if (feed === undefined) return this.raw([GS, 0x56, mode === 'full' ? 0x00 : 0x01]);
    return this.raw([GS, 0x56, mode === 'full' ? 0x41 : 0x42, byte(feed, 'cut feed')]);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** DLE EOT n: real-time status request, answered with one status byte. */
export function statusRequest(n: 1 | 2 | 3 | 4): Buffer {
  return Buffer.from([DLE, EOT, n]);
}

function byte(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`${what} must be 0–255, got ${n}`);
  return n;
}
