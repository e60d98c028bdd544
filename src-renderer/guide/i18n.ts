import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import jaCatalog from '../../locales/ja/catalog.json';
import jaGuidance from '../../locales/ja/guidance.json';
import jaGuide from '../../locales/ja/guide.json';
import { fallbacksOf, htmlLang, LANGUAGES } from './languages';

/**
 * The guide's own i18next instance. Unlike the terminals' (which bundle every locale file), the
 * guide loads a language when it is chosen: a phone on a slow line downloads Japanese plus the one
 * language the resident reads. The service worker caches them all for offline use.
 */
export const NAMESPACES = ['guide', 'guidance', 'catalog'] as const;

const lazy = import.meta.glob<Record<string, unknown>>(['../../locales/*/catalog.json', '../../locales/*/guide.json', '../../locales/*/guidance.json', '!../../locales/ja/*'], {
  import: 'default',
});

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { ja: { catalog: jaCatalog, guidance: jaGuidance, guide: jaGuide } },
  lng: 'ja',
  fallbackLng: (code: string) => fallbacksOf(code),
  supportedLngs: [...LANGUAGES],
  nonExplicitSupportedLngs: false,
  load: 'currentOnly',
  ns: [...NAMESPACES],
  defaultNS: 'guide',
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});

const loaded = new Set<string>(['ja']);

async function loadOne(lang: string): Promise<void> {
  if (loaded.has(lang)) return;
  await Promise.all(
    NAMESPACES.map(async (ns) => {
      const load = lazy[`../../locales/${lang}/${ns}.json`];
      if (load) i18n.addResourceBundle(lang, ns, await load(), true, true);
    }),
  );
  loaded.add(lang);
}

/** Loads a language (and the ones it falls back to), then switches to it. */
export async function switchLanguage(lang: string): Promise<void> {
  await Promise.all([lang, ...fallbacksOf(lang)].map(loadOne));
  await i18n.changeLanguage(lang);
  document.documentElement.lang = htmlLang(lang);
}
