import { EventEmitter } from 'node:events';
import type { TerminalConfig } from '../../common/config/schema';
import { compareEvents, type StoredEvent, type VersionVector } from '../../common/sync/event';
import { checkEventPayload } from '../../common/sync/authorisation';
import { LIMITS, PROTOCOL_VERSION, isWellFormedWireEvent, pullResponseSchema, pushResponseSchema, wireEventSchema, type ClaimConflict, type StationClaim, type SyncStatus, type WireEvent } from '../../common/sync/protocol';
import { formatPath } from '../../common/errors';
import { compileSchemaCheck } from '../../common/sync/schemaCheck';
import type { Store } from '../store/store';
import { outboundSkips, quarantineCount, quarantineInbound, quarantineOutbound, skippedPlaceholder } from './quarantine';
import { SyncRemoteError, type SyncTransport } from './transport';

export interface SyncClientOptions {
  store: Store;
  transport: SyncTransport;
  /** Stations this database issues tickets from (kiosks); registered with the server on every push. */
  stations?: StationClaim[];
  /** Shown in the state (never the token). */
  serverLabel?: string;
  pushBatch?: number;
  /** A push message stays below this many bytes (the server refuses bodies over LIMITS.maxBodyBytes). */
  pushBatchBytes?: number;
  pageSize?: number;
  /**
   * Checked pulled events are folded in one transaction once this many have arrived (or the pull
   * ends, or a later pull fails): each visit is written once per batch, and at most this many
   * events are held in memory. Default 2,000: small enough that each fold overlaps the server
   * preparing the next page (asked for before the fold), large enough that a visit's few events
   * (close in log order) mostly share a batch.
   */
  ingestBatch?: number;
  /** Periodic sync even without a trigger (another process may write to the same data folder). */
  intervalMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Jitter source; injectable for deterministic tests. */
  random?: () => number;
  /** Open the server's live stream in `run()` (default true when the transport has one). */
  stream?: boolean;
}

export interface SyncOnceResult {
  pushed: number;
  pulled: number;
  duplicates: number;
}

type Row = { origin: string; seq: number; hlc: string; type: string; site: string; visit_id: string | null; payload: string };

const META_ACKED = 'sync.acked';
const META_LAST = 'sync.lastSyncAt';

/** The stations a config's kiosk profiles issue from: what this database claims on the server. */
export function stationClaimsOf(config: TerminalConfig): StationClaim[] {
  const used = new Set(config.terminals.filter((t) => t.role === 'kiosk' && t.station).map((t) => t.station!));
  return config.stations.filter((s) => used.has(s.id)).map((s) => ({ station: s.id, from: s.range.from, to: s.range.to }));
}

/**
 * A terminal's side of sync. The log is the outbox: push sends this origin's events beyond the
 * server's high-water mark; pull asks for what the local version vector lacks. Both are
 * idempotent, so a retry after any failure (the server killed mid-push, a lost answer) is safe.
 */
export class SyncClient extends EventEmitter {
  readonly store: Store;
  private readonly transport: SyncTransport;
  private readonly stations: StationClaim[];
  private readonly pushBatch: number;
  private readonly pushBatchBytes: number;
  private readonly pageSize: number;
  private readonly ingestBatch: number;
  private readonly intervalMs: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;
  private readonly random: () => number;
  private readonly useStream: boolean;
  private current: SyncStatus;
  private running = false;
  private inFlight: Promise<SyncOnceResult> | null = null;
  private wake: (() => void) | null = null;
  /** While backing off, a trigger does not cut the wait short (stop still does). */
  private wakeOnTrigger = false;
  private pendingTrigger = false;
  private pushWanted = true;
  /**
   * A pull is due: a stream notice named another origin's events, the stream is down, or the last
   * pull is an interval old. A local write alone only pushes while the stream is up.
   */
  private pullWanted = true;
  private streamOpen = false;
  private lastPullAt = 0;
  private inFlightPulls = false;
  private claimsRegistered = false;
  private closeStream: (() => void) | null = null;
  private streamRetry: NodeJS.Timeout | null = null;
  private loopDone: Promise<void> | null = null;
  private lastPersisted = 0;
  private readonly onStoreEvents: (evs: StoredEvent[]) => void;
  /**
   * Payload JSON made while checking a pulled event, stored as is by its ingest (not made twice).
   * Holds the checked events not folded yet (emptied by each fold): a Map, not a WeakMap, whose
   * entries cost the garbage collector more than the whole map's lifetime here.
   */
  private readonly payloadJson = new Map<object, string>();
  private readonly ingestOptions = { payloadJson: (ev: StoredEvent) => this.payloadJson.get(ev) };

