import PDFDocument from 'pdfkit';
import { AppError } from '../../common/errors';
import type { FormRef, Resident } from '../../common/contract/residents';
import { formatValue, matches, resolveBinding, type FormContext } from './bindings';
import { drawFitted, registerFonts, type PdfDoc } from './pdfText';
import { drawChoice, drawDigits, labelledBox } from './items';
import type { FormItem, FormTemplate } from './template';

/** Millimetres to PDF points. */
export const MM = 72 / 25.4;
const A4: [number, number] = [210 * MM, 297 * MM];

export interface RenderedForms {
  pdf: Buffer;
  pages: number;
  forms: FormRef[];
  /** Forms asked for that had nobody to fill them for (e.g. 介護保険 in a household without anyone 65+). */
  skipped: Array<{ id: string; reason: string }>;
  /** The residents whose data appears in the PDF (for the audit log). */
  residentIds: string[];
}

function drawItem(doc: PDFKit.PDFDocument, it: FormItem, ctx: FormContext, member: Resident | undefined, rowMembers: Resident[], shown: Set<string>): void {
  const pd = doc as unknown as PdfDoc;
  switch (it.type) {
    case 'text':
      drawFitted(pd, [it.text], { x: it.x * MM, y: it.y * MM, w: (it.w ?? 210 - it.x - 10) * MM, h: it.size * 1.6 }, { size: it.size, align: it.align, valign: 'top', padding: 0 });
      return;
    case 'line':
      doc.moveTo(it.x1 * MM, it.y1 * MM).lineTo(it.x2 * MM, it.y2 * MM).lineWidth(0.6).stroke();
      return;
    case 'box':
      doc.rect(it.x * MM, it.y * MM, it.w * MM, it.h * MM).lineWidth(0.6).stroke();
      if (it.label) drawFitted(pd, [it.label], { x: it.x * MM, y: it.y * MM, w: it.w * MM, h: it.labelSize * 1.5 }, { size: it.labelSize, valign: 'top', padding: 1 });
      return;
    case 'signature':
      // The box, its label and nothing else: the visitor signs by hand.
      doc.rect(it.x * MM, it.y * MM, it.w * MM, it.h * MM).lineWidth(0.9).stroke();
      drawFitted(pd, [it.label], { x: it.x * MM, y: it.y * MM, w: it.w * MM, h: 6 * 1.5 }, { size: 6, valign: 'top', padding: 1 });
      return;
    case 'field': {
      const box = labelledBox(doc, it);
      const { x, y, w, h } = box;
      let top = box.top;
      const value = resolveBinding(it.bind, ctx, member);
      const lines = formatValue(it.format, value, ctx, it.bind, member);
      if (it.furigana) {
        // フリガナ over the name, in the top third of the box.
        const kana = String(resolveBinding(it.furigana, ctx, member) ?? '');
        const kh = (h - (top - y)) * 0.36;
        drawFitted(pd, [kana], { x, y: top, w, h: kh }, { size: Math.max(5, it.size * 0.55), align: it.align, valign: 'bottom', padding: 1 });
        top += kh;
      }
      drawFitted(pd, lines, { x, y: top, w, h: y + h - top }, { size: it.size, align: it.align, wrap: it.format === 'address' });
      collect(shown, value, member, it.bind, ctx);
      return;
    }
    case 'choice':
      drawChoice(doc, it, ctx, member);
      return;
    case 'digits':
      drawDigits(doc, it);
      return;
    case 'members': {
      const x0 = it.x * MM;
      let y = it.y * MM;
      const hh = it.headerHeight * MM;
      const rh = it.rowHeight * MM;
      for (const c of it.columns) {
        doc.rect(x0 + c.x * MM, y, c.w * MM, hh).lineWidth(0.6).stroke();
        drawFitted(pd, [c.header], { x: x0 + c.x * MM, y, w: c.w * MM, h: hh }, { size: 7, align: 'center' });
      }
      y += hh;
      for (let r = 0; r < it.rows; r++) {
        const m = rowMembers[r];
        for (const c of it.columns) {
          const cx = x0 + c.x * MM;
          const cw = c.w * MM;
          doc.rect(cx, y, cw, rh).lineWidth(0.6).stroke();
          if (!m) continue;
          let top = y;
          if (c.furigana) {
            const kh = rh * 0.36;
            drawFitted(pd, [String(resolveBinding(c.furigana, ctx, m) ?? '')], { x: cx, y: top, w: cw, h: kh }, { size: Math.max(5, c.size * 0.55), align: c.align, valign: 'bottom', padding: 1 });
            top += kh;
          }
          if (!c.bind) continue;
          const v = resolveBinding(c.bind, ctx, m);
          drawFitted(pd, formatValue(c.format, v, ctx, c.bind, m), { x: cx, y: top, w: cw, h: y + rh - top }, { size: c.size, align: c.align, wrap: c.format === 'address' });
        }
        if (m) shown.add(m.id);
        y += rh;
      }
      return;
    }
  }
}

