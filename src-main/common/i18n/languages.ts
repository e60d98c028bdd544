/** The eight languages of the product (folder names under locales/). No dependencies: phones load it. */
export const LANGUAGES = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself (a switcher must be readable by someone who reads only that one). */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> & Record<Language, string> = {
  ja: '日本語',
  'ja-easy': 'やさしい にほんご',
  en: 'English',
  'pt-BR': 'Português',
  es: 'Español',
  vi: 'Tiếng Việt',
  'zh-CN': '简体中文',
  tl: 'Tagalog',
};
