import { dirname, join } from 'node:path';
import { FONT_JA, FONT_LATIN, FONT_SC, fontBytes, fontHas } from '../fonts';

/**
 * Text on a PDF page in several fonts: each run of characters gets the first font that really has
 * their glyphs (read from the font's cmap), so a rare kanji such as 𠮷 (U+20BB7, outside the BMP,
 * missing from BIZ UDGothic) is drawn by Noto Sans JP instead of becoming a blank box. pdfkit
 * embeds each TrueType font as a subset of the glyphs used.
 */

/** Noto Sans JP (npm @expo-google-fonts/noto-sans-jp): JIS X 0213 coverage, incl. 𠮷. */
export const FONT_JA_EXTENDED = join(dirname(require.resolve('@expo-google-fonts/noto-sans-jp/package.json')), '400Regular', 'NotoSansJP_400Regular.ttf');

const NAMES: Record<string, string> = { [FONT_JA]: 'ja', [FONT_JA_EXTENDED]: 'ja-ext', [FONT_LATIN]: 'latin', [FONT_SC]: 'sc' };

export interface PdfDoc {
  registerFont(name: string, src: string | ParsedFont): unknown;
  font(name: string): unknown;
  fontSize(size: number): unknown;
  widthOfString(text: string, opts?: object): number;
  text(text: string, x: number, y: number, opts?: object): unknown;
}

/** A parsed font (fontkit): what pdfkit lays text out with and subsets into each document. */
interface ParsedFont {
  layout(text: string, features?: object): unknown;
  createSubset(): FontSubset;
}

/** fontkit's subset of one document: the glyph ids it uses, in order, and its encoder. */
interface FontSubset {
  glyphs: number[];
  mapping: Record<number, number>;
  encode(): Uint8Array;
}

const MAX_SUBSETS = 200;
/**
 * Embedded subsets are encoded once per font and glyph list: the same household's forms, or the
 * same kind of list, use the same glyphs in the same order, and encoding a CJK subset (decoding
 * and copying every glyph outline) was a fifth of a form set. A hit returns the same bytes and
 * leaves the subset as its encoder would (composite glyphs' parts appended to the list).
 */
