import { AppError, formatPath } from '../../common/errors';
import { SKEW_THRESHOLD_MS, PROTOCOL_HEADER, PROTOCOL_VERSION, pullQuerySchema, pushRequestSchema, type ClaimConflict, type StationClaim, type WireEvent } from '../../common/sync/protocol';
import { SKIPPED_EVENT, actorOf, checkEventPayload, mayOriginate, ruleOf } from '../../common/sync/authorisation';
import type { Role } from '../../common/config/schema';

/**
 * The sync service's rules that need no database, shared by every store (SQLite, PostgreSQL):
 * what a push may carry, how resent and out-of-order events are judged, what a pull asks.
 */

/** A refusal with its HTTP status; the message names what to do. */
export class SyncError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

export interface EnrolledTerminal {
  id: string;
  role: Role;
  site: string;
  /** The municipality the terminal belongs to; a token never reaches another tenant's data. */
  tenant: string;
  /** Kiosks: the stations it was enrolled for; absent = any station no other kiosk holds. */
  stations?: string[];
  /** Hash of the token it authenticated with (so a stream can be closed when that token goes). */
  tokenHash?: string;
}

export const DEFAULT_TENANT = 'default';
export const SEES_ALL_SITES: readonly Role[] = ['supervisor', 'admin'];
export const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const TOKEN_HEADER = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,200})$/;

export function supported(p: number): boolean {
  return p === PROTOCOL_VERSION;
}

export function protocolError(got: unknown): SyncError {
  return new SyncError(
    426,
    'protocol',
    `this sync server speaks protocol ${PROTOCOL_VERSION}; the terminal sent ${got === undefined || got === '' ? `no protocol version (header ${PROTOCOL_HEADER})` : `protocol ${String(got)}`}. Update the terminal's Madoguchi (or the server) so both speak the same protocol; nothing was stored.`,
    { supported: [PROTOCOL_VERSION] },
  );
}

export interface CheckedPush {
  terminal: string;
  events: WireEvent[];
  stations: StationClaim[];
  serverNow: number;
  skewMs: number;
  flagged: boolean;
}

/**
 * Validates a whole push message before anything is stored: its shape, protocol, that every
 * event is the terminal's own, in its site, of a type its role may originate, with a valid
 * payload acting in its own name. Throws the first problem as a SyncError naming the field.
 */
export function checkPush(who: EnrolledTerminal, raw: unknown, serverNow: number, terminalNow?: number): CheckedPush {
  const parsed = pushRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = formatPath(issue.path);
    throw new SyncError(400, 'bad-input', `${field || 'body'}: ${issue.message}`, undefined, field);
  }
  const req = parsed.data;
  if (!supported(req.protocol)) throw protocolError(req.protocol);
  if (req.terminal !== who.id) {
    throw new SyncError(403, 'forbidden', `this token belongs to terminal "${who.id}", but the message comes from database "${req.terminal}". A terminal's config node.id must equal its enrolled terminal id.`, undefined, 'terminal');
  }
  req.events.forEach((e, i) => {
    if (e.origin !== who.id) throw new SyncError(403, 'forbidden', `events[${i}].origin: terminal "${who.id}" may push only its own events, not "${e.origin}"'s`, undefined, `events[${i}].origin`);
    if (e.site !== who.site) throw new SyncError(403, 'forbidden', `events[${i}].site: terminal "${who.id}" is enrolled for site "${who.site}", not "${e.site}"`, undefined, `events[${i}].site`);
    const ref = { origin: e.origin, seq: e.seq, type: e.type };
    const refused = mayOriginate(who.role, e.type);
    if (refused) {
      throw new SyncError(ruleOf(e.type) ? 403 : 400, ruleOf(e.type) ? 'forbidden-type' : 'unknown-type', `events[${i}] (${e.origin}#${e.seq}): ${refused}; nothing was stored`, { ...ref, role: who.role, field: 'type' }, `events[${i}].type`);
    }
    const problem = checkEventPayload(e);
    if (problem) {
      throw new SyncError(problem.code === 'event-too-large' ? 413 : 400, problem.code, `events[${i}]: ${problem.message}; nothing was stored`, { ...ref, field: problem.field }, `events[${i}].${problem.field}`);
    }
    const actor = actorOf(e.type, e.payload);
    if (actor !== undefined && actor !== who.id && who.role !== 'admin') {
      throw new SyncError(
        403,
        'forged-actor',
        `events[${i}] (${e.origin}#${e.seq}, ${e.type}): payload.by.terminal says "${actor}", but this token belongs to terminal "${who.id}"; a terminal acts only in its own name. Nothing was stored.`,
        { ...ref, field: 'payload.by.terminal' },
        `events[${i}].payload.by.terminal`,
      );
    }
  });
  // Terminal clock minus server clock, from the wall clock the terminal reports (header, else
  // body). Event clocks are not used: a terminal with a right clock may carry a later HLC after
  // acting on a visit stamped by a fast one (per-visit causality), and must not be blamed for it.
  const skewMs = (terminalNow ?? req.now) - serverNow;
  return { terminal: req.terminal, events: req.events as WireEvent[], stations: req.stations, serverNow, skewMs, flagged: Math.abs(skewMs) > SKEW_THRESHOLD_MS };
}

