import built from 'virtual:guide-catalog';
import jaCatalog from '../../locales/ja/catalog.json';
import { flattenTexts } from '../../src-main/common/catalog/texts';
import type { Catalog } from '../../src-main/common/catalog/types';

/** The Japanese catalog texts a published version or a city's own folder changes (`ja+`, shipped with the page). */
export function jaCatalogDelta(): Record<string, string> {
  return (built as Catalog).texts['ja+'] ?? {};
}

/**
 * The city's catalog: the very files the kiosk and the CLI read (fixtures/catalog, locales/*),
 * loaded and validated by the same loader and parser when the guide is built (vite.config.mts).
 * Its Japanese texts are the i18n bundle's, so they ship once, plus what the build changes (`ja+`).
 */
export function loadGuideCatalog(): { catalog?: Catalog; error?: string } {
  const catalog = built as Catalog;
  const ja = { ...flattenTexts(jaCatalog), ...jaCatalogDelta() };
  return { catalog: { ...catalog, texts: { ja }, languages: ['ja'] } };
}

/** Flat `a.b.c` keys as the nested object a translation file has (for i18next's resource bundles). */
export function nestTexts(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(flat)) {
    const parts = key.split('.');
    let o = out;
    for (const p of parts.slice(0, -1)) {
      const next = o[p];
      o = (o[p] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
    o[parts.at(-1)!] = v;
  }
  return out;
}
