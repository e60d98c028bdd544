import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeEscPos, decodedText, type DecodedItem } from './decode';
import { formatIssuedAt, numberSize, renderTestPage, renderTicket, type TicketPrint } from './ticketLayout';

const GOLDEN = join(__dirname, '../../../fixtures/golden/escpos');
const update = process.env.UPDATE_GOLDEN === '1';

const sampleTicket: TicketPrint = {
  cityName: '伊勢崎市',
  title: '総合窓口',
  number: 1023,
  stationName: '東口',
  issuedAt: '2026-11-26T00:12:00Z',
  firstStop: { name: '総合窓口', counter: '3番', floor: '1階' },
  laterStops: ['保険年金課 (2階)', '介護保険課'],
  waitingAhead: 4,
  qrPayload: 'MDG1:v=01JDXQ7M2K9R;p=jumin-tenshutsu,kokuho-shikaku',
  lang: 'ja',
  localized: { heading: 'ご案内', firstStopLine: '1階 総合窓口 3番へお越しください', note: '手続きが終わるまでこの番号を使います' },
};

const VI = { ...sampleTicket, lang: 'vi', localized: { heading: 'Phiếu số của bạn', firstStopLine: 'Vui lòng đến Quầy số 3 (tầng 1)', note: 'Giữ phiếu này đến khi xong.' } };

const texts = (items: DecodedItem[]) => items.filter((i): i is Extract<DecodedItem, { type: 'text' }> => i.type === 'text');
const images = (items: DecodedItem[]) => items.filter((i) => i.type === 'image');

