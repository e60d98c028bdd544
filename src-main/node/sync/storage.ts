import { EventEmitter } from 'node:events';
import type { ClaimConflict, PullResponse, PushResponse } from '../../common/sync/protocol';
import { AppError } from '../../common/errors';
import { DEFAULT_TENANT, SEES_ALL_SITES, type EnrolledTerminal } from './pushRules';
import { SyncServerStore } from './serverStore';
import type { PageBytes } from './pageBytes';

/** A stored event batch announced to live streams (in this process, or through the database). */
export interface StoredNotice {
  tenant: string;
  origin: string;
  site: string;
  have: number;
}

export interface TerminalInfo extends EnrolledTerminal {
  revoked: boolean;
  lastSeenAt: string | null;
  skewMs: number | null;
  skewFlagged: boolean;
}

export interface TenantCounts {
  tenant: string;
  events: number;
  origins: number;
  terminals: number;
  claims: number;
}

/** Who may read /metrics: the operator (every tenant) or one tenant's admin terminal. */
export type MetricsScope = { tenant: string | null };

/**
 * What the sync service's HTTP layer needs from its database. Two implementations: SQLite (one
 * process, one file: the embedded default) and PostgreSQL (many processes, many tenants). All
 * methods are async because a database server is; both enforce the same rules (pushRules.ts).
 *
 * Events: 'stored' (StoredNotice) after a push stored new events anywhere the store can hear of;
 * 'tokens' when a token was enrolled or revoked (streams re-check theirs).
 */
export interface SyncStorage extends EventEmitter {
  readonly kind: 'sqlite' | 'postgresql';
  /** Per-process counters, by tenant where a request's tenant is known. */
  readonly counters: ProcessCounters;
  now(): number;
  /** Whether a failed request failed because the database cannot be reached now (answered 503, not 500). */
  isUnavailable?(e: unknown): boolean;
  authenticate(authorization: string | undefined): Promise<EnrolledTerminal>;
  authenticateMetrics(authorization: string | undefined): Promise<MetricsScope>;
  tokenValid(tokenHash: string): Promise<boolean>;
  /** Changes when another process committed enrollments or revocations (polled while streams are open). */
  changeVersion(): Promise<number>;
  push(who: EnrolledTerminal, raw: unknown, terminalNow?: number): Promise<PushResponse>;
  pull(who: EnrolledTerminal, query: Record<string, string | undefined>): Promise<PullResponse>;
  /** The same answer as `pull`, as the JSON bytes sent on the wire, written into `out` (pullPage.ts). */
  pullInto(who: EnrolledTerminal, query: Record<string, string | undefined>, out: PageBytes): Promise<PageBytes>;
  visibleVv(who: EnrolledTerminal): Promise<Record<string, number>>;
  enroll(id: string, role: string, opts?: { site?: string; stations?: readonly string[]; tenant?: string }): Promise<{ token: string; terminal: EnrolledTerminal }>;
  revoke(id: string, tenant?: string): Promise<{ released: string[] }>;
  createMetricsToken(): Promise<string>;
  eventCount(filter?: { tenant?: string; site?: string; origin?: string }): Promise<number>;
  terminals(tenant?: string): Promise<TerminalInfo[]>;
  /** Station claims: a station and its ticket range are held per tenant and site. */
  claims(tenant?: string): Promise<Array<{ tenant: string; site: string; station: string; from: number; to: number; terminal: string }>>;
  conflictsFor(holder: string, tenant?: string): Promise<ClaimConflict[]>;
  tenantCounts(): Promise<TenantCounts[]>;
  invalidEvents(limit?: number, tenant?: string): Promise<Array<{ tenant: string; origin: string; seq: number; type: string; problem: string }>>;
  purgeEvent(origin: string, seq: number, reason: string, tenant?: string): Promise<{ type: string }>;
  /** Whether the database answers, and how long it took. */
  health(): Promise<{ ok: boolean; ms: number; detail?: string }>;
  close(): Promise<void>;
}

export class ProcessCounters {
  pushes = 0;
  pulls = 0;
  eventsAccepted = 0;
  duplicates = 0;
  readonly rejections = new Map<string, number>();
  readonly byTenant = new Map<string, { pushes: number; pulls: number; eventsAccepted: number }>();

  tenant(t: string): { pushes: number; pulls: number; eventsAccepted: number } {
    let x = this.byTenant.get(t);
    if (!x) this.byTenant.set(t, (x = { pushes: 0, pulls: 0, eventsAccepted: 0 }));
    return x;
  }

  reject(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
  }
}

export function canSee(who: EnrolledTerminal, n: { tenant: string; site: string }): boolean {
  return who.tenant === n.tenant && (SEES_ALL_SITES.includes(who.role) || who.site === n.site);
}

/** The SQLite store (one municipality, tenant "default") behind the async interface. */
export class SqliteSyncStorage extends EventEmitter implements SyncStorage {
  readonly kind = 'sqlite' as const;
  readonly counters = new ProcessCounters();

