import { z } from 'zod';
import type { Role } from '../config/schema';
import { AUDIT_EVENT, auditRecordedSchema } from '../audit/event';
import { formatPath } from '../errors';
import { redactPayload } from '../reports/redact';
import { VISIT_EVENT_TYPES, type VisitEventType } from '../visit/events';
import { visitPayloadSchemas } from '../visit/eventSchemas';
import { LIMITS, type WireEvent } from './protocol';
import { compileSchemaCheck, type SchemaCheck } from './schemaCheck';
import { CATALOG_ACTIVATED, CATALOG_MAX_BYTES, CATALOG_PUBLISHED, catalogActivatedSchema, catalogPublishedSchema } from '../catalog/published';

/**
 * One authorisation table for the replicated log: for every event type, which terminal roles may
 * originate it and what each role receives when it pulls it. The sync server enforces it on every
 * push and applies it to every pull; a type missing here is refused (a test checks that every
 * type of the union has an entry).
 *
 * Pull access:
 * - `full`: the event as stored;
 * - `redacted`: the personal details removed (redact.ts: facts, resident ids, free text) — what a
 *   screen in a public place needs to keep its queue right, nothing more;
 * - `withheld`: replaced by a `sync.withheld` placeholder with the same origin, seq and clock, so
 *   the pulling terminal's version vector stays contiguous but it learns nothing of the event.
 */
export type PullAccess = 'full' | 'redacted' | 'withheld';

export interface EventRule {
  originate: readonly Role[];
  pull: Readonly<Record<Role, PullAccess>>;
  /** Payload schema (the same the terminals fold with). */
  payload: z.ZodTypeAny;
  /** The payload names the acting terminal (`by.terminal`): it must be the pushing terminal. */
  actor: boolean;
  /** A larger payload limit than LIMITS.maxPayloadBytes for this type (a published catalog). */
  maxBytes?: number;
}

/** Written by a terminal that cannot ever get one of its own events accepted (too large, invalid): it takes the seq's place on the wire. */
export const SKIPPED_EVENT = 'sync.skipped';
/** Made by the server for a role that may not read an event: it takes the event's place in the pull. */
export const WITHHELD_EVENT = 'sync.withheld';
/** Written locally by a terminal in place of a pulled event it set aside in quarantine; never pushed. */
export const QUARANTINED_EVENT = 'sync.quarantined';
/** Data retention ran on a terminal (src-main/node/reports/retention.ts). */
export const RETENTION_EVENT_TYPE = 'report.retention';

const all = (a: PullAccess): Record<Role, PullAccess> => ({ kiosk: a, counter: a, display: a, supervisor: a, admin: a });
/** Counters, supervisors and admins see everything; kiosks and displays as given. */
const staffFull = (kiosk: PullAccess, display: PullAccess): Record<Role, PullAccess> => ({ kiosk, counter: 'full', display, supervisor: 'full', admin: 'full' });

const COUNTER: readonly Role[] = ['counter', 'admin'];
const visit = (type: VisitEventType, originate: readonly Role[], kiosk: PullAccess, display: PullAccess): EventRule => ({
  originate,
  pull: staffFull(kiosk, display),
  payload: visitPayloadSchemas[type],
  actor: true,
});

const reason = z.string().max(500);

