import { z } from 'zod';
import type { VisitState } from '../visit/state';
import type { WaitEstimator } from './estimate';

/**
 * The public status board (待ち状況): what the sync service publishes, one-way and outbound, for
 * visitors' phones. Only ticket numbers (meaningless outside the hall), states, counter labels,
 * counts and minutes: never a name, a procedure, a department of a ticket, or a visit id.
 */
export const STATUS_SNAPSHOT_VERSION = 1;

/** What the public may see of a ticket; finished and cancelled tickets are left out (as unknown). */
export type PublicTicketState = 'waiting' | 'called' | 'serving' | 'away';

const site = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a site id');
const minutes = z.number().int().min(0).max(999);
const counter = z.string().min(1).max(16);

export const statusSnapshotSchema = z
  .object({
    v: z.literal(STATUS_SNAPSHOT_VERSION),
    site,
    businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** Milliseconds since the epoch; the relay refuses an old or replayed snapshot by it. */
    generatedAt: z.number().int().positive(),
    departments: z
      .array(z.object({ id: site, waiting: z.number().int().min(0).max(100_000), openCounters: z.number().int().min(0).max(1000), estimateMinutes: minutes }).strict())
      .max(200),
    /** Numbers being called now (the board's 呼出中), with their counters. */
    called: z.array(z.object({ n: z.number().int().min(0).max(99_999), c: counter }).strict()).max(1000),
    /** Every ticket still in the building today: number, state, counter, ahead, estimate. */
    tickets: z
      .array(
        z
          .object({
            n: z.number().int().min(0).max(99_999),
            s: z.enum(['waiting', 'called', 'serving', 'away']),
            c: counter.optional(),
            a: z.number().int().min(0).max(100_000).optional(),
            e: minutes.optional(),
          })
          .strict(),
      )
      .max(20_000),
  })
  .strict();
export type StatusSnapshot = z.infer<typeof statusSnapshotSchema>;

/** Today's visits of one site → the snapshot. `visits` may hold other days; only `businessDate` counts. */
export function buildStatusSnapshot(visits: Iterable<VisitState>, estimator: WaitEstimator, opts: { site: string; businessDate: string; now: number }): StatusSnapshot {
  const tickets: StatusSnapshot['tickets'] = [];
  const called: StatusSnapshot['called'] = [];
  for (const v of visits) {
    if (v.businessDate !== opts.businessDate) continue;
    if (v.status === 'done' || v.status === 'cancelled') continue;
    if (v.status === 'waiting') {
      const w = estimator.forVisit(v);
      tickets.push({ n: v.number, s: 'waiting', ...(w ? { a: w.ahead, e: Math.min(999, w.minutes) } : {}) });
    } else if ((v.status === 'called' || v.status === 'serving') && v.call) {
      const c = v.call.counter.slice(0, 16);
      tickets.push({ n: v.number, s: v.status, c });
      if (v.status === 'called') called.push({ n: v.number, c });
    } else if (v.status === 'no-show') {
      tickets.push({ n: v.number, s: 'away' });
    }
  }
  tickets.sort((a, b) => a.n - b.n);
  called.sort((a, b) => a.n - b.n);
  return {
    v: STATUS_SNAPSHOT_VERSION,
    site: opts.site,
    businessDate: opts.businessDate,
    generatedAt: opts.now,
    departments: estimator.departments().map((d) => ({ id: d.department, waiting: d.waiting, openCounters: d.openCounters, estimateMinutes: Math.min(999, d.estimateMinutes) })),
    called,
    tickets,
  };
}

/** The relay's answer for one number: the same shape whether the number exists or not. */
export interface PublicTicketStatus {
  site: string;
  number: number;
  /** `none`: not in today's line (never issued, or already finished); `unavailable`: no fresh snapshot. */
  state: PublicTicketState | 'none' | 'unavailable';
  counter: string | null;
  ahead: number | null;
  estimateMinutes: number | null;
  updatedAt: string | null;
}

export function ticketStatus(snapshot: StatusSnapshot | undefined, site: string, number: number, fresh: boolean): PublicTicketStatus {
  const base: PublicTicketStatus = { site, number, state: 'unavailable', counter: null, ahead: null, estimateMinutes: null, updatedAt: null };
  if (!snapshot || !fresh) return base;
  const t = snapshot.tickets.find((x) => x.n === number);
  return {
    ...base,
    state: t ? t.s : 'none',
    counter: t?.c ?? null,
    ahead: t?.a ?? null,
    estimateMinutes: t?.e ?? null,
    updatedAt: new Date(snapshot.generatedAt).toISOString(),
  };
}
