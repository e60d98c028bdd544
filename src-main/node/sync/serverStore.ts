import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AppError } from '../../common/errors';
import { ROLES, type Role } from '../../common/config/schema';
import {
  LIMITS,
  PROTOCOL_VERSION,
  type ClaimConflict,
  type PullResponse,
  type PushResponse,
  type StationClaim,
} from '../../common/sync/protocol';
import { SKIPPED_EVENT, checkEventPayload } from '../../common/sync/authorisation';
import { DEFAULT_TENANT, SEES_ALL_SITES, SyncError, checkClaimant, checkEnrollment, checkPullQuery, checkPush, claimConflict, planPush, type EnrolledTerminal } from './pushRules';
import { type Checkpointer, WalCheckpoints } from '../store/checkpointer';
import { migrate, type Migration } from '../store/migrate';
import { statementCache } from '../store/statements';
import { withoutFsync } from '../store/withoutFsync';
import type { PageBytes } from './pageBytes';
import { pageCharsOf, pullAnswer, writePullAnswer, type StoredEventRow } from './pullPage';

export { SyncError, protocolError, DEFAULT_TENANT, type EnrolledTerminal } from './pushRules';

/** The sync service's own schema (a separate database from any terminal's). */
export const serverMigrations: readonly Migration[] = [
  {
    version: 1,
    slug: 'sync-server',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE events (
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        site TEXT NOT NULL,
        visit_id TEXT,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (origin, seq)
      ) WITHOUT ROWID;
      -- High-water mark per origin. Pushes are accepted only contiguously, so max_seq is what the
      -- server holds without gaps: the pull and the push both start from it.
      CREATE TABLE origins (
        origin TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        max_seq INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE terminals (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        site TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        revoked INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT,
        skew_ms INTEGER,
        skew_flagged INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE station_claims (
        station TEXT PRIMARY KEY,
        range_from INTEGER NOT NULL,
        range_to INTEGER NOT NULL,
        terminal TEXT NOT NULL REFERENCES terminals (id),
        claimed_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE claim_conflicts (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        station TEXT NOT NULL,
        range_from INTEGER NOT NULL,
        range_to INTEGER NOT NULL,
        holder TEXT NOT NULL,
        claimant TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX claim_conflicts_by_holder ON claim_conflicts (holder, id);
    `,
  },
  {
    version: 2,
    slug: 'trust-the-wire',
    sql: `
      -- Stations a kiosk was enrolled for (JSON array of station ids); NULL: any free station.
      ALTER TABLE terminals ADD COLUMN stations TEXT;
      -- Events an operator took out of circulation ("sync-server purge-event"): the original is
      -- kept here, and a sync.skipped placeholder holds its (origin, seq) so nothing behind it stalls.
      CREATE TABLE purged_events (
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        site TEXT NOT NULL,
        visit_id TEXT,
        payload TEXT NOT NULL,
        reason TEXT NOT NULL,
        purged_at TEXT NOT NULL,
        PRIMARY KEY (origin, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    slug: 'station-claims-per-site',
    sql: `
      -- Ticket ranges are unique in a building (a site), not across the municipality: two sites may
      -- both have a station "east" with the same numbers. Claims are keyed by (site, station), and
      -- a claim's site is its kiosk's.
      CREATE TABLE station_claims_by_site (
        site TEXT NOT NULL,
        station TEXT NOT NULL,
        range_from INTEGER NOT NULL,
        range_to INTEGER NOT NULL,
        terminal TEXT NOT NULL REFERENCES terminals (id),
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (site, station)
      ) WITHOUT ROWID;
      INSERT INTO station_claims_by_site (site, station, range_from, range_to, terminal, claimed_at)
        SELECT t.site, c.station, c.range_from, c.range_to, c.terminal, c.claimed_at FROM station_claims c JOIN terminals t ON t.id = c.terminal;
      DROP TABLE station_claims;
      ALTER TABLE station_claims_by_site RENAME TO station_claims;
      CREATE INDEX station_claims_by_terminal ON station_claims (terminal);
    `,
  },
];


export interface ServerOptions {
  file: string;
  clock?: () => number;
  /** Log line sink for loud events (claim conflicts, skew, revoked tokens). */
  log?: (line: string) => void;
}

/** Rows a pull reads and holds (issue 15: memory stays bounded whatever the server holds). */
export interface PullWork {
  pulls: number;
  /** Event rows read from the database, and events sent. */
  rowsRead: number;
  eventsSent: number;
  /** The most rows one pull read, and the most it held in its buffers at once. */
  maxRowsReadPerPull: number;
  maxRowsHeld: number;
}

/** Rows a pull first reads of each origin, and the most it reads of one at a time (doubling in between). */
export const PULL_FIRST_CHUNK = 16;
export const PULL_MOST_CHUNK = 512;

type EventRow = StoredEventRow;

/**
 * An origin's events after a mark, as arrays (better-sqlite3's raw mode; this text is read only so):
 * made into rows by eventRowOf, one object literal of one shape, which costs less than the
 * binding's property-by-property objects (about 60 against 89 ms per 50,000 rows here).
 */
const PULL_ROWS = 'SELECT /* raw */ origin, seq, hlc, type, site, visit_id, payload FROM events WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?';
type PulledColumns = [string, number, string, string, string, string | null, string];
const eventRowOf = (c: PulledColumns): EventRow => ({ origin: c[0], seq: c[1], hlc: c[2], type: c[3], site: c[4], visit_id: c[5], payload: c[6] });

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The sync service's state and rules, without HTTP: enrollment, authentication, push (contiguous,
 * idempotent, all-or-nothing), pull (version vector, site scope), station claims and clock skew.
 * The HTTP layer and the deterministic simulation both drive this same object.
 */
export class SyncServerStore extends EventEmitter {
  readonly db: Database.Database;
  readonly file: string;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  readonly counters = { pushes: 0, pulls: 0, eventsAccepted: 0, duplicates: 0, rejections: new Map<string, number>() };
  /** What the pulls read since the store was opened: tests check that a page reads a bounded number of rows. */
  readonly pullWork: PullWork = { pulls: 0, rowsRead: 0, eventsSent: 0, maxRowsReadPerPull: 0, maxRowsHeld: 0 };

  private constructor(db: Database.Database, opts: ServerOptions) {
    super();
    this.setMaxListeners(0);
    this.db = db;
    this.statements = statementCache(db);
    this.file = opts.file;
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? ((l) => process.stderr.write(l + '\n'));
    this.checkpoints = new WalCheckpoints(db, opts.file);
  }

  static open(opts: ServerOptions): SyncServerStore {
    const db = new Database(opts.file, { timeout: 15_000 });
    try {
      db.pragma('journal_mode = WAL');
      // An acknowledged push is a promise to every terminal: it must survive a power cut.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, serverMigrations, opts.file);
      return new SyncServerStore(db, opts);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  now(): number {
    return this.clock();
  }

  close(): void {
    this.checkpoints.stop();
    if (this.db.open) this.db.close();
  }

  /** The worker checkpointing the WAL, once pushes started it (null for in-memory databases). */
  walCheckpointer(): Checkpointer | null {
    return this.checkpoints.current;
  }

  /**
   * WAL checkpoints on a worker thread, asked every few pushes (store/checkpointer.ts): a push's
   * commit never stops the server's event loop to copy the WAL into the file and fsync both.
   */
  private readonly checkpoints: WalCheckpoints;

  private readonly statements: (sql: string) => Database.Statement;
  /** A prepared statement, made once per SQL text: pushes and pulls (on the way to a display's call) do not prepare again. */
  private stmt(sql: string): Database.Statement {
    return this.statements(sql);
  }

  reject(code: string): void {
    this.counters.rejections.set(code, (this.counters.rejections.get(code) ?? 0) + 1);
  }

  // ---- terminals ---------------------------------------------------------------------------

  /** Enrolls (or re-enrolls, with a new token) a terminal. The token is returned once; only its hash is kept. */
  enroll(id: string, role: string, site = 'honcho', stations?: readonly string[], tenant = DEFAULT_TENANT): { token: string; terminal: EnrolledTerminal } {
    checkEnrollment(id, role, site, tenant, stations, ROLES);
    if (tenant !== DEFAULT_TENANT) throw new AppError('bad-input', `tenant "${tenant}": a SQLite sync server holds one municipality (tenant "${DEFAULT_TENANT}"); tenants need PostgreSQL (--db postgres://…)`, { field: 'tenant' });
    const token = `mdg1_${randomBytes(32).toString('base64url')}`;
    const at = new Date(this.clock()).toISOString();
    const st = stations?.length ? JSON.stringify([...new Set(stations)]) : null;
    this.db
      .prepare(
        `INSERT INTO terminals (id, role, site, token_hash, revoked, created_at, stations) VALUES (?, ?, ?, ?, 0, ?, ?)
         ON CONFLICT(id) DO UPDATE SET role = excluded.role, site = excluded.site, token_hash = excluded.token_hash, revoked = 0, revoked_at = NULL, created_at = excluded.created_at, stations = excluded.stations`,
      )
      .run(id, role, site, hashToken(token), at, st);
    // Re-enrolled for another building: the stations it held in the old one are free again.
    this.db.prepare('DELETE FROM station_claims WHERE terminal = ? AND site <> ?').run(id, site);
    this.emit('tokens', { terminal: id });
    return { token, terminal: { id, role: role as Role, site, tenant, ...(stations?.length ? { stations: [...new Set(stations)] } : {}) } };
  }

  /** Revokes a terminal's token and releases its station claims. */
  revoke(id: string): { released: string[] } {
    const r = this.db
      .transaction(() => {
        const r = this.db.prepare('UPDATE terminals SET revoked = 1, revoked_at = ? WHERE id = ?').run(new Date(this.clock()).toISOString(), id);
        if (r.changes === 0) throw new AppError('not-found', `no enrolled terminal "${id}"`, { field: 'terminal' });
        const released = (this.db.prepare('SELECT station FROM station_claims WHERE terminal = ?').all(id) as Array<{ station: string }>).map((x) => x.station);
        this.db.prepare('DELETE FROM station_claims WHERE terminal = ?').run(id);
        return { released };
      })
      .immediate();
    this.emit('tokens', { terminal: id });
    return r;
  }

  /** Whether a token hash still belongs to an enrolled, unrevoked terminal (streams re-check this). */
  tokenValid(tokenHash: string): boolean {
    const row = this.db.prepare('SELECT revoked FROM terminals WHERE token_hash = ?').get(tokenHash) as { revoked: number } | undefined;
    return !!row && row.revoked === 0;
  }

  /** Changes when another connection (the CLI's revoke or enroll) committed to this database. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  terminals(): Array<EnrolledTerminal & { revoked: boolean; lastSeenAt: string | null; skewMs: number | null; skewFlagged: boolean }> {
    const rows = this.db.prepare('SELECT id, role, site, revoked, last_seen_at, skew_ms, skew_flagged FROM terminals ORDER BY id').all() as Array<{
      id: string;
      role: Role;
      site: string;
      revoked: number;
      last_seen_at: string | null;
      skew_ms: number | null;
      skew_flagged: number;
    }>;
    return rows.map((r) => ({ id: r.id, role: r.role, site: r.site, tenant: DEFAULT_TENANT, revoked: r.revoked === 1, lastSeenAt: r.last_seen_at, skewMs: r.skew_ms, skewFlagged: r.skew_flagged === 1 }));
  }

  /** Resolves `Authorization: Bearer <token>`; 401 for a missing, unknown or revoked token. */
  authenticate(authorization: string | undefined): EnrolledTerminal {
    const m = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,200})$/.exec(authorization ?? '');
    if (!m) throw new SyncError(401, 'unauthenticated', 'send "Authorization: Bearer <token>" (the token printed by "madoguchi sync-server enroll")');
    const tokenHash = hashToken(m[1]!);
    const row = this.stmt('SELECT id, role, site, revoked, stations FROM terminals WHERE token_hash = ?').get(tokenHash) as
      | { id: string; role: Role; site: string; revoked: number; stations: string | null }
      | undefined;
    if (!row) throw new SyncError(401, 'unauthenticated', 'unknown token: enroll this terminal with "madoguchi sync-server enroll"');
    if (row.revoked) throw new SyncError(401, 'revoked', `the token of terminal "${row.id}" was revoked; enroll it again to get a new one`);
    return { id: row.id, role: row.role, site: row.site, tenant: DEFAULT_TENANT, tokenHash, ...(row.stations ? { stations: JSON.parse(row.stations) as string[] } : {}) };
  }

  /**
   * Creates (or replaces) the token that may read /metrics; only its hash is kept (meta
   * 'metrics_token_hash'). Admin terminals' tokens may read /metrics as well.
   */
  createMetricsToken(): string {
    const token = `mdgm_${randomBytes(32).toString('base64url')}`;
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run('metrics_token_hash', hashToken(token));
    return token;
  }

  /** /metrics: the metrics token or an admin terminal's token; 401/403 otherwise. */
  authenticateMetrics(authorization: string | undefined): void {
    const m = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,200})$/.exec(authorization ?? '');
    if (!m) throw new SyncError(401, 'unauthenticated', 'metrics need "Authorization: Bearer <token>": the token from "madoguchi sync-server metrics-token", or an admin terminal\'s token');
    const h = hashToken(m[1]!);
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'metrics_token_hash'").get() as { value: string } | undefined;
    if (row && row.value === h) return;
    const who = this.authenticate(authorization);
    if (who.role !== 'admin') throw new SyncError(403, 'forbidden', `terminal "${who.id}" (${who.role}) may not read metrics; use the metrics token or an admin terminal's token`);
  }

  /**
   * When a terminal last pulled: a monitoring hint, so its commit skips the fsync (WAL,
   * synchronous=NORMAL: never a corrupt database; a power cut may only bring back an older time).
   * A pull (on a display's path to a call) must not wait for the disk; pushes stay synchronous=FULL.
   */
  private seen(id: string): void {
    withoutFsync(this.db, () => this.stmt('UPDATE terminals SET last_seen_at = ? WHERE id = ?').run(new Date(this.clock()).toISOString(), id));
  }

  // ---- push --------------------------------------------------------------------------------

  /**
   * Stores a terminal's events. The whole message is validated first and applied in one
   * transaction, so a bad message leaves nothing behind. Events must be the terminal's own, in
   * its site, and contiguous from what the server holds; a resent event must be identical.
   */
  push(who: EnrolledTerminal, raw: unknown, terminalNow?: number): PushResponse {
    const req = checkPush(who, raw, this.clock(), terminalNow);
    const { serverNow, skewMs, flagged } = req;

    let result: { accepted: number; duplicates: number; have: number };
    try {
      result = this.db
      .transaction(() => {
        this.claim(who, req.stations);
        const have0 = (this.stmt('SELECT max_seq FROM origins WHERE origin = ?').get(who.id) as { max_seq: number } | undefined)?.max_seq ?? 0;
        const existing = this.stmt('SELECT hlc, type FROM events WHERE origin = ? AND seq = ?');
        const plan = planPush(who, req.events, have0, (seq) => existing.get(who.id, seq) as { hlc: string; type: string } | undefined);
        const insert = this.stmt('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
        const at = new Date(serverNow).toISOString();
        for (const e of plan.fresh) insert.run(e.origin, e.seq, e.hlc, e.type, e.site, e.visitId, JSON.stringify(e.payload), at);
        const { have, duplicates } = plan;
        const accepted = plan.fresh.length;
        if (have !== have0) {
          this.stmt('INSERT INTO origins (origin, site, max_seq) VALUES (?, ?, ?) ON CONFLICT(origin) DO UPDATE SET max_seq = excluded.max_seq').run(who.id, who.site, have);
        }
        this.stmt('UPDATE terminals SET last_seen_at = ?, skew_ms = ?, skew_flagged = ? WHERE id = ?').run(at, skewMs, flagged ? 1 : 0, who.id);
        return { accepted, duplicates, have };
      })
      .immediate();
    } catch (e) {
      if (e instanceof SyncError && e.code === 'station-conflict') this.recordConflict(e.details as ClaimConflict);
      throw e;
    }
    this.checkpoints.afterCommit();

    this.counters.pushes++;
    this.counters.eventsAccepted += result.accepted;
    this.counters.duplicates += result.duplicates;
    if (flagged) this.log(`[sync] clock skew: terminal "${who.id}" is ${Math.round(skewMs / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the server; its events are accepted and ordered by their clocks, but fix its time.`);
    if (result.accepted > 0) this.emit('stored', { origin: who.id, site: who.site, have: result.have });
    return {
      protocol: PROTOCOL_VERSION,
      accepted: result.accepted,
      duplicates: result.duplicates,
      have: result.have,
      serverNow,
      skew: { ms: skewMs, flagged },
      conflicts: this.conflictsFor(who.id),
    };
  }

  /**
   * Terminal clock minus server clock, from the wall clock the terminal reports (header, else
   * body). Event clocks are not used: a terminal with a right clock may carry a later HLC after
   * acting on a visit stamped by a fast one (per-visit causality), and must not be blamed for it.
   */
  private skewOf(bodyNow: number, headerNow: number | undefined, serverNow: number): number {
    return (headerNow ?? bodyNow) - serverNow;
  }

  /**
   * Registers the stations a kiosk issues from, in its site: another terminal's claim on the same
   * station of that site, or on an overlapping range there, is refused (409 naming both) and
   * recorded so the holder hears of it. Other sites number on their own.
   */
  private claim(who: EnrolledTerminal, claims: readonly StationClaim[]): void {
    const at = new Date(this.clock()).toISOString();
    type Claim = { station: string; range_from: number; range_to: number; terminal: string };
    checkClaimant(who, claims);
    const byStation = this.stmt('SELECT station, range_from, range_to, terminal FROM station_claims WHERE site = ? AND station = ?');
    const overlapping = this.stmt('SELECT station, range_from, range_to, terminal FROM station_claims WHERE site = ? AND terminal <> ? AND range_from <= ? AND ? <= range_to ORDER BY station LIMIT 1');
    for (const c of claims) {
      const same = byStation.get(who.site, c.station) as Claim | undefined;
      const holder = same && same.terminal !== who.id ? same : (overlapping.get(who.site, who.id, c.to, c.from) as Claim | undefined);
      if (holder) throw claimConflict(who, c, holder, at);
    }
    const upsert = this.stmt(
      `INSERT INTO station_claims (site, station, range_from, range_to, terminal, claimed_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(site, station) DO UPDATE SET range_from = excluded.range_from, range_to = excluded.range_to`,
    );
    for (const c of claims) upsert.run(who.site, c.station, c.from, c.to, who.id, at);
  }

  /** A refused claim is kept (outside the refused message's transaction) so the holder hears of it. */
  private recordConflict(cf: ClaimConflict): void {
    this.db
      .prepare('INSERT INTO claim_conflicts (at, station, range_from, range_to, holder, claimant, message) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(cf.at, cf.station, cf.range.from, cf.range.to, cf.holder, cf.claimant, cf.message);
    this.log(`[sync] STATION CLAIM REFUSED: ${cf.message}`);
  }

  claims(): Array<{ site: string; station: string; from: number; to: number; terminal: string }> {
    return (this.db.prepare('SELECT site, station, range_from AS "from", range_to AS "to", terminal FROM station_claims ORDER BY site, station').all() as Array<{
      site: string;
      station: string;
      from: number;
      to: number;
      terminal: string;
    }>).map((r) => ({ ...r }));
  }

  /** The latest refused claims against stations this terminal holds (so both sides hear of it). */
  conflictsFor(holder: string, limit = 5): ClaimConflict[] {
    const rows = this.stmt('SELECT at, station, range_from, range_to, holder, claimant, message FROM claim_conflicts WHERE holder = ? ORDER BY id DESC LIMIT ?').all(holder, limit) as Array<{
      at: string;
      station: string;
      range_from: number;
      range_to: number;
      holder: string;
      claimant: string;
      message: string;
    }>;
    return rows.map((r) => ({ station: r.station, range: { from: r.range_from, to: r.range_to }, holder: r.holder, claimant: r.claimant, at: r.at, message: r.message }));
  }

  // ---- pull --------------------------------------------------------------------------------

  /** Origins (with their high-water marks) this terminal may read. */
  visibleVv(who: EnrolledTerminal): Record<string, number> {
    const all = SEES_ALL_SITES.includes(who.role);
    const rows = (all ? this.stmt('SELECT origin, max_seq FROM origins').all() : this.stmt('SELECT origin, max_seq FROM origins WHERE site = ?').all(who.site)) as Array<{
      origin: string;
      max_seq: number;
    }>;
    const vv: Record<string, number> = {};
    for (const r of rows) vv[r.origin] = r.max_seq;
    return vv;
  }

  canSee(who: EnrolledTerminal, site: string): boolean {
    return SEES_ALL_SITES.includes(who.role) || who.site === site;
  }

  /**
   * Events the caller lacks by its version vector, in clock order across origins (so a terminal
   * folds them mostly in order), each origin's part a prefix from its high-water mark.
   */
  pull(who: EnrolledTerminal, rawQuery: Record<string, string | undefined>): PullResponse {
    const page = this.pullRows(who, rawQuery);
    return pullAnswer(who.role, page.rows, page.more, this.clock());
  }

  /** The same answer as `pull`, as the JSON bytes the HTTP server sends, written into `out` (pullPage.ts: stored payloads are not parsed again). */
  pullInto(who: EnrolledTerminal, rawQuery: Record<string, string | undefined>, out: PageBytes): PageBytes {
    const page = this.pullRows(who, rawQuery);
    return writePullAnswer(out, who.role, page.rows, page.more, this.clock());
  }

  private pullRows(who: EnrolledTerminal, rawQuery: Record<string, string | undefined>): { rows: EventRow[]; more: boolean } {
    const q = checkPullQuery(rawQuery);
    const limit = q.limit;
    const server = this.visibleVv(who);
    const stmt = this.stmt(PULL_ROWS).raw(true);
    type Cursor = { origin: string; after: number; max: number; buf: EventRow[]; i: number; chunk: number };
    const cursors: Cursor[] = [];
    const first = Math.min(PULL_FIRST_CHUNK, limit);
    const most = Math.max(first, Math.min(PULL_MOST_CHUNK, limit));
    for (const [origin, max] of Object.entries(server)) {
      const after = q.vv[origin] ?? 0;
      if (max > after) cursors.push({ origin, after, max, buf: [], i: 0, chunk: first });
    }
    // Each origin's rows are read a chunk at a time: a small one first, doubled at each refill of
    // an origin the page keeps taking from. An origin the page hardly uses costs a few rows, a busy
    // one few queries; the buffers hold at most about limit + 16 rows per origin whatever the
    // server holds (fixed 256-row chunks read 20,480 rows for a 2,000-event page over 80 origins).
    let held = 0;
    const work = this.pullWork;
    let read = 0;
    const refill = (c: Cursor) => {
      held -= c.buf.length - c.i;
      c.buf = (stmt.all(c.origin, c.after, c.chunk) as PulledColumns[]).map(eventRowOf);
      c.i = 0;
      c.chunk = Math.min(most, c.chunk * 2);
      held += c.buf.length;
      read += c.buf.length;
      if (held > work.maxRowsHeld) work.maxRowsHeld = held;
    };
    cursors.forEach(refill);
    const out: EventRow[] = [];
    // A page ends at `limit` events or once it passes LIMITS.maxPullPageChars of text (the next
    // page goes on from there: each origin's part is still a prefix from its mark).
    let chars = 0;
    while (out.length < limit && chars < LIMITS.maxPullPageChars) {
      let best: Cursor | undefined;
      for (const c of cursors) {
        const head = c.buf[c.i];
        if (head && (!best || head.hlc < best.buf[best.i]!.hlc)) best = c;
      }
      if (!best) break;
      const r = best.buf[best.i++]!;
      held--;
      best.after = r.seq;
      out.push(r);
      chars += pageCharsOf(r);
      if (best.i >= best.buf.length && best.after < best.max) refill(best);
    }
    const more = cursors.some((c) => c.after < c.max);
    work.pulls++;
    work.rowsRead += read;
    work.eventsSent += out.length;
    if (read > work.maxRowsReadPerPull) work.maxRowsReadPerPull = read;
    this.counters.pulls++;
    this.seen(who.id);
    return { rows: out, more };
  }

  // ---- repair ------------------------------------------------------------------------------

  /** Stored events that fail today's checks (stored by an older server, or a file edited by hand). */
  invalidEvents(limit = 1000): Array<{ origin: string; seq: number; type: string; problem: string }> {
    const out: Array<{ origin: string; seq: number; type: string; problem: string }> = [];
    for (const r of this.db.prepare('SELECT origin, seq, type, payload FROM events ORDER BY origin, seq').iterate() as IterableIterator<{ origin: string; seq: number; type: string; payload: string }>) {
      let payload: unknown;
      try {
        payload = JSON.parse(r.payload) as unknown;
      } catch {
        out.push({ origin: r.origin, seq: r.seq, type: r.type, problem: `event ${r.origin}#${r.seq}: payload is not JSON` });
        if (out.length >= limit) break;
        continue;
      }
      const p = checkEventPayload({ origin: r.origin, seq: r.seq, type: r.type, payload });
      if (p) out.push({ origin: r.origin, seq: r.seq, type: r.type, problem: p.message });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Takes one stored event out of circulation: the original moves to purged_events, and a
   * sync.skipped placeholder keeps its (origin, seq) so every terminal's pull carries on past it.
   */
  purgeEvent(origin: string, seq: number, reason: string): { type: string } {
    const why = reason.trim().slice(0, 500) || 'removed by an operator';
    const r = this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT * FROM events WHERE origin = ? AND seq = ?').get(origin, seq) as EventRow | undefined;
        if (!row) throw new AppError('not-found', `the server holds no event ${origin}#${seq}`, { field: 'seq' });
        if (row.type === SKIPPED_EVENT) throw new AppError('conflict', `event ${origin}#${seq} is already a placeholder (${SKIPPED_EVENT})`, { field: 'seq' });
        const at = new Date(this.clock()).toISOString();
        this.db
          .prepare('INSERT INTO purged_events (origin, seq, hlc, type, site, visit_id, payload, reason, purged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(row.origin, row.seq, row.hlc, row.type, row.site, row.visit_id, row.payload, why, at);
        this.db.prepare('UPDATE events SET type = ?, payload = ? WHERE origin = ? AND seq = ?').run(SKIPPED_EVENT, JSON.stringify({ type: row.type.slice(0, 64), reason: `purged on the sync server: ${why}`.slice(0, 500) }), origin, seq);
        return { type: row.type };
      })
      .immediate();
    this.log(`[sync] purged event ${origin}#${seq} (${r.type}): ${why}`);
    return r;
  }

  // ---- health ------------------------------------------------------------------------------

  eventCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