  constructor(readonly store: SyncServerStore) {
    super();
    this.setMaxListeners(0);
    store.on('stored', (ev: { origin: string; site: string; have: number }) => this.emit('stored', { tenant: DEFAULT_TENANT, ...ev } satisfies StoredNotice));
    store.on('tokens', (ev: unknown) => this.emit('tokens', ev));
  }

  now(): number {
    return this.store.now();
  }

  private tenantOf(tenant: string | undefined): void {
    if (tenant !== undefined && tenant !== DEFAULT_TENANT) throw new AppError('bad-input', `tenant "${tenant}": a SQLite sync server holds one municipality (tenant "${DEFAULT_TENANT}"); tenants need PostgreSQL (--db postgres://…)`, { field: 'tenant' });
  }

  async authenticate(authorization: string | undefined): Promise<EnrolledTerminal> {
    return this.store.authenticate(authorization);
  }

  async authenticateMetrics(authorization: string | undefined): Promise<MetricsScope> {
    this.store.authenticateMetrics(authorization);
    return { tenant: null };
  }

  async tokenValid(tokenHash: string): Promise<boolean> {
    return this.store.tokenValid(tokenHash);
  }

  async changeVersion(): Promise<number> {
    return this.store.db.open ? this.store.dataVersion() : -1;
  }

  async push(who: EnrolledTerminal, raw: unknown, terminalNow?: number): Promise<PushResponse> {
    const r = this.store.push(who, raw, terminalNow);
    this.count(who, r.accepted, r.duplicates);
    return r;
  }

  private count(who: EnrolledTerminal, accepted: number, duplicates: number): void {
    const t = this.counters.tenant(who.tenant);
    this.counters.pushes++;
    this.counters.eventsAccepted += accepted;
    this.counters.duplicates += duplicates;
    t.pushes++;
    t.eventsAccepted += accepted;
  }

  async pull(who: EnrolledTerminal, query: Record<string, string | undefined>): Promise<PullResponse> {
    const r = this.store.pull(who, query);
    this.countPull(who);
    return r;
  }

  async pullInto(who: EnrolledTerminal, query: Record<string, string | undefined>, out: PageBytes): Promise<PageBytes> {
    const r = this.store.pullInto(who, query, out);
    this.countPull(who);
    return r;
  }

  private countPull(who: EnrolledTerminal): void {
    this.counters.pulls++;
    this.counters.tenant(who.tenant).pulls++;
  }

  async visibleVv(who: EnrolledTerminal): Promise<Record<string, number>> {
    return this.store.visibleVv(who);
  }

  async enroll(id: string, role: string, opts: { site?: string; stations?: readonly string[]; tenant?: string } = {}) {
    return this.store.enroll(id, role, opts.site ?? 'honcho', opts.stations, opts.tenant ?? DEFAULT_TENANT);
  }

  async revoke(id: string, tenant?: string) {
    this.tenantOf(tenant);
    return this.store.revoke(id);
  }

  async createMetricsToken(): Promise<string> {
    return this.store.createMetricsToken();
  }

  async eventCount(filter: { tenant?: string; site?: string; origin?: string } = {}): Promise<number> {
    if (filter.tenant !== undefined && filter.tenant !== DEFAULT_TENANT) return 0;
    const where: string[] = [];
    const args: string[] = [];
    for (const k of ['site', 'origin'] as const) {
      const v = filter[k];
      if (v === undefined) continue;
      where.push(`${k} = ?`);
      args.push(v);
    }
    return (this.store.db.prepare(`SELECT COUNT(*) AS n FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get(...args) as { n: number }).n;
  }

  async terminals(tenant?: string): Promise<TerminalInfo[]> {
    this.tenantOf(tenant);
    return this.store.terminals();
  }

  async claims(tenant?: string) {
    this.tenantOf(tenant);
    return this.store.claims().map((c) => ({ tenant: DEFAULT_TENANT, ...c }));
  }

  async conflictsFor(holder: string, tenant?: string): Promise<ClaimConflict[]> {
    this.tenantOf(tenant);
    return this.store.conflictsFor(holder);
  }

  async tenantCounts(): Promise<TenantCounts[]> {
    const db = this.store.db;
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return [{ tenant: DEFAULT_TENANT, events: n('SELECT COUNT(*) AS n FROM events'), origins: n('SELECT COUNT(*) AS n FROM origins'), terminals: n('SELECT COUNT(*) AS n FROM terminals WHERE revoked = 0'), claims: n('SELECT COUNT(*) AS n FROM station_claims') }];
  }

  async invalidEvents(limit?: number, tenant?: string) {
    this.tenantOf(tenant);
    return this.store.invalidEvents(limit).map((x) => ({ tenant: DEFAULT_TENANT, ...x }));
  }

  async purgeEvent(origin: string, seq: number, reason: string, tenant?: string) {
    this.tenantOf(tenant);
    return this.store.purgeEvent(origin, seq, reason);
  }

  async health(): Promise<{ ok: boolean; ms: number; detail?: string }> {
    const t0 = performance.now();
    try {
      this.store.db.prepare('SELECT 1').get();
      return { ok: true, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, ms: performance.now() - t0, detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
