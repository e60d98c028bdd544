import { useTranslation } from 'react-i18next';
import { stripRuby } from '../../src-main/common/i18n/ruby';

export interface CatalogText {
  /** The text as written, with `{漢字|かんじ}` ruby marks: render it with <Ruby>. */
  (key: string, fallback?: string): string;
  /** The same text without ruby marks, for attributes and <option>s. */
  plain(key: string, fallback?: string): string;
}

/** Catalog texts (procedure names, questions …) in a given language, from the `catalog` namespace. */
export function useCatalogText(lang?: string): CatalogText {
  const { t, i18n } = useTranslation('catalog', lang ? { lng: lang } : undefined);
  const raw = (key: string, fallback?: string) => {
    const v = t(key, { lng: lang ?? i18n.language, defaultValue: '' });
    if (v) return v;
    const ja = t(key, { lng: 'ja', defaultValue: '' });
    return ja || fallback || key;
  };
  const ct = raw as CatalogText;
  ct.plain = (key, fallback) => stripRuby(raw(key, fallback));
  return ct;
}
