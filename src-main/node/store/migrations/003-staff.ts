import type { Migration } from '../migrate';

/**
 * Staff sign-in. Terminal-local and never synced: these are credentials, not facts of a visit, so
 * they stay out of the event log. PINs are stored only as scrypt hashes with a per-user salt;
 * session tokens only as SHA-256 digests, so a copied database signs nobody in.
 */
export const migration: Migration = {
  version: 3,
  slug: 'staff',
  sql: `
    CREATE TABLE IF NOT EXISTS staff (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('concierge', 'counter', 'supervisor', 'admin')),
      department TEXT NOT NULL,
      pin_salt BLOB NOT NULL,
      pin_hash BLOB NOT NULL,
      kdf TEXT NOT NULL,
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      locked_until TEXT,
      active INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS staff_sessions (
      token_hash TEXT PRIMARY KEY,
      staff_id TEXT NOT NULL REFERENCES staff (id),
      terminal TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      ended_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS staff_sessions_by_staff ON staff_sessions (staff_id, created_at);
  `,
};
