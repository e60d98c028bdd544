import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { PgSyncStorage, isPostgresUrl } from './pgStore';
import { SyncServerStore } from './serverStore';
import { SqliteSyncStorage, type SyncStorage } from './storage';

export const SERVER_DB_FILE = 'sync-server.sqlite';

/** Where the sync service keeps its data: a PostgreSQL URL (--db or MADOGUCHI_DB), else DIR/sync-server.sqlite. */
export function chooseDatabase(opts: { data?: string; db?: string }): { kind: 'postgresql'; url: string } | { kind: 'sqlite'; dir: string } {
  const db = opts.db ?? (process.env.MADOGUCHI_DB || undefined);
  if (db !== undefined) {
    if (!isPostgresUrl(db)) throw new AppError('bad-input', `--db: "${db.slice(0, 80)}" is not a PostgreSQL URL; use postgres://USER:PASSWORD@HOST:5432/DATABASE (or leave --db out for the SQLite file in --data)`, { field: 'db' });
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
