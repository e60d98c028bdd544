import type { Placed } from '../forms/overlayLayout';
import type { Bitmap } from './escpos';
import { bandColumns, circleBitmap, KANJI_DOTS, mmToDots, textBitmap } from './escpGlyph';
import { jisCode, printerHas } from './jisx0208';

/**
 * ESC/P-K for dot-matrix printers (EPSON VP class, 24 pins, 180 dpi; 複写式 forms):
 *   ESC @            initialise (the printer's power-on settings, whatever the last job left)
 *   ESC ( C 2 0 m    page length (form length), 1/360 inch (the printer's default unit)
 *   ESC R 0          international character set USA: bytes 0x20–0x7E print as ASCII, so backslash and "~"
 *                    are not ¥ and ‾ as in the Japan set a Japanese printer's panel may have chosen
 *   ESC x 1          letter quality (24-pin); ESC U 1 unidirectional printing, so every line of a
 *                    carbon-copy form lands on the same columns whichever way the head travels
 *   ESC ( V 2 0 m    absolute vertical position, 1/360 inch from the top of the form
 *   ESC $ n          absolute horizontal position, 1/60 inch from the left margin
 *   FS & / FS .      Kanji mode on / off; in Kanji mode each character is its JIS X 0208 code (2 bytes)
 *   ESC * 39 n d…    24-dot bit image at 180 dpi, 3 bytes per column: characters the Kanji ROM lacks
 *                    (髙, 﨑, 𠮷 …), text smaller than the ROM's font, and the ○ on printed options
 *   FF               end of page (form feed)
 * Every character is placed absolutely, so the layout's pitch holds whatever the printer's own
 * character spacing is set to, and a job can be decoded back into positions (escpDecode.ts).
 */

const ESC = 0x1b;
const FS = 0x1c;
const FF = 0x0c;

/** The Kanji ROM prints 24 dots (3.39 mm, about 9.6 pt); smaller text than this goes as an image. */
const ROM_SIZE_PT = 9;
const ROM_MIN_PITCH_MM = 3.17;

type Op = { y: number; x: number; bytes: Buffer; kanji?: boolean };

function u16(n: number): [number, number] {
  const v = Math.max(0, Math.min(0xffff, Math.round(n)));
  return [v & 0xff, v >> 8];
}

export function absV(y360: number): Buffer {
  return Buffer.from([ESC, 0x28, 0x56, 2, 0, ...u16(y360)]);
}
export function absH(x60: number): Buffer {
  return Buffer.from([ESC, 0x24, ...u16(x60)]);
}
export function pageLength(len360: number): Buffer {
  return Buffer.from([ESC, 0x28, 0x43, 2, 0, ...u16(len360)]);
}
/**
 * What every job sends before its first character: ESC @, the form length, the character set and
 * print mode. A job therefore prints the same whatever the printer's panel or the previous job set.
 */
export function escpSetup(paperHeightMm: number): Buffer {
  return Buffer.concat([Buffer.from([ESC, 0x40]), pageLength(to360(paperHeightMm)), Buffer.from([ESC, 0x52, 0, ESC, 0x78, 1, ESC, 0x55, 1])]);
}

export function bitImage24(cols: Buffer): Buffer {
  const n = cols.length / 3;
  return Buffer.concat([Buffer.from([ESC, 0x2a, 39, ...u16(n)]), cols]);
}

const to360 = (mm: number) => (mm * 360) / 25.4;
const to60 = (mm: number) => (mm * 60) / 25.4;

function imageOps(b: Bitmap, xMm: number, yMm: number): Op[] {
  const ops: Op[] = [];
  for (let top = 0; top < b.height; top += 24) {
    // A 24-dot band at 180 dpi is 48/360 inch tall.
    ops.push({ y: Math.round(to360(yMm) + top * 2), x: Math.round(to60(xMm)), bytes: bitImage24(bandColumns(b, top)) });
  }
  return ops;
}

function pieceOps(p: Placed): Op[] {
  if (p.kind === 'mark') {
    const d = mmToDots(p.d);
    return imageOps(circleBitmap(d), p.x - p.d / 2, p.y - p.d / 2);
  }
  const native = p.size >= ROM_SIZE_PT && p.pitch >= ROM_MIN_PITCH_MM;
  if (!native) {
    // Smaller than the ROM's font: the whole line as one image at its fitted size and pitch.
    const h = Math.max(8, mmToDots((p.size * 25.4) / 72));
    return imageOps(textBitmap(p.text, h, mmToDots(p.pitch)), p.x, p.y);
  }
  const ops: Op[] = [];
  let x = p.x;
  for (const ch of p.text) {
    const half = printerHas(ch) === 'ascii';
    const adv = half ? p.pitch / 2 : p.pitch;
    const kind = printerHas(ch);
    const cx = x + (adv - (half ? 1.7 : 3.39)) / 2;
    if (ch === ' ' || ch === '\u3000') {
      // Nothing to print.
    } else if (kind === 'ascii') ops.push({ y: Math.round(to360(p.y)), x: Math.round(to60(cx)), bytes: Buffer.from(ch, 'latin1'), kanji: false });
    else if (kind === 'kanji') ops.push({ y: Math.round(to360(p.y)), x: Math.round(to60(cx)), bytes: Buffer.from(jisCode(ch)!), kanji: true });
    else ops.push(...imageOps(textBitmap(ch, KANJI_DOTS), cx, p.y).map((o) => ({ ...o, kanji: false })));
    x += adv;
  }
  return ops;
}

export interface EscpJobOptions {
  paper: { w: number; h: number };
}

/** One ESC/P-K job for pages of placed pieces (already shifted by the printer's calibration). */
export function encodeEscp(pages: Placed[][], opts: EscpJobOptions): Buffer {
  const out: Buffer[] = [escpSetup(opts.paper.h)];
  pages.forEach((pieces, i) => {
    const ops = pieces.flatMap(pieceOps).sort((a, b) => a.y - b.y || a.x - b.x);
    let kanji: boolean | undefined;
    let y = -1;
    for (const op of ops) {
      if (op.y !== y) {
        out.push(absV(op.y));
        y = op.y;
      }
      out.push(absH(op.x));
      if (op.kanji !== undefined && op.kanji !== kanji) {
        out.push(Buffer.from([FS, op.kanji ? 0x26 : 0x2e]));
        kanji = op.kanji;
      }
      out.push(op.bytes);
    }
    if (kanji) out.push(Buffer.from([FS, 0x2e]));
    out.push(Buffer.from([FF]));
    if (i === pages.length - 1) out.push(Buffer.from([ESC, 0x40]));
  });
  if (pages.length === 0) out.push(Buffer.from([ESC, 0x40]));
  return Buffer.concat(out);
}
