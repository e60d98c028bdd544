import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenTexts } from '../../src-main/common/catalog/texts';
import { parseRuby } from '../../src-main/common/i18n/ruby';

/**
 * A shipped language must have every key Japanese has. catalog.json and ui.json are required in
 * every language folder (ui.json once it exists in ja); any other file a language ships must be
 * complete too.
 */
const LOCALES = resolve(__dirname, '../../locales');
const SHIPPED = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'];
const REQUIRED_FILES = ['catalog.json', 'ui.json'];

const read = (lang: string, file: string): Record<string, string> => flattenTexts(JSON.parse(readFileSync(join(LOCALES, lang, file), 'utf8')));
const jaFiles = readdirSync(join(LOCALES, 'ja')).filter((f) => f.endsWith('.json'));

describe('locales', () => {
  it('ships exactly the folder names of the eight languages', () => {
    for (const lang of SHIPPED) expect(existsSync(join(LOCALES, lang)), lang).toBe(true);
  });

  for (const file of jaFiles) {
    const ja = read('ja', file);
    const required = REQUIRED_FILES.includes(file);
    describe(file, () => {
      it.each(SHIPPED.filter((l) => l !== 'ja'))('%s has every Japanese key', (lang) => {
        const path = join(LOCALES, lang, file);
        if (!existsSync(path)) {
          expect(required, `${lang}/${file} is missing`).toBe(false);
          return;
        }
        const t = read(lang, file);
        const missing = Object.keys(ja).filter((k) => !t[k] || !t[k]!.trim());
        expect(missing, `${lang}/${file} lacks keys`).toEqual([]);
      });
    });
  }

  it('every language ships catalog.json', () => {
    for (const lang of SHIPPED) expect(existsSync(join(LOCALES, lang, 'catalog.json')), lang).toBe(true);
  });

  it('やさしい日本語 puts readings over kanji and keeps sentences short', () => {
    const easy = read('ja-easy', 'catalog.json');
    const kanjiOutsideRuby: string[] = [];
    for (const [k, v] of Object.entries(easy)) {
      for (const seg of parseRuby(v)) if (seg.ruby === undefined && /[\u4e00-\u9fff]/.test(seg.text)) kanjiOutsideRuby.push(`${k}: ${seg.text}`);
      for (const sentence of v.split('。')) expect(sentence.length, k).toBeLessThanOrEqual(120);
    }
    expect(kanjiOutsideRuby).toEqual([]);
  });

  it('municipal jargon carries translator notes in every catalog.json', () => {
    for (const lang of SHIPPED) {
      const raw = JSON.parse(readFileSync(join(LOCALES, lang, 'catalog.json'), 'utf8')) as { _notes?: Record<string, string> };
      expect(Object.keys(raw._notes ?? {}).length, lang).toBeGreaterThan(0);
    }
  });
});
