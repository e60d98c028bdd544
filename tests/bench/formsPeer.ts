import type { FormContext } from '../../src-main/node/forms/bindings';
import { formatValue, resolveBinding } from '../../src-main/node/forms/bindings';
import { parseFormTemplate, type FormTemplate } from '../../src-main/node/forms/template';
import { renderForms } from '../../src-main/node/forms/render';
import { fontBytes, FONT_JA } from '../../src-main/node/fonts';
import { summarize } from './stats';

/**
 * The peer comparison of issue 15: one A4 form of 40 filled fields (a box, a small label and the
 * value fitted into the box), rendered by Madoguchi's form renderer and by pdfme
 * (@pdfme/generator, dev dependency) with the same font (BIZ UDGothic, subset), the same boxes,
 * labels and values, in the same run. pdfme gets the values already formatted.
 */
const BINDS: Array<[string, string]> = [
  ['applicant.name', 'text'], ['applicant.kana', 'text'], ['applicant.birthDate', 'wareki'], ['applicant.sex', 'sex'], ['applicant.address', 'address'],
  ['applicant.nationality', 'nationality'], ['household.headName', 'text'], ['household.postalCode', 'postal'], ['household.id', 'text'], ['today', 'wareki'],
];

export function fortyFieldForm(): FormTemplate {
  const items: unknown[] = [{ type: 'text', x: 15, y: 10, text: '比較用様式（40項目）', size: 14 }];
  for (let i = 0; i < 40; i++) {
    const [bind, format] = BINDS[i % BINDS.length]!;
    items.push({ type: 'field', id: `f${i}`, x: 15 + (i % 2) * 92, y: 22 + Math.floor(i / 2) * 12.5, w: 88, h: 11, label: `項目${i + 1}`, bind, format, size: 10 });
  }
  items.push({ type: 'signature', x: 15, y: 275, w: 80, h: 15 });
  return parseFormTemplate({ id: 'peer-40', name: '比較用様式', page: 'A4', scope: 'household', items }, 'peer-40.json');
}

type Field = Extract<FormTemplate['items'][number], { type: 'field' }>;

export async function benchFormsPeer(ctx: FormContext, runs = 20): Promise<{ madoguchiP50: number; pdfmeP50: number; ratio: number }> {
  const form = fortyFieldForm();
  const fields = form.items.filter((x): x is Field => x.type === 'field');
  // pdfme is ESM only.
  const { generate } = (await import('@pdfme/generator')) as { generate(p: unknown): Promise<Uint8Array> };
  const { text, rectangle } = (await import('@pdfme/schemas')) as { text: unknown; rectangle: unknown };
  const { BLANK_A4_PDF } = (await import('@pdfme/common')) as { BLANK_A4_PDF: unknown };
  const schemas: unknown[] = [];
  const input: Record<string, string> = {};
  for (const f of fields) {
    schemas.push({ name: `${f.id}-box`, type: 'rectangle', position: { x: f.x, y: f.y }, width: f.w, height: f.h, borderWidth: 0.21, borderColor: '#000000', color: '', readOnly: true });
    schemas.push({ name: `${f.id}-label`, type: 'text', position: { x: f.x + 0.35, y: f.y + 0.35 }, width: f.w - 0.7, height: 3, fontSize: 6, fontName: 'biz', readOnly: true, content: f.label });
    schemas.push({ name: f.id, type: 'text', position: { x: f.x + 0.5, y: f.y + 3.2 }, width: f.w - 1, height: f.h - 3.7, fontSize: f.size, fontName: 'biz', dynamicFontSize: { min: 4, max: f.size, fit: 'horizontal' } });
    input[f.id] = formatValue(f.format, resolveBinding(f.bind, ctx), ctx, f.bind).join('\n');
  }
  const template = { basePdf: BLANK_A4_PDF, schemas: [schemas] };
  const font = { biz: { data: new Uint8Array(fontBytes(FONT_JA)), fallback: true, subset: true } };
  const peer = () => generate({ template, inputs: [input], options: { font }, plugins: { text, rectangle } });
  const ours = () => renderForms([form], ctx);
  // One warm-up each (fonts parsed, code compiled), then alternate so both see the same machine.
  await peer();
  await ours();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    let s = performance.now();
    await ours();
    a.push(performance.now() - s);
    s = performance.now();
    await peer();
    b.push(performance.now() - s);
  }
  const madoguchiP50 = summarize(a).p50;
  const pdfmeP50 = summarize(b).p50;
  return { madoguchiP50, pdfmeP50, ratio: pdfmeP50 / madoguchiP50 };
}
