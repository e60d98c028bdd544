import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { AppError } from '../../common/errors';
import { compareEvents, type StoredEvent, type VersionVector } from '../../common/sync/event';
import type { VisitState } from '../../common/visit/state';
import { isVisitEventType } from '../../common/visit/events';
import { decodeHlc, decodeHlcInto, encodeHlc, receiveInto, tick, type Hlc } from '../../common/sync/hlc';
import { migrate } from './migrate';
import { statementCache } from './statements';
import { withoutFsync } from './withoutFsync';
import { migrations } from './migrations';
import { reportDaysProjector } from './reportDaysProjection';
import { visitProjector } from './visitProjection';
import { catalogProjector } from '../catalog/versions';
import { autocheckpointPages, type Checkpointer, WalCheckpoints } from './checkpointer';

/** A read model folded from the log, updated in the same transaction as the append. */
export interface Projector {
  name: string;
  /** Tables this projector owns; emptied before a rebuild. */
  tables: string[];
  apply(store: Store, ev: StoredEvent): void;
  /**
   * Folds the new events of one ingest at once (they are in log order). Must leave the same read
   * model as `apply` called on each event in turn; a projector without it gets exactly that.
   */
  applyBatch?(store: Store, events: readonly StoredEvent[]): void;
}

/** Work done by the folds since the store was opened: tests count it to prove batching. */
export interface FoldWork {
  /** Visit rows written. */
  visitWrites: number;
  /** Visit events applied to a state. */
  eventsFolded: number;
  /** Visits folded again from their whole log (an event arrived out of order). */
  logFolds: number;
  /** Ingest calls, and the events they inserted. */
  ingests: number;
  eventsIngested: number;
}

export interface IngestOptions {
  /**
   * The JSON text of an event's payload when the caller already made it (the sync client, to
   * measure the payload): stored as is instead of serialising the payload again. It must be
   * JSON.stringify(ev.payload) of the object passed in.
   */
  payloadJson?: (ev: StoredEvent) => string | undefined;
}

export interface StoreOptions {
  file: string;
  /** Event-log origin of this database. */
  nodeId: string;
  site: string;
  /** Injected in simulations (skewed clocks); Date.now otherwise. */
  clock?: () => number;
  /** A remote clock further ahead than this is not adopted, and its origin is flagged. */
  maxDriftMs?: number;
  /**
   * Scratch databases only (the simulation's day, see simulate/range.ts): visit states live in
   * memory, folded copy-on-write, and the visits table keeps only the queue columns (its `state`
   * column is left empty, so a reader of it fails loudly). Reads hand out the cached state, which
   * nobody may change. Its event log lives in memory too (ScratchLog): appended in log order, read
   * back by scratchEvents(); the events table stays empty.
   */
  cacheVisits?: boolean;
}

/**
 * Page cache (KiB) of a connection: 512 pages of 16 KiB. A catch-up's ingest (2,000 events) dirties
 * about 220 of them, and otherwise appends at the end of each b-tree, so more cache only keeps
 * pages written once: at 32 MiB the cache grew through the whole 50,000-event catch-up, and its
 * fresh memory cost some 6,000 page faults (about 11 µs each here) of the terminal's 15,000. A
 * day's report or queue reads far less than this.
 */
const CACHE_KIB = 8_192;

/**
 * Page size of a database file this store creates. A catch-up writes about 1 KB of rows per event
 * (the event, its index entries, its share of a visit's 1.7 KB state): with 16 KiB pages SQLite
 * spends about a fifth less CPU on the same rows than with 4 KiB ones (fewer pages to split,
 * write to the WAL and checkpoint). A file made with other pages keeps them: SQLite changes a
 * page size only by VACUUM. Moved cells leave nothing behind at any size: see secure_delete below.
 */
export const NEW_DATABASE_PAGE_SIZE = 16_384;

/** An ingest of this many events or more is bulk (a catch-up): its WAL is checkpointed on a worker thread. */
const BULK_INGEST = 1000;

type Row = { origin: string; seq: number; hlc: string; type: string; site: string; visit_id: string | null; payload: string };

