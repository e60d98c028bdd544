import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Store } from '../store/store';
import type { AuditRecord } from '../../common/contract/residents';
import { businessDate } from '../../common/dates/businessDay';
import { AUDIT_EVENT, GENESIS_HASH, type AuditRecorded } from '../../common/audit/event';
import { toCsv } from '../../common/csv/write';
import type { ResidentReader } from './access';

export type AuditAction =
  | 'search'
  | 'read'
  | 'list'
  | 'preview'
  | 'print'
  | 'attach'
  | 'import'
  | 'purge'
  | 'audit-export'
  | 'denied'
  | 'sign-in'
  | 'sign-in-refused'
  | 'sign-out'
  | 'session-refused'
  | 'device-paired'
  | 'device-revoked'
  | 'restore'
  | 'carried-over';

export interface AuditEntry {
  action: AuditAction;
  residentId?: string | null;
  householdId?: string | null;
  visitId?: string | null;
  purpose: string;
  detail?: string | null;
}

type Row = {
  id: number;
  at: string;
  actor: string;
  terminal: string;
  action: string;
  resident_id: string | null;
  household_id: string | null;
  visit_id: string | null;
  purpose: string;
  detail: string | null;
  prev_hash: string | null;
  hash: string | null;
};

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * The hash of one audit line: the previous line's hash and every field. The free-text `detail`
 * (it may hold a search term) enters as its own SHA-256, so the chain can be checked from the
 * replicated `audit.recorded` events, which carry that digest instead of the text.
 */
export function auditHash(prevHash: string, r: Omit<AuditRecorded, 'hash' | 'prevHash'>): string {
  return sha256(`${prevHash}\n${JSON.stringify([r.id, r.at, r.actor, r.terminal, r.action, r.residentId, r.householdId, r.visitId, r.purpose, r.detailHash])}`);
}

function recorded(r: Row, prevHash: string): AuditRecorded {
  const base = { id: r.id, at: r.at, actor: r.actor, terminal: r.terminal, action: r.action, residentId: r.resident_id, householdId: r.household_id, visitId: r.visit_id, purpose: r.purpose, detailHash: r.detail === null ? null : sha256(r.detail) };
  return { ...base, prevHash, hash: auditHash(prevHash, base) };
}