export const EVENT_RULES = {
  'visit.issued': visit('visit.issued', ['kiosk', 'admin'], 'full', 'redacted'),
  'visit.called': visit('visit.called', COUNTER, 'full', 'full'),
  'visit.recalled': visit('visit.recalled', COUNTER, 'full', 'full'),
  'visit.noShow': visit('visit.noShow', COUNTER, 'full', 'full'),
  // A kiosk re-registers a visitor who missed the call.
  'visit.reactivated': visit('visit.reactivated', ['counter', 'kiosk', 'admin'], 'full', 'full'),
  'visit.started': visit('visit.started', COUNTER, 'full', 'full'),
  'visit.itemStatus': visit('visit.itemStatus', COUNTER, 'redacted', 'redacted'),
  'visit.itemAdded': visit('visit.itemAdded', COUNTER, 'redacted', 'redacted'),
  'visit.noteAdded': visit('visit.noteAdded', ['counter', 'supervisor', 'admin'], 'withheld', 'withheld'),
  'visit.finishedHere': visit('visit.finishedHere', COUNTER, 'full', 'full'),
  // A visitor who gives up at the kiosk; a supervisor closing a visit.
  'visit.cancelled': visit('visit.cancelled', ['counter', 'kiosk', 'supervisor', 'admin'], 'redacted', 'redacted'),
  'visit.paymentTaken': visit('visit.paymentTaken', COUNTER, 'withheld', 'withheld'),
  // Answered on the counter's visitor-facing screen or at the kiosk.
  'visit.surveyAnswered': visit('visit.surveyAnswered', ['counter', 'kiosk', 'admin'], 'full', 'withheld'),
  // Resident data merged in: redacted (items kept, ids and facts dropped) for the public-facing roles.
  'visit.membersAttached': visit('visit.membersAttached', ['counter', 'supervisor', 'admin'], 'redacted', 'redacted'),
  // Each terminal's hash-chained audit lines (free text only as its digest): the service keeps a
  // copy a local edit cannot reach; only an administrator pulls them back.
  [AUDIT_EVENT]: {
    originate: ['kiosk', 'counter', 'display', 'supervisor', 'admin'],
    pull: { kiosk: 'withheld', counter: 'withheld', display: 'withheld', supervisor: 'withheld', admin: 'full' },
    payload: auditRecordedSchema,
    actor: false,
  },
  [RETENTION_EVENT_TYPE]: {
    originate: ['kiosk', 'counter', 'display', 'supervisor', 'admin'],
    pull: staffFull('withheld', 'withheld'),
    payload: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), visits: z.number().int().min(0), erasedEvents: z.number().int().min(0), at: z.string().max(40) }),
    actor: false,
  },
  // The 窓口運用WG's catalog (issue 19): published on an admin terminal, read by every terminal.
  [CATALOG_PUBLISHED]: { originate: ['admin'], pull: all('full'), payload: catalogPublishedSchema, actor: false, maxBytes: CATALOG_MAX_BYTES },
  // Which version a terminal serves (the supervisor lists terminals that are behind).
  [CATALOG_ACTIVATED]: { originate: ['kiosk', 'counter', 'display', 'supervisor', 'admin'], pull: staffFull('withheld', 'withheld'), payload: catalogActivatedSchema, actor: false },
  [SKIPPED_EVENT]: {
    originate: ['kiosk', 'counter', 'display', 'supervisor', 'admin'],
    pull: all('full'),
    payload: z.object({ type: z.string().max(64), reason, bytes: z.number().int().min(0).optional() }),
    actor: false,
  },
  [WITHHELD_EVENT]: { originate: [], pull: all('full'), payload: z.object({}), actor: false },
  [QUARANTINED_EVENT]: { originate: [], pull: all('withheld'), payload: z.object({ type: z.string().max(64), reason }), actor: false },
} satisfies Record<string, EventRule>;

export type AuthorisedEventType = keyof typeof EVENT_RULES;
export const EVENT_TYPES = Object.keys(EVENT_RULES) as AuthorisedEventType[];

/** Every visit event type has a rule (compile time); the test checks the same at run time. */
const _everyVisitTypeHasARule: Record<VisitEventType, EventRule> = EVENT_RULES;
void _everyVisitTypeHasARule;
void VISIT_EVENT_TYPES;

export function ruleOf(type: string): EventRule | undefined {
  return Object.prototype.hasOwnProperty.call(EVENT_RULES, type) ? (EVENT_RULES as Record<string, EventRule>)[type] : undefined;
}

const payloadChecks = new Map<EventRule, SchemaCheck | null>();

/** A rule's payload schema as a precompiled predicate (schemaCheck.ts), made once. */
function payloadCheckOf(rule: EventRule): SchemaCheck | null {
  let c = payloadChecks.get(rule);
  if (c === undefined) {
    c = compileSchemaCheck(rule.payload);
    payloadChecks.set(rule, c);
  }
  return c;
}

/** Bytes of `s` in UTF-8 (what TextEncoder would make), without making them. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 4 bytes for 2 code units
      i++;
    } else n += 2; // 3 bytes (a lone surrogate becomes U+FFFD, also 3)
  }
  return n;
}

/** Why an event cannot be accepted anywhere: names the event and the field. */
export interface EventProblem {
  code: 'unknown-type' | 'invalid-event' | 'event-too-large';
  field: string;
  message: string;
}

