import { AppError } from '../../common/errors';
import type { Resident } from '../../common/contract/residents';
import { formatWareki, warekiParts } from '../../common/wareki';
import { ageOn, certificateFiscalYear, matches, resolveBinding, type FormContext } from './bindings';
import { PAPERS, type OverlayField, type OverlayLayout } from './overlay';
import type { FormTemplate } from './template';

/**
 * Places a household's data on an overlay layout: every value becomes text at a position in mm
 * (or a ○ on a printed option). The data-only PDF and the ESC/P-K job draw exactly these pieces,
 * so both outputs agree to the millimetre. A value too long for its area shrinks (down to the
 * field's minSize), then wraps (up to maxLines), and is otherwise refused with a message for the
 * clerk: a name or address is never cut.
 */

export interface PlacedText {
  kind: 'text';
  field: string;
  /** Left edge and top of the line, mm from the sheet's top-left. */
  x: number;
  y: number;
  /** Font size in points. */
  size: number;
  text: string;
  /** Advance of one full-width character in mm (half-width: half of it). */
  pitch: number;
}

export interface PlacedMark {
  kind: 'mark';
  field: string;
  /** Centre of the ○ and its diameter, mm. */
  x: number;
  y: number;
  d: number;
}

export type Placed = PlacedText | PlacedMark;

export interface OverlayPage {
  form: string;
  member?: string;
  pieces: Placed[];
}

export interface OverlayDoc {
  paper: { name: string; w: number; h: number };
  pages: OverlayPage[];
  residentIds: string[];
  skipped: Array<{ id: string; reason: string }>;
}

const PT = 25.4 / 72;

export function isHalfWidth(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return cp < 0x80 || (cp >= 0xff61 && cp <= 0xff9f);
}

/** Width in mm of text at `size` pt with a full-width advance of `pitch` mm (default: 1 em, BIZ UDGothic is fixed pitch). */
export function textWidth(text: string, size: number, pitch?: number): number {
  const em = pitch ?? size * PT;
  let w = 0;
  for (const ch of text) w += isHalfWidth(ch) ? em / 2 : em;
  return w;
}

