import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import jaCatalog from '../../locales/ja/catalog.json';
import jaGuidance from '../../locales/ja/guidance.json';
import jaGuide from '../../locales/ja/guide.json';
import catalogTexts from 'virtual:guide-catalog-texts';
import { jaCatalogDelta, nestTexts } from './catalog';
import { fallbacksOf, htmlLang } from './languages';

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
  // No supportedLngs: i18next would check the canonical 'ja-Easy' against it and drop やさしい日本語.
  load: 'currentOnly',
  ns: [...NAMESPACES],
  defaultNS: 'guide',
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});

// What the build's catalog changes in Japanese (a published version, a city's own folder) overrides the app's texts.
i18n.addResourceBundle('ja', 'catalog', nestTexts(jaCatalogDelta()), true, true);

const loaded = new Set<string>(['ja']);

async function loadOne(lang: string): Promise<void> {
  if (loaded.has(lang)) return;
  await Promise.all(
    NAMESPACES.map(async (ns) => {
      const load = lazy[`../../locales/${lang}/${ns}.json`];
      if (!load) return;
      const data = await load();
      // i18next looks 'ja-easy' up as the canonical BCP 47 form 'ja-Easy' ("easy" parses as a
      // script subtag): file the texts under both so やさしい日本語 is found.
      for (const code of new Set([lang, i18n.services.languageUtils.formatLanguageCode(lang)])) i18n.addResourceBundle(code, ns, data, true, true);
    }),
  );
  // Then what the build's catalog changes in this language (its own chunk), over the app's texts.
  const changed = catalogTexts[lang];
  if (changed) {
    const texts = nestTexts((await changed()).default);
    for (const code of new Set([lang, i18n.services.languageUtils.formatLanguageCode(lang)])) i18n.addResourceBundle(code, 'catalog', texts, true, true);
  }
  loaded.add(lang);
}

/** Loads a language (and the ones it falls back to), then switches to it. */
export async function switchLanguage(lang: string): Promise<void> {
  await Promise.all([lang, ...fallbacksOf(lang)].map(loadOne));
  await i18n.changeLanguage(lang);
  document.documentElement.lang = htmlLang(lang);
}
