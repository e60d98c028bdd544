import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { CATALOG_FILES, checkCatalog, localeFile, parseCatalog } from '../../common/catalog/parse';
import type { Catalog, CatalogBundle, CatalogIssue } from '../../common/catalog/types';

const ROOT = resolve(__dirname, '../../..');
export const DEFAULT_CATALOG_DIR = join(ROOT, 'fixtures', 'catalog');
export const DEFAULT_LOCALES_DIR = join(ROOT, 'locales');

/**
 * Where a catalog folder's locales are: `<dir>/locales` when the folder carries its own (a city's
 * edited copy), else the app's `locales/`.
 */
export function localesDirFor(dir: string): string {
  const own = join(dir, 'locales');
  return existsSync(own) ? own : DEFAULT_LOCALES_DIR;
}

/** Reads the JSON files of a catalog folder; a file that is missing or not JSON becomes an issue. */
export function readCatalogBundle(dir: string, localesDir: string, issues: CatalogIssue[] = []): CatalogBundle {
  const read = (file: string, full: string): unknown => {
    if (!existsSync(full)) {
      issues.push({ file, path: '(root)', reason: `missing file ${full}` });
      return undefined;
    }
    try {
      return JSON.parse(readFileSync(full, 'utf8')) as unknown;
    } catch (e) {
      issues.push({ file, path: '(root)', reason: `not valid JSON: ${(e as Error).message}` });
      return undefined;
    }
  };
  const bundle: CatalogBundle = {
    departments: read(CATALOG_FILES.departments, join(dir, CATALOG_FILES.departments)),
    procedures: read(CATALOG_FILES.procedures, join(dir, CATALOG_FILES.procedures)),
    bring: read(CATALOG_FILES.bring, join(dir, CATALOG_FILES.bring)),
    online: read(CATALOG_FILES.online, join(dir, CATALOG_FILES.online)),
    forms: read(CATALOG_FILES.forms, join(dir, CATALOG_FILES.forms)),
    questions: read(CATALOG_FILES.questions, join(dir, CATALOG_FILES.questions)),
    locales: {},
  };
  const langs = existsSync(localesDir) ? readdirSync(localesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  for (const lang of langs) {
    const full = join(localesDir, lang, 'catalog.json');
    if (!existsSync(full)) {
      issues.push({ file: localeFile(lang), path: '(root)', reason: 'missing translation file' });
      continue;
    }
    const v = read(localeFile(lang), full);
    if (v !== undefined) bundle.locales[lang] = v;
  }
  return bundle;
}

/** Every issue of a catalog folder: file, JSON path, reason. Empty when the catalog is sound. */
export function checkCatalogDir(dir: string = DEFAULT_CATALOG_DIR, localesDir: string = localesDirFor(dir)): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const bundle = readCatalogBundle(dir, localesDir, issues);
  if (issues.length > 0) return issues;
  return checkCatalog(bundle).issues;
}

const cache = new Map<string, Catalog>();

/** Loads and validates a catalog folder; throws AppError('bad-catalog') with field `<file>:<path>`. */
export function loadCatalog(dir: string = DEFAULT_CATALOG_DIR, localesDir: string = localesDirFor(dir)): Catalog {
  const issues: CatalogIssue[] = [];
  const bundle = readCatalogBundle(dir, localesDir, issues);
  const first = issues[0];
  if (first) throw new AppError('bad-catalog', first.reason, { field: `${first.file}:${first.path}`, details: issues });
  return parseCatalog(bundle);
}

/** The app's own catalog, read once per process. */
export function defaultCatalog(): Catalog {
  const key = `${DEFAULT_CATALOG_DIR}|${DEFAULT_LOCALES_DIR}`;
  let c = cache.get(key);
  if (!c) {
    c = loadCatalog();
    cache.set(key, c);
  }
  return c;
}
