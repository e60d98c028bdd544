import type { Database } from 'better-sqlite3';
import iconv from 'iconv-lite';
import { AppError } from '../../common/errors';
import type { TerminalConfig } from '../../common/config/schema';
import type { Household, HouseholdSummary, Resident, ResidentHit } from '../../common/contract/residents';
import { businessDate } from '../../common/dates/businessDay';
import type { Store } from '../store/store';
import { migration as residentsMigration } from '../store/migrations/004-residents';
import { accessRules, checkResidentAccess, type ResidentReader } from './access';
import { writeAudit, type AuditAction } from './audit';
import { CsvError, parseCsv } from './csv';
import { kanaKey } from './kana';
import { ACTION_COLUMN, cellText, LINKAGE_COLUMNS, parseRow, type FieldIssue, type ParsedRow, type RowValues } from './record';

export interface ImportReport {
  kind: 'full' | 'delta';
  rows: number;
  inserted: number;
  updated: number;
  retired: number;
  households: number;
}

export interface RowError extends FieldIssue {
  row: number;
}

/** Why a read happens, and for which visit: written to the audit log with it. */
export interface ReadContext {
  purpose: string;
  visitId?: string;
}

/** Lays the residents schema when the migration list has not reached version 4 yet (idempotent). */
export function ensureResidentSchema(db: Database): void {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'residents'").get();
  if (!has) db.exec(residentsMigration.sql);
}

/** Bytes from a file: UTF-8 (with or without BOM) or, as many core systems still export, Shift_JIS (CP932). */
export function decodeLinkage(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return iconv.decode(buf, 'cp932');
  }
}

interface SourceRow {
  row: number;
  values: RowValues;
}

function rowsFromText(text: string, source: string): { kind: 'full' | 'delta'; rows: SourceRow[] } {
  const trimmed = text.replace(/^\ufeff/, '').trimStart();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (e) {
      throw new AppError('bad-input', `${source} is not valid JSON: ${(e as Error).message}`, { field: 'file' });
    }
    const d = doc as { format?: unknown; kind?: unknown; residents?: unknown };
    if (d.format !== 'madoguchi-linkage/1') throw new AppError('bad-input', `${source}: format must be "madoguchi-linkage/1"`, { field: 'format' });
    if (d.kind !== 'full' && d.kind !== 'delta') throw new AppError('bad-input', `${source}: kind must be "full" or "delta"`, { field: 'kind' });
    if (!Array.isArray(d.residents)) throw new AppError('bad-input', `${source}: residents must be a list`, { field: 'residents' });
    const allowed = new Set<string>([...LINKAGE_COLUMNS, ACTION_COLUMN]);
    const rows = d.residents.map((r: unknown, i: number): SourceRow => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw rowError(source, [{ row: i + 1, field: '(row)', message: 'must be an object' }]);
      const values: RowValues = {};
      for (const [k, v] of Object.entries(r)) {
        if (!allowed.has(k)) throw rowError(source, [{ row: i + 1, field: k, message: 'is not a linkage field (see docs/linkage-format.md)' }]);
        values[k as keyof RowValues] = cellText(v);
      }
      return { row: i + 1, values };
    });
    return { kind: d.kind, rows };
  }
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new AppError('bad-input', `${source}: line ${e.line}: ${e.message}`, { field: 'file', details: { line: e.line } });
    throw e;
  }
  const header = records[0];
  if (!header) throw new AppError('bad-input', `${source} is empty`, { field: 'file' });
  const cols = header.cells.map((c) => c.trim());
  const known = new Set<string>([...LINKAGE_COLUMNS, ACTION_COLUMN]);
  cols.forEach((c, i) => {
    if (!known.has(c)) throw new AppError('bad-input', `${source}: row 1 (header), column ${i + 1}: "${c}" is not a linkage column (see docs/linkage-format.md)`, { field: c || `column ${i + 1}` });
  });
  for (const need of ['id', 'household_id', 'name', 'kana', 'birth_date']) {
    if (!cols.includes(need)) throw new AppError('bad-input', `${source}: row 1 (header): column "${need}" is missing`, { field: need });
  }
  const rows = records.slice(1).map((rec, i): SourceRow => {
    if (rec.cells.length !== cols.length) throw rowError(source, [{ row: i + 2, field: '(row)', message: `has ${rec.cells.length} cells, the header has ${cols.length}` }]);
    const values: RowValues = {};
    cols.forEach((c, j) => (values[c as keyof RowValues] = rec.cells[j]!));
    return { row: i + 2, values };
  });
  return { kind: cols.includes(ACTION_COLUMN) ? 'delta' : 'full', rows };
}

