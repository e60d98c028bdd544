import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors';
import type { Role, TerminalProfile } from '../../common/config/schema';
import { STAFF_ROLES, type StaffMember, type StaffRole } from '../../common/contract/counter';
import type { StaffSession } from '../api/registry';
import { migration as staffMigration } from '../store/migrations/003-staff';
import { checkPin, hashPin, KDF_LABEL, verifyPinAsync } from './pin';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 12;
/** Sign-in attempts one device may make (any staff ids) per window. */
export const DEVICE_ATTEMPTS = 20;
export const DEVICE_WINDOW_MINUTES = 15;

/** Lays the staff tables when the migration list has not reached version 3 yet (idempotent). */
export function ensureStaffSchema(db: Database): void {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'staff_sessions'").get();
  if (!has) db.exec(staffMigration.sql);
  // Per id+device lock-outs and session devices (migration 8) for a database set up by hand in tests.
  db.exec('CREATE TABLE IF NOT EXISTS staff_session_devices (token_hash TEXT PRIMARY KEY, device TEXT NOT NULL) WITHOUT ROWID');
  db.exec('CREATE TABLE IF NOT EXISTS staff_pin_failures (staff_id TEXT NOT NULL, device TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0, locked_until TEXT, PRIMARY KEY (staff_id, device)) WITHOUT ROWID');
}

/** The terminal role a staff member acts as: a concierge works the kiosk (総合案内). */
export function terminalRoleOf(role: StaffRole): Role {
  return role === 'concierge' ? 'kiosk' : role;
}

/** Which staff roles may sign in at which kind of terminal. */
const MAY_SIGN_IN: Record<Role, readonly StaffRole[]> = {
  kiosk: ['concierge', 'supervisor', 'admin'],
  counter: ['counter', 'supervisor', 'admin'],
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
  display: [],
};

const staffId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const deptId = /^[a-z0-9][a-z0-9-]{0,39}$/;

interface StaffRow {
  id: string;
  name: string;
  role: StaffRole;
  department: string;
  pin_salt: Buffer;
  pin_hash: Buffer;
  kdf: string;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Staff members of this terminal and their sign-in sessions. Five wrong PINs in a row lock the
 * account for fifteen minutes; while locked, no PIN is even checked.
 */
export class StaffDirectory {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    ensureStaffSchema(db);
  }