  constructor(opts: SyncClientOptions) {
    super();
    this.store = opts.store;
    this.transport = opts.transport;
    this.stations = opts.stations ?? [];
    this.pushBatch = Math.min(opts.pushBatch ?? 500, LIMITS.maxEventsPerPush);
    this.pushBatchBytes = Math.min(opts.pushBatchBytes ?? 1024 * 1024, LIMITS.maxBodyBytes / 2);
    this.pageSize = Math.min(opts.pageSize ?? 1000, LIMITS.maxEventsPerPull);
    this.ingestBatch = Math.max(1, opts.ingestBatch ?? 2000);
    this.intervalMs = opts.intervalMs ?? 5000;
    this.backoffMinMs = opts.backoffMinMs ?? 500;
    this.backoffMaxMs = opts.backoffMaxMs ?? 60_000;
    this.random = opts.random ?? Math.random;
    this.useStream = opts.stream ?? !!this.transport.stream;
    const last = this.store.meta(META_LAST);
    const q = quarantineCount(this.store.db);
    this.current = { state: 'offline', outbox: this.outbox(), ...(q ? { quarantined: q } : {}), ...(last ? { lastSyncAt: last } : {}), ...(opts.serverLabel ? { server: opts.serverLabel } : {}), message: 'not synced yet' };
    this.onStoreEvents = (evs) => {
      if (evs.some((e) => e.origin === this.store.nodeId)) {
        this.pushWanted = true;
        this.setState({ outbox: this.outbox() });
        this.trigger();
      }
    };
  }

  status(): SyncStatus {
    return { ...this.current };
  }

  /** Local events the server has not acknowledged. */
  outbox(): number {
    const acked = Number(this.store.meta(META_ACKED) ?? 0);
    const row = this.store.stmt('SELECT COUNT(*) AS n FROM events WHERE origin = ? AND seq > ?').get(this.store.nodeId, acked) as { n: number };
    return row.n;
  }

  private setState(patch: Partial<SyncStatus>, drop: Array<keyof SyncStatus> = []): void {
    const next: SyncStatus = { ...this.current, ...patch };
    for (const k of drop) delete next[k];
    const changed = next.state !== this.current.state || (next.state !== 'online' && next.message !== this.current.message);
    this.current = next;
    if (changed && next.state !== 'disabled') this.recordRun(next);
    this.emit('state', this.status());
  }

  /** History of state changes (migration 5), kept to the last 1,000. */
  private recordRun(s: SyncStatus): void {
    try {
      const at = new Date(this.store.now()).toISOString();
      this.store.db.prepare('INSERT INTO sync_runs (at, state, outbox, message) VALUES (?, ?, ?, ?)').run(at, s.state, s.outbox, s.message ?? null);
      this.store.db.prepare('DELETE FROM sync_runs WHERE id <= (SELECT MAX(id) FROM sync_runs) - 1000').run();
    } catch {
      // History is a convenience; a closed or read-only database must not break sync.
    }
  }

