import PDFDocument from 'pdfkit';
import type { Catalog } from '../../common/catalog/types';
import { catalogText } from '../../common/catalog/texts';
import { deadlineText, guide, visitBring, type GuidanceItem } from '../../common/guidance';
import type { VisitState } from '../../common/visit/state';
import { formatWareki } from '../../common/wareki';
import { drawFitted, registerFonts, textRuns, measure, type PdfDoc } from '../forms/pdfText';
import { labelsFor } from './labels';

const MM = 72 / 25.4;

export interface GuidanceListInput {
  lang: string;
  cityName: string;
  stationName: string;
  number: number;
  /** ISO business date of the visit. */
  date: string;
  items: GuidanceItem[];
  bring: Array<{ id: string; name: string }>;
  /** Fixed words from the catalog's locale (status names). */
  statusName: (s: GuidanceItem['status']) => string;
  /** The name of the place the visitor goes for an item (`place`: the one-stop counter for accept/proxy), as the screens name it. */
  placeName?: (departmentId: string) => string;
  /** Catalog texts (`list.deadlineDays` …) for deadlines in words; without it a deadline prints as a date only. */
  text?: (key: string) => string;
}

/**
 * The visit's list in the visitor's language, as a GuidanceItem per visit item: the engine's
 * wording for the items it lists, the catalog's for those the concierge or the data added.
 */
export function listForVisit(visit: VisitState, catalog: Catalog, lang: string, opts: { closedDays?: readonly string[] } = {}): { items: GuidanceItem[]; bring: Array<{ id: string; name: string }> } {
  let engine: GuidanceItem[] = [];
  try {
    engine = guide(visit.facts, catalog, { lang, today: visit.businessDate, ...(opts.closedDays ? { closedDays: opts.closedDays } : {}) }).procedures;
  } catch {
    // Facts that the engine now refuses (an older visit): the visit's own items still print.
  }
  const byId = new Map(engine.map((g) => [g.id, g]));
  const items = visit.items
    .filter((it) => it.status !== 'declined')
    .map((it): GuidanceItem => {
      const g = byId.get(it.id);
      if (g) return { ...g, status: it.need };
      const dep = catalog.departments[it.department];
      return {
        id: it.id,
        name: catalogText(catalog, `procedure.${it.id}`, lang),
        department: it.department,
        counter: dep?.counter ?? '',
        ...(dep?.floor ? { floor: dep.floor } : {}),
        route: it.route,
        delivery: it.delivery,
        status: it.need,
        members: it.members,
        bring: [],
        online: [],
        forms: [],
        deadline: null,
        events: [],
        place: it.department,
        departmentName: catalogText(catalog, `department.${it.department}`, lang),
      };
    });
  return { items, bring: visitBring(items) };
}

function dateText(iso: string, lang: string): string {
  if (lang === 'ja' || lang === 'ja-easy') return `${formatWareki(iso)}（${iso.replace(/-/g, '/')}）`;
  if (lang === 'zh-CN') return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
  return iso;
}

