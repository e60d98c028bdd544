import { describe, expect, test } from 'vitest';
import { command } from '@node-escpos/core';
import { EscPosBuilder, isCp932Safe, statusRequest, MAX_RASTER_BAND_ROWS } from './escpos';

const hex = (b: Buffer) => b.toString('hex');
const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('EscPosBuilder bytes', () => {
  test('init, code table, Kanji mode on/off', () => {
    expect(hex(new EscPosBuilder().init().build())).toBe('1b40');
    expect(hex(new EscPosBuilder().codeTable(1).build())).toBe('1b7401');
    // FS C 1 selects Shift JIS, FS & turns Kanji mode on; FS . turns it off.
    expect(hex(new EscPosBuilder().kanjiOn().kanjiOff().build())).toBe('1c43011c26' + '1c2e');
  });

  test('Kanji text goes as CP932 (Shift JIS) bytes', () => {
    const b = new EscPosBuilder().kanjiOn().text('伊勢崎市 総合窓口').build();
    expect(hex(b.subarray(5))).toBe('88c990a88de88e73' + '20' + '918d8d87918b8cfb');
  });

  test('non-ASCII text outside Kanji mode and non-CP932 text are refused', () => {
    expect(() => new EscPosBuilder().text('伊勢崎')).toThrow(/Kanji mode/);
    expect(() => new EscPosBuilder().kanjiOn().text('Xin chào, quầy số 3')).toThrow(/CP932/);
    expect(() => new EscPosBuilder().kanjiOn().text('请到3号窗口')).toThrow(/CP932/);
  });

  test('isCp932Safe tells printer-font text from text that must be drawn', () => {
    expect(isCp932Safe('伊勢崎市 総合窓口 ｶﾀｶﾅ ①')).toBe(true);
    expect(isCp932Safe('Please go to counter 3')).toBe(true);
    expect(isCp932Safe('Vá ao balcão 3')).toBe(false);
    expect(isCp932Safe('Quầy số 3')).toBe(false);
    expect(isCp932Safe('请到窗口')).toBe(false);
    expect(isCp932Safe('tab\there')).toBe(false);
    expect(isCp932Safe('𠮷田')).toBe(false);
  });

  test('JIS-style wave dash and minus print as their CP932 forms instead of forcing an image', () => {
    expect(isCp932Safe('9:00〜17:00 −5')).toBe(true);
    const b = new EscPosBuilder().kanjiOn().text('〜−').build().subarray(5);
    expect(b.toString('hex')).toBe('8160817c');
  });

  test('align, bold, size, feed, cut', () => {
    const b = new EscPosBuilder().align('left').align('center').align('right').bold(true).bold(false).size(1).size(2).size(4, 4).size(8, 3).feed(3).build();
    expect(hex(b)).toBe('1b6100' + '1b6101' + '1b6102' + '1b4501' + '1b4500' + '1d2100' + '1d2111' + '1d2133' + '1d2172' + '1b6403');
    expect(hex(new EscPosBuilder().cut('full').cut('partial').cut('partial', 0).cut('full', 5).build())).toBe('1d5600' + '1d5601' + '1d564200' + '1d564105');
    expect(() => new EscPosBuilder().size(9)).toThrow(RangeError);
    expect(() => new EscPosBuilder().size(0)).toThrow(RangeError);
  });

  test('the commands node-escpos gets right match it byte for byte', () => {
    expect(new EscPosBuilder().init().build()).toEqual(bytes(command.HARDWARE.HW_INIT));
    expect(new EscPosBuilder().align('center').build()).toEqual(bytes(command.TEXT_FORMAT.TXT_ALIGN_CT));
    expect(new EscPosBuilder().align('right').build()).toEqual(bytes(command.TEXT_FORMAT.TXT_ALIGN_RT));
    expect(new EscPosBuilder().bold(true).build()).toEqual(bytes(command.TEXT_FORMAT.TXT_BOLD_ON));
    expect(new EscPosBuilder().size(4, 4).build()).toEqual(bytes(command.TEXT_FORMAT.TXT_CUSTOM_SIZE(4, 4)));
    expect(new EscPosBuilder().size(2, 3).build()).toEqual(bytes(command.TEXT_FORMAT.TXT_CUSTOM_SIZE(2, 3)));
    expect(new EscPosBuilder().cut('full').build()).toEqual(bytes(command.PAPER.PAPER_FULL_CUT));
    expect(new EscPosBuilder().cut('partial').build()).toEqual(bytes(command.PAPER.PAPER_PART_CUT));
  });

  test('QR is Epson GS ( k: model 2, module size, level M, store, print', () => {
    const b = new EscPosBuilder().qr('V:abc', { moduleSize: 6 }).build();
    expect(hex(b)).toBe(
      '1d286b040031413200' + // fn 165: model 2
        '1d286b0300314306' + // fn 167: module 6 dots
        '1d286b0300314531' + // fn 169: error level M (49)
        '1d286b0800315030' + Buffer.from('V:abc').toString('hex') + // fn 180: store, pL = 5 + 3
        '1d286b0300315130', // fn 181: print
    );
    // node-escpos 0.6 writes a different, clone-printer command for the same call.
    const long = 'x'.repeat(300);
    const lb = new EscPosBuilder().qr(long, { level: 'H' }).build();
    const store = lb.indexOf(Buffer.from([0x1d, 0x28, 0x6b]), 9 + 8 + 8);
    expect(lb.readUInt16LE(store + 3)).toBe(303);
    expect(lb[9 + 8 + 7]).toBe(51);
    expect(() => new EscPosBuilder().qr('')).toThrow(RangeError);
  });

  test('raster image GS v 0 with packed rows, split into bands', () => {
    const data = new Uint8Array([0xff, 0x00, 0x81, 0x18]);
    const b = new EscPosBuilder().image({ width: 16, height: 2, data }).build();
    expect(hex(b)).toBe('1d7630000200' + '0200' + 'ff008118');
    const tall = { width: 8, height: MAX_RASTER_BAND_ROWS + 10, data: new Uint8Array(MAX_RASTER_BAND_ROWS + 10).fill(1) };
    const tb = new EscPosBuilder().image(tall).build();
    expect(hex(tb.subarray(0, 8))).toBe('1d76300001000001');
    const second = 8 + MAX_RASTER_BAND_ROWS;
    expect(hex(tb.subarray(second, second + 8))).toBe('1d76300001000a00');
    expect(tb.length).toBe(16 + MAX_RASTER_BAND_ROWS + 10);
    expect(() => new EscPosBuilder().image({ width: 16, height: 2, data: new Uint8Array(3) })).toThrow(/expected 4/);
  });

  test('DLE EOT status requests', () => {
    expect(hex(statusRequest(1))).toBe('100401');
    expect(hex(statusRequest(4))).toBe('100404');
  });
});
