import PDFDocument from 'pdfkit';
import type { DailyReport } from '../../common/reports/daily';
import type { KpiReport } from '../../common/reports/kpi';
import { departmentLabel, OUTCOME_LABELS, ROUTE_LABELS } from '../../common/reports/labels';
import { OUTCOMES, type Outcome } from '../../common/reports/daily';
import { dateHeading, EMPTY_DAY_MESSAGE, formatDuration, reportTables, type ReportTable, type TableOptions } from '../../common/reports/tables';
import { FONT_JA } from '../fonts';
import { localClock } from './csv';

/**
 * The printed 日報: A4 portrait, Japanese font embedded, charts drawn as PDF vector shapes (no
 * images): visits per hour, wait per department, procedures by route. Page 2 holds the tables.
 */
const A4 = { w: 595.28, h: 841.89 };
const M = 40;
const INK = '#1a1a1a';
const GRID = '#d0d0d0';
const BLUE = '#2f6db5';
const ORANGE = '#e07b24';
const OUTCOME_COLORS: Record<Outcome, string> = {
  accepted: '#2f6db5',
  proxy: '#6aa84f',
  referred: '#e07b24',
  declined: '#999999',
  'awaiting-delivery': '#8e63b5',
  'to-confirm': '#d4b106',
  pending: '#cc4125',
};

type Doc = PDFKit.PDFDocument;

export interface PdfOptions extends TableOptions {
  cityName: string;
  kpi?: KpiReport;
  generatedAt?: Date;
}

export function renderDailyPdf(r: DailyReport, opts: PdfOptions): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: M, info: { Title: `日報 ${r.date}`, Author: opts.cityName, Subject: '総合窓口 日報', ...(opts.generatedAt ? { CreationDate: opts.generatedAt } : {}) } });
  doc.registerFont('ja', FONT_JA);
  doc.font('ja');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  page1(doc, r, opts);
  doc.addPage();
  page2(doc, r, opts);
  doc.end();
  return done;
}

function minutes(s: number | null): string {
  return s === null ? '—' : `${(s / 60).toFixed(1)}分`;
}

function page1(doc: Doc, r: DailyReport, opts: PdfOptions): void {
  doc.fillColor(INK).fontSize(18).text(`${opts.cityName} 総合窓口 日報`, M, M);
  doc.fontSize(12).text(dateHeading(r.date), M, M + 26);
  if (opts.generatedAt) doc.fontSize(8).fillColor('#666').text(`作成 ${opts.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`, M, M + 28, { width: A4.w - 2 * M, align: 'right' });
  let y = M + 52;
  if (r.empty) {
    doc.rect(M, y, A4.w - 2 * M, 40).fillAndStroke('#fff4e5', ORANGE);
    doc.fillColor(INK).fontSize(12).text(EMPTY_DAY_MESSAGE, M + 12, y + 13, { width: A4.w - 2 * M - 24 });
    y += 52;
  }
  const overall = r.times.find((t) => t.department === '*');
  const tiles: Array<[string, string]> = [
    ['発券数', `${r.visits.issued}`],
    ['完了', `${r.visits.completed}`],
    ['取消', `${r.visits.cancelled}`],
    ['不在', `${r.visits.noShow}`],
    ['閉庁時未完了', `${r.visits.unfinished}`],
    ['平均待ち時間', minutes(overall?.wait.mean ?? null)],
    ['平均滞在時間', minutes(overall?.stay.mean ?? null)],
    ['キャッシュレス率', r.cashless.rate === null ? '—' : `${(r.cashless.rate * 100).toFixed(1)}%`],
  ];
  const tw = (A4.w - 2 * M - 3 * 8) / 4;
  tiles.forEach(([label, value], i) => {
    const x = M + (i % 4) * (tw + 8);
    const ty = y + Math.floor(i / 4) * 50;
    doc.roundedRect(x, ty, tw, 44, 4).lineWidth(0.8).strokeColor(GRID).stroke();
    doc.fillColor('#555').fontSize(8).text(label, x + 8, ty + 6, { width: tw - 16 });
    doc.fillColor(INK).fontSize(16).text(value, x + 8, ty + 19, { width: tw - 16 });
  });
  y += 106;
  // Workflow integrity: finishes that left procedures 未着手・受付, as the supervisor screen counts them.
  const lo = r.leftOpen;
  doc.fillColor(INK).fontSize(9).text(lo ? `未完了のまま完了: 理由あり ${lo.confirmed}件・他端末で未確認 ${lo.unconfirmed}件（残った手続き ${lo.items}件）` : '未完了のまま完了: この日報には記録がありません', M, y, { width: A4.w - 2 * M });
  y += 18;

  y = barChartHours(doc, r, y) + 16;
  y = waitChart(doc, r, y, opts) + 16;
  routeChart(doc, r, y);
}

