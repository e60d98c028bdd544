import { Worker } from 'node:worker_threads';

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
