import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CatalogBundle } from '../../common/catalog/types';
import { AppError } from '../../common/errors';
import { ActiveCatalog, baseCatalogDir } from './active';
import { localesDirFor, readCatalogBundle } from './load';
import { issueLines } from './publish';
import { defaultDataDir, openTerminal, type Terminal } from '../terminal/dataFolder';

/** A catalog folder as a bundle; a missing or unreadable file is an error naming it. */
export function bundleFromDir(dir: string): CatalogBundle {
  const issues: Array<{ file: string; path: string; reason: string }> = [];
  const bundle = readCatalogBundle(dir, localesDirFor(dir), issues);
  const first = issues[0];
  if (first) throw new AppError('bad-catalog', `${dir}:\n${issueLines(issues).join('\n')}`, { field: `${first.file}:${first.path}`, details: issues });
  return bundle;
}

/** A published catalog JSON: a `catalog.published` payload (its `content`) or a bare bundle. */
export function bundleFromJson(file: string): CatalogBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('bad-input', `${file}: not a readable JSON file: ${(e as Error).message}`, { field: 'catalog' });
  }
  const o = raw as { content?: unknown; procedures?: unknown };
  if (o && typeof o === 'object' && o.content && typeof o.content === 'object') return o.content as CatalogBundle;
  if (o && typeof o === 'object' && o.procedures !== undefined) return raw as CatalogBundle;
  throw new AppError('bad-input', `${file}: neither a published catalog (with "content") nor a catalog bundle`, { field: 'catalog' });
}

function withTerminal<T>(dataDir: string | undefined, fn: (t: Terminal) => T): T {
  const t = openTerminal(resolve(dataDir ?? defaultDataDir()));
  try {
    return fn(t);
  } finally {
    t.close();
  }
}

/** The active catalog of a data folder, read-only (no `catalog.activated` is written). */
export function activeOf(t: Terminal): ActiveCatalog {
  return new ActiveCatalog(t.store, baseCatalogDir(t.dataDir), () => t.visits.today());
}

/**
 * Says in the log which version this terminal serves now (`catalog.activated`), when that changed
 * since it last said so: after `catalog publish`/`rollback`, `sync`, `doctor` on the command line.
 */
export function announceActive(t: Terminal): { version: number; recorded: boolean } {
  const { state, recorded } = activeOf(t).announce();
  return { version: state.version, recorded };
}

/** `DIR`, `FILE.json`, or with --data: `N` / `vN` (a published version) or `active`. */
function resolveRef(ref: string, dataDir: string | undefined): { label: string; bundle: CatalogBundle } {
  const m = /^v?(\d+)$/.exec(ref);
  if ((m || ref === 'active') && !existsSync(ref)) {
    if (dataDir === undefined) throw new AppError('bad-input', `"${ref}" names a published version: give --data DIR (the terminal holding it)`, { field: 'data' });
    return withTerminal(dataDir, (t) => {
      const a = activeOf(t);
      if (ref === 'active') {
        const s = a.current();
        return { label: `active (version ${s.version})`, bundle: s.bundle };
      }
      const n = Number(m![1]);
      if (n === 0) return { label: 'version 0 (base catalog)', bundle: bundleFromDir(baseCatalogDir(t.dataDir)) };
      const v = a.versions.find(n);
      if (!v) throw new AppError('not-found', `no catalog version ${n} in ${t.dataDir}`, { field: 'version' });
      return { label: `version ${n}`, bundle: a.versions.content(v) };
    });
  }
  const full = resolve(ref);
  if (!existsSync(full)) throw new AppError('bad-input', `no catalog folder or file "${ref}"`, { field: 'catalog' });
  return { label: ref, bundle: statSync(full).isDirectory() ? bundleFromDir(full) : bundleFromJson(full) };
}

export { resolveRef, withTerminal };