function collect(shown: Set<string>, value: unknown, member: Resident | undefined, bind: string, ctx: FormContext): void {
  if (member && bind.startsWith('member')) shown.add(member.id);
  else if (bind.startsWith('applicant')) shown.add(ctx.applicant.id);
  else if (bind.startsWith('household') && value !== undefined) shown.add((ctx.members.find((m) => m.head) ?? ctx.members[0]!).id);
}

/** Pages one template needs: per person, or the household table split over as many pages as it takes. */
function pagesFor(t: FormTemplate, ctx: FormContext): Array<{ member?: Resident; rows: Resident[] }> {
  const table = t.items.find((i): i is Extract<FormItem, { type: 'members' }> => i.type === 'members');
  if (t.scope === 'person') {
    const people = ctx.members.filter((m) => matches(m, t.filter, ctx.today));
    return people.map((m) => ({ member: m, rows: table ? ctx.members.filter((x) => matches(x, table.filter, ctx.today)) : [] }));
  }
  if (!table) return [{ rows: [] }];
  const rows = ctx.members.filter((m) => matches(m, table.filter, ctx.today));
  if (rows.length === 0 && t.filter) return [];
  const pages: Array<{ rows: Resident[] }> = [];
  for (let i = 0; i < Math.max(1, rows.length); i += table.rows) pages.push({ rows: rows.slice(i, i + table.rows) });
  return pages;
}

/**
 * Renders the chosen forms for one household into one PDF (one print job, one preview). Forms that
 * have no one to be filled for are skipped and named.
 */
export async function renderForms(templates: FormTemplate[], ctx: FormContext): Promise<RenderedForms> {
  if (templates.length === 0) throw new AppError('bad-input', 'no forms to render', { field: 'forms' });
  const doc = new PDFDocument({ size: A4, margin: 0, autoFirstPage: false, info: { Title: templates.map((t) => t.name).join('・'), Creator: 'Madoguchi', CreationDate: new Date(`${ctx.today}T00:00:00Z`) } });
  registerFonts(doc as unknown as PdfDoc);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((ok, fail) => {
    doc.on('end', () => ok());
    doc.on('error', fail);
  });
  const shown = new Set<string>();
  const forms: FormRef[] = [];
  const skipped: RenderedForms['skipped'] = [];
  let pages = 0;
  for (const t of templates) {
    const list = pagesFor(t, ctx);
    if (list.length === 0) {
      skipped.push({ id: t.id, reason: 'nobody in the household matches this form' });
      continue;
    }
    forms.push({ id: t.id, name: t.name });
    for (const p of list) {
      doc.addPage({ size: A4, margin: 0 });
      pages++;
      for (const it of t.items) drawItem(doc, it, ctx, p.member, p.rows, shown);
    }
  }
  if (pages === 0) {
    doc.addPage({ size: A4, margin: 0 });
    pages++;
    drawFitted(doc as unknown as PdfDoc, ['この世帯に該当する様式はありません'], { x: 20 * MM, y: 20 * MM, w: 170 * MM, h: 12 * MM }, { size: 12 });
  }
  doc.end();
  await done;
  return { pdf: Buffer.concat(chunks), pages, forms, skipped, residentIds: [...shown] };
}
