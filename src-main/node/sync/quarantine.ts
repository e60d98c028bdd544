import type Database from 'better-sqlite3';
import { QUARANTINED_EVENT, SKIPPED_EVENT } from '../../common/sync/authorisation';
import { encodeHlc, isHlc } from '../../common/sync/hlc';
import { wireEventSchema, type WireEvent } from '../../common/sync/protocol';

/** One event sync set aside on this terminal (table sync_quarantine, migration 8). */
export interface QuarantinedEvent {
  id: number;
  /** `in`: pulled from the server; `out`: this terminal's own, refused for good. */
  direction: 'in' | 'out';
  origin: string | null;
  seq: number | null;
  type: string | null;
  reason: string;
  field: string | null;
  at: string;
  /** The event as received (in) or as stored locally (out), JSON. */
  raw: string;
}

type Db = Database.Database;

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Prepared once per connection: every exchange counts the quarantine. */
const countStatements = new WeakMap<Db, Database.Statement>();

export function quarantineCount(db: Db): number {
  try {
    let st = countStatements.get(db);
    if (!st) countStatements.set(db, (st = db.prepare('SELECT COUNT(*) AS n FROM sync_quarantine')));
    return (st.get() as { n: number }).n;
  } catch {
    return 0; // a database older than migration 8 (read-only tools) has none
  }
}

export function listQuarantine(db: Db, limit = 1000): QuarantinedEvent[] {
  return db.prepare('SELECT id, direction, origin, seq, type, reason, field, at, raw FROM sync_quarantine ORDER BY id LIMIT ?').all(limit) as QuarantinedEvent[];
}

/**
 * Removes quarantined events from the list. The log is not touched: an `in` event's placeholder
 * stays (its original is gone with the row), an `out` event stays in this terminal's own log.
 */
export function dropQuarantine(db: Db, which: { id: number } | { all: true }): number {
  if ('all' in which) return db.prepare('DELETE FROM sync_quarantine').run().changes;
  return db.prepare('DELETE FROM sync_quarantine WHERE id = ?').run(which.id).changes;
}

function record(db: Db, direction: 'in' | 'out', e: { origin?: unknown; seq?: unknown; type?: unknown }, raw: unknown, reason: string, field: string | undefined, at: string): void {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? 'null';
  } catch {
    text = String(raw);
  }
  db.prepare(
    `INSERT INTO sync_quarantine (direction, origin, seq, type, raw, reason, field, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (direction, origin, seq) DO UPDATE SET reason = excluded.reason, field = excluded.field, at = excluded.at`,
  ).run(
    direction,
    typeof e.origin === 'string' ? e.origin.slice(0, 80) : null,
    Number.isSafeInteger(e.seq) ? (e.seq as number) : null,
    typeof e.type === 'string' ? e.type.slice(0, 80) : null,
    text.slice(0, 1_000_000),
    reason.slice(0, 2000),
    field ?? null,
    at,
  );
}

/** Sets aside one of this terminal's own events the server will never accept. */
export function quarantineOutbound(db: Db, ev: WireEvent, reason: string, field: string | undefined, at: string): void {
  record(db, 'out', ev, ev, reason, field, at);
}

/**
 * This terminal's own events set aside: seq → reason (they go out as sync.skipped). Asked at every
 * push: `stmt` is the store's statement cache (Store.stmt), so the query is prepared once.
 */
export function outboundSkips(stmt: (sql: string) => Database.Statement, origin: string, afterSeq: number): Map<number, string> {
  const rows = stmt("SELECT seq, reason FROM sync_quarantine WHERE direction = 'out' AND origin = ? AND seq > ?").all(origin, afterSeq) as Array<{ seq: number; reason: string }>;
  return new Map(rows.map((r) => [r.seq, r.reason]));
}

/** What goes on the wire in place of an own event that can never be accepted. */
export function skippedPlaceholder(ev: WireEvent, reason: string): WireEvent {
  let bytes = 0;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(ev.payload) ?? '').length;
  } catch {
    /* unknown size */
  }
  return { ...ev, type: SKIPPED_EVENT, payload: { type: ev.type.slice(0, 64), reason: reason.slice(0, 500), bytes } };
}

/**
 * Sets aside a pulled event that cannot be folded. Returns the placeholder that keeps its
 * (origin, seq) in the log so the version vector moves on, or null when not even its origin and
 * seq can be read (then nothing can hold its place; the server must be repaired).
 */
export function quarantineInbound(db: Db, raw: unknown, reason: string, field: string | undefined, at: string): WireEvent | null {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  record(db, 'in', o, raw, reason, field, at);
  const origin = o.origin;
  const seq = o.seq;
  if (typeof origin !== 'string' || !ID.test(origin) || !Number.isSafeInteger(seq) || (seq as number) < 1) return null;
  const hlc = isHlc(o.hlc) && (o.hlc as string).endsWith(`.${origin}`) && /^\d{15}\.\d{6}\./.test(o.hlc as string) ? (o.hlc as string) : encodeHlc({ wall: 0, logical: Math.min(seq as number, 999_999) }, origin);
  const site = typeof o.site === 'string' && ID.test(o.site) ? o.site : 'unknown';
  const placeholder: WireEvent = {
    origin,
    seq: seq as number,
    hlc,
    type: QUARANTINED_EVENT,
    site,
    visitId: null,
    payload: { type: typeof o.type === 'string' ? o.type.slice(0, 64) : '?', reason: reason.slice(0, 500) },
  };
  return wireEventSchema.safeParse(placeholder).success ? placeholder : null;
}
