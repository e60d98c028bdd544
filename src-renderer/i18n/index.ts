import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

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

export { LANGUAGE_NAMES } from '../../src-main/common/i18n/languages';

export const i18n = i18next.createInstance();
// i18next reads 'ja-easy' as a script subtag and looks it up as 'ja-Easy': register every
// language under both spellings, and no supportedLngs list (it would refuse the canonical form).
void i18n.use(initReactI18next).init({
  resources: withCanonicalCodes(resources),
  lng: 'ja',
  // A key a language lacks (the locale test keeps this from shipping) shows in a related language, never as a key.
  fallbackLng: { 'ja-easy': ['ja'], 'ja-Easy': ['ja'], ja: ['en'], default: ['en', 'ja'] },
  load: 'currentOnly',
  ns: ['common'],
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});

function withCanonicalCodes(r: typeof resources): typeof resources {
  const out: typeof resources = {};
  for (const [lang, ns] of Object.entries(r)) {
    out[lang] = ns;
    const canonical = lang.replace(/^([a-z]{2,3})-([a-z]{4})$/i, (_, l: string, s: string) => `${l.toLowerCase()}-${s[0]!.toUpperCase()}${s.slice(1).toLowerCase()}`);
    if (canonical !== lang) out[canonical] = ns;
  }
  return out;
}

/** A second instance for the visitor's language, next to the staff's UI language. */
export function fixedT(lang: string, ns = 'common') {
  return i18n.getFixedT(lang, ns);
}
