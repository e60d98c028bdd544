import { EscPosBuilder, isCp932Safe, type Align } from './escpos';
import { paperWidthDots, renderTextBitmap, type PaperWidthMm } from './raster';

/**
 * The numbered ticket (整理券) a kiosk prints: city and 総合窓口, the number as large as it fits,
 * where to go first and then, the time and queue, a QR any counter can scan, and the short text in
 * the visitor's language. Japanese goes in the printer's Kanji font; scripts that font lacks go
 * as a raster image.
 */

export interface TicketPrint {
  cityName: string;
  /** 総合窓口 */
  title: string;
  number: number;
  stationName: string;
  /** ISO timestamp; printed in Japan time. */
  issuedAt: string;
  firstStop: { name: string; counter?: string; floor?: string };
  laterStops: string[];
  waitingAhead: number;
  /** Estimated wait in minutes, printed next to the queue length when known. */
  estimatedWaitMin?: number;
  qrPayload: string;
  /** The status relay's page for this number: printed as a second QR the visitor's phone opens. */
  statusUrl?: string;
  lang: string;
  /** The short text in the visitor's language. */
  localized?: { heading: string; firstStopLine: string; note?: string };
  paperWidthMm?: PaperWidthMm;
  reprint?: boolean;
}

/** Font A is 12 dots wide per single-byte character. */
const FONT_A_WIDTH = 12;
const MAX_NUMBER_SIZE = 6;

/** Languages whose text never goes in the Japanese printer font, even when the bytes would fit. */
function alwaysRaster(lang: string): boolean {
  return /^(vi|zh)\b/i.test(lang);
}

function isJapanese(lang: string): boolean {
  return /^ja\b/i.test(lang);
}

class TicketWriter {
  readonly b = new EscPosBuilder();
  readonly widthDots: number;

  constructor(readonly paper: PaperWidthMm) {
    this.widthDots = paperWidthDots(paper);
    this.b.init().codeTable(1).kanjiOn();
  }

  /** A line in the printer font if it can print it, else the same line drawn as an image. */
  line(text: string, opts: { size?: [number, number]; bold?: boolean; align?: Align; lang?: string; asText?: boolean } = {}): void {
    const [w, h] = opts.size ?? [1, 1];
    const align = opts.align ?? 'center';
    const asText = opts.asText ?? isCp932Safe(text);
    this.b.align(align);
    if (asText) {
      this.b.size(w, h).bold(opts.bold ?? false).line(text).size(1, 1).bold(false);
    } else {
      // Drawn a little larger than Font A: thin strokes of accents need the dots.
      this.b.image(renderTextBitmap(text, { widthDots: this.widthDots, fontPx: (opts.bold ? 32 : 26) * h, align, lang: opts.lang }));
    }
  }

  blank(): void {
    this.b.line();
  }
}