  /**
   * One full exchange: push everything the server lacks, then pull everything this terminal lacks.
   * `pull: false` (the loop, on a local write while the live stream is up) only pushes.
   */
  syncOnce(opts: { push?: boolean; pull?: boolean } = {}): Promise<SyncOnceResult> {
    const doPull = opts.pull ?? true;
    if (this.inFlight) {
      // A push-only exchange in flight does not answer a caller that wants a pull: one follows it.
      if (this.inFlightPulls || !doPull) return this.inFlight;
      const again = () => this.syncOnce(opts);
      return this.inFlight.then(again, again);
    }
    this.inFlightPulls = doPull;
    this.inFlight = this.exchange(opts.push ?? true, doPull).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async exchange(doPush: boolean, doPull = true): Promise<SyncOnceResult> {
    const store = this.store;
    let pushed = 0;
    let duplicates = 0;
    let conflicts: ClaimConflict[] = [];
    let skew: SyncStatus['skew'];
    try {
      if (doPush || !this.claimsRegistered) {
        this.pushWanted = false;
        let acked = Number(store.meta(META_ACKED) ?? 0);
        let guard = 0;
        let refusals = 0;
        for (;;) {
          const rows = store.stmt('SELECT * FROM events WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?').all(store.nodeId, acked, this.pushBatch) as Row[];
          const { events, all } = this.outgoing(rows, acked);
          let answer;
          try {
            answer = await this.transport.push({ protocol: PROTOCOL_VERSION, terminal: store.nodeId, now: store.now(), events, stations: this.stations }, store.now());
          } catch (e) {
            // The server says one of our events can never be accepted (its checks are newer than
            // ours): set it aside and send the rest; nothing behind it waits.
            const bad = refusedEvent(e, store.nodeId);
            if (bad && bad.seq > acked && refusals++ < 50) {
              const ev = events.find((x) => x.seq === bad.seq);
              if (ev && ev.type !== SKIPPED) {
                quarantineOutbound(store.db, ev, `refused by the sync server: ${(e as Error).message}`, bad.field, new Date(store.now()).toISOString());
                continue;
              }
            }
            // The server holds less than we thought (its database restored from a backup): resend from its mark.
            if (e instanceof SyncRemoteError && e.code === 'gap' && guard++ < 3) {
              const have = (e.details as { have?: number } | undefined)?.have;
              if (typeof have === 'number' && have < acked) {
                acked = have;
                store.setMetaWithoutFsync(META_ACKED, String(acked));
                continue;
              }
            }
            throw e;
          }
          const res = checked(pushResponseSchema, answer, 'push');
          this.claimsRegistered = true;
          pushed += res.accepted;
          duplicates += res.duplicates;
          conflicts = res.conflicts;
          skew = res.skew;
          if (res.have !== acked) {
            acked = res.have;
            store.setMetaWithoutFsync(META_ACKED, String(acked));
          }
          if (all && rows.length < this.pushBatch) break;
        }
      }

      if (!doPull && this.current.state === 'online' && !conflicts.length && !skew?.flagged) {
        // The live stream announces what others add (and the loop pulls then): a pull here would
        // only compete at the server with the terminals the stream just told to pull. Anything
        // to report (a conflict, a clock flagged) takes the full exchange below.
        this.setState({ outbox: this.outbox(), ...(skew ? { skew } : {}) });
        return { pushed, pulled: 0, duplicates };
      }
      this.lastPullAt = Date.now();
      let pulled = 0;
      this.payloadJson.clear();
      const vv: VersionVector = store.versionVector();
      let pending: WireEvent[] = [];
      const ingestPending = () => {
        if (!pending.length) return;
        const batch = pending;
        pending = [];
        let r;
        try {
          r = this.ingestChecked(batch);
        } finally {
          // Every checked event waiting was in this batch.
          this.payloadJson.clear();
        }
        pulled += r.inserted;
        duplicates += r.duplicates;
      };
      // The next page is asked for as soon as this one is checked, before it is folded: the
      // server reads and sends it while this terminal writes (a request in flight never holds
      // anything of ours; a failure of it only ends the exchange, after the fold of what arrived).
      const pullFrom = (at: VersionVector) => {
        const p = this.transport.pull({ ...at }, this.pageSize);
        p.catch(() => undefined); // awaited below; an exchange that ends first must not leave it unhandled
        return p;
      };
      try {
        let next = pullFrom(vv);
        for (;;) {
          const answer = await next;
          // A well-formed page (nearly all) passes the precompiled check; the schema answers for the rest.
          const page = isWellFormedPullPage(answer) ? answer : checked(pullResponseSchema, answer, 'pull');
          let advanced = false;
          if (page.protocol !== PROTOCOL_VERSION) throw new SyncRemoteError(426, 'protocol', `the server answered in protocol ${page.protocol}; this terminal speaks ${PROTOCOL_VERSION}`);
          // Every event is checked as its page arrives (bad ones to quarantine, a placeholder in
          // their place); the folding waits for a batch of pages.
          const good = page.events.length ? this.checkPage(page.events) : [];
          // Advance only over contiguous runs: a page that arrived with holes is asked for again.
          // In arrival order first (a page holds each origin's events in seq order), then, when some
          // event beyond the mark is left, in seq order: the same contiguous runs either way.
          let left = false;
          for (const e of good) {
            const mark = vv[e.origin] ?? 0;
            if (e.seq === mark + 1) {
              vv[e.origin] = e.seq;
              advanced = true;
            } else if (e.seq > mark) left = true;
          }
          if (left) {
            const bySeq = [...good].sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq));
            for (const e of bySeq) if (e.seq === (vv[e.origin] ?? 0) + 1) {
                vv[e.origin] = e.seq;
                advanced = true;
              }
          }
          // No progress (a page with only holes): stop after this one; the next exchange asks again.
          const last = !page.more || page.events.length === 0 || !advanced;
          if (!last) next = pullFrom(vv);
          for (const e of good) pending.push(e);
          if (pending.length >= this.ingestBatch || last) {
            // The request just made only leaves once the event loop turns (Node hands it its
            // keep-alive socket on the next tick): let it go before the fold blocks this thread,
            // so the server prepares the next page while we fold, not after.
            if (!last) await new Promise<void>((ok) => setImmediate(ok));
            ingestPending();
          }
          if (last) break;
        }
      } catch (e) {
        // The pages that did arrive are kept: a flaky link still makes progress.
        try {
          ingestPending();
        } catch {
          /* the first error is the one to report */
        }
        throw e;
      }
      ingestPending();

      const at = new Date(store.now()).toISOString();
      // Persisted now and then, not on every exchange: each write is an fsync on a terminal.
      if (store.now() - this.lastPersisted > 30_000) {
        store.setMeta(META_LAST, at);
        this.lastPersisted = store.now();
      }
      const messages: string[] = [];
      if (skew?.flagged) {
        const mins = Math.round(Math.abs(skew.ms) / 60_000);
        messages.push(`this terminal's clock is ${mins} min ${skew.ms > 0 ? 'ahead of' : 'behind'} the sync server: fix its time (events still sync)`);
      }
      for (const c of conflicts) messages.push(`station claim refused for ${c.claimant}: ${c.message}`);
      const quarantined = quarantineCount(store.db);
      if (quarantined) messages.push(`${quarantined} event(s) set aside in quarantine; sync carries on with the rest ("madoguchi sync quarantine list")`);
      this.setState(
        {
          state: 'online',
          lastSyncAt: at,
          outbox: this.outbox(),
          quarantined,
          ...(skew ? { skew } : {}),
          ...(conflicts.length ? { conflicts } : {}),
          ...(messages.length ? { message: messages.join(' / ') } : {}),
        },
        [...(messages.length ? [] : (['message'] as const)), ...(conflicts.length ? [] : (['conflicts'] as const))],
      );
      return { pushed, pulled, duplicates };
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }

