import { chosenOption, resolveBinding, type FormContext } from './bindings';
import { drawFitted, measure, drawLine, textRuns, type PdfDoc } from './pdfText';
import type { FormItem } from './template';
import type { Resident } from '../../common/contract/residents';

const MM = 72 / 25.4;

/**
 * A field's or a choice's box: its frame, and its small label in the top left. Gives the box in
 * points and where the content below the label starts.
 */
export function labelledBox(doc: PDFKit.PDFDocument, it: { x: number; y: number; w: number; h: number; label?: string | undefined }): { x: number; y: number; w: number; h: number; top: number } {
  const x = it.x * MM;
  const y = it.y * MM;
  const w = it.w * MM;
  const h = it.h * MM;
  doc.rect(x, y, w, h).lineWidth(0.6).stroke();
  let top = y;
  if (it.label) {
    drawFitted(doc as unknown as PdfDoc, [it.label], { x, y, w, h: 6 * 1.5 }, { size: 6, valign: 'top', padding: 1 });
    top += 6 * 1.3;
  }
  return { x, y, w, h, top };
}

/**
 * The printed-choice items of a full A4 form: the options in a row with the known one circled
 * (異動の種別, 届出人, 国保の事由), and empty one-character boxes for the clerk (個人番号).
 */
export function drawChoice(doc: PDFKit.PDFDocument, it: Extract<FormItem, { type: 'choice' }>, ctx: FormContext, member: Resident | undefined): void {
  const pd = doc as unknown as PdfDoc;
  const { x, y, w, h, top } = labelledBox(doc, it);
  const chosen = it.bind ? chosenOption(it.options, resolveBinding(it.bind, ctx, member)) : -1;
  // Options spread evenly; the size shrinks until the row fits the box.
  const gap = it.size * 0.9;
  let size = it.size;
  const widths = () => it.options.map((o) => measure(pd, textRuns(o.text), size));
  let total = widths().reduce((a, b) => a + b, 0) + gap * (it.options.length - 1);
  if (total > w - 6) {
    size = Math.max(5, (size * (w - 6)) / total);
    total = widths().reduce((a, b) => a + b, 0) + gap * (it.options.length - 1);
  }
  const ws = widths();
  const lineY = top + (y + h - top - size) / 2;
  let cx = x + 3;
  it.options.forEach((o, i) => {
    drawLine(pd, textRuns(o.text), cx, lineY, size);
    if (i === chosen) {
      doc.ellipse(cx + ws[i]! / 2, lineY + size / 2, ws[i]! / 2 + size * 0.45, size * 0.8).lineWidth(0.9).stroke();
    }
    cx += ws[i]! + (i < it.options.length - 1 ? gap * ((w - 6 - total) / Math.max(1, gap * (it.options.length - 1)) + 1) : 0);
  });
}

export function drawDigits(doc: PDFKit.PDFDocument, it: Extract<FormItem, { type: 'digits' }>): void {
  const pd = doc as unknown as PdfDoc;
  const x = it.x * MM;
  const y = it.y * MM;
  const h = it.h * MM;
  let top = y;
  if (it.label) {
    drawFitted(pd, [it.label], { x, y, w: it.boxes * it.boxWidth * MM, h: 6 * 1.5 }, { size: 6, valign: 'top', padding: 1 });
    top += 6 * 1.4;
  }
  for (let i = 0; i < it.boxes; i++) doc.rect(x + i * it.boxWidth * MM, top, it.boxWidth * MM, y + h - top).lineWidth(0.6).stroke();
}