function rememberSubsets(font: ParsedFont): void {
  const create = font.createSubset.bind(font);
  const encoded = new Map<string, { bytes: Uint8Array; glyphs: number[] }>();
  font.createSubset = (): FontSubset => {
    const subset = create();
    const encode = subset.encode.bind(subset);
    subset.encode = (): Uint8Array => {
      if (!caching.enabled) return encode();
      const key = subset.glyphs.join(',');
      const hit = encoded.get(key);
      if (hit) {
        for (let i = subset.glyphs.length; i < hit.glyphs.length; i++) {
          subset.glyphs.push(hit.glyphs[i]!);
          subset.mapping[hit.glyphs[i]!] = i;
        }
        return hit.bytes;
      }
      const bytes = encode();
      if (encoded.size >= MAX_SUBSETS) encoded.clear();
      encoded.set(key, { bytes, glyphs: [...subset.glyphs] });
      return bytes;
    };
    return subset;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fontkit = require('fontkit') as { create(buf: Uint8Array): ParsedFont };

/** The shaped glyph run fontkit returns (what pdfkit reads of it). */
interface GlyphRun {
  glyphs: unknown[];
  positions: Array<Record<string, number>>;
}

const parsed = new Map<string, ParsedFont>();
const MAX_RUNS = 20_000;
/**
 * Each font file is read and parsed once per process and shared by every document: a document
 * still embeds its own subset of the glyphs it uses, but no longer re-reads and re-parses
 * megabytes of CJK font tables per print. Its shaping is remembered per text and features, and
 * each caller gets its own copy of the positions (pdfkit scales them in place).
 */
function parsedFont(file: string): ParsedFont {
  let f = parsed.get(file);
  if (!f) {
    const font = fontkit.create(fontBytes(file));
    const shape = font.layout.bind(font) as (text: string, features?: object) => GlyphRun;
    const runs = new Map<string, GlyphRun>();
    font.layout = (text: string, features?: object): GlyphRun => {
      if (!caching.enabled) return shape(text, features);
      const key = `${features === FEATURES ? '' : JSON.stringify(features ?? null)}\u0000${text}`;
      let run = runs.get(key);
      if (!run) {
        run = shape(text, features);
        run.positions = run.positions.map((p) => ({ ...p }));
        if (runs.size >= MAX_RUNS) runs.clear();
        runs.set(key, run);
      }
      const copy = Object.create(Object.getPrototypeOf(run) as object) as GlyphRun;
      Object.assign(copy, run);
      copy.positions = run.positions.map((p) => ({ ...p }));
      return copy;
    };
    rememberSubsets(font);
    sharedFonts.add(font);
    f = font;
    parsed.set(file, f);
  }
  return f;
}

/** pdfkit's embedded font (one per document and font): its `layoutRun` scales a shaped run to 1/1000 em. */
interface EmbeddedFontClass {
  prototype: { layoutRun(this: { font: ParsedFont }, text: string, features?: object): GlyphRun };
}
const patchedClasses = new WeakSet<object>();
const scaledRuns = new WeakMap<ParsedFont, Map<string, GlyphRun>>();
/**
 * pdfkit scales every shaped run again in each document (and twice per drawn string: once to
 * measure, once to encode). For the shared fonts the scaled run is kept per text and features;
 * each call gets its own copy of the positions (pdfkit adjusts them in place). Other fonts, and
 * the uncached path of the tests, run pdfkit's own code.
 */
function rememberScaledRuns(embedded: { constructor: unknown }): void {
  const cls = embedded.constructor as EmbeddedFontClass;
  if (patchedClasses.has(cls)) return;
  patchedClasses.add(cls);
  const original = cls.prototype.layoutRun;
  cls.prototype.layoutRun = function (text, features) {
    if (!caching.enabled || !sharedFonts.has(this.font)) return original.call(this, text, features);
    let runs = scaledRuns.get(this.font);
    if (!runs) scaledRuns.set(this.font, (runs = new Map()));
    const key = `${features === FEATURES ? '' : JSON.stringify(features ?? null)}\u0000${text}`;
    let run = runs.get(key);
    if (!run) {
      run = original.call(this, text, features);
      if (runs.size >= MAX_RUNS) runs.clear();
      runs.set(key, run);
    }
    const copy = Object.create(Object.getPrototypeOf(run) as object) as GlyphRun;
    Object.assign(copy, run);
    copy.positions = run.positions.map((p) => ({ ...p }));
    return copy;
  };
}
const sharedFonts = new WeakSet<ParsedFont>();

/** Tests switch the per-process caches off to compare against pdfkit's own path. */
export const caching = { enabled: true };

export function registerFonts(doc: PdfDoc): void {
  for (const [file, name] of Object.entries(NAMES)) doc.registerFont(name, caching.enabled ? parsedFont(file) : file);
}

/** Font order by text language: Japanese forms use the Japanese font even for ASCII, so a line reads evenly. */
export function fontOrder(lang: string, cp: number): string[] {
  const cjk = (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xffef) || (cp >= 0x20000 && cp <= 0x3ffff) || (cp >= 0x3000 && cp <= 0x303f);
  if (/^zh/i.test(lang)) return cjk ? [FONT_SC, FONT_JA, FONT_JA_EXTENDED, FONT_LATIN] : [FONT_LATIN, FONT_SC, FONT_JA];
  if (lang === 'ja' || lang === 'ja-easy') return [FONT_JA, FONT_JA_EXTENDED, FONT_LATIN, FONT_SC];
  return cjk ? [FONT_JA, FONT_JA_EXTENDED, FONT_SC, FONT_LATIN] : [FONT_LATIN, FONT_JA, FONT_JA_EXTENDED, FONT_SC];
}

/**
 * No glyph composition (ccmp): with it, fontkit draws ụ as u + a combining dot, and pdfkit's
 * ToUnicode map then reads every later "u" as "ụ". Precomposed glyphs look the same and copy right.
 */
const FEATURES = { ccmp: false } as const;

export interface Run {
  text: string;
  font: string;
}

/** Splits text into runs, one font each; a space or ASCII mark stays with the run it sits in. */
export function textRuns(text: string, lang = 'ja'): Run[] {
  const runs: Run[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const last = runs[runs.length - 1];
    const neutral = cp === 0x20 || cp === 0x3000 || (cp < 0x80 && !/[A-Za-z]/.test(ch));
    const order = fontOrder(lang, cp);
    const font = neutral && last && fontHas(last.font, cp) ? last.font : (order.find((f) => fontHas(f, cp)) ?? order[0]!);
    if (last && last.font === font) last.text += ch;
    else runs.push({ text: ch, font });
  }
  return runs.map((r) => ({ text: r.text, font: NAMES[r.font] ?? 'ja' }));
}

/** pdfkit's font of the document after `doc.font(name)` (the object that lays text out). */
interface PdfFontInternals {
  _font: { layout(text: string, features: object, onlyWidth: boolean): { advanceWidth: number } };
}

const advances = new Map<string, number>();
const MAX_ADVANCES = 100_000;
/**
 * A run's advance in 1/1000 em, laid out by pdfkit (fontkit shaping) once per process for each
 * font and text: fitting a line measures the same strings again and again, and shaping is the
 * costly part of a form.
 */
function advanceOf(doc: PdfDoc, font: string, text: string): number {
  const key = `${font}\u0000${text}`;
  let a = advances.get(key);
  if (a === undefined) {
    doc.font(font);
    const embedded = (doc as unknown as PdfFontInternals)._font;
    rememberScaledRuns(embedded as unknown as { constructor: unknown });
    a = embedded.layout(text, FEATURES, true).advanceWidth;
    if (advances.size >= MAX_ADVANCES) advances.clear();
    advances.set(key, a);
  }
  return a;
}

/**
 * The width of the runs at `size`: the same arithmetic as pdfkit's widthOfString (advance ×
 * size/1000, no character spacing, 100 % horizontal scaling), from the cached advances.
 */
export function measure(doc: PdfDoc, runs: Run[], size: number): number {
  let w = 0;
  if (!caching.enabled) {
    for (const r of runs) {
      doc.font(r.font);
      doc.fontSize(size);
      w += doc.widthOfString(r.text, { features: FEATURES });
    }
    return w;
  }
  for (const r of runs) w += ((advanceOf(doc, r.font, r.text) * (size / 1000) + 0 * (r.text.length - 1)) * 100) / 100;
  return w;
}

/**
 * Draws one line at (x, y = top of the line) and returns its width. Every run sits on one common
 * baseline: fonts differ in ascent, and a fallback glyph must not jump up or down in a name.
 */
export function drawLine(doc: PdfDoc, runs: Run[], x: number, y: number, size: number): number {
  let cx = x;
  const baseline = y + size * 0.88;
  for (const r of runs) {
    doc.font(r.font);
    doc.fontSize(size);
    doc.text(r.text, cx, baseline, { lineBreak: false, baseline: 'alphabetic', features: FEATURES });
    cx += measure(doc, [r], size);
  }
  return cx - x;
}

export interface FitBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface FitOptions {
  size: number;
  lang?: string;
  align?: 'left' | 'center' | 'right';
  /** Vertical placement of the block in the box. */
  valign?: 'top' | 'middle' | 'bottom';
  padding?: number;
  /** Lines may break (addresses): a long 方書 wraps onto a second line before it shrinks much. */
  wrap?: boolean;
}

/** Greedy character wrap of one line at width w (in points) and the given size. */
function wrapLine(doc: PdfDoc, line: string, w: number, size: number, lang: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of line) {
    const next = cur + ch;
    if (cur && measure(doc, textRuns(next, lang), size) > w) {
      out.push(cur);
      cur = ch.trim() ? ch : '';
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out;
}

/** The lines to draw and the largest size at which they fit: shrink only, or wrap then shrink. */
function layoutLines(doc: PdfDoc, lines: string[], w: number, h: number, size: number, lang: string, wrap: boolean): { lines: string[]; size: number } {
  const lineGap = 1.15;
  const shrinkOnly = (ls: string[]) => {
    let s = Math.min(size, h / (ls.length * lineGap));
    for (const l of ls) {
      const width = measure(doc, textRuns(l, lang), s);
      if (width > w) s = (s * w) / width;
    }
    return s;
  };
  let best = { lines, size: shrinkOnly(lines) };
  if (!wrap || best.size >= size * 0.85) return best;
  for (let extra = 1; extra <= 4; extra++) {
    const target = Math.min(size, h / ((lines.length + extra) * lineGap));
    if (target <= best.size) break;
    const wrapped = lines.flatMap((l) => wrapLine(doc, l, w, target, lang));
    if (wrapped.length > lines.length + extra) continue;
    const s = shrinkOnly(wrapped);
    if (s > best.size) best = { lines: wrapped, size: s };
  }
  return best;
}

/**
 * Draws lines inside a box, shrinking the font until every line fits both ways. It never cuts or
 * drops text: a very long 方書 gets small, but it is all there. Returns the size used.
 */
export function drawFitted(doc: PdfDoc, lines: string[], box: FitBox, opts: FitOptions): number {
  const lang = opts.lang ?? 'ja';
  const pad = opts.padding ?? 1.5;
  const w = Math.max(1, box.w - 2 * pad);
  const h = Math.max(1, box.h - 2 * pad);
  const kept = lines.filter((l) => l.length > 0);
  if (kept.length === 0) return opts.size;
  const lineGap = 1.15;
  const laid = layoutLines(doc, kept, w, h, opts.size, lang, opts.wrap ?? false);
  const size = laid.size;
  const rl = laid.lines.map((l) => textRuns(l, lang));
  const blockH = rl.length * size * lineGap;
  let y = box.y + pad + (opts.valign === 'top' ? 0 : opts.valign === 'bottom' ? h - blockH : (h - blockH) / 2);
  for (const runs of rl) {
    const width = measure(doc, runs, size);
    const x = box.x + pad + (opts.align === 'center' ? (w - width) / 2 : opts.align === 'right' ? w - width : 0);
    drawLine(doc, runs, x, y, size);
    y += size * lineGap;
  }
  return size;
}