  /**
   * The next push message: this terminal's events after `acked`, within the byte budget. An event
   * that can never be accepted (too large, invalid by the shared schemas) is set aside in
   * quarantine with its reason, and a sync.skipped placeholder takes its seq on the wire.
   */
  private outgoing(rows: Row[], acked: number): { events: WireEvent[]; all: boolean } {
    const store = this.store;
    const skips = outboundSkips((sql) => store.stmt(sql), store.nodeId, acked);
    const events: WireEvent[] = [];
    let bytes = 512;
    for (const r of rows) {
      let ev: WireEvent;
      let problem: { message: string; field?: string } | null = null;
      try {
        ev = rowToWire(r);
        // The hand-written check answers for nearly every event; the schema names the field of the rest.
        const envelope = isWellFormedWireEvent(ev) ? { success: true as const } : wireEventSchema.safeParse(ev);
        if (!envelope.success) {
          const i = envelope.error.issues[0]!;
          problem = { message: `event ${r.origin}#${r.seq} (${r.type}): ${formatPath(i.path) || 'event'}: ${i.message}`, field: formatPath(i.path) };
        } else problem = checkEventPayload(ev);
      } catch (e) {
        ev = { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: null };
        problem = { message: `event ${r.origin}#${r.seq} (${r.type}): payload is not readable JSON (${(e as Error).message})`, field: 'payload' };
      }
      const known = skips.get(r.seq);
      if (known !== undefined) ev = skippedPlaceholder(ev, known);
      else if (problem) {
        quarantineOutbound(store.db, ev, problem.message, problem.field, new Date(store.now()).toISOString());
        ev = skippedPlaceholder(ev, problem.message);
      }
      const size = Buffer.byteLength(JSON.stringify(ev), 'utf8') + 1;
      if (events.length > 0 && bytes + size > this.pushBatchBytes) return { events, all: false };
      bytes += size;
      events.push(ev);
    }
    return { events, all: true };
  }

