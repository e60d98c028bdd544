import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors';

export interface Migration {
  version: number;
  slug: string;
  sql: string;
  /**
   * Data work after the SQL, in the same transaction (e.g. filling a new table from existing rows).
   * `log` prints progress when the work is long.
   */
  backfill?: (db: Database, log: (line: string) => void) => void;
}

/** Checks the ordered list once: versions 1..N with no gap or repeat. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version} (${m.slug})`);
  });
}

/**
 * Applies every pending migration in one transaction and records the result in
 * `PRAGMA user_version`. A database written by a newer app is refused, never "repaired".
 */
export function migrate(db: Database, list: readonly Migration[], file = 'database', log: (line: string) => void = (line) => process.stderr.write(`madoguchi: ${line}\n`)): { from: number; to: number } {
  checkMigrationList(list);
  const latest = list.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppError(
      'database-too-new',
      `${file} was written by a newer Madoguchi (schema ${current}; this app knows up to ${latest}). Install the newer version on this terminal, or restore a backup made by this version.`,
    );
  }
  if (current === latest) return { from: current, to: current };
  // Two processes may open a new data folder at the same moment: the version is read again under
  // the write lock, so the second one finds the work done instead of running it twice.
  const from = db.transaction(() => {
    const now = db.pragma('user_version', { simple: true }) as number;
    for (const m of list.slice(now)) {
      db.exec(m.sql);
      m.backfill?.(db, log);
    }
    db.pragma(`user_version = ${latest}`);
    return now;
  }).immediate();
  return { from, to: latest };
}
