/**
 * The eight languages of the guidance issue. Listed here rather than imported from the terminal
 * config schema, whose validation library would otherwise ship to every phone; a test keeps the
 * two lists equal.
 */
export const LANGUAGES = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself (the switcher must be readable by someone who reads only that one). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  ja: '日本語',
  'ja-easy': 'やさしい にほんご',
  en: 'English',
  'pt-BR': 'Português',
  es: 'Español',
  vi: 'Tiếng Việt',
  'zh-CN': '简体中文',
  tl: 'Tagalog',
};

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
