import { z } from 'zod';
import type { CatalogDiff } from '../catalog/diff';
import { catalogContentSchema, type CatalogVersionInfo } from '../catalog/published';
import type { CatalogIssue } from '../catalog/types';
import { method } from './define';

/** The catalog this terminal serves (status bar, doctor): version, what waits, what is kept out. */
export interface CatalogStatus {
  version: number;
  hash: string;
  today: string;
  effective?: string;
  pending?: { version: number; effective: string };
  refused?: { version: number; reason: string };
}

export interface CatalogVersionsView {
  status: CatalogStatus;
  versions: CatalogVersionInfo[];
  /** What each terminal last said it serves; `behind` when older than this terminal's active version. */
  terminals: Array<{ terminal: string; version: number; at: string; behind: boolean; refused?: { version: number; reason: string } }>;
  /** The default effective date (the next business day). */
  nextBusinessDay: string;
}

export interface CatalogPreview {
  issues: CatalogIssue[];
  diff?: CatalogDiff;
}

const bundle = catalogContentSchema;
const admin = { roles: ['admin'] as const, staff: true };

/** The catalog editor (issue 19): the 窓口運用WG edits, previews, publishes and rolls back. */
export const catalogMethods = {
  'catalog.status': method<CatalogStatus>()(z.object({})),
  'catalog.versions': method<CatalogVersionsView>()(z.object({}), { roles: ['admin', 'supervisor'], staff: true }),
  /** A draft checked with `catalog check` and run on the sample households against the active version. */
  'catalog.preview': method<CatalogPreview>()(z.object({ bundle }), admin),
  'catalog.publish': method<CatalogVersionInfo>()(
    z.object({
      bundle,
      reason: z.string().trim().min(1, 'a reason is required').max(500),
      /** YYYY-MM-DD; absent: the next business day. */
      effective: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
    }),
    admin,
  ),
  'catalog.rollback': method<CatalogVersionInfo>()(z.object({ /** 0: the base catalog (shipped with the app, or the data folder's own). */ to: z.number().int().min(0), reason: z.string().trim().max(500).optional() }), admin),
};