function golden(name: string, actual: string | Buffer): void {
  const file = join(GOLDEN, name);
  if (update || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (!update) throw new Error(`golden file ${name} was missing and has been written; check it in and run again`);
  }
  if (Buffer.isBuffer(actual)) expect(actual.equals(readFileSync(file)), `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`).toBe(true);
  else expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('renderTicket', () => {
  test('Japanese ticket: init, Kanji text, big number, QR, cut', () => {
    const bytes = renderTicket(sampleTicket);
    expect(bytes.subarray(0, 2).toString('hex')).toBe('1b40');
    const items = decodeEscPos(bytes);
    const t = texts(items);
    expect(t.find((x) => x.text === '伊勢崎市')).toMatchObject({ kanji: true, bold: true });
    expect(t.find((x) => x.text === '総合窓口')).toMatchObject({ kanji: true, size: { width: 2, height: 2 } });
    const num = t.find((x) => x.text === '1023')!;
    expect(num.size.width).toBeGreaterThanOrEqual(4);
    expect(num.size.height).toBeGreaterThanOrEqual(4);
    const all = decodedText(items);
    expect(all).toContain('1階 総合窓口 3番');
    expect(all).toContain('2. 保険年金課 (2階)');
    expect(all).toContain('3. 介護保険課');
    expect(all).toContain('発行 2026年11月26日 09:12  東口');
    expect(all).toContain('お待ちの方 4 人');
    expect(all).toContain('1階 総合窓口 3番へお越しください');
    expect(items.filter((i) => i.type === 'qr')).toEqual([{ type: 'qr', payload: sampleTicket.qrPayload, model: 2, moduleSize: 6, errorLevel: 'M', align: 'center' }]);
    expect(images(items)).toEqual([]);
    expect(items.at(-1)).toMatchObject({ type: 'cut', partial: true });
    expect(items.filter((i) => i.type === 'unknown')).toEqual([]);
    golden('ticket-ja.bin', bytes);
    golden('ticket-ja.json', JSON.stringify(items, null, 1) + '\n');
  });

  test('Vietnamese text goes as an image; the Japanese parts stay printer text', () => {
    const items = decodeEscPos(renderTicket(VI));
    const imgs = images(items) as Array<Extract<DecodedItem, { type: 'image' }>>;
    expect(imgs.length).toBe(3);
    for (const img of imgs) {
      expect(img.width).toBe(576);
      expect(img.blackDots).toBeGreaterThan(200);
    }
    expect(decodedText(items)).not.toMatch(/Vui|Phi/);
    expect(decodedText(items)).toContain('総合窓口');
    // Image ink depends on the font rasteriser, so the golden keeps only the image sizes.
    const stable = items.map((i) => (i.type === 'image' ? { ...i, blackDots: 'ink' } : i));
    golden('ticket-vi.json', JSON.stringify(stable, null, 1) + '\n');
  });

  test('ASCII English goes as text; Portuguese accents and Chinese go as images', () => {
    const en = decodeEscPos(renderTicket({ ...sampleTicket, lang: 'en', localized: { heading: 'Your number', firstStopLine: 'Please go to counter 3 (1F)' } }));
    expect(images(en)).toEqual([]);
    expect(decodedText(en)).toContain('Please go to counter 3 (1F)');
    const pt = decodeEscPos(renderTicket({ ...sampleTicket, lang: 'pt-BR', localized: { heading: 'Sua senha', firstStopLine: 'Vá ao balcão 3 (1º andar)' } }));
    expect(images(pt).length).toBe(1); // the heading is plain ASCII and stays text
    expect(decodedText(pt)).toContain('Sua senha');
    // 中文 would fit in CP932, but Japanese glyph shapes are wrong for Chinese readers.
    const zh = decodeEscPos(renderTicket({ ...sampleTicket, lang: 'zh-CN', localized: { heading: '中文', firstStopLine: '请到1楼3号窗口' } }));
    expect(images(zh).length).toBe(2);
    expect(decodedText(zh)).not.toContain('中文');
  });

  test('easy Japanese goes as Kanji text', () => {
    const items = decodeEscPos(renderTicket({ ...sampleTicket, lang: 'ja-easy', localized: { heading: 'あなたの ばんごう', firstStopLine: '1かいの 3ばん まどぐちへ どうぞ' } }));
    expect(images(items)).toEqual([]);
    expect(decodedText(items)).toContain('1かいの 3ばん まどぐちへ どうぞ');
  });

  test('estimated wait is printed when known', () => {
    expect(decodedText(decodeEscPos(renderTicket({ ...sampleTicket, estimatedWaitMin: 17.6 })))).toContain('お待ちの方 4 人 (約 18 分)');
  });

  test('reprints say so', () => {
    expect(decodedText(decodeEscPos(renderTicket({ ...sampleTicket, reprint: true })))).toContain('【再発行】');
    expect(decodedText(decodeEscPos(renderTicket(sampleTicket)))).not.toContain('再発行');
  });

  test('a stop name the printer font lacks is drawn, never printed as "?"', () => {
    const items = decodeEscPos(renderTicket({ ...sampleTicket, laterStops: ['Phòng Hộ tịch'] }));
    expect(images(items).length).toBe(1);
    expect(decodedText(items)).not.toContain('?');
  });

  test('number size fits the paper', () => {
    expect(numberSize(1023, 80)).toBe(6);
    expect(numberSize(1023, 58)).toBe(6);
    expect(numberSize(123456, 58)).toBe(5);
    expect(numberSize(1234567890, 58)).toBe(3);
    const items = decodeEscPos(renderTicket({ ...sampleTicket, paperWidthMm: 58, lang: 'vi', localized: VI.localized }));
    expect(images(items).every((i) => i.type === 'image' && i.width === 384)).toBe(true);
    expect(items.find((i) => i.type === 'qr')).toMatchObject({ moduleSize: 4 });
  });

  test('issue time is printed in Japan time', () => {
    expect(formatIssuedAt('2026-04-01T15:05:00Z')).toBe('2026年04月02日 00:05');
    expect(() => formatIssuedAt('yesterday')).toThrow(/ISO/);
  });
});

describe('renderTestPage', () => {
  test('has Kanji text, a QR, a raster line and a cut', () => {
    const items = decodeEscPos(renderTestPage({ printer: 'serial:/dev/ttyUSB0?baud=38400', now: '2026-11-26T00:00:00Z' }));
    expect(items[0]).toEqual({ type: 'init' });
    expect(decodedText(items)).toContain('伊勢崎市 総合窓口');
    expect(decodedText(items)).toContain('serial:/dev/ttyUSB0?baud=38400');
    expect(items.find((i) => i.type === 'qr')).toMatchObject({ payload: 'MADOGUCHI-PRINTER-TEST' });
    expect(images(items).length).toBeGreaterThanOrEqual(1);
    expect(items.at(-1)).toMatchObject({ type: 'cut' });
  });
});
