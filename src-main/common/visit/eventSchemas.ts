import { z } from 'zod';
import { ITEM_STATUSES, PAYMENT_METHODS, type ItemStatus, type VisitEventType } from './events';

/**
 * One zod schema per visit event type: the shape the fold (fold.ts) reads. The sync server checks
 * every pushed payload with these, and a terminal checks every pulled one before it folds it, so a
 * malformed event is refused or set aside where it is found instead of breaking every terminal.
 *
 * Objects are not strict: a newer app version may add fields, and retention (redact.ts) marks
 * payloads `redacted: true` with blanked text and `facts: null`. Text fields are bounded so one
 * event can never outgrow the sync limits (LIMITS.maxPayloadBytes).
 */
const id = z.string().min(1).max(80);
const text = (max: number) => z.string().max(max);
const isoTime = z.string().min(10).max(40);
const actor = z.object({ terminal: id, staff: z.string().min(1).max(80).optional() });
const ref = { visitId: z.string().min(1).max(64), at: isoTime, by: actor };

export const itemSeedSchema = z.object({
  id,
  department: id,
  route: z.enum(['accept', 'proxy', 'refer', 'refer-optional']),
  delivery: z.enum(['none', 'immediate', 'later']),
  need: z.enum(['required', 'optional', 'to-confirm']),
  members: z.array(z.number().int().min(0).max(99)).max(50).optional(),
  fee: z.number().int().min(0).max(10_000_000).optional(),
});

export const adjustmentSchema = z.object({ itemId: id, action: z.enum(['added', 'removed']), reason: text(500) });

const itemStatus = z.enum(ITEM_STATUSES as [ItemStatus, ...ItemStatus[]]);
// A counter is named by its number (窓口番号) or, in the simulation and some sites, by a longer label.
const counterAt = { ...ref, department: id, counter: id };

export const visitPayloadSchemas = {
  'visit.issued': z.object({
    ...ref,
    businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    station: id,
    number: z.number().int().min(1).max(99999),
    lang: z.string().min(2).max(16),
    priority: z.boolean(),
    events: z.array(z.string().min(1).max(80)).max(50),
    facts: z.unknown(),
    items: z.array(itemSeedSchema).max(200),
    route: z.array(id).max(50),
    adjustments: z.array(adjustmentSchema).max(50),
    source: z.enum(['kiosk', 'guide-qr']),
    catalog: z.object({ version: z.number().int().min(0).max(1_000_000), hash: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  }),
  'visit.called': z.object(counterAt),
  'visit.recalled': z.object(counterAt),
  'visit.noShow': z.object({ ...ref, department: id }),
  'visit.reactivated': z.object({ ...ref, department: id }),
  'visit.started': z.object(counterAt),
  'visit.itemStatus': z.object({ ...ref, itemId: id, status: itemStatus, department: id, reason: text(500).optional() }),
  'visit.itemAdded': z.object({ ...ref, item: itemSeedSchema, reason: text(500) }),
  'visit.noteAdded': z.object({ ...ref, noteId: id, department: id, counter: id.optional(), text: text(2000) }),
  'visit.finishedHere': z.object(counterAt),
  'visit.cancelled': z.object({ ...ref, reason: text(500) }),
  'visit.paymentTaken': z.object({
    ...ref,
    paymentId: id,
    method: z.enum(PAYMENT_METHODS),
    lines: z.array(z.object({ itemId: id, label: text(200), quantity: z.number().int().min(1).max(999), unitPrice: z.number().int().min(0).max(10_000_000) })).max(100),
    amount: z.number().int().min(0).max(100_000_000),
  }),
  'visit.surveyAnswered': z.object({
    ...ref,
    scores: z.object({
      ease: z.number().int().min(1).max(5).optional(),
      convenience: z.number().int().min(1).max(5).optional(),
      waiting: z.number().int().min(1).max(5).optional(),
      clarity: z.number().int().min(1).max(5).optional(),
      cashless: z.number().int().min(1).max(5).optional(),
    }),
  }),
  'visit.membersAttached': z.object({
    ...ref,
    residentIds: z.array(z.string().min(1).max(64)).max(50),
    facts: z.unknown(),
    items: z.array(itemSeedSchema).max(200),
    decisions: z.array(z.object({ member: z.number().int().min(0).max(49), field: z.string().min(1).max(40), keep: z.enum(['data', 'answered']) })).max(200).optional(),
  }),
} satisfies Record<VisitEventType, z.ZodTypeAny>;
