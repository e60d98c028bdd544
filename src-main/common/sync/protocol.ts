import { z } from 'zod';

/**
 * The wire protocol between terminals and the sync service. Terminals of different app versions
 * share one server, so every request names the protocol it speaks (header and body); a server that
 * does not speak it answers 426 with a message a person can act on, never a half-understood write.
 *
 * Identity: a terminal's database origin (config `node.id`) IS its enrolled terminal id
 * (`madoguchi terminal init` sets node.id = terminal id), so the server can check that a terminal
 * pushes only its own events.
 */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = [1];

export const PROTOCOL_HEADER = 'x-madoguchi-protocol';
/** The pushing terminal's wall clock (ms since epoch), for skew detection. */
export const NOW_HEADER = 'x-madoguchi-now';

export const LIMITS = {
  /** Whole push body. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** Events per push and per pull page. */
  maxEventsPerPush: 2000,
  maxEventsPerPull: 2000,
  /** One event's payload, serialised. */
  maxPayloadBytes: 64 * 1024,
  /**
   * A pull page stops taking events once their stored text passes this many UTF-16 units (it always
   * takes one): 2,000 events of large payloads would otherwise make answers of 100 MB and more.
   */
  maxPullPageChars: 4 * 1024 * 1024,
  /**
   * The largest pull answer a terminal reads. A page holds at most maxPullPageChars plus its last
   * event (a published catalog: up to 1 MiB), 3 bytes of UTF-8 per unit at worst, plus envelopes:
   * under 16 MiB. Anything longer is not from a Madoguchi sync server and is refused unread.
   */
  maxPullAnswerBytes: 32 * 1024 * 1024,
  /** The pull query (version vector) in the URL. */
  maxQueryBytes: 16 * 1024,
  maxOrigins: 500,
  maxStations: 50,
} as const;

/** A terminal whose clock differs from the server's by more than this is flagged. */
export const SKEW_THRESHOLD_MS = 2 * 60_000;

const idPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;
const origin = z.string().regex(idPattern, 'must be a terminal id (lower-case letters, digits, "-")');
const hlcPattern = /^\d{15}\.\d{6}\.[a-z0-9][a-z0-9-]{0,39}$/;
const typePattern = /^[A-Za-z][A-Za-z0-9.\-_]*$/;

export const wireEventSchema = z
  .object({
    origin,
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    hlc: z.string().regex(hlcPattern, 'must be a hybrid logical clock value'),
    type: z.string().min(1).max(64).regex(typePattern, 'must be an event type name'),
    site: z.string().regex(idPattern, 'must be a site id'),
    visitId: z.string().min(1).max(64).nullable(),
    payload: z.unknown().refine((p) => p !== undefined, 'is required'),
  })
  .strict()
  .refine((e) => e.hlc.endsWith(`.${e.origin}`), { message: 'the clock value names another origin', path: ['hlc'] });
export type WireEvent = z.infer<typeof wireEventSchema>;

const wireKeys = new Set(['origin', 'seq', 'hlc', 'type', 'site', 'visitId', 'payload']);

/**
 * The same test as `wireEventSchema` written out by hand, for the events of a catch-up: true only
 * when the schema accepts `v` as it is. False means "ask the schema" (which names the field);
 * protocol.test.ts compares both on generated and mutated events.
 */
export function isWellFormedWireEvent(v: unknown): v is WireEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  for (const k in e) if (!wireKeys.has(k)) return false;
  const { origin: o, seq, hlc, type, site, visitId, payload } = e;
  return (
    typeof o === 'string' &&
    idPattern.test(o) &&
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 1 &&
    typeof hlc === 'string' &&
    hlcPattern.test(hlc) &&
    hlc.endsWith(`.${o}`) &&
    typeof type === 'string' &&
    type.length <= 64 &&
    typePattern.test(type) &&
    typeof site === 'string' &&
    idPattern.test(site) &&
    (visitId === null || (typeof visitId === 'string' && visitId.length >= 1 && (visitId.length <= 64 || [...visitId].length <= 64))) &&
    payload !== undefined
  );
}

