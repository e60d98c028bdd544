import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { AppError } from '../../common/errors';
import { ROLES, type Role } from '../../common/config/schema';
import { LIMITS, PROTOCOL_VERSION, type ClaimConflict, type PullResponse, type PushResponse, type StationClaim } from '../../common/sync/protocol';
import { SKIPPED_EVENT, checkEventPayload } from '../../common/sync/authorisation';
import { checkMigrationList, type Migration } from '../store/migrate';
import { DEFAULT_TENANT, SEES_ALL_SITES, SyncError, TOKEN_HEADER, checkClaimant, checkEnrollment, checkPullQuery, checkPush, claimConflict, planPush, type EnrolledTerminal } from './pushRules';
import { hashToken } from './serverStore';
import type { PageBytes } from './pageBytes';
import { pageCharsOf, pullAnswer, writePullAnswer, type StoredEventRow } from './pullPage';
import { ProcessCounters, type MetricsScope, type StoredNotice, type SyncStorage, type TenantCounts, type TerminalInfo } from './storage';

/**
 * The sync service on PostgreSQL: many stateless processes share one database, each row carries
 * its tenant (municipality) and site. Pushes of one origin are serialised by an advisory
 * transaction lock (and the (tenant, origin, seq) key), station claims by a per-site lock, and
 * every process hears of stored events and token changes through LISTEN/NOTIFY.
 */
export const pgMigrations: readonly Migration[] = [
  {
    version: 1,
    slug: 'sync-server-tenants',
    sql: `
      CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE tenants (tenant text PRIMARY KEY, created_at timestamptz NOT NULL);
      CREATE TABLE terminals (
        tenant text NOT NULL REFERENCES tenants (tenant),
        id text NOT NULL,
        role text NOT NULL,
        site text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        revoked boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_seen_at timestamptz,
        skew_ms bigint,
        skew_flagged boolean NOT NULL DEFAULT false,
        stations jsonb,
        PRIMARY KEY (tenant, id)
      );
      -- Payloads are kept as the terminal sent them (text, not jsonb): every terminal must hold
      -- byte-identical events.
      CREATE TABLE events (
        tenant text NOT NULL REFERENCES tenants (tenant),
        origin text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        hlc text NOT NULL,
        type text NOT NULL,
        site text NOT NULL,
        visit_id text,
        payload text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (tenant, origin, seq)
      );
      -- The contiguous high-water mark per origin; pushes are accepted only in order.
      CREATE TABLE origins (
        tenant text NOT NULL REFERENCES tenants (tenant),
        origin text NOT NULL,
        site text NOT NULL,
        max_seq bigint NOT NULL,
        PRIMARY KEY (tenant, origin)
      );
      CREATE INDEX origins_by_site ON origins (tenant, site);
      CREATE TABLE station_claims (
        tenant text NOT NULL,
        station text NOT NULL,
        site text NOT NULL,
        range_from integer NOT NULL,
        range_to integer NOT NULL,
        terminal text NOT NULL,
        claimed_at timestamptz NOT NULL,
        PRIMARY KEY (tenant, station),
        FOREIGN KEY (tenant, terminal) REFERENCES terminals (tenant, id)
      );
      CREATE TABLE claim_conflicts (
        id bigserial PRIMARY KEY,
        tenant text NOT NULL,
        site text NOT NULL,
        at timestamptz NOT NULL,
        station text NOT NULL,
        range_from integer NOT NULL,
        range_to integer NOT NULL,
        holder text NOT NULL,
        claimant text NOT NULL,
        message text NOT NULL
      );
      CREATE INDEX claim_conflicts_by_holder ON claim_conflicts (tenant, holder, id);
      CREATE TABLE purged_events (
        tenant text NOT NULL,
        origin text NOT NULL,
        seq bigint NOT NULL,
        hlc text NOT NULL,
        type text NOT NULL,
        site text NOT NULL,
        visit_id text,
        payload text NOT NULL,
        reason text NOT NULL,
        purged_at timestamptz NOT NULL,
        PRIMARY KEY (tenant, origin, seq)
      );
    `,
  },
  {
    version: 2,
    slug: 'station-claims-per-site',
    sql: `
      -- Ticket ranges are unique in a building (tenant and site), not across the municipality:
      -- two sites may both have a station "east" with the same numbers.
      ALTER TABLE station_claims DROP CONSTRAINT station_claims_pkey;
      ALTER TABLE station_claims ADD PRIMARY KEY (tenant, site, station);
      CREATE INDEX station_claims_by_terminal ON station_claims (tenant, terminal);
    `,
  },
];

