import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv';
import { kanaKey } from './kana';

describe('csv', () => {
  it('keeps quoted commas, quotes and line breaks, and the line each record starts on', () => {
    const text = '\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\r\n\r\nlast,1';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', 'z'] },
      { line: 6, cells: ['last', '1'] },
    ]);
    expect(() => parseCsv('a\n"open')).toThrow(/not closed/);
  });
  it('round-trips through toCsv', () => {
    const rows = [['髙﨑', 'a,b', 'q"q', 'x\ny']];
    expect(parseCsv(toCsv(['h1', 'h2', 'h3', 'h4'], rows)).map((r) => r.cells)).toEqual([['h1', 'h2', 'h3', 'h4'], ...rows]);
  });
  it('matches kana however it was typed', () => {
    expect(kanaKey('よしだ　はる')).toBe('ヨシダハル');
    expect(kanaKey('ﾖｼﾀﾞ ﾊﾙ')).toBe('ヨシダハル');
    expect(kanaKey('グエン・ヴァン アン')).toBe('グエンヴァンアン');
  });
});
