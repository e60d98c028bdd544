import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** The WAL's autocheckpoint threshold in bytes (SQLite's default of 1,000 pages of 4 KiB). */
const AUTOCHECKPOINT_BYTES = 1000 * 4096;
/** WAL bytes at a checkpoint from which a bulk writer waits for the running one (Checkpointer.waitFrames). */
const CHECKPOINT_WAIT_BYTES = 4000 * 4096;
/**
 * Commits after which the worker is asked for a checkpoint: a small commit (a call, a display's
 * ingest of it, a push at the sync server) writes a few pages, so about every 2 MiB of WAL at
 * 16 KiB pages. The worker starts at the first such request: a connection that commits less never has one.
 */
export const CHECKPOINT_EVERY_COMMITS = 16;
/**
 * While the worker checkpoints, SQLite's own autocheckpoint stays on as a backstop, at this
 * multiple of its threshold: a run of large commits still cannot grow the WAL without bound.
 */
export const BACKSTOP_AUTOCHECKPOINT = 4;

/**
 * One connection's WAL checkpoints, left to a Checkpointer: started at the first need (a bulk
 * ingest, or CHECKPOINT_EVERY_COMMITS commits), for a file database in WAL mode only. A commit
 * then never stops to copy the WAL into the file and fsync both (5–8 ms on this machine's disk,
 * about one small commit in twenty-five). SQLite's autocheckpoint stays on at
 * BACKSTOP_AUTOCHECKPOINT times its threshold, and back at its own once the worker is gone.
 */
export class WalCheckpoints {
  private checkpointer: Checkpointer | null | undefined;
  private commits = 0;

  constructor(
    private readonly db: Database,
    private readonly file: string,
  ) {}

  /** The worker, once one started (null for in-memory databases or when it could not start). */
  get current(): Checkpointer | null {
    return this.checkpointer ?? null;
  }

  /** The worker, started at the first call; null when there is none or it is gone (SQLite then checkpoints on commit at its own threshold). */
  worker(): Checkpointer | null {
    if (this.checkpointer === undefined) {
      this.checkpointer = null;
      if (this.db.pragma('journal_mode', { simple: true }) === 'wal') {
        try {
          this.checkpointer = new Checkpointer(this.file, undefined, Math.round(CHECKPOINT_WAIT_BYTES / pageSize(this.db)));
          this.db.pragma(`wal_autocheckpoint = ${this.autocheckpointPages()}`);
        } catch {
          // No worker threads here: SQLite checkpoints on commit, as it always did.
        }
      }
    }
    if (this.checkpointer?.alive) return this.checkpointer;
    if (this.checkpointer && this.db.pragma('wal_autocheckpoint', { simple: true }) !== autocheckpointPages(this.db)) {
      this.db.pragma(`wal_autocheckpoint = ${autocheckpointPages(this.db)}`);
    }
    return null;
  }

  /** SQLite's autocheckpoint threshold for this connection: its default, or the backstop while the worker checkpoints. */
  autocheckpointPages(): number {
    return autocheckpointPages(this.db) * (this.checkpointer?.alive ? BACKSTOP_AUTOCHECKPOINT : 1);
  }

  /** After each commit: every CHECKPOINT_EVERY_COMMITS, the worker is asked for a checkpoint. */
  afterCommit(): void {
    if (++this.commits < CHECKPOINT_EVERY_COMMITS) return;
    // No worker (an in-memory database, or it is gone): look again CHECKPOINT_EVERY_COMMITS later.
    // A checkpoint still running: ask again at the next commit.
    const worker = this.worker();
    if (!worker || worker.request()) this.commits = 0;
  }

  /** Closes the worker's connection (before the connection of `db` closes: the last one out removes the WAL). */
  stop(): void {
    this.checkpointer?.stop();
    this.checkpointer = null;
  }
}

function pageSize(db: Database): number {
  return db.pragma('page_size', { simple: true }) as number;
}

/** SQLite's autocheckpoint threshold in this file's pages (the same WAL bytes whatever the page size). */
export function autocheckpointPages(db: Database): number {
  return Math.max(1, Math.round(AUTOCHECKPOINT_BYTES / pageSize(db)));
}