const MIGRATION_LOCK = 7_400_016;
const SYNC_CHANNEL = 'madoguchi_sync';
const TOKENS_CHANNEL = 'madoguchi_tokens';

export interface PgStoreOptions {
  url: string;
  clock?: () => number;
  log?: (line: string) => void;
  /** Hold a LISTEN connection so stored events and token changes of other processes are heard (servers; not the CLI). */
  listen?: boolean;
  /** Connections per process (default 10). */
  poolSize?: number;
}

/** `postgres://…` or `postgresql://…`. */
export function isPostgresUrl(s: string | undefined): boolean {
  return !!s && /^postgres(ql)?:\/\//i.test(s);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

const int8 = (v: string) => Number(v);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? int8 : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

type Q = pg.PoolClient | pg.Pool;

/**
 * A named (prepared) statement: the queries of every push and pull are parsed and planned once
 * per connection, not at each request (a 2-core server spends much of a small request there).
 */
function named(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name: `madoguchi_${name}`, text, values };
}
type EventRow = StoredEventRow;

export class PgSyncStorage extends EventEmitter implements SyncStorage {
  readonly kind = 'postgresql' as const;
  readonly counters = new ProcessCounters();
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private listener: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private listenDownSince: number | undefined;
  private closed = false;
  private tokenNotices = 0;
  private readonly seenWrites = new Map<string, number>();

  private constructor(
    readonly pool: pg.Pool,
    private readonly opts: PgStoreOptions,
  ) {
    super();
    this.setMaxListeners(0);
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? ((l) => process.stderr.write(l + '\n'));
  }

