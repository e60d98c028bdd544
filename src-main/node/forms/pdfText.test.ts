import { describe, expect, it } from 'vitest';
import { textRuns } from './pdfText';

describe('font runs', () => {
  it('draws 𠮷 (outside the BMP, missing from BIZ UDGothic) with Noto Sans JP, the rest with BIZ UDGothic', () => {
    expect(textRuns('𠮷田　ハル')).toEqual([
      { text: '𠮷', font: 'ja-ext' },
      { text: '田　ハル', font: 'ja' },
    ]);
    expect(textRuns('髙﨑 健一 (372-0801)')).toEqual([{ text: '髙﨑 健一 (372-0801)', font: 'ja' }]);
  });
  it('uses the Latin font for Vietnamese and the Chinese font for Han in zh', () => {
    expect(textRuns('Khai báo chuyển đến (転入届)', 'vi')).toEqual([
      { text: 'Khai báo chuyển đến (', font: 'latin' },
      // Punctuation stays with the run it follows when that font has it.
      { text: '転入届)', font: 'ja' },
    ]);
    expect(textRuns('迁入申报', 'zh-CN')).toEqual([{ text: '迁入申报', font: 'sc' }]);
  });
});
