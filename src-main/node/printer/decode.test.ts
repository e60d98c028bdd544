import { describe, expect, test } from 'vitest';
import iconv from 'iconv-lite';
import { decodeEscPos, decodedText } from './decode';
import { EscPosBuilder } from './escpos';

describe('decodeEscPos', () => {
  test('reads back what the builder writes', () => {
    const b = new EscPosBuilder().init().codeTable(1).kanjiOn().align('center').size(2, 3).bold(true).line('総合窓口').size(1).bold(false).line('ｶﾅ abc').qr('hello').image({ width: 8, height: 2, data: new Uint8Array([0xf0, 0x01]) }).kanjiOff().feed(3).cut('partial', 0).build();
    expect(decodeEscPos(b)).toEqual([
      { type: 'init' },
      { type: 'setting', name: 'code-table', value: 1 },
      { type: 'setting', name: 'kanji-code', value: 1 },
      { type: 'kanji', on: true },
      { type: 'text', text: '総合窓口', size: { width: 2, height: 3 }, align: 'center', bold: true, kanji: true },
      { type: 'newline' },
      { type: 'text', text: 'ｶﾅ abc', size: { width: 1, height: 1 }, align: 'center', bold: false, kanji: true },
      { type: 'newline' },
      { type: 'qr', payload: 'hello', model: 2, moduleSize: 6, errorLevel: 'M', align: 'center' },
      { type: 'image', width: 8, height: 2, blackDots: 5, align: 'center' },
      { type: 'kanji', on: false },
      { type: 'feed', lines: 3 },
      { type: 'cut', partial: true, feed: 0 },
    ]);
  });

  test('a Shift JIS trail byte that looks like a control code stays part of its character', () => {
    // 表 is 0x95 0x5C in Shift JIS: the second byte is '\\' in ASCII.
    const sj = iconv.encode('表示', 'CP932');
    expect(sj[1]).toBe(0x5c);
    const items = decodeEscPos(Buffer.concat([Buffer.from([0x1c, 0x26]), sj, Buffer.from([0x0a])]));
    expect(decodedText(items)).toBe('表示\n');
  });

  test('outside Kanji mode bytes are single-byte characters', () => {
    const items = decodeEscPos(Buffer.from([0x1b, 0x40, 0x41, 0x42, 0x0a, 0x1d, 0x56, 0x00]));
    expect(items).toEqual([
      { type: 'init' },
      { type: 'text', text: 'AB', size: { width: 1, height: 1 }, align: 'left', bold: false, kanji: false },
      { type: 'newline' },
      { type: 'cut', partial: false },
    ]);
  });

  test('ESC ! sizes, DLE EOT and unknown commands are reported, not skipped', () => {
    const items = decodeEscPos(Buffer.from([0x1b, 0x21, 0x30, 0x58, 0x10, 0x04, 0x02, 0x07, 0x1b, 0x7a, 0x01]));
    expect(items[0]).toMatchObject({ type: 'text', text: 'X', size: { width: 2, height: 2 } });
    expect(items[1]).toEqual({ type: 'status-request', n: 2 });
    expect(items[2]).toEqual({ type: 'unknown', hex: '07' });
    expect(items[3]).toEqual({ type: 'unknown', hex: '1b7a01' });
  });

  test('a command cut short is an error naming the byte offset', () => {
    expect(() => decodeEscPos(Buffer.from([0x41, 0x1d, 0x76, 0x30, 0x00, 0x01, 0x00, 0x05, 0x00, 0xff]))).toThrow(/at byte 9 is cut short \(needs 5 bytes, 1 left\)/);
    expect(() => decodeEscPos(Buffer.from([0x1b]))).toThrow(/cut short/);
  });
});
