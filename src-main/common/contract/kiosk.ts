import { z } from 'zod';
import { LANGUAGES } from '../config/schema';
import type { VisitState } from '../visit/state';
import type { CatalogBundle } from '../catalog/types';
import { method } from './define';

export interface PrintOutcome {
  jobId: string;
  state: 'printed' | 'failed';
  printer: string;
  message?: string;
}

export interface IssuedTicket {
  visit: VisitState;
  number: number;
  station: string;
  waitingAhead: number;
  /** Minutes until the first call, estimated at issue (待ち時間の見込み). */
  estimatedWaitMinutes?: number;
  print: PrintOutcome | null;
}

/** Bounded at the source: an event must fit the sync limits (a 30,000-character reason never reaches the log). */
const adjustment = z.object({
  itemId: z.string().min(1).max(80),
  action: z.enum(['added', 'removed']),
  reason: z.string().trim().min(1, 'a reason is needed').max(500, 'the reason is at most 500 characters'),
});

export const kioskMethods = {
  /** The catalog as raw JSON: every screen validates it with the same parser (parseCatalog). */
  'catalog.bundle': method<CatalogBundle>()(z.object({})),
  /** The concierge issues a ticket: the list comes from the engine, the number from the station. */
  'ticket.issue': method<IssuedTicket>()(
    z.object({
      lang: z.enum(LANGUAGES),
      priority: z.boolean().default(false),
      /** Visit facts (FACTS.md); validated by the guidance engine. */
      facts: z.record(z.string().max(80), z.unknown()).refine((f) => JSON.stringify(f).length <= 16_384, 'the facts are larger than 16 KB'),
      adjustments: z.array(adjustment).max(50).default([]),
      source: z.enum(['kiosk', 'guide-qr']).default('kiosk'),
    }),
    { roles: ['kiosk'] },
  ),
  'ticket.reprint': method<PrintOutcome>()(z.object({ visitId: z.string().uuid() }), { roles: ['kiosk'] }),
  /** 不在 → back: the concierge reactivates today's number of a visitor who was called while away; they are called next. */
  'ticket.reactivate': method<{ number: number; status: string; department: string | null; estimatedWaitMinutes?: number }>()(
    z.object({ number: z.number().int().min(0).max(99_999) }),
    { roles: ['kiosk'] },
  ),
  'printer.status': method<{ printer: string | null; state: string; message?: string; failedJobs: Array<{ id: string; ref: string; error: string }> }>()(z.object({})),
};
