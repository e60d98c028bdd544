import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepared statements made once per SQL text on one connection: hot paths (an ingest, a ticket, a
 * pull on the way to a display's call) do not prepare again. The statements live as long as the
 * connection; SQL texts are written in code (or sized from a small bounded set), so the cache stays small.
 */
export function statementCache(db: Database): (sql: string) => Statement {
  const made = new Map<string, Statement>();
  return (sql) => {
    let st = made.get(sql);
    if (!st) made.set(sql, (st = db.prepare(sql)));
    return st;
  };
}
