import type { Migration } from '../migrate';

/**
 * Print jobs: every ticket, list or form is stored with its exact bytes before it is sent, so a
 * printer that fails mid-job loses nothing and a reprint is byte-identical. Reprints are new rows
 * pointing at the original (reprint_of), keeping the history of what came out of which printer.
 */
export const migration: Migration = {
  version: 2,
  slug: 'print-jobs',
  sql: `
    CREATE TABLE print_jobs (
      id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('ticket', 'test', 'list', 'form')),
      ref TEXT,
      printer TEXT NOT NULL,
      bytes BLOB NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'printed', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      last_attempt_at TEXT,
      printed_at TEXT,
      reprint_of TEXT REFERENCES print_jobs (id)
    );
    CREATE INDEX print_jobs_by_status ON print_jobs (status, created_at);
    CREATE INDEX print_jobs_by_ref ON print_jobs (ref, created_at) WHERE ref IS NOT NULL;
    CREATE INDEX print_jobs_by_reprint_of ON print_jobs (reprint_of) WHERE reprint_of IS NOT NULL;
  `,
};
