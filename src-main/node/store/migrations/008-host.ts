import type { Migration } from '../migrate';

/**
 * Trust the wire (browser mode, sessions, audit):
 * - `devices`: browsers paired with this host. Only a SHA-256 digest of the device credential
 *   (kept by the browser in an HttpOnly cookie) is stored, with the terminal it was approved for.
 * - `staff_sessions.device`: a session is bound to the terminal and the device it was opened on.
 * - `staff_pin_failures`: wrong PINs counted per staff id AND device, so a stranger elsewhere
 *   cannot lock a clerk out of their own counter.
 * - `audit_log` becomes a hash chain (`prev_hash`, `hash`); triggers refuse every DELETE and every
 *   UPDATE except sealing a row written before this migration (hash still NULL), once.
 */
export const migration: Migration = {
  version: 8,
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
    ALTER TABLE staff_sessions ADD COLUMN device TEXT;
    CREATE TABLE IF NOT EXISTS staff_pin_failures (
      staff_id TEXT NOT NULL,
      device TEXT NOT NULL,
      failed INTEGER NOT NULL DEFAULT 0,
      locked_until TEXT,
      PRIMARY KEY (staff_id, device)
    ) WITHOUT ROWID;
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit_log ADD COLUMN hash TEXT;
    CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows are never deleted'); END;
    CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
      WHEN OLD.hash IS NOT NULL
        OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor OR NEW.terminal IS NOT OLD.terminal
        OR NEW.action IS NOT OLD.action OR NEW.resident_id IS NOT OLD.resident_id OR NEW.household_id IS NOT OLD.household_id
        OR NEW.visit_id IS NOT OLD.visit_id OR NEW.purpose IS NOT OLD.purpose OR NEW.detail IS NOT OLD.detail
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows are never changed'); END;
  `,
};
