import { Worker } from 'node:worker_threads';

/**
 * Checkpoints of a database's WAL during bulk ingests (a sync catch-up), run on a worker thread
 * with its own connection while this thread goes on pulling and folding. A checkpoint copies the
 * pages the WAL holds into the database file and fsyncs both; made by the commit that crosses
 * wal_autocheckpoint (SQLite's default), a 50,000-event catch-up stops a dozen times for it. A
 * PASSIVE checkpoint never takes the write lock, so it runs beside the writer, and SQLite restarts
 * the WAL at the first write after a checkpoint that copied every frame. Durability is unchanged:
 * commits are made exactly as before, and a checkpoint only copies what was committed.
 *
 * The writer tells it roughly how many bytes each ingest committed; past `triggerBytes` a
 * checkpoint is asked for (one at a time). When the worker cannot keep the WAL short (its last
 * checkpoint found more than `maxFrames` frames), or it is gone, `afterCommit` answers true and
 * the writer checkpoints for itself.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));
  private busy = false;
  private failed = false;
  private sinceAsked = 0;
  /** Frames the WAL held at the worker's last checkpoint. */
  private lastLog = 0;
  /** Checkpoints the worker finished (tests read it). */
  done = 0;

  constructor(
    file: string,
    /** Bytes committed from which a checkpoint is asked for (SQLite's default: 1,000 pages). */
    readonly triggerBytes = 1000 * 4096,
    /** WAL frames from which the writer checkpoints for itself. */
    readonly maxFrames = 16_000,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite: require.resolve('better-sqlite3'), file, closed: this.closed } });
    // A checkpointer is never a reason for the process to stay alive.
    this.worker.unref();
    this.worker.on('message', (m: { ok: boolean; log: number }) => {
      this.busy = false;
      if (m.ok) {
        this.done++;
        this.lastLog = m.log;
      } else this.failed = true;
    });
    const gone = () => {
      this.failed = true;
      this.busy = false;
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
  }

  /** False once the worker is gone: the writer checkpoints for itself again. */
  get alive(): boolean {
    return !this.failed;
  }

  /**
   * Called after a bulk commit of about `bytes`: asks the worker for a checkpoint when enough was
   * written since the last one; true when the writer should checkpoint for itself now.
   */
  afterCommit(bytes: number): boolean {
    if (this.failed) return true;
    if (this.lastLog >= this.maxFrames) {
      this.lastLog = 0;
      return true;
    }
    this.sinceAsked += bytes;
    if (!this.busy && this.sinceAsked >= this.triggerBytes) {
      this.busy = true;
      this.sinceAsked = 0;
      this.worker.postMessage('checkpoint');
    }
    return false;
  }

  /** Closes the worker's connection and waits (up to 5 s) until it is closed. */
  stop(): void {
    if (!this.failed) {
      this.failed = true;
      this.worker.postMessage('close');
      Atomics.wait(this.closed, 0, 0, 5000);
    }
    void this.worker.terminate();
  }
}

// Plain JavaScript (the worker runs outside the TypeScript loader): open, checkpoint on demand, close.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  db = new (require(workerData.sqlite))(workerData.file, { timeout: 15000 });
  db.pragma('synchronous = FULL');
} catch (e) {
  Atomics.store(workerData.closed, 0, 1);
  throw e;
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { db.close(); } catch {}
    Atomics.store(workerData.closed, 0, 1);
    Atomics.notify(workerData.closed, 0);
    process.exit(0);
  }
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ ok: true, log: r.log });
  } catch {
    parentPort.postMessage({ ok: false, log: 0 });
  }
});
`;