/**
 * The multi-row INSERT of new events. OR IGNORE because a statement that may abort part-way (a
 * plain INSERT of several rows: a constraint could fail on its 30th row) makes SQLite keep a
 * statement journal, a copy of every page the statement changes that the transaction had already
 * changed: in a catch-up, the last leaf pages of the table and its indexes, again for each
 * statement (31,000 writes of a temp file for 50,000 events). The rows are new by construction
 * (insertRows checks that each one went in, and fails the ingest otherwise).
 */
const INSERT_EVENT = 'INSERT OR IGNORE INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at)';
const ROW = ',(?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per multi-row INSERT of new events (400 parameters). */
const BULK_ROWS = 50;
const BULK_INSERT_SQL = `${INSERT_EVENT} VALUES ${ROW.repeat(BULK_ROWS).slice(1)}`;

/** Runs `f`, retrying for up to 15 s while SQLite answers SQLITE_BUSY without waiting (a second process opening the same new file). */
function untilNotBusy<T>(f: () => T, ms = 15_000): T {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return f();
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw e;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

export class Store extends EventEmitter {
  readonly db: Database.Database;
  readonly nodeId: string;
  readonly site: string;
  readonly file: string;
  private readonly clock: () => number;
  private readonly maxDriftMs: number;
  private readonly projectors: Projector[] = [];
  private depth = 0;
  private pending: StoredEvent[] = [];
  private skewedOrigins = new Set<string>();
  private readonly statements: (sql: string) => Database.Statement;
  /** The INSERT of BULK_ROWS new events, prepared at the first bulk insert. */
  private bulkInsert: Database.Statement | undefined;
  /** Per origin, the contiguous mark versionVector() proved on committed rows (only ever grows). */
  private readonly provenVv = new Map<string, number>();
  readonly work: FoldWork = { visitWrites: 0, eventsFolded: 0, logFolds: 0, ingests: 0, eventsIngested: 0 };
  /** Visit states of a scratch database (StoreOptions.cacheVisits), else null. */
  readonly visitCache: Map<string, { state: VisitState; lastHlc: string }> | null;
  /** Checkpoints the WAL on a worker thread (checkpointer.ts: started at the first bulk ingest or after a few commits). */
  private readonly checkpoints: WalCheckpoints;
  /** The event log of a scratch database (StoreOptions.cacheVisits), else null. */
  private readonly scratchLog: ScratchLog | null;
  /** Transactions of tx() rolled back so far: what a reader saw inside one may never have been committed (node/wait/terminalWaits.ts). */
  private rolledBack = 0;
  /** The last visit change marker handed out in the running transaction of tx() (null: none yet, or no transaction). */
  private lastVisitChange: number | null = null;

  private constructor(db: Database.Database, opts: StoreOptions) {
    super();
    this.db = db;
    this.file = opts.file;
    this.nodeId = opts.nodeId;
    this.site = opts.site;
    this.clock = opts.clock ?? Date.now;
    this.maxDriftMs = opts.maxDriftMs ?? 5 * 60_000;
    this.statements = statementCache(db);
    this.visitCache = opts.cacheVisits ? new Map() : null;
    this.scratchLog = opts.cacheVisits ? { rows: [], hlc: undefined, visits: new Map() } : null;
    this.projectors.push(visitProjector, reportDaysProjector, catalogProjector);
    this.checkpoints = new WalCheckpoints(db, opts.file);
  }

  static open(opts: StoreOptions): Store {
    let db: Database.Database;
    try {
      db = new Database(opts.file, { timeout: 15_000 });
    } catch (e) {
      throw new AppError('unavailable', `cannot open the database ${opts.file}: ${(e as Error).message}`, { cause: e });
    }
    try {
      // A new file (no page yet) takes its page size now: switching to WAL writes its first page.
      if ((db.pragma('page_count', { simple: true }) as number) === 0) db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
      // Switching a brand-new file to WAL, or migrating it, while another process does the same can
      // answer SQLITE_BUSY at once (SQLite skips the busy handler there): wait and try again.
      untilNotBusy(() => db.pragma('journal_mode = WAL'));
      db.pragma(`cache_size = -${CACHE_KIB}`);
      db.pragma(`wal_autocheckpoint = ${autocheckpointPages(db)}`);
      // A ticket that was printed must survive a power cut.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      untilNotBusy(() => migrate(db, migrations, opts.file));
      // Deleted and moved content is overwritten with zeros: an erased detail (retention) leaves no
      // copy in the free space of a page that b-tree balancing once moved its cell out of, at any
      // page size (report-kpi-retention.test.ts reads the file's bytes after an erase).
      db.pragma('secure_delete = ON');
      const store = new Store(db, opts);
      store.initMeta();
      return store;
    } catch (e) {
      db.close();
      if (e instanceof AppError) throw e;
      const msg = (e as Error).message;
      if (/not a database|malformed|file is encrypted/i.test(msg)) {
        throw new AppError('unavailable', `${opts.file} is not a readable Madoguchi database (${msg}). Restore it from a backup ("madoguchi restore").`, { cause: e });
      }
      throw e;
    }
  }

  private initMeta(): void {
    const existing = this.meta('node_id');
    if (existing && existing !== this.nodeId) {
      throw new AppError('bad-config', `${this.file} belongs to terminal "${existing}", but the config says node.id "${this.nodeId}". One database, one origin: fix node.id or use another data folder.`, { field: 'node.id' });
    }
    if (!existing) {
      this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('node_id', this.nodeId);
    }
  }

  /** A prepared statement, compiled once per SQL text (the hot paths run thousands a second). */
  stmt(sql: string): Database.Statement {
    return this.statements(sql);
  }

  meta(key: string): string | undefined {
    if (key === 'hlc' && this.scratchLog) return this.scratchLog.hlc;
    return (this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    if (key === 'hlc' && this.scratchLog) {
      this.scratchLog.hlc = value;
      return;
    }
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * Writes a meta value the server can always restate (its acknowledged mark): committed without
   * an fsync of its own (WAL, synchronous=NORMAL: never a corrupt database; the next local
   * append's fsync covers it). A power cut may only bring back the older value, which costs a
   * resend the server counts as duplicates. Inside a transaction it joins it.
   */
  setMetaWithoutFsync(key: string, value: string): void {
    withoutFsync(this.db, () => this.setMeta(key, value));
  }

  addProjector(p: Projector): void {
    if (this.projectors.some((x) => x.name === p.name)) throw new Error(`projector "${p.name}" registered twice`);
    this.projectors.push(p);
  }

  now(): number {
    return this.clock();
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction (the write lock is taken at once, so two processes on
   * one data folder serialise instead of failing on upgrade). Nested calls join the outer one.
   * Listeners hear about new events only after the outermost commit.
   */
  tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    let result: T;
    const log = this.scratchLog && { length: this.scratchLog.rows.length, hlc: this.scratchLog.hlc };
    try {
      result = this.db.transaction(fn).immediate();
    } catch (e) {
      this.rolledBack++;
      this.pending = [];
      // The rollback undid the visits table: the in-memory states go with it (and a scratch log's events).
      this.visitCache?.clear();
      if (this.scratchLog && log) rollBackScratchLog(this.scratchLog, log);
      throw mapSqliteError(e, this.file);
    } finally {
      this.depth--;
      this.lastVisitChange = null;
    }
    this.afterCommit();
    const done = this.pending;
    this.pending = [];
    if (done.length) this.emit('events', done);
    return result;
  }

  /** After a commit of tx(): every few, the WAL checkpoint is asked of the worker (scratch databases checkpoint as SQLite does). */
  private afterCommit(): void {
    if (!this.scratchLog) this.checkpoints.afterCommit();
  }

  /**
   * `n` consecutive visit change markers (migration 16-mark), the first of them returned: above
   * every marker in the table. Only inside tx(): its transaction is IMMEDIATE, so the write lock is
   * ours from its start and no other connection can write a marker before the commit. The table's
   * highest is read once per transaction and then counted on (a batched catch-up writes thousands
   * of rows). Outside a transaction a writer must take the marker in its own statement
   * (visitProjection's NEXT_VISIT_CHANGE), so it returns null there.
   */
  reserveVisitChanges(n = 1): number | null {
    if (this.depth === 0) return null;
    const last = this.lastVisitChange ?? (this.stmt('SELECT COALESCE(MAX(change_seq), 0) AS m FROM visits').get() as { m: number }).m;
    this.lastVisitChange = last + n;
    return last + 1;
  }

  /** How many transactions of tx() were rolled back since the store was opened. */
  rollbacks(): number {
    return this.rolledBack;
  }

  private lastHlc(): Hlc {
    const v = this.meta('hlc');
    return v ? decodeHlc(v) : { wall: 0, logical: 0 };
  }

  /** Appends a local event and folds it into the projections, atomically. */
  append<P>(type: string, payload: P, opts: { visitId?: string } = {}): StoredEvent<P> {
    if (this.scratchLog) return this.tx(() => this.appendToScratch(this.scratchLog!, type, payload, opts.visitId));
    return this.tx(() => {
      let hlc = tick(this.lastHlc(), this.clock());
      if (opts.visitId) {
        // Causality per visit: an action sorts after every event of that visit this terminal has
        // seen, even when those came from a clock too far ahead to adopt in receive(). Otherwise a
        // call on a visit issued by a fast kiosk would fold before its issue and vanish.
        const seen = (this.stmt('SELECT MAX(hlc) AS h FROM events WHERE visit_id = ?').get(opts.visitId) as { h: string | null }).h;
        if (seen) {
          const v = decodeHlc(seen);
          if (v.wall > hlc.wall || (v.wall === hlc.wall && v.logical >= hlc.logical)) hlc = { wall: v.wall, logical: v.logical + 1 };
        }
      }
      const encoded = encodeHlc(hlc, this.nodeId);
      this.setMeta('hlc', encoded);
      const seq = ((this.stmt('SELECT MAX(seq) AS m FROM events WHERE origin = ?').get(this.nodeId) as { m: number | null }).m ?? 0) + 1;
      const ev: StoredEvent<P> = { origin: this.nodeId, seq, hlc: encoded, type, site: this.site, visitId: opts.visitId ?? null, payload };
      this.insert(ev);
      this.project(ev);
      return ev;
    });
  }

  /**
   * append() on a scratch database: the same event (HLC, seq, payload text, time of receipt) kept in
   * its in-memory log. Its HLCs only grow, so a visit's newest event is its last one appended.
   */
  private appendToScratch<P>(log: ScratchLog, type: string, payload: P, visitId: string | undefined): StoredEvent<P> {
    let hlc = tick(this.lastHlc(), this.clock());
    const seen = visitId === undefined ? undefined : log.visits.get(visitId);
    if (seen) {
      const v = decodeHlc(seen.hlc);
      if (v.wall > hlc.wall || (v.wall === hlc.wall && v.logical >= hlc.logical)) hlc = { wall: v.wall, logical: v.logical + 1 };
    }
    const encoded = encodeHlc(hlc, this.nodeId);
    log.hlc = encoded;
    const ev: StoredEvent<P> = { origin: this.nodeId, seq: log.rows.length + 1, hlc: encoded, type, site: this.site, visitId: visitId ?? null, payload };
    log.rows.push({ origin: ev.origin, seq: ev.seq, hlc: encoded, type, site: ev.site, visitId: ev.visitId, payloadText: JSON.stringify(payload), receivedAt: new Date(this.clock()).toISOString() });
    if (visitId !== undefined) log.visits.set(visitId, { hlc: encoded, n: (seen?.n ?? 0) + 1 });
    this.pending.push(ev);
    this.project(ev);
    return ev;
  }

  /** A scratch database's events, in log order (seq from 1, the payload as its JSON text). */
  scratchEvents(): readonly ScratchEventRow[] {
    if (!this.scratchLog) throw new Error('scratchEvents: not a scratch database (StoreOptions.cacheVisits)');
    return this.scratchLog.rows;
  }

  /** Events of one visit in the log (a visit new to the fold holds only the ones being folded). */
  visitLogSize(visitId: string): number {
    if (this.scratchLog) return this.scratchLog.visits.get(visitId)?.n ?? 0;
    return (this.stmt('SELECT COUNT(*) AS n FROM events WHERE visit_id = ?').get(visitId) as { n: number }).n;
  }

  /**
   * Takes events from elsewhere (sync). Duplicates are harmless by construction (INSERT OR IGNORE on
   * origin+seq). Returns what was new, and the origins whose clocks ran too far ahead.
   */
  ingest(events: readonly StoredEvent[], opts: IngestOptions = {}): { inserted: StoredEvent[]; duplicates: number; skewed: string[] } {
    // Events from elsewhere are still held by the server: a power cut that loses the last ingest
    // (WAL, synchronous=NORMAL: never a corrupt database) only means pulling them again, so their
    // commit skips the fsync. Local appends keep synchronous=FULL, and their fsync covers these too.
    if (this.scratchLog) throw new Error('ingest: a scratch database keeps its log in memory');
    if (this.depth > 0) return this.ingestNow(events, opts);
    const bulk = events.length >= BULK_INGEST ? this.checkpoints.worker() : null;
    return withoutFsync(this.db, () => {
      // A bulk ingest's commit does not stop for a checkpoint: the worker makes it beside us.
      if (bulk) {
        this.db.pragma('wal_autocheckpoint = 0');
        bulk.beforeWrite();
      }
      try {
        const before = { visits: this.work.visitWrites, events: this.work.eventsIngested };
        const r = this.ingestNow(events, opts);
        // Roughly what the commit wrote: an event row with its index entries, a visit's state.
        const bytes = (this.work.eventsIngested - before.events) * 700 + (this.work.visitWrites - before.visits) * 2200;
        if (bulk?.afterCommit(bytes)) this.db.pragma('wal_checkpoint(PASSIVE)');
        return r;
      } finally {
        if (bulk) this.db.pragma(`wal_autocheckpoint = ${this.checkpoints.autocheckpointPages()}`);
      }
    });
  }

  /** The worker checkpointing the WAL, once one started (null for in-memory databases or when it could not start). */
  walCheckpointer(): Checkpointer | null {
    return this.checkpoints.current;
  }

  private ingestNow(events: readonly StoredEvent[], opts: IngestOptions): { inserted: StoredEvent[]; duplicates: number; skewed: string[] } {
    return this.tx(() => {
      const inserted: StoredEvent[] = [];
      let duplicates = 0;
      const skewed = new Set<string>();
      const sorted = inLogOrder(events);
      const held = this.lastHlc();
      // The local clock merges each new event's, in place (no objects per event).
      const last = { wall: held.wall, logical: held.logical };
      const remote = { wall: 0, logical: 0 };
      const fresh = this.insertMany(sorted, opts.payloadJson);
      for (let i = 0; i < sorted.length; i++) {
        const ev = sorted[i]!;
        if (!fresh[i]) {
          duplicates++;
          continue;
        }
        decodeHlcInto(ev.hlc, remote);
        if (receiveInto(last, remote, this.clock(), this.maxDriftMs)) {
          skewed.add(ev.origin);
          this.skewedOrigins.add(ev.origin);
        }
        inserted.push(ev);
      }
      this.setMeta('hlc', encodeHlc(last, this.nodeId));
      this.work.ingests++;
      this.work.eventsIngested += inserted.length;
      for (const p of this.projectors) {
        if (p.applyBatch) p.applyBatch(this, inserted);
        else for (const ev of inserted) p.apply(this, ev);
      }
      return { inserted, duplicates, skewed: [...skewed] };
    });
  }

  /**
   * Bulk load of this terminal's own events written first into a scratch database (the simulated
   * year): rows in log order, kept as they are (origin, seq, hlc, payload, time of receipt), inserted
   * by rows of 50 per statement in one transaction and folded like an ingest, each visit once.
   * The clock's last reading becomes the newest loaded HLC, as if each had been appended here.
   *
   * `writeVisits`: the caller holds the visit projection of these events already folded (the
   * scratch database's, each visit new here with its whole log in `rows`) and writes it, in this
   * transaction, instead of the visit projector folding them again. The other projectors see the
   * events the visit projector would have taken (visit events) no more than they would in an
   * ingest (they ignore them), so only the others are passed on, and a visit event's payload is
   * parsed only when someone listens for new events.
   */
  loadOwnEvents(rows: ReadonlyArray<Omit<StoredEvent, 'payload'> & { payload?: unknown; receivedAt: string; payloadText?: string }>, opts: { writeVisits?: () => void } = {}): void {
    if (!rows.length) return;
    if (this.scratchLog) throw new Error('loadOwnEvents: a scratch database keeps its log in memory');
    // A simulated year is made again by running the simulation again: its commit skips the fsync.
    withoutFsync(this.db, () =>
      this.tx(() => {
        let newest = this.meta('hlc') ?? '';
        const events: StoredEvent[] = [];
        const listened = this.listenerCount('events') > 0;
        const params: unknown[] = [];
        const flush = (n: number) => {
          if (n) this.insertRows(params, n);
          params.length = 0;
        };
        for (const r of rows) {
          if (r.origin !== this.nodeId) throw new Error(`loadOwnEvents: event ${r.origin}/${r.seq} is not from this terminal (${this.nodeId})`);
          // payloadText: the payload as the scratch database stored it (it is JSON.stringify(payload)).
          params.push(r.origin, r.seq, r.hlc, r.type, r.site, r.visitId, r.payloadText ?? JSON.stringify(r.payload), r.receivedAt);
          if (params.length === 8 * BULK_ROWS) flush(BULK_ROWS);
          if (r.hlc > newest) newest = r.hlc;
          const folded = opts.writeVisits !== undefined && r.visitId !== null && isVisitEventType(r.type);
          if (folded && !listened) continue;
          const ev: StoredEvent = { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visitId, payload: r.payloadText === undefined ? r.payload : JSON.parse(r.payloadText) };
          this.pending.push(ev);
          if (!folded) events.push(ev);
        }
        flush(params.length / 8);
        this.setMeta('hlc', newest);
        opts.writeVisits?.();
        for (const p of this.projectors) {
          if (opts.writeVisits && p === visitProjector) continue;
          if (p.applyBatch) p.applyBatch(this, events);
          else for (const ev of events) p.apply(this, ev);
        }
      }),
    );
  }

  /** Origins seen with clocks beyond the allowed drift in this process's lifetime. */
  flaggedOrigins(): string[] {
    return [...this.skewedOrigins].sort();
  }

  /**
   * Inserts events (in log order) and says which were new. The ones beyond everything held of
   * their origin (a catch-up: nearly all) go in by rows of 50 per statement; the rest one by one,
   * duplicates ignored. One time of receipt for the whole ingest.
   */
  private insertMany(sorted: readonly StoredEvent[], payloadJson: IngestOptions['payloadJson']): boolean[] {
    const at = new Date(this.clock()).toISOString();
    // Per origin: the highest seq held before this ingest, and the seqs beyond it this ingest
    // brought (a catch-up brings them in increasing order: a number compared, no set looked up).
    const held = new Map<string, { max: number; top: number; added: number[]; seen: Set<number> | null }>();
    const fresh: boolean[] = new Array<boolean>(sorted.length);
    const rows: unknown[] = [];
    const flush = (n: number) => {
      if (n) this.insertRows(rows, n);
      rows.length = 0;
    };
    for (let i = 0; i < sorted.length; i++) {
      const ev = sorted[i]!;
      let h = held.get(ev.origin);
      if (h === undefined) {
        const max = (this.stmt('SELECT MAX(seq) AS m FROM events WHERE origin = ?').get(ev.origin) as { m: number | null }).m ?? 0;
        h = { max, top: max, added: [], seen: null };
        held.set(ev.origin, h);
      }
      if (ev.seq > h.max) {
        // Beyond what the database holds: new, unless this ingest already brought it.
        if (ev.seq > h.top) h.top = ev.seq;
        else {
          h.seen ??= new Set(h.added);
          if (h.seen.has(ev.seq)) {
            fresh[i] = false;
            continue;
          }
        }
        h.added.push(ev.seq);
        h.seen?.add(ev.seq);
        rows.push(ev.origin, ev.seq, ev.hlc, ev.type, ev.site, ev.visitId, payloadJson?.(ev) ?? JSON.stringify(ev.payload), at);
        this.pending.push(ev);
        fresh[i] = true;
        if (rows.length === 8 * BULK_ROWS) flush(BULK_ROWS);
      } else fresh[i] = this.insert(ev, at, payloadJson?.(ev));
    }
    flush(rows.length / 8);
    return fresh;
  }

  /** Inserts `n` new event rows (8 parameters each) in one statement; throws when any of them was already held. */
  private insertRows(params: unknown[], n: number): void {
    const st = n === BULK_ROWS ? (this.bulkInsert ??= this.db.prepare(BULK_INSERT_SQL)) : this.stmt(`${INSERT_EVENT} VALUES ${ROW.repeat(n).slice(1)}`);
    const r = st.run(params);
    if (r.changes !== n) {
      throw new Error(`events insert: ${n - r.changes} of ${n} new events were not stored (an event already held, or a field missing); nothing of this write is kept`);
    }
  }

  private insert(ev: StoredEvent, at = new Date(this.clock()).toISOString(), json = JSON.stringify(ev.payload)): boolean {
    const r = this
      .stmt('INSERT OR IGNORE INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ev.origin, ev.seq, ev.hlc, ev.type, ev.site, ev.visitId, json, at);
    if (r.changes === 1) this.pending.push(ev);
    return r.changes === 1;
  }

  private project(ev: StoredEvent): void {
    for (const p of this.projectors) p.apply(this, ev);
  }

  /** Events of one visit in log order. */
  visitEvents(visitId: string): StoredEvent[] {
    if (this.scratchLog) {
      return this.scratchLog.rows
        .filter((r) => r.visitId === visitId)
        .map((r) => ({ origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visitId, payload: JSON.parse(r.payloadText) as unknown }));
    }
    return (this.stmt('SELECT * FROM events WHERE visit_id = ? ORDER BY hlc, origin, seq').all(visitId) as Row[]).map(rowToEvent);
  }

  /** Every event in log order, in pages (for rebuilds, reports and catch-up). */
  *allEvents(pageSize = 5000, where: { site?: string; types?: string[] } = {}): Generator<StoredEvent> {
    if (this.scratchLog) throw new Error('allEvents: a scratch database keeps its log in memory (scratchEvents)');
    let after = '';
    const cond: string[] = ['hlc > ?'];
    const params: unknown[] = [];
    if (where.site) {
      cond.push('site = ?');
      params.push(where.site);
    }
    if (where.types?.length) cond.push(`type IN (${where.types.map(() => '?').join(',')})`);
    const stmt = this.stmt(`SELECT * FROM events WHERE ${cond.join(' AND ')} ORDER BY hlc, origin, seq LIMIT ${pageSize}`);
    for (;;) {
      const rows = stmt.all(after, ...params, ...(where.types ?? [])) as Row[];
      for (const r of rows) yield rowToEvent(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.hlc;
    }
  }

  /**
   * Highest contiguous seq per origin: what this database can prove it holds. Asked before every
   * pull (a display's, on its way to showing a call), so it never scans the log: the origins are
   * found by a skip scan of the (origin, seq) key, and each origin is checked only beyond the mark
   * proven at the last committed answer (events are never deleted from a terminal's log; another
   * process on the same file only adds to it).
   */
  versionVector(): VersionVector {
    const vv: VersionVector = {};
    const nextOrigin = this.stmt('SELECT MIN(origin) AS o FROM events WHERE origin > ?');
    const beyond = this.stmt('SELECT MAX(seq) AS max, COUNT(*) AS n FROM events WHERE origin = ? AND seq > ?');
    const holds = this.stmt('SELECT 1 FROM events WHERE origin = ? AND seq = ?');
    // The first seq after `from` whose successor is missing (from itself held, or 0).
    const gapAfter = this.stmt(
      'SELECT e.seq AS last FROM events e WHERE e.origin = ? AND e.seq > ? AND NOT EXISTS (SELECT 1 FROM events f WHERE f.origin = e.origin AND f.seq = e.seq + 1) ORDER BY e.seq LIMIT 1',
    );
    // Inside a transaction the rows may still be rolled back: answer, but prove nothing for later.
    const keep = !this.db.inTransaction;
    const firstOrigin = this.stmt('SELECT MIN(origin) AS o FROM events');
    for (let origin = (firstOrigin.get() as { o: string | null }).o; origin !== null; origin = (nextOrigin.get(origin) as { o: string | null }).o) {
      const known = this.provenVv.get(origin) ?? 0;
      const r = beyond.get(origin, known) as { max: number | null; n: number };
      let mark = known;
      if (r.max !== null) {
        if (r.max - known === r.n) mark = r.max;
        // A gap (delivery out of order): the first missing seq bounds what we can claim.
        else if (holds.get(origin, known + 1)) mark = (gapAfter.get(origin, known) as { last: number }).last;
      }
      vv[origin] = mark;
      if (keep) this.provenVv.set(origin, mark);
    }
    return vv;
  }

  /** Events the holder of `vv` lacks, by origin and seq, oldest first. */
  eventsAfter(vv: VersionVector, limit = 1000, site?: string): StoredEvent[] {
    const out: StoredEvent[] = [];
    const origins = (this.stmt('SELECT DISTINCT origin FROM events').all() as Array<{ origin: string }>).map((r) => r.origin).sort();
    const stmt = this.stmt(`SELECT * FROM events WHERE origin = ? AND seq > ? ${site ? 'AND site = ?' : ''} ORDER BY seq LIMIT ?`);
    for (const o of origins) {
      if (out.length >= limit) break;
      const rows = (site ? stmt.all(o, vv[o] ?? 0, site, limit - out.length) : stmt.all(o, vv[o] ?? 0, limit - out.length)) as Row[];
      for (const r of rows) out.push(rowToEvent(r));
    }
    return out;
  }

  eventCount(): number {
    if (this.scratchLog) return this.scratchLog.rows.length;
    return (this.stmt('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  /** Empties every projection and folds the whole log again, in one transaction. */
  rebuildProjections(): void {
    this.tx(() => {
      for (const p of this.projectors) for (const t of p.tables) this.db.prepare(`DELETE FROM ${t}`).run();
      this.visitCache?.clear();
      for (const ev of this.allEvents()) this.project(ev);
    });
  }

  close(): void {
    this.checkpoints.stop();
    if (this.db.open) this.db.close();
  }
}

/** The events in log order: as they are when they already are (a pulled page nearly always), else sorted. */
function inLogOrder(events: readonly StoredEvent[]): readonly StoredEvent[] {
  for (let i = 1; i < events.length; i++) if (compareEvents(events[i - 1]!, events[i]!) > 0) return [...events].sort(compareEvents);
  return events;
}

/** A stored event as its row: the payload as its JSON text. */
export type ScratchEventRow = Omit<StoredEvent, 'payload'> & { payloadText: string; receivedAt: string };

/** The in-memory event log of a scratch database (StoreOptions.cacheVisits), and its clock. */
interface ScratchLog {
  rows: ScratchEventRow[];
  /** The meta value `hlc` (the newest HLC appended). */
  hlc: string | undefined;
  /** Per visit, the HLC of its newest event and its number of events. */
  visits: Map<string, { hlc: string; n: number }>;
}

function rollBackScratchLog(log: ScratchLog, to: { length: number; hlc: string | undefined }): void {
  log.rows.length = to.length;
  log.hlc = to.hlc;
  log.visits.clear();
  for (const r of log.rows) if (r.visitId !== null) log.visits.set(r.visitId, { hlc: r.hlc, n: (log.visits.get(r.visitId)?.n ?? 0) + 1 });
}

function rowToEvent(r: Row): StoredEvent {
  return { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: JSON.parse(r.payload) };
}

function mapSqliteError(e: unknown, file: string): unknown {
  const code = (e as { code?: string })?.code;
  if (code === 'SQLITE_FULL') return new AppError('disk-full', `the disk holding ${file} is full: nothing was written. Free some space and try again.`, { cause: e });
  if (code === 'SQLITE_BUSY') return new AppError('unavailable', `the database ${file} is busy (another process holds it); try again.`, { cause: e });
  return e;
}