function rowError(source: string, errors: RowError[]): AppError {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new AppError('bad-input', `${source}: row ${first.row}, ${first.field}: ${first.message}${more}. Nothing was imported.`, {
    field: first.field,
    details: { row: first.row, errors: errors.slice(0, 100) },
  });
}

type DbRow = { id: string; household_id: string; data: string; retired_at: string | null; imported_at: number };

/**
 * The resident data on this terminal, read only through here: every read passes the access check
 * and writes its audit lines, and data older than residentAccess.ttlHours is purged before use.
 */
export class Residents {
  constructor(
    readonly store: Store,
    readonly config: TerminalConfig,
  ) {
    ensureResidentSchema(store.db);
  }

  private today(): string {
    return businessDate(this.store.now(), this.config.timeZone);
  }

  /** All or nothing: a file with any bad row changes nothing and names every row and field at fault. */
  import(text: string, source: string, who: ResidentReader, opts: { allowEmptyFull?: boolean } = {}): ImportReport {
    checkResidentAccess(this.config, who);
    const { kind, rows } = rowsFromText(text, source);
    // A "full" export with no rows (a header only: a failed export job) would retire everyone.
    if (kind === 'full' && rows.length === 0 && !opts.allowEmptyFull) {
      const current = (this.store.db.prepare('SELECT COUNT(*) AS n FROM residents WHERE retired_at IS NULL').get() as { n: number }).n;
      throw new AppError('bad-input', `${source}: a full export with no residents would retire all ${current} residents on this terminal; nothing was changed (if the register really is empty, import it with --allow-empty-full)`, { field: 'rows' });
    }
    const today = this.today();
    const errors: RowError[] = [];
    const parsed: Array<{ row: number; p: ParsedRow }> = [];
    const seen = new Map<string, number>();
    for (const r of rows) {
      const res = parseRow(r.values, today);
      for (const i of res.issues) errors.push({ row: r.row, ...i });
      if (!res.row) continue;
      const id = res.row.action === 'retire' ? res.row.id : res.row.resident.id;
      const first = seen.get(id);
      if (first !== undefined) errors.push({ row: r.row, field: 'id', message: `"${id}" already appears in row ${first}` });
      else seen.set(id, r.row);
      parsed.push({ row: r.row, p: res.row });
    }
    if (kind === 'full') checkHeads(parsed, errors);
    if (errors.length) throw rowError(source, errors.sort((a, b) => a.row - b.row));

    const now = this.store.now();
    const at = new Date(now).toISOString();
    return this.store.tx(() => {
      const db = this.store.db;
      const importId = Number(db.prepare("INSERT INTO resident_imports (at, actor, source, kind, rows, inserted, updated, retired) VALUES (?, ?, ?, ?, ?, 0, 0, 0)").run(at, who.actor, source, kind, rows.length).lastInsertRowid);
      const existing = db.prepare('SELECT id, retired_at FROM residents WHERE id = ?');
      const upsert = db.prepare(
        `INSERT INTO residents (id, household_id, kana_key, birth_date, data, imported_at, import_id, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT(id) DO UPDATE SET household_id = excluded.household_id, kana_key = excluded.kana_key, birth_date = excluded.birth_date, data = excluded.data,
           imported_at = excluded.imported_at, import_id = excluded.import_id, retired_at = NULL`,
      );
      const retire = db.prepare('UPDATE residents SET retired_at = ?, imported_at = ?, import_id = ? WHERE id = ? AND retired_at IS NULL');
      let inserted = 0;
      let updated = 0;
      let retired = 0;
      const retireErrors: RowError[] = [];
      for (const { row, p } of parsed) {
        if (p.action === 'retire') {
          const e = existing.get(p.id) as { retired_at: string | null } | undefined;
          if (!e || e.retired_at) retireErrors.push({ row, field: 'id', message: `no current resident "${p.id}" to retire` });
          else retired += retire.run(at, now, importId, p.id).changes;
          continue;
        }
        const r = p.resident;
        if (existing.get(r.id)) updated++;
        else inserted++;
        upsert.run(r.id, r.householdId, kanaKey(r.kana), r.birthDate, JSON.stringify(r), now, importId);
      }
      if (retireErrors.length) throw rowError(source, retireErrors);
      if (kind === 'full') {
        // A full export is the whole truth: whoever it no longer lists has left the register.
        retired += db.prepare('UPDATE residents SET retired_at = ?, import_id = ? WHERE retired_at IS NULL AND import_id <> ?').run(at, importId, importId).changes;
      }
      db.prepare('UPDATE resident_imports SET inserted = ?, updated = ?, retired = ? WHERE id = ?').run(inserted, updated, retired, importId);
      const households = (db.prepare('SELECT COUNT(DISTINCT household_id) AS n FROM residents WHERE retired_at IS NULL').get() as { n: number }).n;
      writeAudit(this.store, who, [{ action: 'import', purpose: '連携データ取込', detail: `${source}: ${kind}, ${rows.length} rows, +${inserted} ~${updated} -${retired}` }]);
      return { kind, rows: rows.length, inserted, updated, retired, households };
    });
  }