  /**
   * Checks one pulled page with the shared schemas. An event that fails (an older server, a
   * damaged file) goes to quarantine and a placeholder takes its place, so the rest of the page,
   * and everything after it, still arrives.
   */
  private checkPage(raw: readonly unknown[]): WireEvent[] {
    const store = this.store;
    const at = new Date(store.now()).toISOString();
    const good: WireEvent[] = [];
    for (const item of raw) {
      // Well-formed events (nearly all) pass the precompiled check; the schema answers for the rest.
      let ev: WireEvent;
      if (isWellFormedWireEvent(item)) ev = item;
      else {
        const envelope = wireEventSchema.safeParse(item);
        if (!envelope.success) {
          const i = envelope.error.issues[0]!;
          const o = (item ?? {}) as { origin?: unknown; seq?: unknown };
          const ph = quarantineInbound(store.db, item, `pulled event ${String(o.origin)}#${String(o.seq)}: ${formatPath(i.path) || 'event'}: ${i.message}`, formatPath(i.path), at);
          if (ph) good.push(ph);
          continue;
        }
        ev = envelope.data as WireEvent;
      }
      const serialised: { json?: string } = {};
      const problem = checkEventPayload(ev, serialised);
      if (problem) {
        const ph = quarantineInbound(store.db, ev, problem.message, problem.field, at);
        if (ph) good.push(ph);
        continue;
      }
      if (serialised.json !== undefined) this.payloadJson.set(ev, serialised.json);
      good.push(ev);
    }
    return good;
  }

  /**
   * Folds a batch of checked events (one or more pages) in one ingest. A payload that passed the
   * schemas but still breaks a fold is found one event at a time and quarantined.
   */
  private ingestChecked(good: WireEvent[]): { inserted: number; duplicates: number } {
    const store = this.store;
    try {
      const r = store.ingest(good as StoredEvent[], this.ingestOptions);
      return { inserted: r.inserted.length, duplicates: r.duplicates };
    } catch (e) {
      if (!(e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError)) throw e;
      const at = new Date(store.now()).toISOString();
      let inserted = 0;
      let duplicates = 0;
      for (const ev of [...good].sort(compareEvents)) {
        try {
          const r = store.ingest([ev as StoredEvent]);
          inserted += r.inserted.length;
          duplicates += r.duplicates;
        } catch (err) {
          if (!(err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError)) throw err;
          const ph = quarantineInbound(store.db, ev, `event ${ev.origin}#${ev.seq} (${ev.type}) could not be folded: ${err.message}`, 'payload', at);
          if (ph) inserted += store.ingest([ph as StoredEvent]).inserted.length;
        }
      }
      return { inserted, duplicates };
    }
  }

  private fail(e: unknown): void {
    if (e instanceof SyncRemoteError && e.status >= 400 && e.status < 500) {
      // The server refused: retrying the same thing will not help until a person acts.
      const extra = e.code === 'station-conflict' && e.details ? { conflicts: [e.details as ClaimConflict] } : {};
      this.setState({ state: 'error', message: `sync refused (${e.status} ${e.code}): ${e.message}`, outbox: this.outbox(), ...extra });
    } else {
      const msg = e instanceof SyncRemoteError ? `sync server error ${e.status}: ${e.message}` : `sync server unreachable: ${(e as Error)?.message ?? String(e)}`;
      this.setState({ state: 'offline', message: msg, outbox: this.outbox() });
    }
  }

  /** Asks the background loop for a sync as soon as possible. */
  trigger(): void {
    this.pendingTrigger = true;
    if (this.wakeOnTrigger) this.wake?.();
  }