/**
 * Checkpoints of a database's WAL, run on a worker thread with its own connection while this
 * thread goes on writing: a sync catch-up's bulk ingests, and every few commits of a terminal at
 * work (node/store/store.ts). A checkpoint copies the pages the WAL holds into the database file
 * and fsyncs both; made by the commit that crosses wal_autocheckpoint (SQLite's default), a
 * 50,000-event catch-up stops a dozen times for it, and a counter's call or a display's ingest
 * about one commit in twenty-five (5–8 ms each on this machine's disk). A
 * PASSIVE checkpoint never takes the write lock, so it runs beside the writer. Durability is
 * unchanged: commits are made exactly as before, and a checkpoint only copies what was committed.
 *
 * SQLite starts the WAL over at the first write after a checkpoint that copied every frame; one
 * still running when the writer commits again leaves the WAL longer. So the writer asks for a
 * checkpoint after each bulk commit, and when the WAL held `waitFrames` or more at the last one,
 * waits for the running checkpoint before it writes again (the WAL then starts over): the WAL stays
 * short however the two threads are scheduled. If the worker is gone, `afterCommit` answers true
 * and the writer checkpoints for itself.
 */
export class Checkpointer {
  private readonly worker: Worker;
  /** [worker closed, checkpoints done, WAL frames at the last one] */
  private readonly shared = new Int32Array(new SharedArrayBuffer(12));
  private requested = 0;
  private failed = false;
  private sinceAsked = 0;

  constructor(
    file: string,
    /** Bytes committed from which a checkpoint is asked for. */
    readonly triggerBytes = 512 * 4096,
    /** WAL frames at the last checkpoint from which the writer waits for the running one. */
    readonly waitFrames = 4000,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite: require.resolve('better-sqlite3'), file, shared: this.shared } });
    // A checkpointer is never a reason for the process to stay alive.
    this.worker.unref();
    this.worker.on('message', (m: { ok: boolean }) => {
      if (!m.ok) this.failed = true;
    });
    const gone = () => {
      this.failed = true;
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
  }

  /** False once the worker is gone: the writer checkpoints for itself again. */
  get alive(): boolean {
    return !this.failed;
  }

  /** Checkpoints the worker finished. */
  get done(): number {
    return Atomics.load(this.shared, 1);
  }

  private get busy(): boolean {
    return this.done < this.requested;
  }

  /** Called before a bulk write: waits for the running checkpoint when the WAL was long at the last one. */
  beforeWrite(): void {
    if (this.failed || !this.busy || Atomics.load(this.shared, 2) < this.waitFrames) return;
    const deadline = Date.now() + 5000;
    for (let seen = this.done; seen < this.requested && Date.now() < deadline; seen = this.done) Atomics.wait(this.shared, 1, seen, 100);
  }

  /**
   * Called after a bulk commit of about `bytes`: asks the worker for a checkpoint when enough was
   * written since the last request and none is running; true when the writer should checkpoint
   * for itself (the worker is gone).
   */
  afterCommit(bytes: number): boolean {
    if (this.failed) return true;
    this.sinceAsked += bytes;
    if (this.sinceAsked >= this.triggerBytes) this.request();
    return false;
  }

  /** Asks the worker for a checkpoint now; false when one is still running (or the worker is gone). */
  request(): boolean {
    if (this.failed || this.busy) return false;
    this.requested++;
    this.sinceAsked = 0;
    this.worker.postMessage('checkpoint');
    return true;
  }

  /** Closes the worker's connection and waits (up to 5 s) until it is closed. */
  stop(): void {
    if (!this.failed) {
      this.failed = true;
      this.worker.postMessage('close');
      Atomics.wait(this.shared, 0, 0, 5000);
    }
    void this.worker.terminate();
  }
}

// Plain JavaScript (the worker runs outside the TypeScript loader): open, checkpoint on demand, close.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const shared = workerData.shared;
let db;
try {
  db = new (require(workerData.sqlite))(workerData.file, { timeout: 15000 });
  db.pragma('synchronous = FULL');
} catch (e) {
  Atomics.store(shared, 0, 1);
  Atomics.notify(shared, 0);
  throw e;
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { db.close(); } catch {}
    Atomics.store(shared, 0, 1);
    Atomics.notify(shared, 0);
    process.exit(0);
  }
  let ok = true;
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    Atomics.store(shared, 2, r.log);
  } catch {
    ok = false;
  }
  Atomics.add(shared, 1, 1);
  Atomics.notify(shared, 1);
  parentPort.postMessage({ ok });
});
`;
