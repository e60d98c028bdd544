import type { Catalog } from './types';

/** Keys starting with `_` (such as `_notes`, translator notes) are not texts. */
export function flattenTexts(obj: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return out;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (k.startsWith('_')) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'object' && v !== null) flattenTexts(v, key, out);
  }
  return out;
}

export const BASE_LANGUAGE = 'ja';

/** A catalog text in `lang`, falling back to Japanese and then to the key itself (never blank). */
export function catalogText(catalog: Catalog, key: string, lang: string = BASE_LANGUAGE): string {
  return catalog.texts[lang]?.[key] ?? catalog.texts[BASE_LANGUAGE]?.[key] ?? key;
}
