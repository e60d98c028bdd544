import { createHash } from 'node:crypto';
import { checkCatalog } from '../../common/catalog/parse';
import {
  activeVersionOf,
  CATALOG_ACTIVATED,
  CATALOG_PUBLISHED,
  canonicalJson,
  catalogActivatedSchema,
  catalogPublishedSchema,
  latestVersionOf,
  type CatalogActivated,
  type CatalogPublished,
  type CatalogVersionInfo,
  type Publisher,
} from '../../common/catalog/published';
import type { CatalogBundle } from '../../common/catalog/types';
import { formatPath } from '../../common/errors';
import type { StoredEvent } from '../../common/sync/event';
import type { Projector, Store } from '../store/store';

/** SHA-256 of a catalog's canonical JSON: the hash a published version carries and every terminal checks. */
export function catalogHash(content: CatalogBundle): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/** Why a terminal keeps a published version out, or null when it can serve it. */
export function problemOf(payload: unknown): string | null {
  const r = catalogPublishedSchema.safeParse(payload);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return `payload.${formatPath(i.path) || '(root)'}: ${i.message}`;
  }
  const p = r.data;
  if (p.publisher.role !== 'admin') return `published by a ${p.publisher.role} terminal (${p.publisher.terminal}); only an administrator publishes a catalog`;
  const hash = catalogHash(p.content as CatalogBundle);
  if (hash !== p.hash) return `the content does not match its hash (expected ${p.hash.slice(0, 12)}…, got ${hash.slice(0, 12)}…)`;
  const { issues } = checkCatalog(p.content as CatalogBundle);
  const first = issues[0];
  if (first) return `this app cannot read it: ${first.file}: ${first.path}: ${first.reason}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
  return null;
}

type VersionRow = {
  origin: string;
  seq: number;
  hlc: string;
  version: number;
  hash: string;
  publisher: string;
  published_at: string;
  reason: string;
  effective: string;
  rollback_of: number | null;
  problem: string | null;
};

function str(v: unknown, max = 500): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

/**
 * Folds `catalog.published` into `catalog_versions` (verified once, on arrival: hash, publisher,
 * this app's catalog check) and `catalog.activated` into `catalog_terminals`.
 */
export const catalogProjector: Projector = {
  name: 'catalog',
  tables: ['catalog_versions', 'catalog_terminals'],
  apply(store: Store, ev: StoredEvent) {
    if (ev.type === CATALOG_PUBLISHED) {
      const p = (ev.payload ?? {}) as Record<string, unknown>;
      const problem = problemOf(ev.payload);
      const version = typeof p.version === 'number' && Number.isInteger(p.version) ? p.version : 0;
      store
        .stmt(
          `INSERT OR REPLACE INTO catalog_versions (origin, seq, hlc, version, hash, publisher, published_at, reason, effective, rollback_of, problem)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(ev.origin, ev.seq, ev.hlc, version, str(p.hash, 64), JSON.stringify(p.publisher ?? null), str(p.at, 40), str(p.reason), str(p.effective, 10), typeof p.rollbackOf === 'number' ? p.rollbackOf : null, problem);
      return;
    }
    if (ev.type === CATALOG_ACTIVATED) {
      const r = catalogActivatedSchema.safeParse(ev.payload);
      if (!r.success) return;
      const a = r.data;
      store
        .stmt(
          `INSERT INTO catalog_terminals (terminal, version, hash, at, hlc, refused_version, refused_reason) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(terminal) DO UPDATE SET version = excluded.version, hash = excluded.hash, at = excluded.at, hlc = excluded.hlc,
             refused_version = excluded.refused_version, refused_reason = excluded.refused_reason
           WHERE excluded.hlc > catalog_terminals.hlc`,
        )
        .run(ev.origin, a.version, a.hash, a.at, ev.hlc, a.refused?.version ?? null, a.refused?.reason ?? null);
    }
  },
};

