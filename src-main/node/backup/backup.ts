import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { migrations } from '../store/migrations';
import { dbPath } from '../terminal/dataFolder';
import { Store } from '../store/store';
import { writeAudit, type AuditAction } from '../residents/audit';
import { claimedOperatorNote, osUser } from '../residents/cliReader';

export interface DatabaseCheck {
  file: string;
  /** `PRAGMA integrity_check` said "ok". */
  ok: boolean;
  /** The first lines of integrity_check (or the open error) when not ok. */
  problems: string[];
  userVersion: number | null;
  events: number | null;
}

/** Opens a database file read-only and runs `PRAGMA integrity_check`; never throws for a bad file. */
export function checkDatabaseFile(file: string): DatabaseCheck {
  if (!existsSync(file)) return { file, ok: false, problems: [`${file} does not exist`], userVersion: null, events: null };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
    const rows = db.pragma('integrity_check(20)') as Array<{ integrity_check: string }>;
    const lines = rows.map((r) => r.integrity_check);
    const ok = lines.length === 1 && lines[0] === 'ok';
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    let events: number | null = null;
    try {
      events = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } catch {
      events = null;
    }
    return { file, ok, problems: ok ? [] : lines, userVersion, events };
  } catch (e) {
    return { file, ok: false, problems: [(e as Error).message], userVersion: null, events: null };
  } finally {
    db?.close();
  }
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
}

export interface BackupResult {
  file: string;
  bytes: number;
  userVersion: number;
  events: number;
}

/**
 * Online backup through SQLite's backup API. All pages are copied in one step, so the copy is the
 * state of one moment — every transaction committed before it began — even while the app or
 * another process keeps issuing tickets (they wait a few milliseconds at most).
 */
export async function backupDatabase(dataDir: string, opts: { to?: string; now?: number } = {}): Promise<BackupResult> {
  const source = dbPath(dataDir);
  if (!existsSync(source)) throw new AppError('not-found', `no database at ${source}: nothing to back up (is --data the terminal's data folder?)`, { field: 'data' });
  const target = resolve(opts.to ?? join(dataDir, 'backups', `madoguchi-${stamp(opts.now ?? Date.now())}.sqlite`));
  if (existsSync(target)) throw new AppError('conflict', `${target} already exists; choose another --to`, { field: 'to' });
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true, timeout: 15_000 });
  try {
    await db.backup(partial, { progress: () => Number.MAX_SAFE_INTEGER });
  } catch (e) {
    rmSync(partial, { force: true });
    throw new AppError('unavailable', `backup of ${source} failed: ${(e as Error).message}`, { cause: e });
  } finally {
    db.close();
  }
  const check = checkDatabaseFile(partial);
  if (!check.ok) {
    rmSync(partial, { force: true });
    throw new AppError('unavailable', `the backup copy failed its integrity check (${check.problems.join('; ')}); the live database may be damaged: run "madoguchi doctor"`);
  }
  renameSync(partial, target);
  return { file: target, bytes: statSync(target).size, userVersion: check.userVersion ?? 0, events: check.events ?? 0 };
}

export interface RestoreResult {
  restored: string;
  from: string;
  /** Where the database that was replaced was kept (absent when there was none). */
  kept?: string;
  events: number;
  /** Audit lines of the replaced database that the backup lacked, appended again after the restore line. */
  audit?: { carriedOver: number };
}

/**
 * Puts a backup in place of the terminal's database. The backup is checked first; the live file is
 * replaced only while nobody has it open (the app and every CLI closed), and it is kept beside
 * the new one so a wrong restore can be undone.
 */
