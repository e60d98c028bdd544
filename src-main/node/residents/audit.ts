import type { Store } from '../store/store';
import type { AuditRecord } from '../../common/contract/residents';
import { businessDate } from '../../common/dates/businessDay';
import { toCsv } from './csv';
import type { ResidentReader } from './access';

export type AuditAction = 'search' | 'read' | 'list' | 'preview' | 'print' | 'attach' | 'import' | 'purge' | 'audit-export' | 'denied';

export interface AuditEntry {
  action: AuditAction;
  residentId?: string | null;
  householdId?: string | null;
  visitId?: string | null;
  purpose: string;
  detail?: string | null;
}

type Row = { id: number; at: string; actor: string; terminal: string; action: string; resident_id: string | null; household_id: string | null; visit_id: string | null; purpose: string; detail: string | null };

/** Append-only: nothing in the app updates or deletes an audit line. */
export function writeAudit(store: Store, who: Pick<ResidentReader, 'actor' | 'terminal'>, entries: AuditEntry[]): void {
  if (entries.length === 0) return;
  const at = new Date(store.now()).toISOString();
  const ins = store.db.prepare('INSERT INTO audit_log (at, actor, terminal, action, resident_id, household_id, visit_id, purpose, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  store.tx(() => {
    for (const e of entries) ins.run(at, who.actor, who.terminal, e.action, e.residentId ?? null, e.householdId ?? null, e.visitId ?? null, e.purpose, e.detail ?? null);
  });
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

export function auditCsv(records: AuditRecord[]): string {
  return toCsv(AUDIT_COLUMNS, records.map((r) => [r.id, r.at, r.actor, r.terminal, r.action, r.residentId, r.householdId, r.visitId, r.purpose, r.detail]));
}
