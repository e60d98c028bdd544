import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FONT_JA, FONT_JA_EXTRA, FONT_LATIN, FONT_SC, fontFileFor, fontHas, splitRunsByFont } from './index';

const cp = (c: string) => c.codePointAt(0)!;

describe('fonts', () => {
  test('the three font files exist', () => {
    for (const f of [FONT_JA, FONT_JA_EXTRA, FONT_LATIN, FONT_SC]) expect(existsSync(f), f).toBe(true);
  });

  test('coverage comes from the real cmap tables', () => {
    expect(fontHas(FONT_JA, cp('伊'))).toBe(true);
    expect(fontHas(FONT_JA, cp('あ'))).toBe(true);
    // BIZ UDGothic lacks Vietnamese letters with stacked marks; Noto Sans has them.
    expect(fontHas(FONT_JA, cp('ầ'))).toBe(false);
    expect(fontHas(FONT_LATIN, cp('ầ'))).toBe(true);
    expect(fontHas(FONT_LATIN, cp('伊'))).toBe(false);
    // Simplified 们 is not a Japanese character.
    expect(fontHas(FONT_JA, cp('们'))).toBe(false);
    expect(fontHas(FONT_SC, cp('们'))).toBe(true);
  });

  test('a Vietnamese sentence is one Latin run', () => {
    expect(splitRunsByFont('Xin chào! Hãy đến quầy số 3, tầng 1.')).toEqual([{ text: 'Xin chào! Hãy đến quầy số 3, tầng 1.', font: FONT_LATIN }]);
  });

  test('mixed text splits by script and keeps neutral characters with the run before', () => {
    const runs = splitRunsByFont('Quầy 3 伊勢崎市 们');
    expect(runs).toEqual([
      { text: 'Quầy 3 ', font: FONT_LATIN },
      { text: '伊勢崎市 ', font: FONT_JA },
      { text: '们', font: FONT_SC },
    ]);
    expect(runs.map((r) => r.text).join('')).toBe('Quầy 3 伊勢崎市 们');
  });

  test('Han characters use the Chinese font for zh, the Japanese one otherwise', () => {
    expect(splitRunsByFont('请到3号窗口', { lang: 'zh-CN' })).toEqual([{ text: '请到3号窗口', font: FONT_SC }]);
    expect(splitRunsByFont('総合窓口 3番')).toEqual([{ text: '総合窓口 3番', font: FONT_JA }]);
    // 窗口 exists in the Japanese font, 请/号 do not: without a language hint the run splits.
    expect(splitRunsByFont('请到3号窗口').map((r) => r.font)).toContain(FONT_SC);
  });

  test('rare name kanji missing from BIZ UDGothic come from Noto Sans JP, not the Chinese font', () => {
    expect(fontHas(FONT_JA, cp('𠮷'))).toBe(false);
    expect(splitRunsByFont('𠮷田 様')).toEqual([{ text: '𠮷', font: FONT_JA_EXTRA }, { text: '田 様', font: FONT_JA }]);
    expect(fontFileFor('𠮷田')).toBe(FONT_JA_EXTRA);
  });

  test('fontFileFor picks one font that covers everything when one does', () => {
    expect(fontFileFor('伊勢崎市 総合窓口')).toBe(FONT_JA);
    expect(fontFileFor('Vá ao balcão 3')).toBe(FONT_LATIN);
    expect(fontFileFor('Quầy số 3')).toBe(FONT_LATIN);
    expect(fontFileFor('请到3号窗口', { lang: 'zh-CN' })).toBe(FONT_SC);
    // Japanese + Chinese-only characters: the SC font covers both.
    expect(fontFileFor('伊勢崎市 们')).toBe(FONT_SC);
    expect(fontFileFor('123')).toBe(FONT_LATIN);
  });
});
