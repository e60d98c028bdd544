import { useEffect } from 'react';
import { call } from '../api/client';
import { i18n } from './index';

/**
 * The catalog texts a published version brings (a new question, an edited English name, issue 19)
 * reach the screens: the bundled `catalog` namespace is what the app was built with, so when the
 * terminal serves a published version its own texts are laid over it, once per version hash.
 */
let applied = '';

const codesOf = (lang: string): string[] => [...new Set([lang, lang.replace(/^([a-z]{2,3})-([a-z]{4})$/i, (_, l: string, s: string) => `${l.toLowerCase()}-${s[0]!.toUpperCase()}${s.slice(1).toLowerCase()}`)])];

export async function applyActiveCatalogTexts(hash: string): Promise<void> {
  if (applied === hash) return;
  applied = hash;
  try {
    const bundle = await call('catalog.bundle', {});
    for (const [lang, texts] of Object.entries(bundle.locales)) {
      if (typeof texts !== 'object' || texts === null) continue;
      for (const code of codesOf(lang)) i18n.addResourceBundle(code, 'catalog', texts, true, true);
    }
    await i18n.changeLanguage(i18n.language); // screens re-render with the new texts
  } catch {
    applied = ''; // try again at the next status push
  }
}

/** Version 0 is the catalog the app was built with: its texts are already bundled. */
export function useActiveCatalogTexts(status: { version: number; hash: string } | undefined): void {
  const hash = status && status.version > 0 ? status.hash : '';
  useEffect(() => {
    if (hash) void applyActiveCatalogTexts(hash);
  }, [hash]);
}
