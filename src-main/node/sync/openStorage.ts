import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { PgSyncStorage, isPostgresUrl, redactUrl } from './pgStore';
import { SyncServerStore } from './serverStore';
import { SqliteSyncStorage, type SyncStorage } from './storage';

export const SERVER_DB_FILE = 'sync-server.sqlite';

/** Where the sync service keeps its data: a PostgreSQL URL (--db or MADOGUCHI_DB), else DIR/sync-server.sqlite. */
/** A --db value for a message: without its password when it parses as a URL. */
function shown(db: string): string {
  try {
    new URL(db);
    return redactUrl(db);
  } catch {
    return db;
  }
}

export function chooseDatabase(opts: { data?: string; db?: string }): { kind: 'postgresql'; url: string } | { kind: 'sqlite'; dir: string } {
  const db = opts.db ?? (process.env.MADOGUCHI_DB || undefined);
  if (db !== undefined) {
    if (!isPostgresUrl(db)) throw new AppError('bad-input', `"${shown(db).slice(0, 80)}" is not a PostgreSQL URL; use postgres://USER:PASSWORD@HOST:5432/DATABASE (or leave --db out for the SQLite file in --data)`, { field: 'db' });
    try {
      new URL(db);
    } catch {
      // Not echoed: it holds the password.
      throw new AppError(
        'bad-input',
        'the PostgreSQL URL (--db or MADOGUCHI_DB) cannot be read as a URL; characters such as @ : / % # ? in the user name or password must be percent-encoded (@ → %40, : → %3A, / → %2F, % → %25, # → %23, ? → %3F), e.g. postgres://madoguchi:p%40ss@127.0.0.1:5432/madoguchi',
        { field: 'db' },
      );
    }
    return { kind: 'postgresql', url: db };
  }
  if (!opts.data) throw new AppError('bad-input', '--data DIR is required (the folder of the SQLite database), or --db postgres://… (or MADOGUCHI_DB) for PostgreSQL', { field: 'data' });
  return { kind: 'sqlite', dir: resolve(opts.data) };
}

export function sqliteFile(dir: string, create: boolean): string {
  if (create) mkdirSync(dir, { recursive: true });
  else if (!existsSync(join(dir, SERVER_DB_FILE))) throw new AppError('not-found', `no sync server database in ${dir} (expected ${SERVER_DB_FILE}); enroll a terminal or start the server there first`, { field: 'data' });
  return join(dir, SERVER_DB_FILE);
}

/** Opens the sync service's storage; `listen` (servers) hears other processes through the database. */
export async function openSyncStorage(opts: { data?: string; db?: string; create: boolean; listen?: boolean; log?: (line: string) => void }): Promise<SyncStorage> {
  const where = chooseDatabase(opts);
  if (where.kind === 'postgresql') return PgSyncStorage.open({ url: where.url, ...(opts.listen ? { listen: true } : {}), ...(opts.log ? { log: opts.log } : {}) });
  return new SqliteSyncStorage(SyncServerStore.open({ file: sqliteFile(where.dir, opts.create), ...(opts.log ? { log: opts.log } : {}) }));
}