  add(input: { id: string; name: string; role: string; department: string; pin: string }): StaffMember {
    if (!staffId.test(input.id)) throw new AppError('bad-input', 'staff id: letters, digits, ".", "_" or "-", at most 32 characters', { field: 'id' });
    if (!input.name.trim()) throw new AppError('bad-input', 'the name is empty', { field: 'name' });
    if (!(STAFF_ROLES as readonly string[]).includes(input.role)) throw new AppError('bad-input', `role must be one of ${STAFF_ROLES.join(', ')}, got "${input.role}"`, { field: 'role' });
    if (!deptId.test(input.department)) throw new AppError('bad-input', 'department: lower-case letters, digits and "-" (e.g. shimin)', { field: 'department' });
    checkPin(input.pin);
    const { salt, hash, kdf } = hashPin(input.pin);
    const at = new Date(this.now()).toISOString();
    try {
      this.db
        .prepare('INSERT INTO staff (id, name, role, department, pin_salt, pin_hash, kdf, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.id, input.name.trim(), input.role, input.department, salt, hash, kdf, at, at);
    } catch (e) {
      if (/UNIQUE|PRIMARY KEY/.test((e as Error).message)) throw new AppError('conflict', `staff "${input.id}" already exists`, { field: 'id' });
      throw e;
    }
    return this.get(input.id)!;
  }

  setPin(id: string, pin: string): void {
    const { salt, hash, kdf } = hashPin(pin);
    const r = this.db
      .prepare('UPDATE staff SET pin_salt = ?, pin_hash = ?, kdf = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?')
      .run(salt, hash, kdf, new Date(this.now()).toISOString(), id);
    if (r.changes === 0) throw new AppError('not-found', `no staff "${id}"`, { field: 'id' });
    this.db.prepare('DELETE FROM staff_pin_failures WHERE staff_id = ?').run(id);
  }

  get(id: string): StaffMember | undefined {
    const r = this.db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined;
    return r ? this.member(r) : undefined;
  }

  list(): StaffMember[] {
    return (this.db.prepare('SELECT * FROM staff ORDER BY department, id').all() as StaffRow[]).map((r) => this.member(r));
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM staff').get() as { n: number }).n;
  }

  /** A member as others see them; `lockedUntil` is the latest lock on any device (or on `device` when given). */
  private member(r: StaffRow, device?: string): StaffMember {
    const lock = (
      device === undefined
        ? this.db.prepare('SELECT MAX(locked_until) AS u FROM staff_pin_failures WHERE staff_id = ?').get(r.id)
        : this.db.prepare('SELECT locked_until AS u FROM staff_pin_failures WHERE staff_id = ? AND device = ?').get(r.id, device)
    ) as { u: string | null } | undefined;
    const until = lock?.u ?? null;
    return { id: r.id, name: r.name, role: r.role, department: r.department, active: r.active === 1, ...(until && Date.parse(until) > this.now() ? { lockedUntil: until } : {}) };
  }

  /** Sign-in attempts per device in the current window (in memory: a restart forgives, the per-id+device lock does not). */
  private readonly deviceAttempts = new Map<string, { n: number; since: number }>();

  private lockRow(id: string, device: string): { failed: number; locked_until: string | null } {
    return (this.db.prepare('SELECT failed, locked_until FROM staff_pin_failures WHERE staff_id = ? AND device = ?').get(id, device) as { failed: number; locked_until: string | null } | undefined) ?? { failed: 0, locked_until: null };
  }

  private setLock(id: string, device: string, failed: number, lockedUntil: string | null): void {
    this.db
      .prepare('INSERT INTO staff_pin_failures (staff_id, device, failed, locked_until) VALUES (?, ?, ?, ?) ON CONFLICT(staff_id, device) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until')
      .run(id, device, failed, lockedUntil);
  }

  /**
   * Checks the PIN and opens a session for this terminal and device. Every failure says the same
   * thing whether the id exists or not, except a lock-out, which says until when.
   *
   * The PIN is checked off the event loop (async scrypt, at most two at a time). Wrong PINs are
   * counted per staff id AND device: five on one device lock that id on that device for fifteen
   * minutes, so a stranger's browser cannot lock a clerk out of their own counter. A device may
   * try at most DEVICE_ATTEMPTS sign-ins (any ids) per DEVICE_WINDOW_MINUTES. An attempt is
   * counted before its PIN is checked, so parallel tries cannot slip past either limit.
   */
  async signIn(id: string, pin: string, terminal: TerminalProfile, device = 'local'): Promise<{ token: string; staff: StaffMember; expiresAt: string }> {
    const wrong = () => new AppError('unauthenticated', 'staff id or PIN is wrong', { field: 'pin' });
    const now = this.now();
    const d = this.deviceAttempts.get(device);
    const windowOpen = d && now - d.since < DEVICE_WINDOW_MINUTES * 60_000;
    if (windowOpen && d.n >= DEVICE_ATTEMPTS) {
      throw new AppError('locked-out', `too many sign-in attempts from this device: wait ${DEVICE_WINDOW_MINUTES} minutes`, { field: 'device', details: { retryAfter: new Date(d.since + DEVICE_WINDOW_MINUTES * 60_000).toISOString() } });
    }
    const attempts = windowOpen ? d : { n: 0, since: now };
    attempts.n++;
    this.deviceAttempts.set(device, attempts);
    if (this.deviceAttempts.size > 10_000) this.deviceAttempts.delete(this.deviceAttempts.keys().next().value!);

    const row = this.db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined;
    if (!row || !row.active) {
      // Same cost as a real check, so timing does not reveal which ids exist.
      await verifyPinAsync(pin, Buffer.alloc(16), Buffer.alloc(32), KDF_LABEL);
      throw wrong();
    }
    const lock = this.lockRow(id, device);
    if (lock.locked_until && Date.parse(lock.locked_until) > now) {
      throw new AppError('locked-out', `too many wrong PINs: "${id}" is locked on this device until ${lock.locked_until}`, { field: 'staffId', details: { lockedUntil: lock.locked_until } });
    }
    const failed = (lock.locked_until ? 0 : lock.failed) + 1; // a served lock-out starts a fresh count
    const lockedUntil = failed >= MAX_FAILURES ? new Date(now + LOCK_MINUTES * 60_000).toISOString() : null;
    // Counted as wrong until proven right (parallel attempts see it at once).
    this.setLock(id, device, failed, lockedUntil);
    if (!(await verifyPinAsync(pin, row.pin_salt, row.pin_hash, row.kdf))) {
      if (lockedUntil) throw new AppError('locked-out', `${MAX_FAILURES} wrong PINs: "${id}" is locked on this device for ${LOCK_MINUTES} minutes (until ${lockedUntil})`, { field: 'staffId', details: { lockedUntil } });
      throw wrong();
    }
    // Right PIN: this attempt did not count, and the device's count forgives it.
    this.setLock(id, device, 0, null);
    attempts.n = Math.max(0, attempts.n - 1);
    if (!MAY_SIGN_IN[terminal.role].includes(row.role)) {
      throw new AppError('forbidden', `a ${row.role} may not sign in at a ${terminal.role} terminal`, { field: 'staffId' });
    }
    if (row.role === 'counter' && terminal.department && row.department !== terminal.department) {
      throw new AppError('forbidden', `"${id}" belongs to ${row.department}; this counter serves ${terminal.department}`, { field: 'staffId', details: { key: 'wrong-department', staff: id, department: row.department, counterDepartment: terminal.department } });
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + SESSION_HOURS * 3_600_000).toISOString();
    this.db.prepare('INSERT INTO staff_sessions (token_hash, staff_id, terminal, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(digest(token), id, terminal.id, new Date(now).toISOString(), expiresAt);
    this.db.prepare('INSERT INTO staff_session_devices (token_hash, device) VALUES (?, ?)').run(digest(token), device);
    return { token, staff: this.member(row, device), expiresAt };
  }

  /** The session behind a token, or undefined when it is unknown, ended or expired. */
  resolve(token: string): (StaffSession & { terminal: string; staffRole: StaffRole; device: string | null }) | undefined {
    const r = this.db
      .prepare(
        `SELECT s.staff_id, s.terminal, d.device, s.expires_at, s.ended_at, f.name, f.role, f.department, f.active
         FROM staff_sessions s JOIN staff f ON f.id = s.staff_id LEFT JOIN staff_session_devices d ON d.token_hash = s.token_hash WHERE s.token_hash = ?`,
      )
      .get(digest(token)) as { staff_id: string; terminal: string; device: string | null; expires_at: string; ended_at: string | null; name: string; role: StaffRole; department: string; active: number } | undefined;
    if (!r || r.ended_at || !r.active || Date.parse(r.expires_at) <= this.now()) return undefined;
    return { id: r.staff_id, name: r.name, role: terminalRoleOf(r.role), staffRole: r.role, department: r.department, token, terminal: r.terminal, device: r.device };
  }

  signOut(token: string): void {
    this.db.prepare('UPDATE staff_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL').run(new Date(this.now()).toISOString(), digest(token));
  }
}
