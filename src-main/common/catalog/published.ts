import { z } from 'zod';
import { ROLES } from '../config/schema';
import { addDays, isIsoDate, type IsoDate } from '../dates/isoDate';
import { closedDays, nextOpenDay } from '../dates/closedDays';
import type { CatalogBundle } from './types';

/**
 * Published catalog versions (issue 19). The 窓口運用WG publishes a catalog as one event in the
 * replicated log, so it is audited and every terminal receives it through sync:
 * `catalog.published` carries the version number, who published it, when, why, the business date
 * it takes effect and the whole catalog (the JSON files and the catalog texts of every language).
 * Each terminal says which version it serves with `catalog.activated`.
 */
export const CATALOG_PUBLISHED = 'catalog.published';
export const CATALOG_ACTIVATED = 'catalog.activated';

/** A catalog with its translations is ~200 KB of JSON; a city's own grows. The sync body limit is 4 MiB. */
export const CATALOG_MAX_BYTES = 1024 * 1024;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => isIsoDate(s), 'is not a calendar date');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest (64 hex digits)');

export const publisherSchema = z.object({
  terminal: z.string().min(1).max(80),
  role: z.enum(ROLES),
  staff: z.string().min(1).max(80).optional(),
});
export type Publisher = z.infer<typeof publisherSchema>;

/** The catalog's content: the same bundle the loader reads from a folder. Checked by `checkCatalog` on receipt, not here, so a version this app cannot read is kept out with its reason instead of blocking the log. */
export const catalogContentSchema = z.object({
  departments: z.unknown(),
  procedures: z.unknown(),
  bring: z.unknown(),
  online: z.unknown(),
  forms: z.unknown(),
  questions: z.unknown(),
  locales: z.record(z.string().min(1).max(16), z.unknown()),
});

export const catalogPublishedSchema = z.object({
  version: z.number().int().min(1).max(1_000_000),
  hash: sha256,
  publisher: publisherSchema,
  at: z.string().min(10).max(40),
  reason: z.string().trim().min(1, 'a reason is required').max(500),
  effective: isoDate,
  /** A rollback re-publishes an earlier version's content under a new number. */
  rollbackOf: z.number().int().min(0).max(1_000_000).optional(),
  content: catalogContentSchema,
});
export type CatalogPublished = Omit<z.infer<typeof catalogPublishedSchema>, 'content'> & { content: CatalogBundle };

export const catalogActivatedSchema = z.object({
  /** 0 = the catalog shipped with the app (no version published yet). */
  version: z.number().int().min(0).max(1_000_000),
  hash: sha256,
  at: z.string().min(10).max(40),
  /** A version this terminal could not read, kept out while the active one keeps serving. */
  refused: z.object({ version: z.number().int().min(1).max(1_000_000), reason: z.string().max(500) }).optional(),
});
export type CatalogActivated = z.infer<typeof catalogActivatedSchema>;

/** JSON with object keys sorted at every level: the text the version hash is taken over. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/**
 * The default effective date: the next business day, so no visitor's list changes while they are
 * in the building (weekends, national holidays, 29 Dec – 3 Jan and the city's closed days skipped).
 */
export function nextBusinessDay(today: IsoDate, cityClosedDays: readonly IsoDate[] = []): IsoDate {
  return nextOpenDay(addDays(today, 1), closedDays(cityClosedDays));
}

/** What a terminal knows of one published version. */
export interface CatalogVersionInfo {
  version: number;
  hash: string;
  publisher: Publisher;
  at: string;
  reason: string;
  effective: IsoDate;
  rollbackOf?: number;
  origin: string;
  seq: number;
  hlc: string;
  /** Why this terminal keeps it out (bad hash, not an admin, a catalog it cannot read); null when sound. */
  problem: string | null;
}

/**
 * The version that serves on `today`: the highest-numbered sound version already in effect (two
 * versions numbered alike, published at the same time on two terminals: the later clock wins).
 * A rollback is a new, higher version, so it overrides a version waiting for a later date.
 */
export function activeVersionOf<V extends Pick<CatalogVersionInfo, 'version' | 'hlc' | 'effective' | 'problem'>>(versions: readonly V[], today: IsoDate): V | undefined {
  let best: V | undefined;
  for (const v of versions) {
    if (v.problem !== null || v.effective > today) continue;
    if (!best || v.version > best.version || (v.version === best.version && v.hlc > best.hlc)) best = v;
  }
  return best;
}

/** The highest sound version published, whatever its date (what a terminal will serve next). */
export function latestVersionOf<V extends Pick<CatalogVersionInfo, 'version' | 'hlc' | 'problem'>>(versions: readonly V[]): V | undefined {
  let best: V | undefined;
  for (const v of versions) {
    if (v.problem !== null) continue;
    if (!best || v.version > best.version || (v.version === best.version && v.hlc > best.hlc)) best = v;
  }
  return best;
}
