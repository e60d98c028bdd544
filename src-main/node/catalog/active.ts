import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog } from '../../common/catalog/parse';
import type { CatalogVersionInfo } from '../../common/catalog/published';
import type { Catalog, CatalogBundle } from '../../common/catalog/types';
import { AppError } from '../../common/errors';
import type { Store } from '../store/store';
import { DEFAULT_CATALOG_DIR, localesDirFor, readCatalogBundle } from './load';
import { catalogHash, CatalogVersions } from './versions';

/** The catalog a terminal serves today, and why. */
export interface ActiveCatalogState {
  catalog: Catalog;
  bundle: CatalogBundle;
  /** 0: no version published yet, the data folder's `catalog/` or the shipped one serves. */
  version: number;
  hash: string;
  info?: CatalogVersionInfo;
  /** The newest version this terminal keeps out (it cannot read it), while this one keeps serving. */
  refused?: { version: number; reason: string };
  /** A sound version waiting for its effective date. */
  pending?: CatalogVersionInfo;
}

/** The catalog folder a data folder serves before any version is published. */
export function baseCatalogDir(dataDir: string): string {
  const own = join(dataDir, 'catalog');
  return existsSync(own) ? own : DEFAULT_CATALOG_DIR;
}

/** What identifies a visit's list: the catalog version and its hash. */
export interface CatalogSource {
  catalog(): Catalog;
  stamp(): { version: number; hash: string };
}

/**
 * A terminal's active catalog: the highest sound published version in effect on its business
 * date, else its base folder. Read from the store on each call, parsed once per version (a new
 * version or a new day is seen at once, with no restart).
 */
export class ActiveCatalog implements CatalogSource {
  readonly versions: CatalogVersions;
  private cacheKey = '';
  private cached: ActiveCatalogState | undefined;
  private base: { catalog: Catalog; bundle: CatalogBundle; hash: string } | undefined;
  private parsed = new Map<string, { catalog: Catalog; bundle: CatalogBundle }>();
  /** How many published versions this terminal held at the last look (none: nothing to say). */
  private versionCount = 0;

  constructor(
    private readonly store: Store,
    private readonly baseDir: string,
    private readonly today: () => string,
    /** Append `catalog.activated` when the served version changes (terminals; not read-only CLI verbs). */
    private readonly record = false,
  ) {
    this.versions = new CatalogVersions(store);
  }

  private baseCatalog(): { catalog: Catalog; bundle: CatalogBundle; hash: string } {
    if (!this.base) {
      const issues: Array<{ file: string; path: string; reason: string }> = [];
      const bundle = readCatalogBundle(this.baseDir, localesDirFor(this.baseDir), issues);
      const first = issues[0];
      if (first) throw new AppError('bad-catalog', first.reason, { field: `${first.file}:${first.path}`, details: issues });
      this.base = { catalog: parseCatalog(bundle), bundle, hash: catalogHash(bundle) };
    }
    return this.base;
  }

  current(): ActiveCatalogState {
    const today = this.today();
    const mark = this.store.stmt('SELECT COUNT(*) AS n, MAX(hlc) AS h FROM catalog_versions').get() as { n: number; h: string | null };
    const key = `${today}|${mark.n}|${mark.h ?? ''}`;
    if (this.cached && key === this.cacheKey) return this.cached;
    const all = this.versions.list();
    const info = this.versions.active(today);
    let state: ActiveCatalogState;
    if (info) {
      let p = this.parsed.get(info.hash);
      if (!p) {
        const bundle = this.versions.content(info);
        p = { bundle, catalog: parseCatalog(bundle) };
        this.parsed.set(info.hash, p);
      }
      state = { ...p, version: info.version, hash: info.hash, info };
    } else {
      const b = this.baseCatalog();
      state = { catalog: b.catalog, bundle: b.bundle, version: 0, hash: b.hash };
    }
    const newer = all.filter((v) => v.version > state.version);
    const refused = newer.filter((v) => v.problem !== null).pop();
    if (refused) state.refused = { version: refused.version, reason: refused.problem! };
    const pending = newer.filter((v) => v.problem === null).pop();
    if (pending) state.pending = pending;
    this.cached = state;
    this.cacheKey = key;
    this.versionCount = all.length;
    if (this.record) this.sayWhatServes(state);
    return state;
  }

  /** Appends `catalog.activated` when what this terminal serves changed since it last said so. */
  private sayWhatServes(state: ActiveCatalogState): boolean {
    // Nothing to say before any version was published (a terminal on its base catalog is not behind).
    if (this.versionCount === 0) return false;
    return this.versions.recordActivation({ version: state.version, hash: state.hash, ...(state.refused ? { refused: state.refused } : {}) });
  }

  /**
   * Which version serves now, said in the log (`catalog.activated`) when it changed since this
   * terminal last said so: for the CLI verbs that write (publish, rollback, sync, doctor), so a
   * report or an audit can tell when each terminal switched even when no app ran that day.
   */
  announce(): { state: ActiveCatalogState; recorded: boolean } {
    const state = this.current();
    return { state, recorded: this.sayWhatServes(state) };
  }

  catalog(): Catalog {
    return this.current().catalog;
  }

  bundle(): CatalogBundle {
    return this.current().bundle;
  }

  stamp(): { version: number; hash: string } {
    const s = this.current();
    return { version: s.version, hash: s.hash };
  }
}
