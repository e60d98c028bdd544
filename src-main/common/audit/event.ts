import { z } from 'zod';

/**
 * The audit log replicates as events: each line a terminal writes to its own hash-chained
 * `audit_log` is also appended to the event log as `audit.recorded`. The free-text detail (it may
 * hold a search term) travels only as its SHA-256, so the copy at the sync service carries no
 * personal text yet lets anyone recompute the chain.
 *
 * Authorisation (for the sync service's table): originated by every role that has staff or an
 * operator (kiosk, counter, supervisor, admin; a display signs nobody in but a CLI on it may audit);
 * pulled by `admin` only.
 */
export const AUDIT_EVENT = 'audit.recorded';
export const GENESIS_HASH = '0'.repeat(64);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

export const auditRecordedSchema = z
  .object({
    id: z.number().int().min(1),
    at: z.string().min(1).max(40),
    actor: z.string().min(1).max(200),
    terminal: z.string().min(1).max(80),
    action: z.string().min(1).max(40),
    residentId: z.string().max(80).nullable(),
    householdId: z.string().max(80).nullable(),
    visitId: z.string().max(80).nullable(),
    purpose: z.string().max(2000),
    detailHash: hex64.nullable(),
    prevHash: hex64,
    hash: hex64,
  })
  .strict();

export type AuditRecorded = z.infer<typeof auditRecordedSchema>;