/** Greedy character wrap at width w. */
function wrap(text: string, w: number, size: number, pitch?: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (cur && textWidth(cur + ch, size, pitch) > w) {
      out.push(cur);
      cur = ch.trim() ? ch : '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

const LINE = 1.2;

export interface Fitted {
  lines: string[];
  size: number;
  pitch: number;
}

/** Shrink, then wrap, then refuse (null). Pitch scales with the size. */
export function fitText(lines: string[], w: number, h: number, size: number, minSize: number, maxLines: number, pitch?: number): Fitted | null {
  const at = (s: number) => (pitch ? (pitch * s) / size : s * PT);
  // Spaces at the end of a line print nothing: they never make a value too long.
  const kept = lines.map((l) => l.trimEnd()).filter((l) => l.length > 0);
  if (kept.length === 0) return { lines: [], size, pitch: at(size) };
  // Largest size at which the given lines fit as they are.
  const sizeFor = (ls: string[]) => {
    let s = Math.min(size, h / (ls.length * LINE * PT));
    for (const l of ls) {
      const width = textWidth(l, s, at(s));
      if (width > w) s = (s * w) / width;
    }
    return s;
  };
  if (kept.length <= maxLines) {
    const s = sizeFor(kept);
    if (s >= minSize - 1e-9) return { lines: kept, size: s, pitch: at(s) };
  }
  const wrapAt = (s: number) => kept.flatMap((l) => wrap(l, w, s, at(s)));
  for (let n = kept.length + 1; n <= maxLines; n++) {
    let hi = Math.min(size, h / (n * LINE * PT));
    if (hi < minSize - 1e-9) break;
    if (wrapAt(minSize).length > n) continue;
    // The largest size at which the value wraps onto n lines.
    let lo = minSize;
    if (wrapAt(hi).length <= n) lo = hi;
    else
      for (let k = 0; k < 24; k++) {
        const mid = (lo + hi) / 2;
        if (wrapAt(mid).length <= n) lo = mid;
        else hi = mid;
      }
    const wrapped = wrapAt(lo);
    const s = Math.min(lo, sizeFor(wrapped));
    return { lines: wrapped, size: s, pitch: at(s) };
  }
  return null;
}

/** A bound value as the overlay prints it (the sheet has the captions, 〒 and era names where it prints them). */
export function overlayValue(f: { format: string; bind: string }, value: unknown, ctx: FormContext, era: 'wareki' | 'seireki', member?: Resident): string[] {
  if (value === undefined || value === null || value === '') return [];
  switch (f.format) {
    case 'date': {
      const iso = String(value);
      if (era === 'seireki') return [`${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`];
      return [formatWareki(iso)];
    }
    case 'address': {
      const owner = f.bind.startsWith('member') ? member : f.bind.startsWith('applicant') ? ctx.applicant : (resolveBinding('household.self', ctx) as Resident);
      return [String(value), owner?.addressExtra ?? ''].filter(Boolean);
    }
    case 'sex':
      return [value === 'male' ? '男' : value === 'female' ? '女' : ''];
    case 'postal':
      return [String(value)];
    case 'nationality': {
      const r = f.bind.startsWith('member') ? member : ctx.applicant;
      return [value === 'JP' ? '日本' : (r?.nationalityName ?? String(value))];
    }
    case 'fiscalYear': {
      const y = certificateFiscalYear(String(value));
      return era === 'seireki' ? [`${y}年度`] : [formatWareki(`${y}-06-01`).replace(/\d+月\d+日$/, '度')];
    }
    case 'age':
      return [`${ageOn(String(value), ctx.today)}歳`];
    case 'digits':
      return [String(value).replace(/\D/g, '')];
    default:
      return [String(value)];
  }
}

function refuse(t: FormTemplate, field: string, value: string, why: string): AppError {
  return new AppError('bad-input', `${t.name}（${t.id}）の「${field}」に「${value}」が入りきりません（${why}）。この欄は手書きで記入してください。`, { field: `overlay.${field}` });
}

function placeText(t: FormTemplate, id: string, lines: string[], box: { x: number; y: number; w: number; h: number }, o: { size: number; minSize: number; maxLines: number; pitch?: number | undefined; align: string }): PlacedText[] {
  const fit = fitText(lines, box.w, box.h, o.size, o.minSize, o.maxLines, o.pitch);
  if (!fit) throw refuse(t, id, lines.join(' '), `${box.w}×${box.h} mm, ${o.minSize} ptまで縮小し${o.maxLines}行に折り返しても超えます`);
  const lh = fit.size * PT * LINE;
  let y = box.y + (box.h - lh * fit.lines.length) / 2 + (lh - fit.size * PT) / 2;
  return fit.lines.map((line) => {
    const w = textWidth(line, fit.size, fit.pitch);
    const x = o.align === 'center' ? box.x + (box.w - w) / 2 : o.align === 'right' ? box.x + box.w - w : box.x;
    const p: PlacedText = { kind: 'text', field: id, x, y, size: fit.size, text: line, pitch: fit.pitch };
    y += lh;
    return p;
  });
}

function placeField(t: FormTemplate, layout: OverlayLayout, f: Exclude<OverlayField, { type: 'rows' }>, ctx: FormContext, member: Resident | undefined): Placed[] {
  const value = resolveBinding(f.bind, ctx, member);
  if (f.type === 'mark') {
    const vals = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null && v !== '').map(String);
    const o = f.options.find((op) => op.values.some((v) => vals.includes(v)));
    return o ? [{ kind: 'mark', field: f.id, x: o.x, y: o.y, d: f.size }] : [];
  }
  const lines = overlayValue(f, value, ctx, layout.era, member);
  if (lines.length === 0) return [];
  if (f.type === 'boxes') {
    const chars = [...lines.join('')];
    if (chars.length > f.count) throw refuse(t, f.id, lines.join(''), `${chars.length}文字、枠は${f.count}マス`);
    const em = Math.min(f.size, (f.boxWidth / PT) * 0.9, (f.h / PT) * 0.9);
    return chars.map((ch, i) => ({ kind: 'text', field: f.id, x: f.x + i * f.boxWidth + (f.boxWidth - textWidth(ch, em)) / 2, y: f.y + (f.h - em * PT) / 2, size: em, text: ch, pitch: em * PT }));
  }
  if (f.parts && f.format === 'date' && typeof value === 'string') {
    const p = warekiParts(value);
    if (!p) return [];
    const y = layout.era === 'seireki' ? String(Number(value.slice(0, 4))) : `${p.era}${p.year}`;
    const parts: Array<[string, number]> = [
      [y, f.parts.year],
      [p.month, f.parts.month],
      [p.day, f.parts.day],
    ];
    // Numbers end just before the sheet's printed 年・月・日.
    return parts.map(([s, x]) => ({ kind: 'text', field: f.id, x: x - textWidth(s, f.size), y: f.y + (f.h - f.size * PT) / 2, size: f.size, text: s, pitch: f.size * PT }));
  }
  return placeText(t, f.id, lines, f, f);
}

/** Everything one template prints, page by page (person forms: a page per member; rows: as many pages as the members need). */
export function placeOverlay(t: FormTemplate, ctx: FormContext): OverlayPage[] {
  const layout = t.overlay;
  if (!layout) throw new AppError('bad-input', `form "${t.id}" has no overlay layout (add "overlay" to its template)`, { field: 'form' });
  const rows = layout.fields.find((f): f is Extract<OverlayField, { type: 'rows' }> => f.type === 'rows');
  const people = t.scope === 'person' ? ctx.members.filter((m) => matches(m, t.filter, ctx.today)) : [undefined];
  const pages: OverlayPage[] = [];
  for (const member of people) {
    const rowMembers = rows ? ctx.members.filter((m) => matches(m, rows.filter, ctx.today)) : [];
    const chunks: Resident[][] = [];
    for (let i = 0; i < Math.max(1, rowMembers.length); i += rows?.rows ?? 1) chunks.push(rowMembers.slice(i, i + (rows?.rows ?? 1)));
    for (const chunk of chunks) {
      const pieces: Placed[] = [];
      for (const f of layout.fields) {
        if (f.type !== 'rows') {
          pieces.push(...placeField(t, layout, f, ctx, member));
          continue;
        }
        chunk.forEach((m, r) => {
          for (const c of f.columns) {
            const lines = overlayValue(c, resolveBinding(c.bind, ctx, m), ctx, layout.era, m);
            if (lines.length === 0) continue;
            const box = { x: f.x + c.x, y: f.y + r * f.rowPitch + c.dy, w: c.w, h: c.h ?? f.rowPitch - c.dy };
            pieces.push(...placeText(t, `${f.id}[${r}].${c.id}`, lines, box, { size: c.size, minSize: c.minSize, maxLines: 1, align: c.align }));
          }
        });
      }
      pages.push({ form: t.id, ...(member ? { member: member.id } : {}), pieces });
    }
  }
  return pages;
}

/** The overlay pages of several forms for one household; all must share one paper size (one printer tray). */
export function placeOverlays(templates: FormTemplate[], ctx: FormContext): OverlayDoc {
  if (templates.length === 0) throw new AppError('bad-input', 'no forms to print', { field: 'forms' });
  const first = templates[0]!.overlay?.paper;
  const skipped: OverlayDoc['skipped'] = [];
  const pages: OverlayPage[] = [];
  for (const t of templates) {
    if (t.overlay && t.overlay.paper !== first) throw new AppError('bad-input', `form "${t.id}" is on ${t.overlay.paper} paper, "${templates[0]!.id}" on ${first}: print them as separate jobs`, { field: 'forms' });
    const ps = placeOverlay(t, ctx);
    if (ps.length === 0) skipped.push({ id: t.id, reason: 'nobody in the household matches this form' });
    pages.push(...ps);
  }
  const paper = PAPERS[first!];
  return { paper: { name: first!, ...paper }, pages, residentIds: ctx.members.map((m) => m.id), skipped };
}

/** The same pieces moved by a printer's calibration offsets (mm; + is right / down). */
export function offsetPieces(pieces: Placed[], dx: number, dy: number): Placed[] {
  if (!dx && !dy) return pieces;
  return pieces.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy }));
}