function label(e: Pick<WireEvent, 'origin' | 'seq' | 'type'>): string {
  return `event ${e.origin}#${e.seq} (${e.type})`;
}

/**
 * Checks one event's payload against its type's schema and the size limit. Null when it is fine.
 * The same check runs on the server (push), on a terminal before it sends (outbox) and on a
 * terminal before it folds what it pulled.
 */
export function checkEventPayload(e: Pick<WireEvent, 'origin' | 'seq' | 'type'> & { payload: unknown; visitId?: string | null }, serialised?: { json?: string }): EventProblem | null {
  const rule = ruleOf(e.type);
  if (!rule) return { code: 'unknown-type', field: 'type', message: `${label(e)}: unknown event type "${e.type}"; known types: ${EVENT_TYPES.join(', ')}` };
  let size: number;
  try {
    const json = JSON.stringify(e.payload);
    // A caller that stores the payload next may keep its JSON text rather than make it again.
    if (serialised) serialised.json = json;
    // A UTF-16 unit is at most 3 bytes of UTF-8: text of up to a third of the limit in units is
    // within it, whatever it holds (nearly every payload), and is not measured.
    size = json === undefined ? 0 : json.length * 3 <= (rule.maxBytes ?? LIMITS.maxPayloadBytes) ? json.length : utf8Length(json);
  } catch {
    return { code: 'invalid-event', field: 'payload', message: `${label(e)}: payload is not serialisable JSON` };
  }
  const limit = rule.maxBytes ?? LIMITS.maxPayloadBytes;
  if (size > limit) return { code: 'event-too-large', field: 'payload', message: `${label(e)}: payload is ${size} bytes; the limit is ${limit}` };
  // The precompiled check answers for the well-formed payloads; the schema itself for the rest (and names the field).
  const fast = payloadCheckOf(rule);
  const r = fast && fast(e.payload) ? { success: true as const } : rule.payload.safeParse(e.payload);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = formatPath(issue.path);
    const field = `payload${path ? (path.startsWith('[') ? path : `.${path}`) : ''}`;
    return { code: 'invalid-event', field, message: `${label(e)}: ${field}: ${issue.message}` };
  }
  // A visit event folds into the visit the log row names: it must be the one its payload names.
  if (rule.actor && e.visitId !== undefined) {
    const pv = (e.payload as { visitId?: unknown }).visitId;
    if (pv !== e.visitId) return { code: 'invalid-event', field: 'visitId', message: `${label(e)}: visitId: the event is filed under visit "${String(e.visitId)}" but its payload is about "${String(pv)}"` };
  }
  return null;
}

/** Whether a role may originate a type, with the reason when it may not. */
export function mayOriginate(role: Role, type: string): string | null {
  const rule = ruleOf(type);
  if (!rule) return `unknown event type "${type}"`;
  if (!rule.originate.includes(role)) {
    return rule.originate.length
      ? `a ${role} terminal may not originate "${type}" events (allowed: ${rule.originate.join(', ')})`
      : `"${type}" events are never sent by a terminal`;
  }
  return null;
}

/** How a role receives events of a type on pull (an unknown type is withheld). */
export function pullAccess(role: Role, type: string): PullAccess {
  return ruleOf(type)?.pull[role] ?? 'withheld';
}

/** The event as a role receives it on pull: as is, redacted, or a placeholder in its place. */
export function eventForRole<E extends WireEvent>(role: Role, e: E): E {
  const access = pullAccess(role, e.type);
  if (access === 'full') return e;
  if (access === 'redacted') {
    const p = redactPayload(e.type, e.payload);
    return p ? { ...e, payload: p } : e;
  }
  return { ...e, type: WITHHELD_EVENT, visitId: null, payload: {} };
}

/** The acting terminal a payload names (`by.terminal`), when its type carries one. */
export function actorOf(type: string, payload: unknown): string | undefined {
  if (!ruleOf(type)?.actor) return undefined;
  const by = (payload as { by?: { terminal?: unknown } } | null)?.by;
  return typeof by?.terminal === 'string' ? by.terminal : undefined;
}
