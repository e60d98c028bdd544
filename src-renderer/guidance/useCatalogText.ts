import { useTranslation } from 'react-i18next';

/** Catalog texts (procedure names, questions …) in a given language, from the `catalog` namespace. */
export function useCatalogText(lang?: string) {
  const { t, i18n } = useTranslation('catalog', lang ? { lng: lang } : undefined);
  return (key: string, fallback?: string) => {
    const v = t(key, { lng: lang ?? i18n.language, defaultValue: '' });
    if (v) return v;
    const ja = t(key, { lng: 'ja', defaultValue: '' });
    return ja || fallback || key;
  };
}
