import { EventEmitter } from 'node:events';
import type { TerminalConfig } from '../../common/config/schema';
import type { StoredEvent, VersionVector } from '../../common/sync/event';
import { LIMITS, PROTOCOL_VERSION, pullResponseSchema, pushResponseSchema, type ClaimConflict, type StationClaim, type SyncStatus, type WireEvent } from '../../common/sync/protocol';
import type { Store } from '../store/store';
import { SyncRemoteError, type SyncTransport } from './transport';

export interface SyncClientOptions {
  store: Store;
  transport: SyncTransport;
  /** Stations this database issues tickets from (kiosks); registered with the server on every push. */
  stations?: StationClaim[];
  /** Shown in the state (never the token). */
  serverLabel?: string;
  pushBatch?: number;
  pageSize?: number;
  /**
   * Pulled events are folded in one transaction once this many have arrived (or the pull ends):
   * a catch-up then writes each visit and index page once per batch rather than once per page,
   * while holding at most this many events in memory.
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
  private claimsRegistered = false;
  private closeStream: (() => void) | null = null;
  private streamRetry: NodeJS.Timeout | null = null;
  private loopDone: Promise<void> | null = null;
  private lastPersisted = 0;
  private readonly onStoreEvents: (evs: StoredEvent[]) => void;

  constructor(opts: SyncClientOptions) {
    super();
    this.store = opts.store;
    this.transport = opts.transport;
    this.stations = opts.stations ?? [];
    this.pushBatch = Math.min(opts.pushBatch ?? 500, LIMITS.maxEventsPerPush);
    this.pageSize = Math.min(opts.pageSize ?? 1000, LIMITS.maxEventsPerPull);
    this.ingestBatch = Math.max(1, opts.ingestBatch ?? 20_000);
    this.intervalMs = opts.intervalMs ?? 5000;
    this.backoffMinMs = opts.backoffMinMs ?? 500;
    this.backoffMaxMs = opts.backoffMaxMs ?? 60_000;
    this.random = opts.random ?? Math.random;
    this.useStream = opts.stream ?? !!this.transport.stream;
    const last = this.store.meta(META_LAST);
    this.current = { state: 'offline', outbox: this.outbox(), ...(last ? { lastSyncAt: last } : {}), ...(opts.serverLabel ? { server: opts.serverLabel } : {}), message: 'not synced yet' };
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
    const row = this.store.db.prepare('SELECT COUNT(*) AS n FROM events WHERE origin = ? AND seq > ?').get(this.store.nodeId, acked) as { n: number };
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

  /** One full exchange: push everything the server lacks, then pull everything this terminal lacks. */
  syncOnce(opts: { push?: boolean } = {}): Promise<SyncOnceResult> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.exchange(opts.push ?? true).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async exchange(doPush: boolean): Promise<SyncOnceResult> {
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
        for (;;) {
          const rows = store.db.prepare('SELECT * FROM events WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?').all(store.nodeId, acked, this.pushBatch) as Row[];
          const events: WireEvent[] = rows.map(rowToWire);
          let answer;
          try {
            answer = await this.transport.push({ protocol: PROTOCOL_VERSION, terminal: store.nodeId, now: store.now(), events, stations: this.stations }, store.now());
          } catch (e) {
            // The server holds less than we thought (its database restored from a backup): resend from its mark.
            if (e instanceof SyncRemoteError && e.code === 'gap' && guard++ < 3) {
              const have = (e.details as { have?: number } | undefined)?.have;
              if (typeof have === 'number' && have < acked) {
                acked = have;
                store.setMeta(META_ACKED, String(acked));
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
            store.setMeta(META_ACKED, String(acked));
          }
          if (rows.length < this.pushBatch) break;
        }
      }

      let pulled = 0;
      const vv: VersionVector = store.versionVector();
      let pending: StoredEvent[] = [];
      const ingestPending = () => {
        if (!pending.length) return;
        const r = store.ingest(pending);
        pending = [];
        pulled += r.inserted.length;
        duplicates += r.duplicates;
      };
      try {
        for (;;) {
          const page = checked(pullResponseSchema, await this.transport.pull(vv, this.pageSize), 'pull');
          let advanced = false;
          if (page.protocol !== PROTOCOL_VERSION) throw new SyncRemoteError(426, 'protocol', `the server answered in protocol ${page.protocol}; this terminal speaks ${PROTOCOL_VERSION}`);
          if (page.events.length) {
            for (const e of page.events) pending.push(e as StoredEvent);
            if (pending.length >= this.ingestBatch || !page.more) ingestPending();
            // Advance only over contiguous runs: a page that arrived with holes is asked for again.
            const bySeq = [...page.events].sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq));
            for (const e of bySeq) if (e.seq === (vv[e.origin] ?? 0) + 1) {
                vv[e.origin] = e.seq;
                advanced = true;
              }
          }
          if (!page.more || page.events.length === 0) break;
          // No progress (a page with only holes): stop here; the next exchange asks again.
          if (!advanced) break;
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
      this.setState(
        {
          state: 'online',
          lastSyncAt: at,
          outbox: this.outbox(),
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
      },
      onNotice: (n) => {
        // Our own push echoed back needs no pull; anything else (or a fresh hello) does.
        const origins = Object.keys(n.vv);
        if (origins.length === 0 || origins.some((o) => o !== this.store.nodeId)) this.trigger();
      },
      onClose: () => {
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
      try {
        await this.syncOnce({ push: this.pushWanted || this.outbox() > 0 });
        failures = 0;
      } catch {
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

function rowToWire(r: Row): WireEvent {
  return { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: JSON.parse(r.payload) as WireEvent['payload'] };
}