  static async open(opts: PgStoreOptions): Promise<PgSyncStorage> {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, types, connectionTimeoutMillis: 10_000, statement_timeout: 30_000, application_name: 'madoguchi-sync' });
    // A connection that breaks while idle must not take the process down; the next query reconnects.
    pool.on('error', (e) => (opts.log ?? ((l: string) => process.stderr.write(l + '\n')))(`[sync] PostgreSQL connection lost: ${e.message}`));
    const s = new PgSyncStorage(pool, opts);
    try {
      await migratePg(pool, opts.url);
      if (opts.listen) await s.startListening();
      return s;
    } catch (e) {
      await s.close();
      if (e instanceof AppError) throw e;
      throw new AppError('unavailable', `cannot use the PostgreSQL database ${redactUrl(opts.url)}: ${(e as Error).message}`, { field: 'db' });
    }
  }

  now(): number {
    return this.clock();
  }

  // ---- LISTEN/NOTIFY -----------------------------------------------------------------------

  private async startListening(): Promise<void> {
    const c = new pg.Client({ connectionString: this.opts.url, types, application_name: 'madoguchi-sync-listen', connectionTimeoutMillis: 10_000, keepAlive: true });
    c.on('notification', (n) => {
      try {
        const body = JSON.parse(n.payload ?? '{}') as Record<string, unknown>;
        if (n.channel === SYNC_CHANNEL) this.emit('stored', body as unknown as StoredNotice);
        else if (n.channel === TOKENS_CHANNEL) {
          this.tokenNotices++;
          this.emit('tokens', body);
        }
      } catch (e) {
        this.log(`[sync] unreadable notification on ${n.channel}: ${(e as Error).message}`);
      }
    });
    // Each client reports its loss once ('error' and 'end' may both come); a client that never
    // connected reports nothing here: the caller's rejection does.
    let done = false;
    const lost = (e?: Error) => {
      if (done) return;
      done = true;
      if (this.listener === c) this.listener = undefined;
      c.end().catch(() => undefined);
      this.listenLost(e);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      await c.query(`LISTEN ${SYNC_CHANNEL}`);
      await c.query(`LISTEN ${TOKENS_CHANNEL}`);
    } catch (e) {
      done = true;
      c.end().catch(() => undefined);
      throw e;
    }
    if (this.closed) {
      done = true;
      await c.end().catch(() => undefined);
      return;
    }
    this.listener = c;
  }

  /**
   * The LISTEN connection is gone (the database restarted, failed over, or went away): one
   * reconnection at a time, a second apart, for as long as it takes. Logged when lost and when back,
   * not on every attempt.
   */
  private listenLost(e?: Error): void {
    if (this.closed || this.reconnect) return;
    if (this.listenDownSince === undefined) {
      this.listenDownSince = Date.now();
      this.log(`[sync] the LISTEN connection to PostgreSQL was lost (${e?.message ?? 'closed'}); reconnecting every second`);
    }
    this.reconnect = setTimeout(() => {
      if (this.closed) return;
      this.startListening().then(
        () => {
          this.reconnect = undefined;
          if (this.closed) return;
          const after = Math.round((Date.now() - (this.listenDownSince ?? Date.now())) / 1000);
          this.listenDownSince = undefined;
          this.log(`[sync] the LISTEN connection to PostgreSQL is back (after ${after} s)`);
          // Whatever was announced meanwhile: streams re-check their tokens, displays pull.
          this.tokenNotices++;
          this.emit('tokens', {});
        },
        (err: unknown) => {
          this.reconnect = undefined;
          this.listenLost(err as Error);
        },
      );
    }, 1000);
    this.reconnect.unref();
  }

  /** A request failed because the database cannot be reached (down, restarting, failing over): 503, not 500. */
  isUnavailable(e: unknown): boolean {
    return pgUnavailable(e);
  }

  /** A transaction; with `lock`, its advisory lock is taken in the same round trip as BEGIN. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, lock?: string): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query(lock === undefined ? 'BEGIN' : `BEGIN; SELECT pg_advisory_xact_lock(hashtextextended(${c.escapeLiteral(lock)}, 0))`);
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      // A connection that cannot even roll back is dropped from the pool, not handed out again.
      await c.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw e;
    } finally {
      c.release(broken);
    }
  }

  // ---- terminals ---------------------------------------------------------------------------

  async enroll(id: string, role: string, opts: { site?: string; stations?: readonly string[]; tenant?: string } = {}): Promise<{ token: string; terminal: EnrolledTerminal }> {
    const site = opts.site ?? 'honcho';
    const tenant = opts.tenant ?? DEFAULT_TENANT;
    const stations = opts.stations;
    checkEnrollment(id, role, site, tenant, stations, ROLES);
    const token = `mdg1_${randomBytes(32).toString('base64url')}`;
    const at = new Date(this.clock()).toISOString();
    const st = stations?.length ? JSON.stringify([...new Set(stations)]) : null;
    await this.tx(async (c) => {
      await c.query('INSERT INTO tenants (tenant, created_at) VALUES ($1, $2) ON CONFLICT (tenant) DO NOTHING', [tenant, at]);
      await c.query(
        `INSERT INTO terminals (tenant, id, role, site, token_hash, revoked, created_at, stations) VALUES ($1, $2, $3, $4, $5, false, $6, $7)
         ON CONFLICT (tenant, id) DO UPDATE SET role = excluded.role, site = excluded.site, token_hash = excluded.token_hash, revoked = false, revoked_at = NULL, created_at = excluded.created_at, stations = excluded.stations`,
        [tenant, id, role, site, hashToken(token), at, st],
      );
      // Re-enrolled for another building: the stations it held in the old one are free again.
      await c.query('DELETE FROM station_claims WHERE tenant = $1 AND terminal = $2 AND site <> $3', [tenant, id, site]);
      await c.query('SELECT pg_notify($1, $2)', [TOKENS_CHANNEL, JSON.stringify({ tenant, terminal: id })]);
    });
    return { token, terminal: { id, role: role as Role, site, tenant, ...(stations?.length ? { stations: [...new Set(stations)] } : {}) } };
  }

  async revoke(id: string, tenant = DEFAULT_TENANT): Promise<{ released: string[] }> {
    return this.tx(async (c) => {
      const r = await c.query('UPDATE terminals SET revoked = true, revoked_at = $3 WHERE tenant = $1 AND id = $2', [tenant, id, new Date(this.clock()).toISOString()]);
      if (r.rowCount === 0) throw new AppError('not-found', `no enrolled terminal "${id}" in tenant "${tenant}"`, { field: 'terminal' });
      const released = (await c.query<{ station: string }>('DELETE FROM station_claims WHERE tenant = $1 AND terminal = $2 RETURNING station', [tenant, id])).rows.map((x) => x.station).sort();
      await c.query('SELECT pg_notify($1, $2)', [TOKENS_CHANNEL, JSON.stringify({ tenant, terminal: id })]);
      return { released };
    });
  }

  async tokenValid(tokenHash: string): Promise<boolean> {
    const r = await this.pool.query<{ revoked: boolean }>(named('token_valid', 'SELECT revoked FROM terminals WHERE token_hash = $1', [tokenHash]));
    return r.rows.length === 1 && !r.rows[0]!.revoked;
  }

  async changeVersion(): Promise<number> {
    return this.tokenNotices;
  }

  async terminals(tenant?: string): Promise<TerminalInfo[]> {
    const r = await this.pool.query<{ tenant: string; id: string; role: Role; site: string; revoked: boolean; last_seen_at: Date | null; skew_ms: number | null; skew_flagged: boolean }>(
      `SELECT tenant, id, role, site, revoked, last_seen_at, skew_ms, skew_flagged FROM terminals ${tenant ? 'WHERE tenant = $1' : ''} ORDER BY tenant, id`,
      tenant ? [tenant] : [],
    );
    return r.rows.map((x) => ({ id: x.id, role: x.role, site: x.site, tenant: x.tenant, revoked: x.revoked, lastSeenAt: x.last_seen_at?.toISOString() ?? null, skewMs: x.skew_ms, skewFlagged: x.skew_flagged }));
  }

  async authenticate(authorization: string | undefined): Promise<EnrolledTerminal> {
    const m = TOKEN_HEADER.exec(authorization ?? '');
    if (!m) throw new SyncError(401, 'unauthenticated', 'send "Authorization: Bearer <token>" (the token printed by "madoguchi sync-server enroll")');
    const tokenHash = hashToken(m[1]!);
    const r = await this.pool.query<{ tenant: string; id: string; role: Role; site: string; revoked: boolean; stations: string[] | null }>(
      named('authenticate', 'SELECT tenant, id, role, site, revoked, stations FROM terminals WHERE token_hash = $1', [tokenHash]),
    );
    const row = r.rows[0];
    if (!row) throw new SyncError(401, 'unauthenticated', 'unknown token: enroll this terminal with "madoguchi sync-server enroll"');
    if (row.revoked) throw new SyncError(401, 'revoked', `the token of terminal "${row.id}" was revoked; enroll it again to get a new one`);
    return { id: row.id, role: row.role, site: row.site, tenant: row.tenant, tokenHash, ...(row.stations ? { stations: row.stations } : {}) };
  }

  async createMetricsToken(): Promise<string> {
    const token = `mdgm_${randomBytes(32).toString('base64url')}`;
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', ['metrics_token_hash', hashToken(token)]);
    return token;
  }

  async authenticateMetrics(authorization: string | undefined): Promise<MetricsScope> {
    const m = TOKEN_HEADER.exec(authorization ?? '');
    if (!m) throw new SyncError(401, 'unauthenticated', 'metrics need "Authorization: Bearer <token>": the token from "madoguchi sync-server metrics-token", or an admin terminal\'s token');
    const h = hashToken(m[1]!);
    const row = (await this.pool.query<{ value: string }>("SELECT value FROM meta WHERE key = 'metrics_token_hash'")).rows[0];
    if (row && row.value === h) return { tenant: null };
    const who = await this.authenticate(authorization);
    if (who.role !== 'admin') throw new SyncError(403, 'forbidden', `terminal "${who.id}" (${who.role}) may not read metrics; use the metrics token or an admin terminal's token`);
    return { tenant: who.tenant };
  }

  // ---- push --------------------------------------------------------------------------------

  async push(who: EnrolledTerminal, raw: unknown, terminalNow?: number): Promise<PushResponse> {
    const req = checkPush(who, raw, this.clock(), terminalNow);
    const at = new Date(req.serverNow).toISOString();
    let result: { accepted: number; duplicates: number; have: number; conflicts: ClaimConflict[] };
    try {
      // One push per origin at a time, whichever process answers it: the lock comes with BEGIN.
      // Round trips are what a push costs here; after the lock (and a kiosk's claims) there are
      // two: one read, one statement that writes everything, then COMMIT.
      result = await this.tx(async (c) => {
        await this.claim(c, who, req.stations, at);
        const seqs = [...new Set(req.events.map((e) => e.seq))];
        const read = await c.query<{ max_seq: number; seq: number | null; hlc: string | null; type: string | null }>(
          named(
            'push_read',
            `SELECT o.max_seq, e.seq, e.hlc, e.type FROM (SELECT max_seq FROM origins WHERE tenant = $1 AND origin = $2) o
             LEFT JOIN events e ON e.tenant = $1 AND e.origin = $2 AND e.seq = ANY($3::bigint[]) AND e.seq <= o.max_seq`,
            [who.tenant, who.id, seqs],
          ),
        );
        const have0 = read.rows[0]?.max_seq ?? 0;
        const held = new Map<number, { hlc: string; type: string }>();
        for (const x of read.rows) if (x.seq !== null) held.set(x.seq, { hlc: x.hlc!, type: x.type! });
        const plan = planPush(who, req.events, have0, (seq) => held.get(seq));
        const f = plan.fresh;
        const notice: StoredNotice = { tenant: who.tenant, origin: who.id, site: who.site, have: plan.have };
        // Delivered to every listening process when (and only if) this transaction commits.
        const w = await c.query<{ notified: number; conflicts: Array<{ at: string; station: string; range_from: number; range_to: number; holder: string; claimant: string; message: string }> }>(
          named(
            'push_write',
            `WITH ins AS (
               INSERT INTO events (tenant, origin, seq, hlc, type, site, visit_id, payload, received_at)
               SELECT $1, $2, x.seq, x.hlc, x.type, x.site, x.visit_id, x.payload, $9 FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS x (seq, hlc, type, site, visit_id, payload)
             ), hw AS (
               INSERT INTO origins (tenant, origin, site, max_seq) SELECT $1, $2, $10, $11 WHERE $12::boolean
               ON CONFLICT (tenant, origin) DO UPDATE SET max_seq = excluded.max_seq
             ), seen AS (
               UPDATE terminals SET last_seen_at = $9, skew_ms = $13, skew_flagged = $14 WHERE tenant = $1 AND id = $2
             ), n AS (
               SELECT pg_notify($15, $16) WHERE $12::boolean
             )
             SELECT (SELECT count(*) FROM n) AS notified,
                    COALESCE((SELECT json_agg(k ORDER BY k.id DESC) FROM (SELECT id, at, station, range_from, range_to, holder, claimant, message FROM claim_conflicts WHERE tenant = $1 AND holder = $2 ORDER BY id DESC LIMIT 5) k), '[]') AS conflicts`,
            [
              who.tenant,
              who.id,
              f.map((e) => e.seq),
              f.map((e) => e.hlc),
              f.map((e) => e.type),
              f.map((e) => e.site),
              f.map((e) => e.visitId),
              f.map((e) => JSON.stringify(e.payload)),
              at,
              who.site,
              plan.have,
              f.length > 0,
              req.skewMs,
              req.flagged,
              SYNC_CHANNEL,
              JSON.stringify(notice),
            ],
          ),
        );
        const conflicts: ClaimConflict[] = w.rows[0]!.conflicts.map((x) => ({ station: x.station, range: { from: x.range_from, to: x.range_to }, holder: x.holder, claimant: x.claimant, at: new Date(x.at).toISOString(), message: x.message }));
        return { accepted: f.length, duplicates: plan.duplicates, have: plan.have, conflicts };
      }, `origin/${who.tenant}/${who.id}`);
    } catch (e) {
      if (e instanceof SyncError && e.code === 'station-conflict') await this.recordConflict(who, e.details as ClaimConflict);
      throw e;
    }
    const t = this.counters.tenant(who.tenant);
    this.counters.pushes++;
    this.counters.eventsAccepted += result.accepted;
    this.counters.duplicates += result.duplicates;
    t.pushes++;
    t.eventsAccepted += result.accepted;
    if (req.flagged) this.log(`[sync] clock skew: terminal "${who.id}" (${who.tenant}) is ${Math.round(req.skewMs / 1000)} s ${req.skewMs > 0 ? 'ahead of' : 'behind'} the server; its events are accepted and ordered by their clocks, but fix its time.`);
    return {
      protocol: PROTOCOL_VERSION,
      accepted: result.accepted,
      duplicates: result.duplicates,
      have: result.have,
      serverNow: req.serverNow,
      skew: { ms: req.skewMs, flagged: req.flagged },
      conflicts: result.conflicts,
    };
  }

  /**
   * A kiosk's station claims in its site, atomic across processes: unless the kiosk already holds
   * exactly these, the site's claims are locked for the rest of the transaction while they are
   * checked and written, so two kiosks pushing to two processes cannot both get one station.
   * Other sites and other tenants number on their own.
   */
  private async claim(c: pg.PoolClient, who: EnrolledTerminal, claims: readonly StationClaim[], at: string): Promise<void> {
    checkClaimant(who, claims);
    if (!claims.length) return;
    type Claim = { station: string; range_from: number; range_to: number; terminal: string };
    const held = (await c.query<Claim>(named('claims_held', 'SELECT station, range_from, range_to, terminal FROM station_claims WHERE tenant = $1 AND site = $2 AND terminal = $3', [who.tenant, who.site, who.id]))).rows;
    if (claims.every((x) => held.some((h) => h.station === x.station && h.range_from === x.from && h.range_to === x.to))) return;
    await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`claims/${who.tenant}/${who.site}`]);
    for (const x of claims) {
      const same = (await c.query<Claim>('SELECT station, range_from, range_to, terminal FROM station_claims WHERE tenant = $1 AND site = $2 AND station = $3', [who.tenant, who.site, x.station])).rows[0];
      const holder =
        same && same.terminal !== who.id
          ? same
          : (await c.query<Claim>('SELECT station, range_from, range_to, terminal FROM station_claims WHERE tenant = $1 AND site = $2 AND terminal <> $3 AND range_from <= $4 AND $5 <= range_to ORDER BY station LIMIT 1', [who.tenant, who.site, who.id, x.to, x.from])).rows[0];
      if (holder) throw claimConflict(who, x, holder, at);
    }
    for (const x of claims) {
      await c.query(
        `INSERT INTO station_claims (tenant, station, site, range_from, range_to, terminal, claimed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant, site, station) DO UPDATE SET range_from = excluded.range_from, range_to = excluded.range_to`,
        [who.tenant, x.station, who.site, x.from, x.to, who.id, at],
      );
    }
  }

  private async recordConflict(who: EnrolledTerminal, cf: ClaimConflict): Promise<void> {
    await this.pool
      .query('INSERT INTO claim_conflicts (tenant, site, at, station, range_from, range_to, holder, claimant, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        who.tenant,
        who.site,
        cf.at,
        cf.station,
        cf.range.from,
        cf.range.to,
        cf.holder,
        cf.claimant,
        cf.message,
      ])
      .catch((e: Error) => this.log(`[sync] could not record a claim conflict: ${e.message}`));
    this.log(`[sync] STATION CLAIM REFUSED (${who.tenant}): ${cf.message}`);
  }

  async claims(tenant?: string): Promise<Array<{ tenant: string; site: string; station: string; from: number; to: number; terminal: string }>> {
    const r = await this.pool.query<{ tenant: string; site: string; station: string; from: number; to: number; terminal: string }>(
      `SELECT tenant, site, station, range_from AS "from", range_to AS "to", terminal FROM station_claims ${tenant ? 'WHERE tenant = $1' : ''} ORDER BY tenant, site, station`,
      tenant ? [tenant] : [],
    );
    return r.rows.map((x) => ({ ...x }));
  }

  async conflictsFor(holder: string, tenant = DEFAULT_TENANT, limit = 5): Promise<ClaimConflict[]> {
    const r = await this.pool.query<{ at: Date; station: string; range_from: number; range_to: number; holder: string; claimant: string; message: string }>(
      'SELECT at, station, range_from, range_to, holder, claimant, message FROM claim_conflicts WHERE tenant = $1 AND holder = $2 ORDER BY id DESC LIMIT $3',
      [tenant, holder, limit],
    );
    return r.rows.map((x) => ({ station: x.station, range: { from: x.range_from, to: x.range_to }, holder: x.holder, claimant: x.claimant, at: x.at.toISOString(), message: x.message }));
  }

  // ---- pull --------------------------------------------------------------------------------

  async visibleVv(who: EnrolledTerminal, q: Q = this.pool): Promise<Record<string, number>> {
    const all = SEES_ALL_SITES.includes(who.role);
    const r = await q.query<{ origin: string; max_seq: number }>(
      all ? named('vv_all', 'SELECT origin, max_seq FROM origins WHERE tenant = $1', [who.tenant]) : named('vv_site', 'SELECT origin, max_seq FROM origins WHERE tenant = $1 AND site = $2', [who.tenant, who.site]),
    );
    const vv: Record<string, number> = {};
    for (const x of r.rows) vv[x.origin] = x.max_seq;
    return vv;
  }

  /** Events the caller lacks by its version vector, of its tenant only, merged in clock order. */
  async pull(who: EnrolledTerminal, rawQuery: Record<string, string | undefined>): Promise<PullResponse> {
    const page = await this.pullRows(who, rawQuery);
    return pullAnswer(who.role, page.rows, page.more, this.clock());
  }

  /** The same answer as `pull`, as the JSON bytes the HTTP server sends, written into `out` (pullPage.ts: stored payloads are not parsed again). */
  async pullInto(who: EnrolledTerminal, rawQuery: Record<string, string | undefined>, out: PageBytes): Promise<PageBytes> {
    const page = await this.pullRows(who, rawQuery);
    return writePullAnswer(out, who.role, page.rows, page.more, this.clock());
  }

  private async pullRows(who: EnrolledTerminal, rawQuery: Record<string, string | undefined>): Promise<{ rows: EventRow[]; more: boolean }> {
    const q = checkPullQuery(rawQuery);
    const limit = q.limit;
    const server = await this.visibleVv(who);
    const chunk = Math.max(16, Math.min(limit, 256));
    type Cursor = { origin: string; after: number; max: number; buf: EventRow[]; i: number };
    const cursors: Cursor[] = [];
    for (const [origin, max] of Object.entries(server)) {
      const after = q.vv[origin] ?? 0;
      if (max > after) cursors.push({ origin, after, max, buf: [], i: 0 });
    }
    const fetch = async (cs: Cursor[]) => {
      if (!cs.length) return;
      const r = await this.pool.query<EventRow>(
        named(
          'pull_events',
          `SELECT e.origin, e.seq, e.hlc, e.type, e.site, e.visit_id, e.payload FROM unnest($2::text[], $3::bigint[]) AS c (origin, after)
           CROSS JOIN LATERAL (SELECT * FROM events e WHERE e.tenant = $1 AND e.origin = c.origin AND e.seq > c.after ORDER BY e.seq LIMIT $4) e`,
          [who.tenant, cs.map((c) => c.origin), cs.map((c) => c.after), chunk],
        ),
      );
      const by = new Map(cs.map((c) => [c.origin, c]));
      for (const c of cs) {
        c.buf = [];
        c.i = 0;
      }
      for (const row of r.rows) by.get(row.origin)!.buf.push(row);
      for (const c of cs) c.buf.sort((a, b) => a.seq - b.seq);
    };
    await fetch(cursors);
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
      best.after = r.seq;
      out.push(r);
      chars += pageCharsOf(r);
      if (best.i >= best.buf.length && best.after < best.max) await fetch([best]);
    }
    const more = cursors.some((c) => c.after < c.max);
    this.counters.pulls++;
    this.counters.tenant(who.tenant).pulls++;
    await this.seen(who);
    return { rows: out, more };
  }

  /** last_seen_at on pulls, at most every 5 s per terminal and process (a display pulls often). */
  private async seen(who: EnrolledTerminal): Promise<void> {
    const key = `${who.tenant}/${who.id}`;
    const now = this.clock();
    if (now - (this.seenWrites.get(key) ?? -Infinity) < 5000) return;
    this.seenWrites.set(key, now);
    await this.pool.query(named('pull_seen', 'UPDATE terminals SET last_seen_at = $3 WHERE tenant = $1 AND id = $2', [who.tenant, who.id, new Date(now).toISOString()]));
  }

  // ---- counts, repair, health --------------------------------------------------------------

  async eventCount(filter: { tenant?: string; site?: string; origin?: string } = {}): Promise<number> {
    const where: string[] = [];
    const args: string[] = [];
    for (const k of ['tenant', 'site', 'origin'] as const) {
      const v = filter[k];
      if (v === undefined) continue;
      args.push(v);
      where.push(`${k} = $${args.length}`);
    }
    const r = await this.pool.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, args);
    return r.rows[0]!.n;
  }

  /** Per tenant; events are counted from the high-water marks (contiguous from 1), not by scanning. */
  async tenantCounts(): Promise<TenantCounts[]> {
    const r = await this.pool.query<TenantCounts>(
      `SELECT t.tenant,
              COALESCE((SELECT sum(max_seq) FROM origins o WHERE o.tenant = t.tenant), 0)::bigint AS events,
              (SELECT count(*) FROM origins o WHERE o.tenant = t.tenant)::bigint AS origins,
              (SELECT count(*) FROM terminals x WHERE x.tenant = t.tenant AND NOT x.revoked)::bigint AS terminals,
              (SELECT count(*) FROM station_claims s WHERE s.tenant = t.tenant)::bigint AS claims
         FROM tenants t ORDER BY t.tenant`,
    );
    return r.rows;
  }

  async invalidEvents(limit = 1000, tenant?: string): Promise<Array<{ tenant: string; origin: string; seq: number; type: string; problem: string }>> {
    const out: Array<{ tenant: string; origin: string; seq: number; type: string; problem: string }> = [];
    let after: [string, string, number] = ['', '', 0];
    for (;;) {
      const r = await this.pool.query<{ tenant: string; origin: string; seq: number; type: string; payload: string }>(
        `SELECT tenant, origin, seq, type, payload FROM events WHERE (tenant, origin, seq) > ($1, $2, $3) ${tenant ? 'AND tenant = $4' : ''} ORDER BY tenant, origin, seq LIMIT 2000`,
        tenant ? [...after, tenant] : after,
      );
      for (const x of r.rows) {
        let payload: unknown;
        try {
          payload = JSON.parse(x.payload) as unknown;
        } catch {
          out.push({ tenant: x.tenant, origin: x.origin, seq: x.seq, type: x.type, problem: `event ${x.origin}#${x.seq}: payload is not JSON` });
          if (out.length >= limit) return out;
          continue;
        }
        const p = checkEventPayload({ origin: x.origin, seq: x.seq, type: x.type, payload });
        if (p) out.push({ tenant: x.tenant, origin: x.origin, seq: x.seq, type: x.type, problem: p.message });
        if (out.length >= limit) return out;
      }
      if (r.rows.length < 2000) return out;
      const last = r.rows.at(-1)!;
      after = [last.tenant, last.origin, last.seq];
    }
  }

  async purgeEvent(origin: string, seq: number, reason: string, tenant = DEFAULT_TENANT): Promise<{ type: string }> {
    const why = reason.trim().slice(0, 500) || 'removed by an operator';
    const r = await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`origin/${tenant}/${origin}`]);
      const row = (await c.query<EventRow>('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events WHERE tenant = $1 AND origin = $2 AND seq = $3 FOR UPDATE', [tenant, origin, seq])).rows[0];
      if (!row) throw new AppError('not-found', `the server holds no event ${origin}#${seq} in tenant "${tenant}"`, { field: 'seq' });
      if (row.type === SKIPPED_EVENT) throw new AppError('conflict', `event ${origin}#${seq} is already a placeholder (${SKIPPED_EVENT})`, { field: 'seq' });
      const at = new Date(this.clock()).toISOString();
      await c.query('INSERT INTO purged_events (tenant, origin, seq, hlc, type, site, visit_id, payload, reason, purged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
        tenant,
        row.origin,
        row.seq,
        row.hlc,
        row.type,
        row.site,
        row.visit_id,
        row.payload,
        why,
        at,
      ]);
      await c.query('UPDATE events SET type = $4, payload = $5 WHERE tenant = $1 AND origin = $2 AND seq = $3', [
        tenant,
        origin,
        seq,
        SKIPPED_EVENT,
        JSON.stringify({ type: row.type.slice(0, 64), reason: `purged on the sync server: ${why}`.slice(0, 500) }),
      ]);
      return { type: row.type };
    });
    this.log(`[sync] purged event ${origin}#${seq} (${r.type}) of tenant ${tenant}: ${why}`);
    return r;
  }

  async health(): Promise<{ ok: boolean; ms: number; detail?: string }> {
    const t0 = performance.now();
    try {
      await this.pool.query({ text: 'SELECT 1', query_timeout: 5000 } as pg.QueryConfig);
      return { ok: true, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, ms: performance.now() - t0, detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EMFILE', 'ENOENT']);

/**
 * Whether an error means the database cannot be reached now (a connection refused, cut or timed
 * out; the server shutting down, starting up or out of connections), rather than a fault of the
 * request or of the code.
 */
export function pgUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(e.message);
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so that
 * processes starting together do the work once. A database of a newer version is refused.
 */
export async function migratePg(pool: pg.Pool, url: string, list: readonly Migration[] = pgMigrations): Promise<{ from: number; to: number }> {
  checkMigrationList(list);
  const c = await pool.connect();
  try {
    // Every process start (and restart) lands here: an up-to-date schema costs one query.
    const current = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations').catch(() => null);
    if (current?.rows[0]?.v === list.length) return { from: list.length, to: list.length };
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, slug text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const from = (await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]!.v ?? 0;
      if (from > list.length) {
        throw new AppError(
          'database-too-new',
          `the PostgreSQL database ${redactUrl(url)} was written by a newer Madoguchi sync server (schema ${from}; this one knows up to ${list.length}). Run the newer version, or restore a backup made by this one.`,
          { field: 'db' },
        );
      }
      for (const m of list.slice(from)) {
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, slug) VALUES ($1, $2)', [m.version, m.slug]);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }
      return { from, to: list.length };
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}