function toInfo(r: VersionRow): CatalogVersionInfo {
  let publisher: Publisher = { terminal: '?', role: 'admin' };
  try {
    publisher = (JSON.parse(r.publisher) as Publisher | null) ?? publisher;
  } catch {
    /* kept as unknown */
  }
  return {
    version: r.version,
    hash: r.hash,
    publisher,
    at: r.published_at,
    reason: r.reason,
    effective: r.effective,
    ...(r.rollback_of !== null ? { rollbackOf: r.rollback_of } : {}),
    origin: r.origin,
    seq: r.seq,
    hlc: r.hlc,
    problem: r.problem,
  };
}

export interface TerminalCatalogState {
  terminal: string;
  version: number;
  hash: string;
  at: string;
  refused?: { version: number; reason: string };
}

/** A terminal's published catalog versions, read from its own store. */
export class CatalogVersions {
  constructor(private readonly store: Store) {}

  /** Every version this terminal holds, oldest first (sound or kept out). */
  list(): CatalogVersionInfo[] {
    return (this.store.stmt('SELECT * FROM catalog_versions ORDER BY version, hlc').all() as VersionRow[]).map(toInfo);
  }

  active(today: string): CatalogVersionInfo | undefined {
    return activeVersionOf(this.list(), today);
  }

  latest(): CatalogVersionInfo | undefined {
    return latestVersionOf(this.list());
  }

  /** The next version number: one above any this terminal has seen (kept out or not). */
  nextNumber(): number {
    return ((this.store.stmt('SELECT MAX(version) AS v FROM catalog_versions').get() as { v: number | null }).v ?? 0) + 1;
  }

  /** A sound version by number (the latest published under that number). */
  find(version: number): CatalogVersionInfo | undefined {
    return this.list()
      .filter((v) => v.version === version)
      .pop();
  }

  /** The published catalog of a version, from the event log. */
  content(v: Pick<CatalogVersionInfo, 'origin' | 'seq'>): CatalogBundle {
    const row = this.store.stmt('SELECT payload FROM events WHERE origin = ? AND seq = ?').get(v.origin, v.seq) as { payload: string } | undefined;
    if (!row) throw new Error(`catalog event ${v.origin}#${v.seq} is missing from the log`);
    return (JSON.parse(row.payload) as CatalogPublished).content;
  }

  /** Appends a `catalog.published` event (the caller has checked the catalog). */
  publish(input: { content: CatalogBundle; publisher: Publisher; reason: string; effective: string; rollbackOf?: number }): CatalogVersionInfo {
    return this.store.tx(() => {
      const payload: CatalogPublished = {
        version: this.nextNumber(),
        hash: catalogHash(input.content),
        publisher: input.publisher,
        at: new Date(this.store.now()).toISOString(),
        reason: input.reason,
        effective: input.effective,
        ...(input.rollbackOf !== undefined ? { rollbackOf: input.rollbackOf } : {}),
        content: input.content,
      };
      const ev = this.store.append(CATALOG_PUBLISHED, payload);
      return toInfo(this.store.stmt('SELECT * FROM catalog_versions WHERE origin = ? AND seq = ?').get(ev.origin, ev.seq) as VersionRow);
    });
  }

  /** What every terminal last said it serves (`catalog.activated`), by terminal id. */
  terminals(): TerminalCatalogState[] {
    const rows = this.store.stmt('SELECT * FROM catalog_terminals ORDER BY terminal').all() as Array<{ terminal: string; version: number; hash: string; at: string; refused_version: number | null; refused_reason: string | null }>;
    return rows.map((r) => ({
      terminal: r.terminal,
      version: r.version,
      hash: r.hash,
      at: r.at,
      ...(r.refused_version !== null ? { refused: { version: r.refused_version, reason: r.refused_reason ?? '' } } : {}),
    }));
  }

  /** Says which version this terminal serves, when that changed since it last said so. */
  recordActivation(a: Omit<CatalogActivated, 'at'>): boolean {
    const mine = this.store.stmt('SELECT version, hash, refused_version FROM catalog_terminals WHERE terminal = ?').get(this.store.nodeId) as { version: number; hash: string; refused_version: number | null } | undefined;
    if (mine && mine.version === a.version && mine.hash === a.hash && (mine.refused_version ?? undefined) === a.refused?.version) return false;
    this.store.append(CATALOG_ACTIVATED, { ...a, at: new Date(this.store.now()).toISOString() } satisfies CatalogActivated);
    return true;
  }
}