/** Built once: constructing a DateTimeFormat costs more than the rest of a ticket's layout. */
const ISSUED_AT_FORMAT = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function formatIssuedAt(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`issuedAt is not a valid ISO time: ${JSON.stringify(iso)}`);
  const parts = Object.fromEntries(ISSUED_AT_FORMAT.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

/** The biggest GS ! multiplier at which the number still fits on one line (never below 2). */
export function numberSize(number: number, paper: PaperWidthMm): number {
  const digits = String(number).length;
  return Math.max(2, Math.min(MAX_NUMBER_SIZE, Math.floor(paperWidthDots(paper) / (digits * FONT_A_WIDTH))));
}

export function renderTicket(t: TicketPrint): Buffer {
  if (!Number.isInteger(t.number) || t.number < 0) throw new RangeError(`ticket number must be a whole number ≥ 0, got ${t.number}`);
  const paper = t.paperWidthMm ?? 80;
  const w = new TicketWriter(paper);
  const b = w.b;

  w.line(t.cityName, { bold: true });
  w.line(t.title, { size: [2, 2], bold: true });
  if (t.reprint) w.line('【再発行】', { bold: true });
  w.blank();
  w.line('受付番号');
  const n = numberSize(t.number, paper);
  w.line(String(t.number), { size: [n, n], bold: true });
  w.blank();

  w.line('最初にお越しください', { align: 'left' });
  const stop = [t.firstStop.floor, t.firstStop.name, t.firstStop.counter].filter((s): s is string => !!s && s.trim() !== '').join(' ');
  w.line(stop, { size: [1, 2], bold: true, align: 'left' });
  if (t.laterStops.length) {
    w.line('つぎに', { align: 'left' });
    t.laterStops.forEach((s, i) => w.line(`  ${i + 2}. ${s}`, { align: 'left' }));
  }
  w.blank();

  if (t.localized) {
    const lang = t.lang;
    const texts = [t.localized.heading, t.localized.firstStopLine, t.localized.note].filter((s): s is string => !!s && s.trim() !== '');
    for (const [i, text] of texts.entries()) {
      // Japanese in the printer font; other languages only when plain ASCII, since the printer's
      // single-byte table here is Katakana, not Latin-1.
      const asText = alwaysRaster(lang) ? false : isJapanese(lang) ? isCp932Safe(text) : /^[\x20-\x7e]*$/.test(text);
      w.line(text, { align: 'left', bold: i === 0, lang, asText });
    }
    w.blank();
  }

  w.line(`発行 ${formatIssuedAt(t.issuedAt)}  ${t.stationName}`, { align: 'left' });
  const est = t.estimatedWaitMin !== undefined && Number.isFinite(t.estimatedWaitMin) ? ` (約 ${Math.max(1, Math.round(t.estimatedWaitMin))} 分)` : '';
  w.line(`お待ちの方 ${t.waitingAhead} 人${est}`, { align: 'left' });
  b.align('center').qr(t.qrPayload, { moduleSize: paper === 58 ? 4 : 6, level: 'M' }).line();
  if (t.statusUrl) {
    w.line('スマートフォンで呼び出し状況', { align: 'center' });
    b.align('center').qr(t.statusUrl, { moduleSize: paper === 58 ? 3 : 4, level: 'L' }).line();
  }
  b.kanjiOff().feed(2).cut('partial', 0);
  return b.build();
}

export interface TestPageInfo {
  /** The printer spec being tested, printed so the paper says which printer it came from. */
  printer: string;
  paperWidthMm?: PaperWidthMm;
  /** ISO time to print; defaults to now. */
  now?: string;
}

/** `printer test`: every feature a ticket uses, so one page shows whether the printer handles them. */
export function renderTestPage(info: TestPageInfo): Buffer {
  const paper = info.paperWidthMm ?? 80;
  const w = new TicketWriter(paper);
  const b = w.b;
  w.line('Madoguchi 印刷テスト', { size: [paper === 58 ? 1 : 2, 2], bold: true });
  w.line(`${paper}mm  ${formatIssuedAt(info.now ?? new Date().toISOString())}`);
  w.line(info.printer.length > 40 ? info.printer.slice(0, 40) : info.printer, { asText: /^[\x20-\x7e]*$/.test(info.printer) });
  w.blank();
  w.line('漢字: 伊勢崎市 総合窓口 ｶﾀｶﾅ', { align: 'left' });
  w.line('ABC abc 0123456789 !?#%&', { align: 'left' });
  w.line('2x2', { size: [2, 2], align: 'left' });
  w.line('1234', { size: [numberSize(1234, paper), numberSize(1234, paper)], bold: true });
  w.line('画像: Tiếng Việt · 中文 · Português', { align: 'left' });
  w.line('Tiếng Việt: Quầy số 3 · 中文：请到3号窗口 · Português: Balcão', { align: 'left', asText: false, lang: 'vi' });
  w.blank();
  b.align('center').qr('MADOGUCHI-PRINTER-TEST', { moduleSize: paper === 58 ? 4 : 6, level: 'M' }).line();
  w.line('QR: MADOGUCHI-PRINTER-TEST');
  b.kanjiOff().feed(2).cut('partial', 0);
  return b.build();
}