export function restoreDatabase(dataDir: string, from: string, opts: { now?: number } = {}): RestoreResult {
  const source = resolve(from);
  const check = checkDatabaseFile(source);
  if (!check.ok) {
    throw new AppError('bad-input', `${source} is not a usable backup: ${check.problems.join('; ')}. Nothing was changed.`, { field: 'from' });
  }
  if (check.userVersion === null || check.events === null) {
    throw new AppError('bad-input', `${source} is not a Madoguchi database (no event log). Nothing was changed.`, { field: 'from' });
  }
  if (check.userVersion > migrations.length) {
    throw new AppError('database-too-new', `${source} was made by a newer Madoguchi (schema ${check.userVersion}; this app knows up to ${migrations.length}). Install the newer version first. Nothing was changed.`, { field: 'from' });
  }
  mkdirSync(dataDir, { recursive: true });
  const live = dbPath(dataDir);
  // Stage the copy beside the live file first, so the swap itself is one rename.
  const staged = `${live}.restoring`;
  rmSync(staged, { force: true });
  copyFileSync(source, staged);
  let kept: string | undefined;
  if (existsSync(live)) {
    kept = join(dataDir, `${basename(live, '.sqlite')}.replaced-${stamp(opts.now ?? Date.now())}.sqlite`);
    const db = new Database(live, { fileMustExist: true, timeout: 0 });
    try {
      try {
        // An exclusive lock is granted only when no other connection (app, CLI) has the file open.
        db.pragma('locking_mode = EXCLUSIVE');
        db.exec('BEGIN EXCLUSIVE');
        db.exec('COMMIT');
      } catch (e) {
        rmSync(staged, { force: true });
        throw new AppError('unavailable', `${live} is in use by another process (the Madoguchi app or a command). Close the app on this terminal, then run restore again. Nothing was changed.`, { cause: e });
      }
      // Fold the WAL into the file so the kept copy is complete on its own.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec(`VACUUM INTO '${kept.replace(/'/g, "''")}'`);
    } finally {
      db.close();
    }
    for (const ext of ['-wal', '-shm']) rmSync(live + ext, { force: true });
  }
  renameSync(staged, live);
  const audit = recordRestore(dataDir, source, kept);
  return { restored: live, from: source, ...(kept ? { kept } : {}), events: check.events, audit };
}

type AuditRow = { id: number; at: string; actor: string; terminal: string; action: string; resident_id: string | null; household_id: string | null; visit_id: string | null; purpose: string; detail: string | null };
const auditKey = (r: AuditRow) => JSON.stringify([r.at, r.actor, r.terminal, r.action, r.resident_id, r.household_id, r.visit_id, r.purpose, r.detail]);

/**
 * A restore is itself audited, and loses no audit line: the lines the replaced database held that
 * the backup lacks (everything audited since the backup was made) are appended again, with their
 * original time, actor and terminal, right after a `restore` line that says how many follow.
 */
function recordRestore(dataDir: string, from: string, kept: string | undefined): { carriedOver: number } {
  let older: AuditRow[] = [];
  if (kept) {
    const db = new Database(kept, { readonly: true, fileMustExist: true });
    try {
      older = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
    } catch {
      older = []; // a database from before the residents module: no audit log to keep
    } finally {
      db.close();
    }
  }
  // The restored database's own terminal (meta node_id / site): the data folder may have no config yet.
  let store: Store;
  try {
    const meta = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
    let nodeId = 'unknown';
    let site = 'unknown';
    try {
      const get = (k: string) => (meta.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value;
      nodeId = get('node_id') ?? nodeId;
      site = (meta.prepare('SELECT site FROM events WHERE origin = ? ORDER BY seq DESC LIMIT 1').get(nodeId) as { site: string } | undefined)?.site ?? site;
    } finally {
      meta.close();
    }
    store = Store.open({ file: dbPath(dataDir), nodeId, site });
  } catch (e) {
    throw new AppError('unavailable', `restored ${from}, but could not open it to record the restore in the audit log: ${(e as Error).message}`, { cause: e });
  }
  const t = { store, config: { node: { id: store.nodeId } }, close: () => store.close() };
  try {
    const have = new Map<string, number>();
    for (const r of t.store.db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[]) have.set(auditKey(r), (have.get(auditKey(r)) ?? 0) + 1);
    const missing = older.filter((r) => {
      const n = have.get(auditKey(r)) ?? 0;
      if (n > 0) {
        have.set(auditKey(r), n - 1);
        return false;
      }
      return true;
    });
    const note = claimedOperatorNote();
    const store = t.store;
    store.tx(() => {
      writeAudit(store, { actor: `cli:${osUser()}`, terminal: t.config.node.id }, [
        { action: 'restore', purpose: 'CLI: restore', detail: [`restored from ${basename(from)}`, kept ? `replaced database kept as ${basename(kept)}` : 'no database was replaced', `${missing.length} audit lines carried over from the replaced database`, note].filter(Boolean).join('; ') },
      ]);
      for (const r of missing) {
        writeAudit(store, { actor: r.actor, terminal: r.terminal }, [{ action: r.action as AuditAction, residentId: r.resident_id, householdId: r.household_id, visitId: r.visit_id, purpose: r.purpose, detail: r.detail }], { at: r.at });
      }
    });
    return { carriedOver: missing.length };
  } finally {
    t.close();
  }
}
