import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES } from '../../src-main/common/config/schema';

/**
 * Every `locales/<lang>/<namespace>.json` is bundled: namespaces are screens (`common`, `kiosk`,
 * `counter`, `display`, …) plus `catalog` (procedure names, what to bring, questions).
 */
const files = import.meta.glob('../../locales/*/*.json', { eager: true, import: 'default' }) as Record<string, Record<string, unknown>>;

export const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, json] of Object.entries(files)) {
  const m = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!m) continue;
  (resources[m[1]!] ??= {})[m[2]!] = json;
}

export const LANGUAGE_NAMES: Record<string, string> = {
  ja: '日本語',
  'ja-easy': 'やさしい にほんご',
  en: 'English',
  'pt-BR': 'Português',
  es: 'Español',
  vi: 'Tiếng Việt',
  'zh-CN': '简体中文',
  tl: 'Tagalog',
};

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources,
  lng: 'ja',
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  nonExplicitSupportedLngs: false,
  load: 'currentOnly',
  ns: ['common'],
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** A second instance for the visitor's language, next to the staff's UI language. */
export function fixedT(lang: string, ns = 'common') {
  return i18n.getFixedT(lang, ns);
}