export const stationClaimSchema = z
  .object({
    station: z.string().regex(idPattern, 'must be a station id'),
    from: z.number().int().min(1).max(99999),
    to: z.number().int().min(1).max(99999),
  })
  .strict()
  .refine((c) => c.from <= c.to, { message: 'from must be ≤ to', path: ['to'] });
export type StationClaim = z.infer<typeof stationClaimSchema>;

export const pushRequestSchema = z
  .object({
    protocol: z.number().int(),
    /** The pushing terminal's database origin; must be the enrolled terminal of the token. */
    terminal: origin,
    /** Its wall clock when sending (ms). */
    now: z.number().int().min(0),
    events: z.array(wireEventSchema).max(LIMITS.maxEventsPerPush),
    /** Stations this terminal issues tickets for (kiosks); re-sent every push, idempotent. */
    stations: z.array(stationClaimSchema).max(LIMITS.maxStations).default([]),
  })
  .strict();
export type PushRequest = z.input<typeof pushRequestSchema>;

export interface ClaimConflict {
  station: string;
  range: { from: number; to: number };
  /** Terminal that holds the claim. */
  holder: string;
  /** Terminal that was refused. */
  claimant: string;
  at: string;
  message: string;
}

export interface PushResponse {
  protocol: number;
  accepted: number;
  duplicates: number;
  /** The server's high-water mark for this terminal's origin after the push. */
  have: number;
  serverNow: number;
  skew: { ms: number; flagged: boolean };
  /** Claims by other terminals that were refused for this terminal's stations (it holds them). */
  conflicts: ClaimConflict[];
}

export const versionVectorSchema = z.record(origin, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

export const pullQuerySchema = z
  .object({
    protocol: z.coerce.number().int(),
    /** JSON version vector: what the terminal holds. */
    vv: z
      .string()
      .max(LIMITS.maxQueryBytes)
      .default('{}')
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not JSON' });
          return z.NEVER;
        }
      })
      .pipe(versionVectorSchema.refine((v) => Object.keys(v).length <= LIMITS.maxOrigins, `at most ${LIMITS.maxOrigins} origins`)),
    limit: z.coerce.number().int().min(1).max(LIMITS.maxEventsPerPull).default(1000),
  })
  .strict();

export interface PullResponse {
  protocol: number;
  events: WireEvent[];
  /** More events wait beyond this page. */
  more: boolean;
  serverNow: number;
}

/**
 * A terminal checks the server's answers too: a broken server must not corrupt a terminal. The
 * page as a whole must be well formed; each event is checked on its own (wireEventSchema and the
 * payload schemas), so one bad event is set aside instead of refusing the page.
 */
export const pullResponseSchema = z.object({
  protocol: z.number().int(),
  events: z.array(z.unknown()).max(LIMITS.maxEventsPerPull),
  more: z.boolean(),
  serverNow: z.number(),
});

export const pushResponseSchema = z.object({
  protocol: z.number().int(),
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  have: z.number().int().min(0),
  serverNow: z.number(),
  skew: z.object({ ms: z.number(), flagged: z.boolean() }),
  conflicts: z.array(z.object({ station: z.string(), range: z.object({ from: z.number(), to: z.number() }), holder: z.string(), claimant: z.string(), at: z.string(), message: z.string() })),
});

/** What `GET /sync/stream` sends: `event: events` whenever the server stored something new. */
export interface StreamNotice {
  /** High-water marks per origin visible to this client, after the write. */
  vv: Record<string, number>;
}

export interface SyncErrorBody {
  ok: false;
  error: { code: string; message: string; field?: string; details?: unknown };
  protocol: number;
  supported?: readonly number[];
}

/** Terminal-side sync state, shown by the UI (push `sync`, method `sync.status`). */
export interface SyncStatus {
  state: 'online' | 'offline' | 'error' | 'disabled';
  lastSyncAt?: string;
  /** Local events the server has not acknowledged yet. */
  outbox: number;
  message?: string;
  server?: string;
  /** This terminal's clock against the server's, when the server flagged it. */
  skew?: { ms: number; flagged: boolean };
  conflicts?: ClaimConflict[];
  /** Events set aside in quarantine on this terminal (madoguchi sync quarantine list). */
  quarantined?: number;
}
