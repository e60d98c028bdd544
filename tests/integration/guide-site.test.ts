import { describe, expect, it } from 'vitest';
import { LANGUAGES as CONFIG_LANGUAGES } from '../../src-main/common/config/schema';
import { validateFacts } from '../../src-main/common/guidance/facts';
import { guide } from '../../src-main/common/guidance/guide';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { completionBody } from '../../src-renderer/guide/completion';
import { fallbacksOf, htmlLang, LANGUAGES, LANGUAGE_NAMES } from '../../src-renderer/guide/languages';
import { listAsText } from '../../src-renderer/guide/saveList';
import en from '../../locales/en/guide.json';
import enGuidance from '../../locales/en/guidance.json';

describe('online guide helpers', () => {
  it('offers exactly the languages of the terminals, each named in itself', () => {
    expect([...LANGUAGES]).toEqual([...CONFIG_LANGUAGES]);
    for (const l of LANGUAGES) expect(LANGUAGE_NAMES[l]).toBeTruthy();
    expect(htmlLang('ja-easy')).toBe('ja');
    expect(fallbacksOf('vi')).toEqual(['en', 'ja']);
    expect(fallbacksOf('ja-easy')).toEqual(['ja']);
  });

  it('the completion count carries exactly count, date and language', () => {
    expect(JSON.parse(completionBody('2026-11-26', 'pt-BR'))).toEqual({ count: 1, date: '2026-11-26', lang: 'pt-BR' });
  });

  it('the saved text holds every procedure, where, deadline and what to bring, and the code', () => {
    const catalog = loadCatalog();
    const facts = validateFacts({ date: '2026-11-26', eventDate: '2026-11-20', events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1988-05-10', insurance: 'nhi', myNumberCard: true }] }).facts;
    const items = guide(facts, catalog, { lang: 'en' }).procedures;
    const get = (obj: Record<string, unknown>, key: string): string => String(key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj) ?? key);
    const interp = (s: string, o: Record<string, unknown> = {}) => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(o[k] ?? ''));
    const t = (k: string, o?: Record<string, unknown>) => interp(get(en, k), o);
    const tl = (k: string, o?: Record<string, unknown>) => interp(get(enGuidance, k), o);
    const ct = (k: string) => catalog.texts.en?.[k] ?? k;
    const text = listAsText(items, catalog, { t, tl, ct, date: '2026-11-26', code: 'MDG-G2.TEST', lang: 'en' });
    expect(items.length).toBeGreaterThan(2);
    // Deadlines in the reader's own date format, never ISO (転入届: 14 days from 20 Nov = Fri 4 Dec).
    expect(text).toContain('Fri, December 4');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    for (const it of items) {
      expect(text).toContain(ct(`procedure.${it.id}`));
      for (const b of it.bring) expect(text).toContain(ct(`bring.${b.id}`));
    }
    expect(text).toContain('MDG-G2.TEST');
    expect(text).toContain(en.privacy);
    expect(text).not.toMatch(/\{\{/);
  });
});
