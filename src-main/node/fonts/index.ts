import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The fonts we ship for anything drawn rather than printed with the printer's own font: raster
 * lines on tickets and PDFs. No single font covers every visitor language, so text is split into
 * runs and each run gets the first font that really has its glyphs (read from the font's cmap,
 * not guessed from Unicode blocks).
 */

function fontPath(pkg: string, rel: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), rel);
}

/** BIZ UDGothic: Japanese (kanji, kana) and ASCII; some Vietnamese letters missing. */
export const FONT_JA = fontPath('@expo-google-fonts/biz-udgothic', '400Regular/BIZUDGothic_400Regular.ttf');
/** Noto Sans JP: the rare kanji BIZ UDGothic lacks (𠮷 in 𠮷田 and other name characters). */
export const FONT_JA_EXTRA = fontPath('@expo-google-fonts/noto-sans-jp', '400Regular/NotoSansJP_400Regular.ttf');
/** Noto Sans: Latin incl. Vietnamese and Portuguese/Spanish/Tagalog accents. */
export const FONT_LATIN = fontPath('@expo-google-fonts/noto-sans', '400Regular/NotoSans_400Regular.ttf');
/** Noto Sans SC: simplified Chinese. */
export const FONT_SC = fontPath('@expo-google-fonts/noto-sans-sc', '400Regular/NotoSansSC_400Regular.ttf');

/** Family names used when the fonts are registered with a canvas. */
export const FONT_FAMILY: Record<string, string> = {
  [FONT_JA]: 'Madoguchi JA',
  [FONT_JA_EXTRA]: 'Madoguchi JA Extra',
  [FONT_LATIN]: 'Madoguchi Latin',
  [FONT_SC]: 'Madoguchi SC',
};

export interface FontRun {
  text: string;
  font: string;
}

export interface FontChoiceOptions {
  /** Visitor language (BCP 47). `zh*` draws Han characters with the Chinese font, since unified
   *  Han code points look different in Japanese and Chinese typefaces. */
  lang?: string;
}

const bytesCache = new Map<string, Buffer>();
/** A font file's bytes, read once per process (the cmap reader and the PDF layer share them). */
export function fontBytes(file: string): Buffer {
  let b = bytesCache.get(file);
  if (!b) {
    b = readFileSync(file);
    bytesCache.set(file, b);
  }
  return b;
}

/** One bit per Unicode code point (0..0x10FFFF): 136 KiB a font, and a lookup is one shift. */
type Coverage = Uint8Array;
const coverageCache = new Map<string, Coverage>();

function coverageBits(file: string): Coverage {
  let bits = coverageCache.get(file);
  if (!bits) {
    bits = new Uint8Array(0x110000 >> 3);
    readCmap(fontBytes(file), bits);
    coverageCache.set(file, bits);
  }
  return bits;
}

/** Code points a TrueType/OpenType font maps to glyphs (cmap formats 4 and 12). */
export function fontCoverage(file: string): Set<number> {
  const bits = coverageBits(file);
  const out = new Set<number>();
  for (let i = 0; i < bits.length; i++) if (bits[i]) for (let b = 0; b < 8; b++) if (bits[i]! & (1 << b)) out.add((i << 3) | b);
  return out;
}

export function fontHas(file: string, cp: number): boolean {
  return cp >= 0 && cp < 0x110000 && (coverageBits(file)[cp >> 3]! & (1 << (cp & 7))) !== 0;
}

