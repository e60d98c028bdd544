import { z } from 'zod';

/**
 * An overlay layout (自動印字): where each data item goes on the city's own pre-printed sheet, in
 * millimetres from the sheet's top-left corner. Nothing of the form itself is printed (no title,
 * no captions, no boxes): the sheet already has them. The same layout drives the data-only PDF
 * (laser printers with pre-printed stock) and the ESC/P-K job (dot-matrix, 複写式).
 */

/** Paper sizes in millimetres (連続紙: continuous stock, width × length in inches). */
export const PAPERS = {
  A4: { w: 210, h: 297 },
  B5: { w: 182, h: 257 },
  A5: { w: 148, h: 210 },
  B4: { w: 257, h: 364 },
  'continuous-10x11': { w: 254, h: 279.4 },
  'continuous-15x11': { w: 381, h: 279.4 },
  'continuous-10x5.5': { w: 254, h: 139.7 },
} as const;
export type PaperName = keyof typeof PAPERS;
export const PAPER_NAMES = Object.keys(PAPERS) as PaperName[];

const mm = z.number().min(0).max(400);
const pt = z.number().min(4).max(40);
const bind = z.string().regex(/^(applicant|member|household|visit|facts|today|city|spouse|derived)(\.[A-Za-z0-9_]+)*$/, 'must start with applicant, member, household, spouse, visit, facts, derived, today or city');
/** Value formats an overlay prints (see overlayValue in overlayLayout.ts). */
export const OVERLAY_FORMATS = ['text', 'date', 'address', 'sex', 'postal', 'nationality', 'fiscalYear', 'age', 'kana', 'digits'] as const;

/** The date split over the sheet's printed 年・月・日 (x of each number; the era name is on the sheet). */
const dateParts = z.object({ year: mm, month: mm, day: mm }).strict();

const textField = z
  .object({
    type: z.literal('text'),
    id: z.string().min(1),
    bind,
    format: z.enum(OVERLAY_FORMATS).default('text'),
    x: mm,
    y: mm,
    w: mm,
    h: mm,
    /** Font size in points; a value too long shrinks down to minSize, then wraps, then is refused. */
    size: pt.default(10.5),
    minSize: pt.default(7),
    /** Character pitch in mm (one full-width character); absent: the font's own advance. */
    pitch: z.number().min(1).max(30).optional(),
    maxLines: z.number().int().min(1).max(6).default(1),
    align: z.enum(['left', 'center', 'right']).default('left'),
    parts: dateParts.optional(),
  })
  .strict();

/** One character per printed box (フリガナ, 個人番号, 郵便番号): a value with more characters than boxes is refused. */
const boxesField = z
  .object({
    type: z.literal('boxes'),
    id: z.string().min(1),
    bind,
    format: z.enum(OVERLAY_FORMATS).default('text'),
    x: mm,
    y: mm,
    count: z.number().int().min(1).max(40),
    boxWidth: z.number().min(2).max(20),
    h: mm,
    size: pt.default(10),
  })
  .strict();

/** A ○ on the sheet's printed option (異動の種別, 届出人, 事由): the option whose values hold the bound value. */
const markField = z
  .object({
    type: z.literal('mark'),
    id: z.string().min(1),
    bind,
    /** Diameter of the ○ in mm. */
    size: z.number().min(3).max(30).default(7),
    options: z.array(z.object({ values: z.array(z.string().min(1)).min(1), x: mm, y: mm }).strict()).min(1).max(12),
  })
  .strict();

const rowColumn = z
  .object({
    id: z.string().min(1),
    bind,
    format: z.enum(OVERLAY_FORMATS).default('text'),
    x: mm,
    w: mm,
    /** Offset from the row's top and height (default: the rest of the row), e.g. フリガナ over the name. */
    dy: z.number().min(0).max(60).default(0),
    h: z.number().min(1).max(60).optional(),
    size: pt.default(10),
    minSize: pt.default(6.5),
    align: z.enum(['left', 'center', 'right']).default('left'),
  })
  .strict();