/**
 * Which events of a (validated) push are new, given what the server holds for the origin (`have`,
 * its contiguous high-water mark) and a lookup of held events. Resent identical events are
 * duplicates; a resent event with another content means the terminal's database was reset (409
 * diverged); a hole means events must come in order (409 gap).
 */
export function planPush(who: EnrolledTerminal, events: readonly WireEvent[], have0: number, held: (seq: number) => { hlc: string; type: string } | undefined): { fresh: WireEvent[]; duplicates: number; have: number } {
  let have = have0;
  let duplicates = 0;
  const fresh: WireEvent[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let prev = 0;
  for (const e of sorted) {
    if (e.seq === prev) {
      // The same event twice in one message: harmless if identical.
      duplicates++;
      continue;
    }
    prev = e.seq;
    if (e.seq <= have) {
      const row = held(e.seq);
      // A seq the terminal or an operator set aside (sync.skipped) matches either version of it.
      const skipped = row?.type === SKIPPED_EVENT || e.type === SKIPPED_EVENT;
      if (row && (row.hlc !== e.hlc || (row.type !== e.type && !skipped))) {
        throw new SyncError(
          409,
          'diverged',
          `terminal "${who.id}" sent event #${e.seq} with a different content than the one the server already holds: its database was reset or copied. Restore the terminal's database from the server (a fresh data folder pulls everything) instead of reusing node.id "${who.id}".`,
          { seq: e.seq, have },
        );
      }
      duplicates++;
      continue;
    }
    if (e.seq !== have + 1) {
      throw new SyncError(409, 'gap', `events of "${who.id}" must arrive in order: the server holds up to #${have}, the message starts at #${e.seq}`, { have });
    }
    fresh.push(e);
    have = e.seq;
  }
  return { fresh, duplicates, have };
}

/** The checks on a kiosk's station claims that need no database. */
export function checkClaimant(who: EnrolledTerminal, claims: readonly StationClaim[]): void {
  if (claims.length && who.role !== 'kiosk') {
    throw new SyncError(403, 'forbidden', `stations: only a kiosk issues tickets from a station; terminal "${who.id}" is enrolled as ${who.role} and may not claim ${claims.map((c) => `"${c.station}"`).join(', ')}. Nothing was stored.`, { role: who.role }, 'stations');
  }
  if (who.stations) {
    const foreign = claims.filter((c) => !who.stations!.includes(c.station));
    if (foreign.length) {
      throw new SyncError(403, 'forbidden', `stations: kiosk "${who.id}" was enrolled for station ${who.stations.map((x) => `"${x}"`).join(', ')}, not ${foreign.map((c) => `"${c.station}"`).join(', ')}. Nothing was stored.`, { enrolled: who.stations }, 'stations');
    }
  }
}

/** The 409 for a station (or overlapping range) another terminal holds. */
export function claimConflict(who: EnrolledTerminal, c: StationClaim, holder: { station: string; range_from: number; range_to: number; terminal: string }, at: string): SyncError {
  const message =
    holder.station === c.station
      ? `station "${c.station}" is already claimed by terminal "${holder.terminal}"; terminal "${who.id}" may not issue tickets from it (two kiosks on one station would print the same numbers). Give "${who.id}" its own station, or revoke "${holder.terminal}".`
      : `terminal "${who.id}" claims station "${c.station}" ${c.from}–${c.to}, which overlaps station "${holder.station}" ${holder.range_from}–${holder.range_to} held by terminal "${holder.terminal}". Ticket ranges must not overlap.`;
  const cf: ClaimConflict = { station: c.station, range: { from: c.from, to: c.to }, holder: holder.terminal, claimant: who.id, at, message };
  return new SyncError(409, 'station-conflict', message, cf, 'stations');
}

export function checkPullQuery(rawQuery: Record<string, string | undefined>) {
  const parsed = pullQuerySchema.safeParse(rawQuery);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = formatPath(issue.path);
    throw new SyncError(400, 'bad-input', `${field || 'query'}: ${issue.message}`, undefined, field);
  }
  if (!supported(parsed.data.protocol)) throw protocolError(parsed.data.protocol);
  return parsed.data;
}

export function checkEnrollment(id: string, role: string, site: string, tenant: string, stations: readonly string[] | undefined, roles: readonly string[]): void {
  if (!ID.test(tenant)) throw new AppError('bad-input', `tenant "${tenant}" must be lower-case letters, digits and "-", at most 40 characters (e.g. isesaki)`, { field: 'tenant' });
  if (!ID.test(id)) throw new AppError('bad-input', `terminal id "${id}" must be lower-case letters, digits and "-", at most 40 characters`, { field: 'terminal' });
  if (!roles.includes(role)) throw new AppError('bad-input', `role must be one of ${roles.join(', ')}, got "${role}"`, { field: 'role' });
  if (!ID.test(site)) throw new AppError('bad-input', `site "${site}" must be lower-case letters, digits and "-"`, { field: 'site' });
  if (stations?.length && role !== 'kiosk') throw new AppError('bad-input', `only a kiosk issues tickets from a station; a ${role} is enrolled without --station`, { field: 'station' });
  for (const st of stations ?? []) if (!ID.test(st)) throw new AppError('bad-input', `station "${st}" must be lower-case letters, digits and "-"`, { field: 'station' });
}