function axisTitle(doc: Doc, title: string, y: number): void {
  doc.fillColor(INK).fontSize(11).text(title, M, y);
}

/** 時間帯別 来庁数: issued and completed per hour, vertical bars. */
function barChartHours(doc: Doc, r: DailyReport, y0: number): number {
  axisTitle(doc, '時間帯別 来庁数 (発券・完了)', y0);
  const top = y0 + 18;
  const h = 140;
  const left = M + 30;
  const width = A4.w - M - left;
  const max = Math.max(1, ...r.byHour.map((b) => Math.max(b.issued, b.completed)));
  const step = niceStep(max);
  const ceil = Math.ceil(max / step) * step;
  doc.fontSize(7).fillColor('#666');
  for (let k = 0; k * step <= ceil; k++) {
    const v = k * step;
    const yy = top + h - (v / ceil) * h;
    doc.moveTo(left, yy).lineTo(left + width, yy).lineWidth(0.4).strokeColor(GRID).stroke();
    doc.fillColor('#666').text(String(v), M, yy - 4, { width: 26, align: 'right' });
  }
  const n = r.byHour.length || 1;
  const slot = width / n;
  const bw = Math.min(16, slot / 3);
  r.byHour.forEach((b, i) => {
    const x = left + i * slot + slot / 2 - bw;
    const hi = (b.issued / ceil) * h;
    const hc = (b.completed / ceil) * h;
    if (hi > 0) doc.rect(x, top + h - hi, bw, hi).fill(BLUE);
    if (hc > 0) doc.rect(x + bw, top + h - hc, bw, hc).fill(ORANGE);
    doc.fillColor('#333').fontSize(7).text(`${b.hour}時`, left + i * slot, top + h + 3, { width: slot, align: 'center' });
    if (b.issued > 0) doc.fillColor('#333').fontSize(6).text(String(b.issued), x - 4, top + h - hi - 8, { width: bw + 8, align: 'center' });
  });
  doc.moveTo(left, top + h).lineTo(left + width, top + h).lineWidth(0.8).strokeColor('#666').stroke();
  legend(doc, [['発券', BLUE], ['完了', ORANGE]], A4.w - M - 110, y0);
  return top + h + 14;
}

/** 課別 待ち時間: mean and 90th percentile wait per department, horizontal bars in minutes. */
function waitChart(doc: Doc, r: DailyReport, y0: number, opts: PdfOptions): number {
  axisTitle(doc, '課別 待ち時間 (分: 平均・90%値)', y0);
  const rows = r.times.filter((t) => t.wait.count > 0);
  const top = y0 + 18;
  const labelW = 110;
  const left = M + labelW;
  const width = A4.w - M - left - 40;
  const rowH = 15;
  if (rows.length === 0) {
    doc.fillColor('#666').fontSize(9).text('データなし', left, top + 4);
    return top + 20;
  }
  const max = Math.max(1, ...rows.map((t) => (t.wait.p90 ?? 0) / 60));
  rows.forEach((t, i) => {
    const yy = top + i * rowH;
    doc.fillColor(INK).fontSize(8).text(departmentLabel(t.department, opts.departmentNames), M, yy + 3, { width: labelW - 6, align: 'right' });
    const mean = (t.wait.mean ?? 0) / 60;
    const p90 = (t.wait.p90 ?? 0) / 60;
    doc.rect(left, yy + 2, (p90 / max) * width, rowH - 5).fill('#c9daf0');
    doc.rect(left, yy + 4, (mean / max) * width, rowH - 9).fill(BLUE);
    doc.fillColor('#333').fontSize(7).text(`${mean.toFixed(1)} / ${p90.toFixed(1)}`, left + (p90 / max) * width + 4, yy + 3, { width: 60 });
  });
  legend(doc, [['平均', BLUE], ['90%値', '#c9daf0']], A4.w - M - 110, y0);
  return top + rows.length * rowH + 4;
}