function readCmap(buf: Buffer, out: Coverage): void {
  const numTables = buf.readUInt16BE(4);
  let cmapOff = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (buf.toString('latin1', rec, rec + 4) === 'cmap') cmapOff = buf.readUInt32BE(rec + 8);
  }
  if (cmapOff < 0) throw new Error('font has no cmap table');
  const n = buf.readUInt16BE(cmapOff + 2);
  let best = -1;
  let bestRank = -1;
  for (let i = 0; i < n; i++) {
    const rec = cmapOff + 4 + i * 8;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const off = cmapOff + buf.readUInt32BE(rec + 4);
    const format = buf.readUInt16BE(off);
    // Prefer the full-Unicode table (format 12) over the BMP-only one (format 4).
    const rank = format === 12 && (platform === 3 || platform === 0) ? 2 : format === 4 && (platform === 3 || platform === 0) && encoding !== 0 ? 1 : format === 4 && platform === 0 ? 1 : -1;
    if (rank > bestRank) {
      bestRank = rank;
      best = off;
    }
  }
  if (best < 0) throw new Error('font has no Unicode cmap subtable');
  const add = (c: number) => {
    if (c < 0x110000) out[c >> 3]! |= 1 << (c & 7);
  };
  const format = buf.readUInt16BE(best);
  if (format === 12) {
    const groups = buf.readUInt32BE(best + 12);
    for (let g = 0; g < groups; g++) {
      const p = best + 16 + g * 12;
      const start = buf.readUInt32BE(p);
      const end = buf.readUInt32BE(p + 4);
      const glyph = buf.readUInt32BE(p + 8);
      for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) add(c);
    }
  } else {
    const segX2 = buf.readUInt16BE(best + 6);
    const ends = best + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    for (let s = 0; s < segX2 / 2; s++) {
      const end = buf.readUInt16BE(ends + s * 2);
      const start = buf.readUInt16BE(starts + s * 2);
      const delta = buf.readUInt16BE(deltas + s * 2);
      const rangeOffPos = ranges + s * 2;
      const rangeOff = buf.readUInt16BE(rangeOffPos);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (rangeOff === 0) glyph = (c + delta) & 0xffff;
        else {
          const gp = rangeOffPos + rangeOff + (c - start) * 2;
          glyph = buf.readUInt16BE(gp);
          if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
        }
        if (glyph !== 0) add(c);
      }
    }
  }
}

/** Han, kana, CJK punctuation and full-width forms: the characters a CJK font should draw. */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) || // radicals, CJK punctuation, kana, unified ideographs
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

/** Spaces, digits and ASCII punctuation read the same in every font: they join the run around them. */
function isNeutral(cp: number): boolean {
  return cp <= 0x40 || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7f) || cp === 0xa0 || (cp >= 0x2000 && cp <= 0x206f);
}

function preferenceFor(cp: number, lang: string | undefined): string[] {
  const zh = lang !== undefined && /^zh\b/i.test(lang);
  if (isCjk(cp)) return zh ? [FONT_SC, FONT_JA, FONT_JA_EXTRA, FONT_LATIN] : [FONT_JA, FONT_JA_EXTRA, FONT_SC, FONT_LATIN];
  return [FONT_LATIN, FONT_JA, FONT_JA_EXTRA, FONT_SC];
}

function fontForCodePoint(cp: number, lang: string | undefined): string {
  const prefs = preferenceFor(cp, lang);
  for (const f of prefs) if (fontHas(f, cp)) return f;
  // Nobody has it (emoji, rare scripts): the first choice draws its "missing glyph" box, which at
  // least shows the reader that something is there.
  return prefs[0]!;
}

/**
 * Splits text into runs that one font can draw. Neutral characters (spaces, digits, ASCII
 * punctuation) stay with the run before them so a Vietnamese sentence is one run, not many.
 */
export function splitRunsByFont(text: string, opts: FontChoiceOptions = {}): FontRun[] {
  const runs: FontRun[] = [];
  let pendingNeutral = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isNeutral(cp)) {
      pendingNeutral += ch;
      continue;
    }
    const font = fontForCodePoint(cp, opts.lang);
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += pendingNeutral + ch;
    else if (last) {
      last.text += pendingNeutral;
      runs.push({ text: ch, font });
    } else runs.push({ text: pendingNeutral + ch, font });
    pendingNeutral = '';
  }
  if (pendingNeutral) {
    const last = runs[runs.length - 1];
    if (last) last.text += pendingNeutral;
    else runs.push({ text: pendingNeutral, font: FONT_LATIN });
  }
  return runs;
}

/**
 * One font for a whole piece of text when one can draw all of it (PDF cells, short labels):
 * the font preferred for its first non-neutral character if that covers everything, else the
 * first of our fonts that does, else the font of its longest run.
 */
export function fontFileFor(text: string, opts: FontChoiceOptions = {}): string {
  const cps = [...text].map((c) => c.codePointAt(0)!);
  const first = cps.find((cp) => !isNeutral(cp));
  if (first === undefined) return FONT_LATIN;
  const prefs = preferenceFor(first, opts.lang);
  const covers = (f: string) => cps.every((cp) => isNeutral(cp) && cp < 0x80 ? true : fontHas(f, cp));
  for (const f of prefs) if (covers(f)) return f;
  const runs = splitRunsByFont(text, opts);
  let best = runs[0]!;
  for (const r of runs) if (r.text.length > best.text.length) best = r;
  return best.font;
}