  /** Deletes resident data older than residentAccess.ttlHours; the audit log keeps that it happened. */
  purgeExpired(who: Pick<ResidentReader, 'actor' | 'terminal'> = { actor: 'system', terminal: this.config.node.id }): number {
    const ttlMs = accessRules(this.config).ttlHours * 3_600_000;
    const cutoff = this.store.now() - ttlMs;
    return this.store.tx(() => {
      const n = this.store.db.prepare('DELETE FROM residents WHERE imported_at < ?').run(cutoff).changes;
      if (n > 0) writeAudit(this.store, who, [{ action: 'purge', purpose: '保存期間経過', detail: `${n} residents older than ${accessRules(this.config).ttlHours} h deleted` }]);
      return n;
    });
  }

  private gate(who: ResidentReader): void {
    checkResidentAccess(this.config, who);
    this.purgeExpired();
  }

  private audit(who: ResidentReader, action: AuditAction, residents: Array<Pick<Resident, 'id' | 'householdId'>>, ctx: ReadContext, detail?: string): void {
    writeAudit(
      this.store,
      who,
      residents.map((r) => ({ action, residentId: r.id, householdId: r.householdId, visitId: ctx.visitId ?? null, purpose: ctx.purpose, detail: detail ?? null })),
    );
  }

  search(who: ResidentReader, q: { kana?: string; birthDate?: string; householdId?: string; limit?: number }, ctx: ReadContext): ResidentHit[] {
    this.gate(who);
    const where: string[] = ['retired_at IS NULL'];
    const args: unknown[] = [];
    if (q.kana) {
      const key = kanaKey(q.kana);
      if (!key) throw new AppError('bad-input', 'kana: type at least one kana', { field: 'kana' });
      where.push("kana_key LIKE ? ESCAPE '\\'");
      args.push(`%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (q.birthDate) {
      where.push('birth_date = ?');
      args.push(q.birthDate);
    }
    if (q.householdId) {
      where.push('household_id = ?');
      args.push(q.householdId);
    }
    if (args.length === 0) throw new AppError('bad-input', 'give a kana name, a birth date or a household number', { field: 'kana' });
    const rows = this.store.db.prepare(`SELECT data FROM residents WHERE ${where.join(' AND ')} ORDER BY kana_key, id LIMIT ?`).all(...args, q.limit ?? 50) as Array<{ data: string }>;
    const found = rows.map((r) => JSON.parse(r.data) as Resident);
    this.audit(who, 'search', found, ctx, JSON.stringify({ kana: q.kana, birthDate: q.birthDate, householdId: q.householdId }));
    return found.map((r) => ({ id: r.id, householdId: r.householdId, name: r.name, kana: r.kana, birthDate: r.birthDate, relationship: r.relationship, address: r.address }));
  }

  household(who: ResidentReader, householdId: string, ctx: ReadContext, action: AuditAction = 'read'): Household {
    this.gate(who);
    const members = this.current('household_id = ?', householdId);
    if (members.length === 0) throw new AppError('not-found', `no household "${householdId}" in the resident data on this terminal (expired, retired, or never imported)`, { field: 'householdId' });
    this.audit(who, action, members, ctx);
    return { householdId, members };
  }

  get(who: ResidentReader, id: string, ctx: ReadContext, action: AuditAction = 'read'): Resident {
    return this.getMany(who, [id], ctx, action)[0]!;
  }

  /** Residents by id, in the order asked; any id not current on this terminal is an error naming it. */
  getMany(who: ResidentReader, ids: string[], ctx: ReadContext, action: AuditAction = 'read'): Resident[] {
    this.gate(who);
    const stmt = this.store.db.prepare('SELECT data, retired_at FROM residents WHERE id = ?');
    const out = ids.map((id, i) => {
      const row = stmt.get(id) as { data: string; retired_at: string | null } | undefined;
      if (!row) throw new AppError('not-found', `no resident "${id}" on this terminal (expired or never imported)`, { field: `residentIds[${i}]` });
      if (row.retired_at) throw new AppError('not-found', `resident "${id}" was retired from the register on ${row.retired_at.slice(0, 10)}`, { field: `residentIds[${i}]` });
      return JSON.parse(row.data) as Resident;
    });
    this.audit(who, action, out, ctx);
    return out;
  }

  /** Households in household-number order, with their members' ids (heads first). */
  listHouseholds(who: ResidentReader, limit: number, ctx: ReadContext): HouseholdSummary[] {
    this.gate(who);
    const ids = (this.store.db.prepare('SELECT DISTINCT household_id FROM residents WHERE retired_at IS NULL ORDER BY household_id LIMIT ?').all(limit) as Array<{ household_id: string }>).map((r) => r.household_id);
    const out: HouseholdSummary[] = [];
    const read: Resident[] = [];
    for (const h of ids) {
      const members = this.current('household_id = ?', h);
      read.push(...members);
      const head = members.find((m) => m.head) ?? members[0]!;
      out.push({ householdId: h, headName: head.name, address: head.address, ...(head.addressExtra ? { addressExtra: head.addressExtra } : {}), memberIds: members.map((m) => m.id) });
    }
    this.audit(who, 'list', read, ctx);
    return out;
  }

  /** The household a resident belongs to (an id only, no personal data: not audited). */
  householdIdOf(id: string): string {
    const row = this.store.db.prepare('SELECT household_id FROM residents WHERE id = ? AND retired_at IS NULL').get(id) as { household_id: string } | undefined;
    if (!row) throw new AppError('not-found', `no resident "${id}" on this terminal (expired, retired or never imported)`, { field: 'residentId' });
    return row.household_id;
  }

  /** Counts for status lines; reads no personal data. */
  counts(): { residents: number; households: number; retired: number; lastImport: string | null } {
    const db = this.store.db;
    const c = db.prepare('SELECT SUM(retired_at IS NULL) AS live, SUM(retired_at IS NOT NULL) AS gone, COUNT(DISTINCT CASE WHEN retired_at IS NULL THEN household_id END) AS hh FROM residents').get() as { live: number | null; gone: number | null; hh: number };
    const last = db.prepare('SELECT at FROM resident_imports ORDER BY id DESC LIMIT 1').get() as { at: string } | undefined;
    return { residents: c.live ?? 0, households: c.hh, retired: c.gone ?? 0, lastImport: last?.at ?? null };
  }

  private current(cond: string, arg: string): Resident[] {
    const rows = this.store.db.prepare(`SELECT data FROM residents WHERE ${cond} AND retired_at IS NULL`).all(arg) as Array<Pick<DbRow, 'data'>>;
    return rows.map((r) => JSON.parse(r.data) as Resident).sort(memberOrder);
  }
}

/** 世帯主 first, then by birth date: the order a 住民票 lists a household. */
export function memberOrder(a: Resident, b: Resident): number {
  if (a.head !== b.head) return a.head ? -1 : 1;
  return a.birthDate < b.birthDate ? -1 : a.birthDate > b.birthDate ? 1 : a.id < b.id ? -1 : 1;
}

function checkHeads(parsed: Array<{ row: number; p: ParsedRow }>, errors: RowError[]): void {
  const heads = new Map<string, number>();
  const firstRow = new Map<string, number>();
  for (const { row, p } of parsed) {
    if (p.action !== 'upsert') continue;
    const h = p.resident.householdId;
    if (!firstRow.has(h)) firstRow.set(h, row);
    if (!p.resident.head) continue;
    const prev = heads.get(h);
    if (prev !== undefined) errors.push({ row, field: 'head', message: `household ${h} already has its 世帯主 in row ${prev}` });
    else heads.set(h, row);
  }
  for (const [h, row] of firstRow) if (!heads.has(h)) errors.push({ row, field: 'head', message: `household ${h} has no 世帯主 (head = 1)` });
}
