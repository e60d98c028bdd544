import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors';
import type { Role, TerminalProfile } from '../../common/config/schema';
import { STAFF_ROLES, type StaffMember, type StaffRole } from '../../common/contract/counter';
import type { StaffSession } from '../api/registry';
import { migration as staffMigration } from '../store/migrations/003-staff';
import { checkPin, hashPin, verifyPin } from './pin';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 12;

/** Lays the staff tables when the migration list has not reached version 3 yet (idempotent). */
export function ensureStaffSchema(db: Database): void {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'staff_sessions'").get();
  if (!has) db.exec(staffMigration.sql);
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

  private member(r: StaffRow): StaffMember {
    return { id: r.id, name: r.name, role: r.role, department: r.department, active: r.active === 1, ...(r.locked_until && Date.parse(r.locked_until) > this.now() ? { lockedUntil: r.locked_until } : {}) };
  }

  /**
   * Checks the PIN and opens a session for this terminal. Every failure says the same thing
   * whether the id exists or not, except a lock-out, which says until when.
   */
  signIn(id: string, pin: string, terminal: TerminalProfile): { token: string; staff: StaffMember; expiresAt: string } {
    const wrong = () => new AppError('unauthenticated', 'staff id or PIN is wrong', { field: 'pin' });
    const row = this.db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined;
    if (!row || !row.active) {
      // Same cost as a real check, so timing does not reveal which ids exist.
      verifyPin(pin, Buffer.alloc(16), Buffer.alloc(32), 'scrypt:N=32768,r=8,p=1,len=32');
      throw wrong();
    }
    const now = this.now();
    if (row.locked_until && Date.parse(row.locked_until) > now) {
      throw new AppError('locked-out', `too many wrong PINs: "${id}" is locked until ${row.locked_until}`, { field: 'staffId', details: { lockedUntil: row.locked_until } });
    }
    const failedBefore = row.locked_until ? 0 : row.failed_attempts; // a served lock-out starts a fresh count
    if (!verifyPin(pin, row.pin_salt, row.pin_hash, row.kdf)) {
      const failed = failedBefore + 1;
      const lockedUntil = failed >= MAX_FAILURES ? new Date(now + LOCK_MINUTES * 60_000).toISOString() : null;
      this.db.prepare('UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE id = ?').run(lockedUntil ? 0 : failed, lockedUntil, id);
      if (lockedUntil) throw new AppError('locked-out', `${MAX_FAILURES} wrong PINs: "${id}" is locked for ${LOCK_MINUTES} minutes (until ${lockedUntil})`, { field: 'staffId', details: { lockedUntil } });
      throw wrong();
    }
    if (!MAY_SIGN_IN[terminal.role].includes(row.role)) {
      throw new AppError('forbidden', `a ${row.role} may not sign in at a ${terminal.role} terminal`, { field: 'staffId' });
    }
    if (row.role === 'counter' && terminal.department && row.department !== terminal.department) {
      throw new AppError('forbidden', `"${id}" belongs to ${row.department}; this counter serves ${terminal.department}`, { field: 'staffId', details: { key: 'wrong-department', staff: id, department: row.department, counterDepartment: terminal.department } });
    }
    this.db.prepare('UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + SESSION_HOURS * 3_600_000).toISOString();
    this.db.prepare('INSERT INTO staff_sessions (token_hash, staff_id, terminal, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(digest(token), id, terminal.id, new Date(now).toISOString(), expiresAt);
    return { token, staff: this.member({ ...row, failed_attempts: 0, locked_until: null }), expiresAt };
  }

  /** The session behind a token, or undefined when it is unknown, ended or expired. */
  resolve(token: string): (StaffSession & { terminal: string; staffRole: StaffRole }) | undefined {
    const r = this.db
      .prepare(
        `SELECT s.staff_id, s.terminal, s.expires_at, s.ended_at, f.name, f.role, f.department, f.active
         FROM staff_sessions s JOIN staff f ON f.id = s.staff_id WHERE s.token_hash = ?`,
      )
      .get(digest(token)) as { staff_id: string; terminal: string; expires_at: string; ended_at: string | null; name: string; role: StaffRole; department: string; active: number } | undefined;
    if (!r || r.ended_at || !r.active || Date.parse(r.expires_at) <= this.now()) return undefined;
    return { id: r.staff_id, name: r.name, role: terminalRoleOf(r.role), staffRole: r.role, department: r.department, token, terminal: r.terminal };
  }

  signOut(token: string): void {
    this.db.prepare('UPDATE staff_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL').run(new Date(this.now()).toISOString(), digest(token));
  }
}