  /** Starts the background loop: sync on local writes, on stream notices and every interval; back off on failure. */
  run(): void {
    if (this.running) return;
    this.running = true;
    this.store.on('events', this.onStoreEvents);
    if (this.useStream && this.transport.stream) this.openStream(0);
    this.loopDone = this.loop();
  }

  private openStream(attempt: number): void {
    if (!this.running || !this.transport.stream) return;
    this.closeStream = this.transport.stream({
      onOpen: () => {
        attempt = 0;
        this.streamOpen = true;
      },
      onNotice: (n) => {
        // Our own push echoed back needs no pull; anything else (or a fresh hello) does.
        const origins = Object.keys(n.vv);
        if (origins.length === 0 || origins.some((o) => o !== this.store.nodeId)) {
          this.pullWanted = true;
          this.trigger();
        }
      },
      onClose: () => {
        this.streamOpen = false;
        this.pullWanted = true;
        this.closeStream = null;
        if (!this.running) return;
        this.streamRetry = setTimeout(() => this.openStream(attempt + 1), this.backoff(attempt));
        this.streamRetry.unref();
      },
    });
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** Math.min(attempt, 20));
    // Full jitter on half the delay: many terminals coming back after an outage do not stampede.
    return Math.round(base / 2 + (this.random() * base) / 2);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.pendingTrigger = false;
      let delay = this.intervalMs;
      const pull = this.pullWanted || !this.streamOpen || Date.now() - this.lastPullAt >= this.intervalMs;
      this.pullWanted = false;
      try {
        await this.syncOnce({ push: this.pushWanted || this.outbox() > 0, pull });
        failures = 0;
      } catch {
        this.pullWanted = true;
        failures++;
        delay = this.backoff(failures - 1);
      }
      if (!this.running) break;
      if (this.pendingTrigger && failures === 0) continue;
      await new Promise<void>((ok) => {
        // Not unref'd: a running loop is a reason for the process to live (`sync run`); stop() ends it.
        const t = setTimeout(done, delay);
        function done() {
          clearTimeout(t);
          ok();
        }
        this.wake = done;
        this.wakeOnTrigger = failures === 0;
      });
      this.wake = null;
      this.wakeOnTrigger = false;
    }
  }

  /** Stops the loop and the stream; waits for an exchange in flight to end. */
  async stop(): Promise<void> {
    if (!this.running) {
      this.transport.close?.();
      return;
    }
    this.running = false;
    this.store.off('events', this.onStoreEvents);
    this.closeStream?.();
    if (this.streamRetry) clearTimeout(this.streamRetry);
    this.wake?.();
    // Abort a request in flight rather than wait for its timeout: shutting down must be quick.
    this.transport.close?.();
    await this.loopDone?.catch(() => undefined);
  }
}

function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new SyncRemoteError(502, 'bad-response', `the sync server's ${what} answer is malformed at ${i.path.join('.') || '(root)'}: ${i.message}; nothing of it was applied`);
}

const SKIPPED = 'sync.skipped';

const pullPageCheck = compileSchemaCheck(pullResponseSchema);
/** The page as pullResponseSchema accepts it (the schema's first use in a process costs more than a catch-up's page checks). */
function isWellFormedPullPage(v: unknown): v is { protocol: number; events: unknown[]; more: boolean; serverNow: number } {
  return pullPageCheck !== null && pullPageCheck(v);
}

/** The event a 4xx push refusal names, when it is one of ours that can never be accepted. */
function refusedEvent(e: unknown, origin: string): { seq: number; field?: string } | null {
  if (!(e instanceof SyncRemoteError) || e.status < 400 || e.status >= 500) return null;
  if (!['invalid-event', 'event-too-large', 'unknown-type'].includes(e.code)) return null;
  const d = e.details as { origin?: unknown; seq?: unknown; field?: unknown } | undefined;
  if (!d || d.origin !== origin || typeof d.seq !== 'number') return null;
  return { seq: d.seq, ...(typeof d.field === 'string' ? { field: d.field } : {}) };
}

function rowToWire(r: Row): WireEvent {
  return { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: JSON.parse(r.payload) as WireEvent['payload'] };
}
