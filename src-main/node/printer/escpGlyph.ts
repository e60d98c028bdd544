import { createCanvas } from '@napi-rs/canvas';
import { FONT_FAMILY, splitRunsByFont } from '../fonts/index';
import type { Bitmap } from './escpos';
import { registerRasterFonts } from './raster';

/**
 * Bitmaps for a dot-matrix printer (180 dpi, 24 pins): the characters its Kanji ROM lacks, drawn
 * with our fonts at the ROM's 24 × 24 dots, and whole lines drawn smaller than the ROM's size.
 */

export const DPI = 180;
/** The printer's own Kanji: 24 × 24 dots. */
export const KANJI_DOTS = 24;

export function mmToDots(mm: number): number {
  return Math.round((mm * DPI) / 25.4);
}

/** Text drawn `heightDots` tall, each character at `advanceDots` (half-width: half), in the fonts that have its glyphs. */
export function textBitmap(text: string, heightDots: number, advanceDots = heightDots): Bitmap {
  registerRasterFonts();
  const chars = [...text];
  const half = (ch: string) => ch.codePointAt(0)! < 0x80 || (ch.codePointAt(0)! >= 0xff61 && ch.codePointAt(0)! <= 0xff9f);
  const width = Math.max(1, Math.round(chars.reduce((w, ch) => w + (half(ch) ? advanceDots / 2 : advanceDots), 0)));
  const canvas = createCanvas(width, heightDots);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, heightDots);
  ctx.fillStyle = '#000';
  ctx.textBaseline = 'alphabetic';
  let x = 0;
  for (const ch of chars) {
    const run = splitRunsByFont(ch, { lang: 'ja' })[0];
    ctx.font = `${heightDots}px "${FONT_FAMILY[run?.font ?? Object.keys(FONT_FAMILY)[0]!]}"`;
    const adv = half(ch) ? advanceDots / 2 : advanceDots;
    const w = ctx.measureText(ch).width;
    ctx.fillText(ch, x + (adv - w) / 2, Math.round(heightDots * 0.88));
    x += adv;
  }
  return threshold(ctx.getImageData(0, 0, width, heightDots).data, width, heightDots);
}

/** A ring of diameter `d` dots (the ○ on a printed option). */
export function circleBitmap(d: number): Bitmap {
  const canvas = createCanvas(d, d);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, d, d);
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(d / 2, d / 2, d / 2 - 1.5, 0, Math.PI * 2);
  ctx.stroke();
  return threshold(ctx.getImageData(0, 0, d, d).data, d, d);
}

function threshold(rgba: Uint8ClampedArray, width: number, height: number): Bitmap {
  const bpr = Math.ceil(width / 8);
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

export function dot(b: Bitmap, x: number, y: number): boolean {
  if (x < 0 || y < 0 || x >= b.width || y >= b.height) return false;
  return (b.data[y * Math.ceil(b.width / 8) + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
}

/** One 24-dot band of a bitmap as ESC * column data: 3 bytes per column, top pin first. */
export function bandColumns(b: Bitmap, top: number): Buffer {
  const out = Buffer.alloc(b.width * 3);
  for (let x = 0; x < b.width; x++) {
    for (let k = 0; k < 24; k++) if (dot(b, x, top + k)) out[x * 3 + (k >> 3)]! |= 0x80 >> (k & 7);
  }
  return out;
}

/** A band back into a bitmap (for the decoder). */
export function columnsToBitmap(cols: Buffer, width: number): Bitmap {
  const bpr = Math.ceil(width / 8);
  const data = new Uint8Array(bpr * 24);
  for (let x = 0; x < width; x++) for (let k = 0; k < 24; k++) if (cols[x * 3 + (k >> 3)]! & (0x80 >> (k & 7))) data[k * bpr + (x >> 3)]! |= 0x80 >> (x & 7);
  return { width, height: 24, data };
}
