import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenTexts } from '../../src-main/common/catalog/texts';
import { parseRuby } from '../../src-main/common/i18n/ruby';

/**
 * Japanese is the source: every shipped language must have every namespace file Japanese has
 * (catalog.json, common.json, kiosk.json, … — whatever locales/ja holds), every key in it with a
 * non-blank text, and the same {{interpolation}} variables, since a missing or renamed variable
 * shows a visitor a raw "{{number}}" or drops the number altogether.
 */
const LOCALES = resolve(__dirname, '../../locales');
const SHIPPED = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'];
const OTHERS = SHIPPED.filter((l) => l !== 'ja');

const readRaw = (lang: string, file: string): Record<string, string> => flattenTexts(JSON.parse(readFileSync(join(LOCALES, lang, file), 'utf8')));
/**
 * A language may give a text as i18next plural forms (`hits_one`, `hits_other`) where Japanese,
 * which has no plural, has one key (`hits`). Such forms count as that key; each must keep the
 * Japanese text's variables, and the `_other` form must be there.
 */
const PLURAL = /_(zero|one|two|few|many|other)$/;
function pluralForms(t: Record<string, string>, base: string): string[] {
  return Object.keys(t).filter((k) => k.replace(PLURAL, '') === base && PLURAL.test(k));
}
const read = (lang: string, file: string): Record<string, string> => {
  const t = readRaw(lang, file);
  if (lang === 'ja') return t;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) {
    const base = k.replace(PLURAL, '');
    if (base !== k) {
      // checked as the base key: its _other form, and every form's variables below
      if (k.endsWith('_other')) out[base] = v;
      out[`${base}\u0000${k}`] = v;
    } else out[k] = v;
  }
  return out;
};
const jaFiles = readdirSync(join(LOCALES, 'ja')).filter((f) => f.endsWith('.json'));

/** i18next variables of a text: `{{n}}`, `{{ n }}`, `{{date, datetime}}` → n, date. Ruby `{漢字|かんじ}` is not one. */
function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^{}\s,]+)\s*(?:,[^{}]*)?\}\}/g)].map((m) => m[1]!))].sort();
}

describe('locales', () => {
  it('ships exactly the folder names of the eight languages', () => {
    for (const lang of SHIPPED) expect(existsSync(join(LOCALES, lang)), lang).toBe(true);
  });

  it('Japanese has the namespaces the screens load', () => {
    for (const f of ['catalog.json', 'common.json', 'kiosk.json', 'guidance.json', 'counter.json', 'display.json', 'survey.json', 'guide.json']) expect(jaFiles, f).toContain(f);
  });

  it('finds the variables of a text (and not ruby)', () => {
    expect(variablesOf('{{number}}{番|ばん}の{方|かた}、{{ counter }}番 {{date, datetime}} {{number}}')).toEqual(['counter', 'date', 'number']);
    expect(variablesOf('{窓口|まどぐち}')).toEqual([]);
  });

  it.each(OTHERS)('%s ships every namespace file Japanese has', (lang) => {
    const missing = jaFiles.filter((f) => !existsSync(join(LOCALES, lang, f)));
    expect(missing, `${lang} lacks namespace files`).toEqual([]);
  });

  for (const file of jaFiles) {
    const ja = read('ja', file);
    describe(file, () => {
      it('Japanese has texts', () => {
        expect(Object.keys(ja).length).toBeGreaterThan(0);
      });

      it.each(OTHERS)('%s has every Japanese key', (lang) => {
        const path = join(LOCALES, lang, file);
        expect(existsSync(path), `${lang}/${file} is missing`).toBe(true);
        const t = read(lang, file);
        const missing = Object.keys(ja).filter((k) => !t[k] || !t[k]!.trim());
        expect(missing, `${lang}/${file} lacks keys`).toEqual([]);
      });

      it.each(OTHERS)('%s has no key Japanese lacks', (lang) => {
        const path = join(LOCALES, lang, file);
        if (!existsSync(path)) return; // reported above
        const extra = Object.keys(read(lang, file))
          .map((k) => k.split('\u0000')[0]!)
          .filter((k) => !(k in ja));
        expect(extra, `${lang}/${file} has keys Japanese does not (renamed or stale)`).toEqual([]);
      });

      it.each(OTHERS)('%s uses the same {{variables}} as Japanese', (lang) => {
        const path = join(LOCALES, lang, file);
        if (!existsSync(path)) return; // reported above
        const raw = readRaw(lang, file);
        const forms = (k: string): string[] => [...(raw[k] !== undefined ? [k] : []), ...pluralForms(raw, k)];
        const differ = Object.keys(ja)
          .flatMap((k) => forms(k).map((f) => [k, f] as const))
          .filter(([k, f]) => variablesOf(raw[f]!).filter((x) => x !== 'count' || variablesOf(ja[k]!).includes('count')).join(',') !== variablesOf(ja[k]!).join(','))
          .map(([k, f]) => `${f}: ja {${variablesOf(ja[k]!).join(',')}} ${lang} {${variablesOf(raw[f]!).join(',')}}`);
        expect(differ, `${lang}/${file} variables differ`).toEqual([]);
      });
    });
  }

  it('English counts use i18next plural forms, never "(s)"', () => {
    for (const file of readdirSync(join(LOCALES, 'en')).filter((f) => f.endsWith('.json'))) {
      const en = readRaw('en', file);
      const bad = Object.entries(en).filter(([k, v]) => !k.startsWith('_notes') && /\w\(s\)/.test(v)).map(([k]) => k);
      expect(bad, `en/${file}`).toEqual([]);
      for (const k of Object.keys(en).filter((x) => x.endsWith('_one'))) expect(en[k.replace(/_one$/, '_other')], `en/${file} ${k}`).toBeTruthy();
    }
  });

  it('every language ships catalog.json', () => {
    for (const lang of SHIPPED) expect(existsSync(join(LOCALES, lang, 'catalog.json')), lang).toBe(true);
  });

  it.each(readdirSync(join(LOCALES, 'ja-easy')).filter((f) => f.endsWith('.json')))('やさしい日本語 %s puts readings over kanji and keeps sentences short', (file) => {
    const easy = read('ja-easy', file);
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
