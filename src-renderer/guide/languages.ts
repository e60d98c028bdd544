import { LANGUAGES, type Language } from '../../src-main/common/i18n/languages';

export { LANGUAGES, LANGUAGE_NAMES, type Language } from '../../src-main/common/i18n/languages';

/** The BCP 47 tag screen readers need: やさしい日本語 is Japanese. */
export function htmlLang(lang: string): string {
  return lang === 'ja-easy' ? 'ja' : lang;
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** UI strings a translator has not done yet: やさしい日本語 falls back to Japanese, the others to English. */
export function fallbacksOf(lang: string): string[] {
  const l = lang.toLowerCase();
  if (l === 'ja') return [];
  if (l === 'ja-easy' || l === 'en') return ['ja'];
  return ['en', 'ja'];
}
