import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors';
import type { PairingRequest } from '../../common/contract/session';

/**
 * Browsers paired with this host (browser mode). A browser asks once: it gets a device credential
 * (a random 32-byte token, kept by the browser in an HttpOnly, SameSite=Strict cookie, stored here
 * only as its SHA-256) and shows a 6-digit code; an administrator compares the code and approves
 * it for one terminal (`madoguchi device approve CODE --terminal ID`, or `device.approve` from an
 * admin session). Until then the browser can call nothing. A host bound only to loopback pairs
 * loopback browsers by itself, for every terminal (the demo, `npm start`, the e2e tests).
 */
export const DEVICE_COOKIE = 'madoguchi_device';
/** A pending request that nobody approved is forgotten after a day. */
const PENDING_HOURS = 24;
const MAX_PENDING = 200;
/** Loopback devices may act as every terminal. */
export const ANY_TERMINAL = '*';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

interface DeviceRow {
  id: string;
  token_hash: string;
  code: string;
  label: string;
  terminal: string | null;
  status: 'pending' | 'approved' | 'revoked';
  requested_at: string;
  requested_from: string;
  decided_at: string | null;
  decided_by: string | null;
  last_seen: string | null;
}

export interface Device {
  id: string;
  status: DeviceRow['status'];
  terminal: string | null;
  code: string;
}

function view(r: DeviceRow): PairingRequest {
  return { id: r.id, code: r.code, label: r.label, terminal: r.terminal, status: r.status, requestedAt: r.requested_at, requestedFrom: r.requested_from };
}

export class DeviceRegistry {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** The device behind a credential, or undefined (unknown, or not a credential at all). */
  byToken(token: string | undefined): Device | undefined {
    if (!token || token.length > 100) return undefined;
    const r = this.db.prepare('SELECT * FROM devices WHERE token_hash = ?').get(digest(token)) as DeviceRow | undefined;
    if (!r) return undefined;
    if (r.status === 'pending' && Date.parse(r.requested_at) + PENDING_HOURS * 3_600_000 < this.now()) return undefined;
    return { id: r.id, status: r.status, terminal: r.terminal, code: r.code };
  }

  /** A new pairing request: returns the credential for the cookie and the code to show. */
  request(label: string, from: string, terminal: string | null, approved = false, by = 'loopback'): { token: string; device: Device } {
    const at = new Date(this.now()).toISOString();
    if (!approved) {
      this.db.prepare("DELETE FROM devices WHERE status = 'pending' AND requested_at < ?").run(new Date(this.now() - PENDING_HOURS * 3_600_000).toISOString());
      const n = (this.db.prepare("SELECT COUNT(*) AS n FROM devices WHERE status = 'pending'").get() as { n: number }).n;
      if (n >= MAX_PENDING) throw new AppError('unavailable', `${MAX_PENDING} pairing requests are waiting for an administrator; approve or let them expire first`);
    }
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.db
      .prepare('INSERT INTO devices (id, token_hash, code, label, terminal, status, requested_at, requested_from, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, digest(token), code, label.slice(0, 80), terminal, approved ? 'approved' : 'pending', at, from.slice(0, 80), approved ? at : null, approved ? by : null);
    return { token, device: { id, status: approved ? 'approved' : 'pending', terminal, code } };
  }

  pending(): PairingRequest[] {
    return (this.db.prepare("SELECT * FROM devices WHERE status = 'pending' AND requested_at >= ? ORDER BY requested_at").all(new Date(this.now() - PENDING_HOURS * 3_600_000).toISOString()) as DeviceRow[]).map(view);
  }

  list(): PairingRequest[] {
    return (this.db.prepare('SELECT * FROM devices ORDER BY requested_at').all() as DeviceRow[]).map(view);
  }

  approve(code: string, terminal: string, by: string): PairingRequest {
    const rows = this.db.prepare("SELECT * FROM devices WHERE code = ? AND status = 'pending' AND requested_at >= ?").all(code, new Date(this.now() - PENDING_HOURS * 3_600_000).toISOString()) as DeviceRow[];
    if (rows.length === 0) throw new AppError('not-found', `no pairing request with code ${code} is waiting`, { field: 'code' });
    if (rows.length > 1) throw new AppError('conflict', `${rows.length} requests show code ${code}; ask the browsers to request again`, { field: 'code' });
    const r = rows[0]!;
    this.db.prepare("UPDATE devices SET status = 'approved', terminal = ?, decided_at = ?, decided_by = ? WHERE id = ?").run(terminal, new Date(this.now()).toISOString(), by, r.id);
    return view({ ...r, status: 'approved', terminal });
  }

  revoke(id: string, by: string): PairingRequest {
    const r = this.db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
    if (!r) throw new AppError('not-found', `no device "${id}"`, { field: 'id' });
    this.db.prepare("UPDATE devices SET status = 'revoked', decided_at = ?, decided_by = ? WHERE id = ?").run(new Date(this.now()).toISOString(), by, id);
    // Its sessions end with it.
    this.db.prepare('UPDATE staff_sessions SET ended_at = ? WHERE ended_at IS NULL AND token_hash IN (SELECT token_hash FROM staff_session_devices WHERE device = ?)').run(new Date(this.now()).toISOString(), id);
    return view({ ...r, status: 'revoked' });
  }

  seen(id: string): void {
    this.db.prepare('UPDATE devices SET last_seen = ? WHERE id = ?').run(new Date(this.now()).toISOString(), id);
  }
}