/** A4 list: number, procedures with where to go and by when, what to bring. */
export async function renderGuidanceList(input: GuidanceListInput): Promise<{ pdf: Buffer; pages: number }> {
  const L = labelsFor(input.lang);
  const lang = input.lang;
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: L.title, Creator: 'Madoguchi', CreationDate: new Date(`${input.date}T00:00:00Z`) } });
  const pd = doc as unknown as PdfDoc;
  registerFonts(pd);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((ok, fail) => {
    doc.on('end', () => ok());
    doc.on('error', fail);
  });
  let pages = 0;
  const W = 210 * MM;
  const left = 15 * MM;
  const width = W - 30 * MM;
  const bottom = 280 * MM;
  const box = (x: number, y: number, w: number, h: number) => doc.rect(x, y, w, h).lineWidth(0.6).stroke();
  const newPage = (): number => {
    doc.addPage({ size: 'A4', margin: 0 });
    pages++;
    drawFitted(pd, [input.cityName], { x: left, y: 10 * MM, w: width, h: 6 * MM }, { size: 10, lang, valign: 'top', padding: 0 });
    drawFitted(pd, [L.title], { x: left, y: 16 * MM, w: width, h: 11 * MM }, { size: 20, lang, padding: 0 });
    box(left, 30 * MM, 80 * MM, 22 * MM);
    drawFitted(pd, [L.number], { x: left, y: 30 * MM, w: 80 * MM, h: 6 * MM }, { size: 8, lang, valign: 'top' });
    drawFitted(pd, [`${input.stationName}  ${input.number}`], { x: left, y: 36 * MM, w: 80 * MM, h: 16 * MM }, { size: 30, lang, align: 'center' });
    drawFitted(pd, [`${L.date}: ${dateText(input.date, lang)}`], { x: left + 85 * MM, y: 30 * MM, w: width - 85 * MM, h: 8 * MM }, { size: 10, lang });
    return 58 * MM;
  };
  let y = newPage();
  const cols = [
    { head: '', w: 8 * MM },
    { head: L.procedure, w: 82 * MM },
    { head: L.place, w: 42 * MM },
    { head: L.status, w: 24 * MM },
    { head: L.deadline, w: 24 * MM },
  ];
  const header = () => {
    let x = left;
    for (const c of cols) {
      box(x, y, c.w, 7 * MM);
      drawFitted(pd, [c.head], { x, y, w: c.w, h: 7 * MM }, { size: 8, lang, align: 'center' });
      x += c.w;
    }
    y += 7 * MM;
  };
  header();
  if (input.items.length === 0) {
    drawFitted(pd, [L.empty], { x: left, y, w: width, h: 12 * MM }, { size: 12, lang });
    y += 12 * MM;
  }
  input.items.forEach((it, i) => {
    const rh = 14 * MM;
    if (y + rh > bottom) {
      y = newPage();
      header();
    }
    const where = [it.counter ? L.counter(it.counter) : '', [it.floor ? L.floor(it.floor) : '', input.placeName ? input.placeName(it.place) : it.departmentName].filter(Boolean).join(' ')].filter(Boolean);
    const cells: string[][] = [[String(i + 1)], wrapTwo(pd, it.name, cols[1]!.w, 11, lang), where, [input.statusName(it.status)], [deadlineText(it, lang, input.text ?? ((k) => k), { visitYear: Number(input.date.slice(0, 4)) }) ?? '']];
    let x = left;
    cells.forEach((lines, ci) => {
      const c = cols[ci]!;
      box(x, y, c.w, rh);
      drawFitted(pd, lines, { x, y, w: c.w, h: rh }, { size: ci === 1 ? 11 : 9, lang, align: ci === 0 ? 'center' : 'left' });
      x += c.w;
    });
    y += rh;
  });
  if (input.bring.length > 0) {
    y += 6 * MM;
    if (y + 14 * MM > bottom) y = newPage();
    drawFitted(pd, [L.bring], { x: left, y, w: width, h: 7 * MM }, { size: 12, lang, padding: 0 });
    y += 8 * MM;
    for (const b of input.bring) {
      if (y + 7 * MM > bottom) y = newPage();
      drawFitted(pd, [`・${b.name}`], { x: left + 3 * MM, y, w: width - 3 * MM, h: 6.5 * MM }, { size: 10, lang, padding: 0 });
      y += 6.5 * MM;
    }
  }
  if (y + 10 * MM > 290 * MM) y = newPage();
  drawFitted(pd, [L.footer], { x: left, y: Math.max(y + 4 * MM, 282 * MM), w: width, h: 8 * MM }, { size: 9, lang, padding: 0 });
  doc.end();
  await done;
  return { pdf: Buffer.concat(chunks), pages };
}

/** A procedure name too long for one line is broken in two at a space or bracket, not shrunk to dust. */
function wrapTwo(pd: PdfDoc, text: string, w: number, size: number, lang: string): string[] {
  if (measure(pd, textRuns(text, lang), size) <= w - 4) return [text];
  const cut = [...text.matchAll(/[ (（]/g)].map((m) => m.index!).filter((i) => i > 0);
  if (cut.length === 0) return [text];
  const mid = text.length / 2;
  const at = cut.reduce((best, i) => (Math.abs(i - mid) < Math.abs(best - mid) ? i : best), cut[0]!);
  return [text.slice(0, at).trimEnd(), text.slice(at).trimStart()];
}
