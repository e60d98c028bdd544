import built from 'virtual:guide-catalog';
import jaCatalog from '../../locales/ja/catalog.json';
import { flattenTexts } from '../../src-main/common/catalog/texts';
import type { Catalog } from '../../src-main/common/catalog/types';

/**
 * The city's catalog: the very files the kiosk and the CLI read (fixtures/catalog, locales/*),
 * loaded and validated by the same loader and parser when the guide is built (vite.config.mts).
 * Its Japanese texts are the i18n bundle's, so they ship once.
 */
export function loadGuideCatalog(): { catalog?: Catalog; error?: string } {
  const catalog = built as Catalog;
  // A published version (GUIDE_CATALOG_JSON) ships only the Japanese texts it changes, as `ja+`.
  const ja = catalog.texts.ja ?? { ...flattenTexts(jaCatalog), ...(catalog.texts['ja+'] ?? {}) };
  return { catalog: { ...catalog, texts: { ja }, languages: ['ja'] } };
}
