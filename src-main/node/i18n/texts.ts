import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT } from '../terminal/dataFolder';

const cache = new Map<string, Record<string, unknown>>();

/** Reads `locales/<lang>/<ns>.json` once (tickets and PDFs are printed in the visitor's language). */
export function localeFile(lang: string, ns: string, root = join(APP_ROOT, 'locales')): Record<string, unknown> {
  const key = `${root}|${lang}|${ns}`;
  let v = cache.get(key);
  if (!v) {
    const file = join(root, lang, `${ns}.json`);
    v = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    cache.set(key, v);
  }
  return v;
}

/** `t('ticket.heading', {n: 3})` in one language, falling back to Japanese, then to the key. */
export function translator(lang: string, ns: string): (key: string, vars?: Record<string, string | number>) => string {
  const primary = localeFile(lang, ns);
  const fallback = localeFile('ja', ns);
  return (key, vars = {}) => {
    const raw = lookup(primary, key) ?? lookup(fallback, key) ?? key;
    return raw.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
  };
}

function lookup(obj: Record<string, unknown>, key: string): string | undefined {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}