/** 振り分け別 手続き: one stacked bar per route, coloured by outcome. */
function routeChart(doc: Doc, r: DailyReport, y0: number): number {
  axisTitle(doc, '振り分け別 手続き件数 (結果別)', y0);
  const top = y0 + 18;
  const labelW = 110;
  const left = M + labelW;
  const width = A4.w - M - left - 40;
  const rowH = 18;
  const rows = r.proceduresByRoute;
  if (rows.length === 0) {
    doc.fillColor('#666').fontSize(9).text('データなし', left, top + 4);
    return top + 20;
  }
  const max = Math.max(1, ...rows.map((x) => x.total));
  rows.forEach((row, i) => {
    const yy = top + i * rowH;
    doc.fillColor(INK).fontSize(8).text(ROUTE_LABELS[row.route] ?? row.route, M, yy + 4, { width: labelW - 6, align: 'right' });
    let x = left;
    for (const o of OUTCOMES) {
      const w = (row[o] / max) * width;
      if (w <= 0) continue;
      doc.rect(x, yy + 2, w, rowH - 5).fill(OUTCOME_COLORS[o]);
      x += w;
    }
    doc.fillColor('#333').fontSize(7).text(String(row.total), x + 4, yy + 5, { width: 40 });
  });
  const ly = top + rows.length * rowH + 4;
  legend(doc, OUTCOMES.map((o) => [OUTCOME_LABELS[o] ?? o, OUTCOME_COLORS[o]] as [string, string]), left, ly);
  return ly + 14;
}

function legend(doc: Doc, items: Array<[string, string]>, x0: number, y: number): void {
  let x = x0;
  for (const [label, color] of items) {
    doc.rect(x, y + 2, 8, 8).fill(color);
    doc.fillColor('#333').fontSize(7).text(label, x + 11, y + 2, { lineBreak: false });
    x += 11 + doc.widthOfString(label) + 10;
  }
}

