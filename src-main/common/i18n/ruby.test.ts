import { describe, expect, it } from 'vitest';
import { hasRuby, parseRuby, rubyToParens, stripRuby } from './ruby';

describe('ruby markup {漢字|かんじ}', () => {
  const s = '{転入届|てんにゅうとどけ}を {出|だ}します。';
  it('parses into plain and annotated runs', () => {
    expect(parseRuby(s)).toEqual([{ text: '転入届', ruby: 'てんにゅうとどけ' }, { text: 'を ' }, { text: '出', ruby: 'だ' }, { text: 'します。' }]);
  });
  it('strips and converts to brackets', () => {
    expect(stripRuby(s)).toBe('転入届を 出します。');
    expect(rubyToParens(s)).toBe('転入届（てんにゅうとどけ）を 出（だ）します。');
  });
  it('leaves broken markup as literal text', () => {
    expect(parseRuby('a {b} c {d|')).toEqual([{ text: 'a {b} c {d|' }]);
    expect(hasRuby('no ruby')).toBe(false);
    expect(hasRuby(s)).toBe(true);
  });
});
