import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, formatPath } from '../../common/errors';
import { APP_ROOT } from '../terminal/dataFolder';
import { checkOverlay, overlayLayoutSchema } from './overlay';

/**
 * A form as data (fixtures/forms/<id>.json): an A4 page with everything placed in millimetres from
 * the top-left corner, font sizes in points, and fields bound to the resident, the visit, its facts
 * or today. A city changes a layout by editing the file, not the code.
 */
const mm = z.number().min(0).max(300);
const size = z.number().min(3).max(40);
const bind = z.string().regex(/^(applicant|member|household|visit|facts|today|city|spouse|derived)(\.[A-Za-z0-9_]+)*$/, 'must start with applicant, member, household, spouse, visit, facts, derived, today or city');
export const FORMATS = ['text', 'wareki', 'address', 'sex', 'postal', 'nationality', 'mark', 'yesno', 'kaigo', 'pension', 'welfare', 'techo', 'fiscalYear', 'insurance', 'age'] as const;
const format = z.enum(FORMATS).default('text');

const filter = z
  .object({
    minAge: z.number().int().min(0).optional(),
    /** The legal *child* class (児童手当・子ども医療費・ひとり親): until the first 31 March on or after reaching 18. */
    child: z.boolean().optional(),
    maxAge: z.number().int().min(0).optional(),
    foreign: z.boolean().optional(),
    kokuho: z.boolean().optional(),
    koki: z.boolean().optional(),
    /** Has a registered seal (印鑑登録証明書). */
    sealRegistered: z.boolean().optional(),
  })
  .strict();
export type MemberFilter = z.infer<typeof filter>;

const column = z
  .object({
    header: z.string(),
    x: mm,
    w: mm,
    /** Absent: a column the visitor fills in by hand (必要, 通数). */
    bind: bind.optional(),
    format,
    size: size.default(10),
    furigana: bind.optional(),
    align: z.enum(['left', 'center', 'right']).default('left'),
  })
  .strict();

const item = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), x: mm, y: mm, w: mm.optional(), text: z.string().min(1), size: size.default(10), align: z.enum(['left', 'center', 'right']).default('left') }).strict(),
  z.object({ type: z.literal('box'), x: mm, y: mm, w: mm, h: mm, label: z.string().optional(), labelSize: size.default(6) }).strict(),
  z.object({ type: z.literal('line'), x1: mm, y1: mm, x2: mm, y2: mm }).strict(),
  z
    .object({
      type: z.literal('field'),
      id: z.string().min(1),
      x: mm,
      y: mm,
      w: mm,
      h: mm,
      label: z.string().optional(),
      bind,
      format,
      size: size.default(11),
      furigana: bind.optional(),
      align: z.enum(['left', 'center', 'right']).default('left'),
    })
    .strict(),
  /**
   * A printed list of options (異動の種別: 転入・転居・転出・世帯変更); the option the bound value
   * names is circled. `values` are the bound values that choose an option (default: its text).
   */
  z
    .object({
      type: z.literal('choice'),
      id: z.string().min(1),
      x: mm,
      y: mm,
      w: mm,
      h: mm,
      label: z.string().optional(),
      bind: bind.optional(),
      size: size.default(10),
      options: z.array(z.object({ text: z.string().min(1), values: z.array(z.string().min(1)).optional() }).strict()).min(2).max(12),
    })
    .strict(),
  /** One box per character, left empty for the clerk (個人番号: 12 boxes). */
  z.object({ type: z.literal('digits'), id: z.string().min(1), x: mm, y: mm, boxes: z.number().int().min(1).max(20), boxWidth: mm, h: mm, label: z.string().optional() }).strict(),
  /** Drawn empty, always: the visitor signs here by hand. */
  z.object({ type: z.literal('signature'), x: mm, y: mm, w: mm, h: mm, label: z.string().default('署名') }).strict(),
  z
    .object({
      type: z.literal('members'),
      x: mm,
      y: mm,
      headerHeight: mm.default(7),
      rowHeight: mm,
      rows: z.number().int().min(1).max(20),
      filter: filter.optional(),
      columns: z.array(column).min(1),
    })
    .strict(),
]);
export type FormItem = z.infer<typeof item>;

export const formTemplateSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    name: z.string().min(1),
    page: z.literal('A4'),
    /** household: one form for the household (members in a table); person: one page per member that matches `filter`. */
    scope: z.enum(['household', 'person']),
    filter: filter.optional(),
    note: z.string().optional(),
    items: z.array(item).min(1),
    /** The same data placed on the city's own pre-printed sheet (自動印字); see overlay.ts. */
    overlay: overlayLayoutSchema.optional(),
  })
  .strict();
export type FormTemplate = z.infer<typeof formTemplateSchema>;

export const FORMS_DIR = join(APP_ROOT, 'fixtures', 'forms');

export function parseFormTemplate(raw: unknown, file: string): FormTemplate {
  const r = formTemplateSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = formatPath(i.path);
    throw new AppError('bad-config', `${file}: ${field || '(root)'}: ${i.message}`, { field, details: r.error.issues.slice(0, 20).map((x) => ({ field: formatPath(x.path), message: x.message })) });
  }
  const t = r.data;
  const ids = new Set<string>();
  t.items.forEach((it, i) => {
    if (it.type !== 'field' && it.type !== 'choice' && it.type !== 'digits') return;
    if (ids.has(it.id)) throw new AppError('bad-config', `${file}: items[${i}].id: "${it.id}" is used twice`, { field: `items[${i}].id` });
    ids.add(it.id);
    if (it.type !== 'digits' && it.bind?.startsWith('member.') && t.scope !== 'person') throw new AppError('bad-config', `${file}: items[${i}].bind: "member.*" outside a members table needs scope "person"`, { field: `items[${i}].bind` });
  });
  if (!t.items.some((it) => it.type === 'signature')) throw new AppError('bad-config', `${file}: a form needs a signature box (the visitor only signs)`, { field: 'items' });
  if (t.overlay) {
    const problems = checkOverlay(t.overlay, t.scope);
    if (problems.length) throw new AppError('bad-config', `${file}: ${problems[0]!.field}: ${problems[0]!.message}`, { field: problems[0]!.field, details: problems });
  }
  return t;
}

/** The order a counter hands the forms over in (a city's own extra forms follow, by id). */
export const FORM_ORDER = ['juminido', 'kokuho-ido', 'jidou-teate-nintei', 'kodomo-iryo-shikaku', 'inkan-toroku-shinsei', 'juminhyo-seikyu', 'inkan-shomei-seikyu', 'zei-shomei-shinsei', 'kaigo-ido'];

/** Every template in the folder, by id in FORM_ORDER; each file is named after its form id. */
export function loadFormTemplates(dir: string = FORMS_DIR): Map<string, FormTemplate> {
  if (!existsSync(dir)) throw new AppError('bad-config', `no forms folder at ${dir}`, { field: 'forms' });
  const out = new Map<string, FormTemplate>();
  const rank = (f: string) => {
    const i = FORM_ORDER.indexOf(f.replace(/\.json$/, ''));
    return i < 0 ? FORM_ORDER.length : i;
  };
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
    const file = join(dir, f);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new AppError('bad-config', `${file} is not valid JSON: ${(e as Error).message}`, { field: 'forms' });
    }
    const t = parseFormTemplate(raw, file);
    if (`${t.id}.json` !== f) throw new AppError('bad-config', `${file}: id "${t.id}" must match the file name`, { field: 'id' });
    out.set(t.id, t);
  }
  return out;
}