function lastHash(db: Database): string {
  const r = db.prepare('SELECT hash FROM audit_chain ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined;
  return r?.hash ?? GENESIS_HASH;
}

/** Audit lines with their chain links (`hash` NULL: written before the chain existed, not sealed yet). */
const WITH_CHAIN = 'SELECT a.*, c.prev_hash, c.hash FROM audit_log a LEFT JOIN audit_chain c ON c.id = a.id';

/**
 * Seals lines written before the chain existed (hash NULL), in id order; the update trigger allows
 * exactly this once per line. Each sealed line is also replicated as an event.
 */
function sealPending(store: Store): void {
  const rows = store.db.prepare(`${WITH_CHAIN} WHERE c.id IS NULL ORDER BY a.id`).all() as Row[];
  if (rows.length === 0) return;
  let prev = lastHash(store.db);
  const link = store.db.prepare('INSERT INTO audit_chain (id, prev_hash, hash) VALUES (?, ?, ?)');
  for (const r of rows) {
    const rec = recorded(r, prev);
    link.run(r.id, rec.prevHash, rec.hash);
    store.append(AUDIT_EVENT, rec);
    prev = rec.hash;
  }
}

/**
 * Append-only and hash-chained: each line carries the hash of the one before, the table's triggers
 * refuse UPDATE and DELETE, and every line is also appended to the replicated event log as an
 * `audit.recorded` event, so the sync service holds a copy a local edit cannot reach.
 */
export function writeAudit(store: Store, who: Pick<ResidentReader, 'actor' | 'terminal'>, entries: AuditEntry[], opts: { at?: string } = {}): void {
  if (entries.length === 0) return;
  const at = opts.at ?? new Date(store.now()).toISOString();
  const ins = store.db.prepare('INSERT INTO audit_log (at, actor, terminal, action, resident_id, household_id, visit_id, purpose, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const get = store.db.prepare('SELECT * FROM audit_log WHERE id = ?');
  const seal = store.db.prepare('INSERT INTO audit_chain (id, prev_hash, hash) VALUES (?, ?, ?)');
  store.tx(() => {
    sealPending(store);
    let prev = lastHash(store.db);
    for (const e of entries) {
      // Bounded so the replicated copy always fits its schema (common/audit/event.ts).
      const id = Number(ins.run(at, who.actor.slice(0, 200), who.terminal.slice(0, 80), e.action, e.residentId ?? null, e.householdId ?? null, e.visitId ?? null, e.purpose.slice(0, 2000), e.detail ?? null).lastInsertRowid);
      const rec = recorded(get.get(id) as Row, prev);
      seal.run(id, rec.prevHash, rec.hash);
      store.append(AUDIT_EVENT, rec);
      prev = rec.hash;
    }
  });
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first line that does not fit the chain, and why. */
  broken?: { id: number; reason: string };
  head: string;
}

/** Recomputes the chain from the first line: the first line whose hash or link is wrong is named. */
export function verifyAudit(db: Database): AuditVerification {
  let prev = GENESIS_HASH;
  let n = 0;
  for (const r of db.prepare(`${WITH_CHAIN} ORDER BY a.id`).all() as Row[]) {
    n++;
    if (r.hash === null) {
      // Written by an older version and not sealed yet: sealed on the next write. Only the tail may be unsealed.
      const later = db.prepare('SELECT id FROM audit_chain WHERE id > ? LIMIT 1').get(r.id) as { id: number } | undefined;
      if (later) return { ok: false, rows: n, broken: { id: r.id, reason: `line ${r.id} has no hash but line ${later.id} after it has one` }, head: prev };
      continue;
    }
    if (r.prev_hash !== prev) return { ok: false, rows: n, broken: { id: r.id, reason: `line ${r.id} does not follow the line before it (a line was removed or inserted)` }, head: prev };
    const want = recorded(r, prev).hash;
    if (want !== r.hash) return { ok: false, rows: n, broken: { id: r.id, reason: `line ${r.id} was changed after it was written (hash mismatch)` }, head: prev };
    prev = r.hash;
  }
  return { ok: true, rows: n, head: prev };
}

export const AUDIT_COLUMNS = ['id', 'at', 'actor', 'terminal', 'action', 'resident_id', 'household_id', 'visit_id', 'purpose', 'detail'] as const;

/** Audit lines whose local business date (config time zone) is within [from, to]. */
export function auditBetween(store: Store, from: string, to: string, timeZone: string): AuditRecord[] {
  // A local day spans UTC ±14 h at most: widen the SQL range, then filter exactly by local date.
  const lo = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString();
  const hi = new Date(Date.parse(`${to}T00:00:00Z`) + 2 * 86_400_000).toISOString();
  const rows = store.db.prepare('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY id').all(lo, hi) as Row[];
  return rows
    .filter((r) => {
      const d = businessDate(Date.parse(r.at), timeZone);
      return d >= from && d <= to;
    })
    .map((r) => ({ id: r.id, at: r.at, actor: r.actor, terminal: r.terminal, action: r.action, residentId: r.resident_id, householdId: r.household_id, visitId: r.visit_id, purpose: r.purpose, detail: r.detail }));
}

/** Through the shared CSV writer: a detail or purpose starting with `=` cannot become a formula. */
export function auditCsv(records: AuditRecord[]): string {
  return toCsv(AUDIT_COLUMNS, records.map((r) => [r.id, r.at, r.actor, r.terminal, r.action, r.residentId, r.householdId, r.visitId, r.purpose, r.detail]));
}
