import { describe, expect, it } from 'vitest';
import { encodeEscp } from './escp';
import { decodeEscp, escpLines, looksLikeEscp } from './escpDecode';
import { fromJis, jisCode, printerHas } from './jisx0208';

describe('JIS X 0208 (the Kanji ROM of a dot-matrix printer)', () => {
  it('gives the JIS code of characters the ROM has, and none for CP932 extensions or characters outside CP932', () => {
    expect(jisCode('亜')).toEqual([0x30, 0x21]);
    expect(jisCode('健')).toEqual([0x37, 0x72]);
    expect(jisCode('　')).toEqual([0x21, 0x21]);
    expect(jisCode('熙')).toEqual([0x74, 0x26]); // row 84, added in 1990
    for (const ch of ['髙', '﨑', '①', '㈱', '𠮷', 'é']) expect(jisCode(ch), ch).toBeNull();
    expect(printerHas('A')).toBe('ascii');
    expect(printerHas('髙')).toBeNull();
    for (const ch of '亜健一熙ヶー〒') expect(fromJis(...jisCode(ch)!)).toBe(ch);
  });
});

describe('ESC/P-K jobs', () => {
  const paper = { w: 210, h: 297 };
  it('encodes text at absolute positions and decodes it back to the same millimetres', () => {
    const bytes = encodeEscp([[{ kind: 'text', field: 'a', x: 30, y: 40, size: 10.5, text: 'AB伊勢崎', pitch: 3.7 }]], { paper });
    expect(looksLikeEscp(bytes)).toBe(true);
    const items = decodeEscp(bytes);
    expect(items[0]).toEqual({ type: 'init' });
    expect(items[1]).toEqual({ type: 'page-length', mm: 297 });
    const texts = items.filter((i) => i.type === 'text') as Array<{ text: string; x: number; y: number; kanji: boolean }>;
    expect(texts.map((t) => [t.text, t.kanji])).toEqual([
      ['A', false],
      ['B', false],
      ['伊', true],
      ['勢', true],
      ['崎', true],
    ]);
    for (const t of texts) expect(t.y).toBeCloseTo(40, 1);
    // Each character sits in its pitch cell (1/60 inch steps).
    expect(texts[2]!.x).toBeGreaterThan(30 + 3.7 - 0.5);
    expect(escpLines(items)).toEqual([{ page: 1, y: 40, x: texts[0]!.x, text: 'AB伊勢崎' }]);
    expect(items.at(-2)).toEqual({ type: 'form-feed', page: 1 });
  });

  it('opens every job with the same setup: ESC @, form length, ASCII character set, letter quality, unidirectional', () => {
    const job = encodeEscp([[{ kind: 'text', field: 'a', x: 30, y: 40, size: 10.5, text: 'A\\~', pitch: 3.7 }]], { paper: { w: 254, h: 279.4 } });
    // 11 inch continuous stock = 3960/360 inch = 0x0f78.
    expect(job.subarray(0, 18).toString('hex')).toBe('1b40' + '1b28430200780f' + '1b5200' + '1b7801' + '1b5501');
    const items = decodeEscp(job);
    expect(items.slice(0, 5)).toEqual([
      { type: 'init' },
      { type: 'page-length', mm: 279.4 },
      { type: 'setting', name: 'character-set', value: 0 },
      { type: 'setting', name: 'letter-quality', value: 1 },
      { type: 'setting', name: 'unidirectional', value: 1 },
    ]);
    // With the USA set, backslash and tilde go as their ASCII bytes and read back as themselves.
    expect(escpLines(items).map((l) => l.text)).toEqual(['A\\~']);
    expect(items.some((i) => i.type === 'unknown')).toBe(false);
  });

  it('draws characters outside JIS X 0208 as 24-dot images and names them when decoding', () => {
    const bytes = encodeEscp([[{ kind: 'text', field: 'n', x: 20, y: 20, size: 10.5, text: '髙﨑𠮷', pitch: 3.7 }]], { paper });
    const images = decodeEscp(bytes).filter((i) => i.type === 'image') as Array<{ looksLike?: string; width: number; height: number; blackDots: number }>;
    expect(images.map((i) => [i.looksLike, i.width, i.height])).toEqual([
      ['髙', 24, 24],
      ['﨑', 24, 24],
      ['𠮷', 24, 24],
    ]);
    for (const i of images) expect(i.blackDots).toBeGreaterThan(40);
  });

  it('is told apart from an ESC/POS ticket by how the job opens, whatever its image bytes hold', async () => {
    const { renderTestPage } = await import('./ticketLayout');
    const ticket = renderTestPage({ printer: 'file:/tmp', paperWidthMm: 80 });
    expect(looksLikeEscp(ticket)).toBe(false);
    expect(looksLikeEscp(Buffer.concat([Buffer.from([0x1b, 0x40, 0x1b, 0x74, 0x01]), Buffer.from([0x1b, 0x24, 0x10, 0x00])]))).toBe(false);
    expect(looksLikeEscp(encodeEscp([], { paper }))).toBe(true);
  });

  it('refuses a job cut short, naming the byte', () => {
    const bytes = encodeEscp([[{ kind: 'text', field: 'n', x: 20, y: 20, size: 10.5, text: '髙', pitch: 3.7 }]], { paper });
    const at = bytes.indexOf(Buffer.from([0x1b, 0x2a]));
    expect(() => decodeEscp(bytes.subarray(0, at + 20))).toThrow(new RegExp(`ESC/P command at byte ${at} is cut short`));
  });
});
