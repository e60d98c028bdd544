import type { Migration } from '../migrate';

/**
 * Trust the wire (browser mode, sessions, audit). Only new tables and triggers, each IF NOT EXISTS,
 * so the step can run again on a database that has it (tests re-run migrations from an older
 * version):
 * - `devices`: browsers paired with this host. Only a SHA-256 digest of the device credential
 *   (kept by the browser in an HttpOnly cookie) is stored, with the terminal it was approved for.
 * - `staff_session_devices`: a session is bound to the terminal (staff_sessions.terminal) and the
 *   device it was opened on.
 * - `staff_pin_failures`: wrong PINs counted per staff id AND device, so a stranger elsewhere
 *   cannot lock a clerk out of their own counter.
 * - `audit_chain`: the hash chain over `audit_log` (one row per line: previous hash, own hash).
 *   Triggers refuse every UPDATE and DELETE on both tables.
 */
export const migration: Migration = {
  version: 9,
  slug: 'host',
  sql: `
    CREATE TABLE IF NOT EXISTS devices (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      code TEXT NOT NULL,
      label TEXT NOT NULL,
      terminal TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
      requested_at TEXT NOT NULL,
      requested_from TEXT NOT NULL,
      decided_at TEXT,
      decided_by TEXT,
      last_seen TEXT
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS devices_by_code ON devices (code);
    CREATE TABLE IF NOT EXISTS staff_session_devices (
      token_hash TEXT PRIMARY KEY,
      device TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS staff_session_devices_by_device ON staff_session_devices (device);
    CREATE TABLE IF NOT EXISTS staff_pin_failures (
      staff_id TEXT NOT NULL,
      device TEXT NOT NULL,
      failed INTEGER NOT NULL DEFAULT 0,
      locked_until TEXT,
      PRIMARY KEY (staff_id, device)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS audit_chain (
      id INTEGER PRIMARY KEY,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows are never deleted'); END;
    CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows are never changed'); END;
    CREATE TRIGGER IF NOT EXISTS audit_chain_no_delete BEFORE DELETE ON audit_chain
      BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only: rows are never deleted'); END;
    CREATE TRIGGER IF NOT EXISTS audit_chain_no_update BEFORE UPDATE ON audit_chain
      BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only: rows are never changed'); END;
  `,
};