function niceStep(max: number): number {
  // Visit counts are whole numbers: never a gridline between 0 and 1.
  if (max <= 5) return 1;
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function page2(doc: Doc, r: DailyReport, opts: PdfOptions): void {
  doc.fillColor(INK).fontSize(12).text(`${dateHeading(r.date)} 集計表`, M, M);
  const tables = reportTables(r, opts);
  const pick = (id: string) => tables.find((t) => t.id === id)!;
  let y = M + 22;
  const times = pick('05-times');
  y = drawTable(doc, '所要時間 (時:分:秒)', times.columns.map((c) => c.label), times.rows.map((row) => row.map((c, i) => cellText(c, times.columns[i]!.kind, r.timeZone))), y, [64]);
  const left = (A4.w - 2 * M - 12) / 2;
  const yStart = y;
  const pay = pick('09-payments');
  let yl = drawTable(doc, '決済', pay.columns.map((c) => c.label), pay.rows.map((row) => row.map((c, i) => cellText(c, pay.columns[i]!.kind, r.timeZone))), yStart, [95], M, left);
  const sv = pick('10-survey');
  yl = drawTable(doc, 'アンケート', sv.columns.map((c) => c.label), sv.rows.map((row) => row.map((c, i) => cellText(c, sv.columns[i]!.kind, r.timeZone))), yl, [], M, left);
  const st = pick('02-by-station');
  yl = drawTable(doc, '発券所別', st.columns.map((c) => c.label), st.rows.map((row) => row.map((c, i) => cellText(c, st.columns[i]!.kind, r.timeZone))), yl, [], M, left);
  const ev = pick('03-by-life-event');
  let yr = drawTable(doc, 'ライフイベント別', ev.columns.map((c) => c.label), ev.rows.map((row) => row.map((c, i) => cellText(c, ev.columns[i]!.kind, r.timeZone))), yStart, [], M + left + 12, left);
  const gd = pick('11-guide');
  yr = drawTable(doc, 'オンライン手続きガイド', gd.columns.map((c) => c.label), gd.rows.map((row) => row.map((c, i) => cellText(c, gd.columns[i]!.kind, r.timeZone))), yr, [], M + left + 12, left);
  y = Math.max(yl, yr);
  if (opts.kpi) {
    const k = pick('12-kpi');
    y = drawTable(doc, k.title, k.columns.map((c) => c.label), k.rows.map((row) => row.map((c, i) => cellText(c, k.columns[i]!.kind, r.timeZone))), y, [230]);
  }
  const un = pick('13-unfinished');
  const room = Math.max(0, Math.floor((A4.h - M - y - 40) / 12));
  const shown = un.rows.slice(0, room).map((row) => [row[0] === null ? null : String(row[0]), ...row.slice(1)]);
  const title = `閉庁時未完了の来庁 (${un.rows.length}件${un.rows.length > shown.length ? `、うち${shown.length}件を表示。全件はCSV/XLSX` : ''})`;
  drawTable(doc, title, un.columns.map((c) => c.label), shown.map((row) => row.map((c, i) => cellText(c, un.columns[i]!.kind, r.timeZone))), y, [40, 60, 50, 80, 50, 170]);
}

function cellText(c: string | number | null, kind: string, timeZone: string): string {
  if (c === null) return '—';
  if (typeof c === 'string') return kind === 'time' ? localClock(c, timeZone) : c;
  if (kind === 'duration') return formatDuration(c);
  if (kind === 'percent') return `${(c * 100).toFixed(1)}%`;
  if (kind === 'yen') return `¥${c.toLocaleString('ja-JP')}`;
  if (kind === 'number' || kind === 'auto') return Number.isInteger(c) ? c.toLocaleString('ja-JP') : c.toFixed(2);
  return c.toLocaleString('ja-JP');
}

function drawTable(doc: Doc, title: string, header: string[], rows: string[][], y0: number, fixed: number[] = [], x0 = M, width = A4.w - 2 * M): number {
  doc.fillColor(INK).fontSize(10).text(title, x0, y0);
  let y = y0 + 15;
  const fixedSum = fixed.reduce((a, b) => a + b, 0);
  const rest = header.length - fixed.length;
  const widths = header.map((_, i) => fixed[i] ?? (width - fixedSum) / Math.max(1, rest));
  const row = (cells: string[], bold: boolean) => {
    let x = x0;
    const size = header.length > 8 ? 6 : 7.5;
    cells.forEach((c, i) => {
      doc.fillColor(bold ? '#333' : INK).fontSize(size).text(c, x + 2, y + 2, { width: widths[i]! - 4, height: 10, ellipsis: true, lineBreak: false, align: i === 0 ? 'left' : 'right' });
      x += widths[i]!;
    });
    y += 12;
    doc.moveTo(x0, y).lineTo(x0 + width, y).lineWidth(0.3).strokeColor(GRID).stroke();
  };
  doc.rect(x0, y, width, 12).fill('#eef2f7');
  row(header, true);
  if (rows.length === 0) {
    doc.fillColor('#666').fontSize(7.5).text('該当なし', x0 + 2, y + 2);
    y += 12;
  }
  for (const r of rows) row(r, false);
  return y + 10;
}

export type { ReportTable };
