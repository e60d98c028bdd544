import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { rubyToParens } from '../../src-main/common/i18n/ruby';

/**
 * Every `locales/<lang>/<namespace>.json` is bundled: namespaces are screens (`common`, `kiosk`,
 * `counter`, `display`, …) plus `catalog` (procedure names, what to bring, questions).
 */
const files = import.meta.glob('../../locales/*/*.json', { eager: true, import: 'default' }) as Record<string, Record<string, unknown>>;

/** Namespaces whose texts the screens render through <Ruby>; every other one is shown as plain text. */
const RUBY_NAMESPACES = new Set(['catalog', 'guidance']);

export const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, json] of Object.entries(files)) {
  const m = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!m) continue;
  // やさしい日本語 marks kanji as {漢字|かんじ}: where no <Ruby> renders it, show 漢字(かんじ), never braces.
  (resources[m[1]!] ??= {})[m[2]!] = RUBY_NAMESPACES.has(m[2]!) ? json : mapStrings(json, rubyToParens);
}

function mapStrings(v: Record<string, unknown>, f: (s: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? f(x) : typeof x === 'object' && x !== null ? mapStrings(x as Record<string, unknown>, f) : x;
  return out;
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
