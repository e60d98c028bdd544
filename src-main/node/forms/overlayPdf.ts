import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { AppError } from '../../common/errors';
import { fieldRects, type OverlayLayout } from './overlay';
import { isHalfWidth, offsetPieces, type OverlayDoc, type Placed } from './overlayLayout';
import { drawLine, registerFonts, textRuns, type PdfDoc } from './pdfText';

const MM = 72 / 25.4;

export interface OverlayPdfOptions {
  /** Calibration offsets of the printer (mm). */
  dx?: number;
  dy?: number;
  /** Preview only: the scanned blank sheet under the data (never sent to a printer). */
  background?: string;
  title?: string;
  /** ISO date for the PDF's creation date (deterministic output). */
  today?: string;
}

function pdfDoc(doc: OverlayDoc['paper'], opts: OverlayPdfOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const d = new PDFDocument({ size: [doc.w * MM, doc.h * MM], margin: 0, autoFirstPage: false, info: { Title: opts.title ?? 'Madoguchi overlay', Creator: 'Madoguchi', ...(opts.today ? { CreationDate: new Date(`${opts.today}T00:00:00Z`) } : {}) } });
  registerFonts(d as unknown as PdfDoc);
  const chunks: Buffer[] = [];
  d.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((ok, fail) => {
    d.on('end', () => ok(Buffer.concat(chunks)));
    d.on('error', fail);
  });
  return { doc: d, done };
}

export function drawPieces(doc: PDFKit.PDFDocument, pieces: Placed[]): void {
  const pd = doc as unknown as PdfDoc;
  for (const p of pieces) {
    if (p.kind === 'mark') {
      doc.circle(p.x * MM, p.y * MM, (p.d / 2) * MM).lineWidth(0.8).stroke();
      continue;
    }
    // Character by character at the layout's pitch, so the PDF and the dot-matrix job agree.
    let x = p.x;
    for (const ch of p.text) {
      drawLine(pd, textRuns(ch), x * MM, p.y * MM, p.size);
      x += isHalfWidth(ch) ? p.pitch / 2 : p.pitch;
    }
  }
}

/** The data only (no title, no captions, no boxes), for pre-printed stock in a laser printer. */
export async function renderOverlayPdf(od: OverlayDoc, opts: OverlayPdfOptions = {}): Promise<Buffer> {
  const { doc, done } = pdfDoc(od.paper, opts);
  if (opts.background && !existsSync(opts.background)) throw new AppError('bad-config', `background scan ${opts.background} not found`, { field: 'overlay.background' });
  for (const page of od.pages) {
    doc.addPage({ size: [od.paper.w * MM, od.paper.h * MM], margin: 0 });
    if (opts.background) doc.image(opts.background, 0, 0, { width: od.paper.w * MM, height: od.paper.h * MM });
    drawPieces(doc, offsetPieces(page.pieces, opts.dx ?? 0, opts.dy ?? 0));
  }
  if (od.pages.length === 0) doc.addPage({ size: [od.paper.w * MM, od.paper.h * MM], margin: 0 });
  doc.end();
  return done;
}

/**
 * The calibration sheet: a 10 mm grid with its millimetres written along the edges, and each field
 * of the layout outlined and named, shifted by the current offsets. Printed on the city's sheet, it
 * shows how far the printer feeds off.
 */
export async function renderCalibrationPdf(layout: OverlayLayout, paper: OverlayDoc['paper'], opts: OverlayPdfOptions = {}): Promise<Buffer> {
  const { doc, done } = pdfDoc(paper, opts);
  doc.addPage({ size: [paper.w * MM, paper.h * MM], margin: 0 });
  doc.lineWidth(0.2).strokeColor('#888888');
  for (let x = 10; x < paper.w; x += 10) doc.moveTo(x * MM, 0).lineTo(x * MM, paper.h * MM).stroke();
  for (let y = 10; y < paper.h; y += 10) doc.moveTo(0, y * MM).lineTo(paper.w * MM, y * MM).stroke();
  doc.strokeColor('#000000');
  drawPieces(doc, calibrationPieces(layout, paper, opts.dx ?? 0, opts.dy ?? 0));
  for (const r of fieldRects(layout)) doc.rect((r.x + (opts.dx ?? 0)) * MM, (r.y + (opts.dy ?? 0)) * MM, r.w * MM, r.h * MM).lineWidth(0.5).stroke();
  doc.end();
  return done;
}

/** What a calibration sheet prints as text (both outputs): grid numbers, + at every 10 mm, field names, the offsets. */
export function calibrationPieces(layout: OverlayLayout, paper: OverlayDoc['paper'], dx: number, dy: number): Placed[] {
  const out: Placed[] = [];
  // 10 pt: a dot-matrix printer prints it with its own font.
  const t = (x: number, y: number, text: string, field = 'grid'): void => void out.push({ kind: 'text', field, x, y, size: 10, text, pitch: 10 * (25.4 / 72) });
  for (let x = 20; x < paper.w - 5; x += 20) t(x - 2, 2, String(x));
  for (let y = 20; y < paper.h - 5; y += 20) t(2, y - 1.2, String(y));
  for (let x = 20; x < paper.w - 5; x += 20) for (let y = 20; y < paper.h - 5; y += 20) t(x - 0.6, y - 1.2, '+');
  for (const r of fieldRects(layout)) t(r.x + dx, r.y + dy, `[${r.id}`, r.id);
  t(10, paper.h - 12, `dx=${dx} dy=${dy} mm`, 'offsets');
  return out;
}