/** The household members, one per printed row. */
const rowsField = z
  .object({
    type: z.literal('rows'),
    id: z.string().min(1),
    x: mm,
    y: mm,
    rowPitch: z.number().min(3).max(60),
    rows: z.number().int().min(1).max(20),
    filter: z.object({ minAge: z.number().int().min(0).optional(), child: z.boolean().optional() }).strict().optional(),
    columns: z.array(rowColumn).min(1),
  })
  .strict();

export const overlayFieldSchema = z.discriminatedUnion('type', [textField, boxesField, markField, rowsField]);
export type OverlayField = z.infer<typeof overlayFieldSchema>;

export const overlayLayoutSchema = z
  .object({
    paper: z.enum(PAPER_NAMES as [PaperName, ...PaperName[]]),
    /** 和暦 (令和8年) or 西暦 (2026年) for every date of the sheet. */
    era: z.enum(['wareki', 'seireki']).default('wareki'),
    /** A scan of the blank sheet (PNG/JPEG in the forms folder), drawn under the data in previews only. */
    background: z.string().min(1).optional(),
    fields: z.array(overlayFieldSchema).min(1),
  })
  .strict();
export type OverlayLayout = z.infer<typeof overlayLayoutSchema>;

export interface Rect {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Every area a layout prints into, named by field (rows: per column, over all rows; marks: per option). */
export function fieldRects(layout: OverlayLayout): Rect[] {
  const out: Rect[] = [];
  for (const f of layout.fields) {
    switch (f.type) {
      case 'text':
        out.push({ id: f.id, x: f.x, y: f.y, w: f.w, h: f.h });
        break;
      case 'boxes':
        out.push({ id: f.id, x: f.x, y: f.y, w: f.count * f.boxWidth, h: f.h });
        break;
      case 'mark':
        f.options.forEach((o, i) => out.push({ id: `${f.id}[${i}]`, x: o.x - f.size / 2, y: o.y - f.size / 2, w: f.size, h: f.size }));
        break;
      case 'rows':
        for (let r = 0; r < f.rows; r++) for (const c of f.columns) out.push({ id: `${f.id}[${r}].${c.id}`, x: f.x + c.x, y: f.y + r * f.rowPitch + c.dy, w: c.w, h: c.h ?? f.rowPitch - c.dy });
        break;
    }
  }
  return out;
}

export interface LayoutProblem {
  field: string;
  message: string;
}

const EPS = 0.01;

/**
 * What is wrong with a layout, each problem naming the field: an area that falls off the paper,
 * two areas that overlap, a member binding on a household form.
 */
export function checkOverlay(layout: OverlayLayout, scope: 'household' | 'person'): LayoutProblem[] {
  const paper = PAPERS[layout.paper];
  const problems: LayoutProblem[] = [];
  const ids = new Set<string>();
  layout.fields.forEach((f, i) => {
    if (ids.has(f.id)) problems.push({ field: `overlay.fields[${i}].id`, message: `field "${f.id}" is used twice` });
    ids.add(f.id);
    if (f.type !== 'rows' && f.bind.startsWith('member') && scope !== 'person') problems.push({ field: `overlay.fields[${i}].bind`, message: `field "${f.id}": "member.*" outside rows needs scope "person"` });
  });
  const rects = fieldRects(layout);
  for (const r of rects) {
    if (r.x < 0 || r.y < 0 || r.x + r.w > paper.w + EPS || r.y + r.h > paper.h + EPS) {
      problems.push({ field: `overlay.${r.id}`, message: `field "${r.id}" falls off the paper (${layout.paper} ${paper.w}×${paper.h} mm): it spans x ${round(r.x)}–${round(r.x + r.w)} mm, y ${round(r.y)}–${round(r.y + r.h)} mm` });
    }
  }
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i]!;
      const b = rects[j]!;
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ox > EPS && oy > EPS) problems.push({ field: `overlay.${b.id}`, message: `field "${b.id}" overlaps field "${a.id}" by ${round(ox)}×${round(oy)} mm` });
    }
  }
  return problems;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
