import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import { FONT_FAMILY, splitRunsByFont, type FontRun } from '../fonts/index';
import type { Align, Bitmap } from './escpos';

/**
 * Draws text the printer's own font cannot print (Vietnamese, simplified Chinese, accented
 * Latin) as a 1-bit image at the printer's dot width, choosing a font per run of text.
 */

export type PaperWidthMm = 80 | 58;

/** Printable dots per line at 203 dpi: 72 mm on 80 mm paper, 48 mm on 58 mm paper. */
export function paperWidthDots(mm: PaperWidthMm = 80): number {
  return mm === 58 ? 384 : 576;
}

export interface RasterTextOptions {
  widthDots: number;
  /** Glyph size in dots (203 dpi: 24 dots ≈ 3 mm, the printer's own Font A height). */
  fontPx?: number;
  align?: Align;
  /** Visitor language; decides Chinese vs Japanese glyphs for Han characters. */
  lang?: string;
  /** Dots added on the left and right. */
  marginDots?: number;
}

let registered = false;
export function registerRasterFonts(): void {
  if (registered) return;
  for (const [file, family] of Object.entries(FONT_FAMILY)) {
    if (!GlobalFonts.registerFromPath(file, family)) throw new Error(`could not load font ${file}`);
  }
  registered = true;
}

function cssFont(px: number, run: FontRun): string {
  return `${px}px "${FONT_FAMILY[run.font]}"`;
}

function measure(ctx: SKRSContext2D, px: number, text: string, lang: string | undefined): number {
  let w = 0;
  for (const run of splitRunsByFont(text, { lang })) {
    ctx.font = cssFont(px, run);
    w += ctx.measureText(run.text).width;
  }
  return w;
}

const CJK_CHAR = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
/** Break opportunities: after spaces, and between CJK characters (punctuation stays with the character before it). */
function tokens(paragraph: string): string[] {
  return paragraph.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef][、。，．！？」』）)：:]*|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+/gu) ?? [];
}

/** Greedy line breaking by measured width; a token wider than a line is broken by character. */
export function wrapText(ctx: SKRSContext2D, text: string, px: number, maxWidth: number, lang?: string): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const tok of tokens(para)) {
      const candidate = line + tok;
      if (measure(ctx, px, candidate.trimEnd(), lang) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = '';
      if (measure(ctx, px, tok.trimEnd(), lang) <= maxWidth) {
        line = CJK_CHAR.test(tok) ? tok : tok.trimStart();
        continue;
      }
      for (const ch of tok) {
        if (measure(ctx, px, (line + ch).trimEnd(), lang) > maxWidth && line) {
          lines.push(line.trimEnd());
          line = '';
        }
        line += ch;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/**
 * Rendered lines, newest last: a kiosk prints the same few lines (a heading per number aside, the
 * first stop and the note per language) all day, and drawing one takes milliseconds. Keyed by
 * everything the drawing reads (the text and every option; the fonts are registered once per
 * process), bounded, and handed out frozen. tests/integration/ticket-raster-cache.test.ts prints
 * the same tickets with and without it and compares the printer's bytes.
 */
const RASTER_CACHE_LINES = 64;
const rendered = new Map<string, Bitmap>();
let rasterCacheOn = true;

/** Turns the rendered-line cache off (and empties it) or back on: for the test that compares both. */
export function setRasterCache(on: boolean): void {
  rasterCacheOn = on;
  rendered.clear();
}

/** Renders text (any script, `\n` starts a new line, long lines wrap) to a 1-bit bitmap `widthDots` wide. */
export function renderTextBitmap(text: string, opts: RasterTextOptions): Bitmap {
  if (!rasterCacheOn) return drawTextBitmap(text, opts);
  const key = JSON.stringify([text, opts.widthDots, opts.fontPx ?? null, opts.align ?? null, opts.lang ?? null, opts.marginDots ?? null]);
  const hit = rendered.get(key);
  if (hit) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  const bmp = drawTextBitmap(text, opts);
  Object.freeze(bmp);
  rendered.set(key, bmp);
  if (rendered.size > RASTER_CACHE_LINES) rendered.delete(rendered.keys().next().value!);
  return bmp;
}

function drawTextBitmap(text: string, opts: RasterTextOptions): Bitmap {
  registerRasterFonts();
  const width = opts.widthDots;
  if (width % 8 !== 0 || width <= 0) throw new RangeError(`raster width must be a positive multiple of 8 dots, got ${width}`);
  const px = opts.fontPx ?? 28;
  const margin = opts.marginDots ?? 4;
  const lineHeight = Math.ceil(px * 1.45);
  const measureCtx = createCanvas(8, 8).getContext('2d');
  const lines = wrapText(measureCtx, text, px, width - 2 * margin, opts.lang);
  const height = Math.max(1, lines.length * lineHeight);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000';
  ctx.textBaseline = 'alphabetic';
  lines.forEach((line, li) => {
    const w = measure(ctx, px, line, opts.lang);
    const align = opts.align ?? 'left';
    let x = align === 'center' ? Math.round((width - w) / 2) : align === 'right' ? Math.round(width - margin - w) : margin;
    // Vietnamese stacks two marks above capitals, so the baseline sits well below the top.
    const y = li * lineHeight + Math.round(px * 1.12);
    for (const run of splitRunsByFont(line, { lang: opts.lang })) {
      ctx.font = cssFont(px, run);
      ctx.fillText(run.text, x, y);
      x += ctx.measureText(run.text).width;
    }
  });
  return toBitmap(ctx.getImageData(0, 0, width, height).data, width, height);
}

/** Anti-aliased grey becomes black below a threshold a little above half, so thin strokes survive. */
function toBitmap(rgba: Uint8ClampedArray, width: number, height: number): Bitmap {
  const bpr = width / 8;
  const data = new Uint8Array(bpr * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const lum = 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
      if (lum < 150) data[y * bpr + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { width, height, data };
}

export function countBlackDots(bmp: Bitmap): number {
  let n = 0;
  for (const v of bmp.data) for (let b = v; b; b &= b - 1) n++;
  return n;
}

/** Plain-text preview of a bitmap ('#' for black), for debugging layouts in a terminal. */
export function bitmapToAscii(bmp: Bitmap, step = 2): string {
  const bpr = Math.ceil(bmp.width / 8);
  const rows: string[] = [];
  for (let y = 0; y < bmp.height; y += step) {
    let r = '';
    for (let x = 0; x < bmp.width; x += step) r += bmp.data[y * bpr + (x >> 3)]! & (0x80 >> (x & 7)) ? '#' : ' ';
    rows.push(r.trimEnd());
  }
  return rows.join('\n');
}
