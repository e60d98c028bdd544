import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { AppError } from '../../common/errors';
import { openTransport, type PrinterTransport } from './transport';
import { parsePrinterSpec, type PrinterSpec } from './spec';
import { withoutFsync } from '../store/withoutFsync';
import { statementCache } from '../store/statements';

/**
 * Print jobs live in the database before a byte goes to the printer: a job that fails (cable
 * pulled, paper out) stays as 'failed' with the error, and can be sent again or reprinted with
 * exactly the bytes the visitor should have got. Needs the `print_jobs` table (migration 002).
 */

export type PrintJobKind = 'ticket' | 'test' | 'list' | 'form';
export type PrintJobStatus = 'pending' | 'printed' | 'failed';

export interface PrintJob {
  id: string;
  createdAt: string;
  kind: PrintJobKind;
  /** What was printed, e.g. the visit id. */
  ref: string | null;
  /** Printer spec string the job is for. */
  printer: string;
  bytes: Buffer;
  status: PrintJobStatus;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  printedAt: string | null;
  /** Set on reprints: the job whose bytes were printed again. */
  reprintOf: string | null;
}

export interface EnqueueInput {
  kind: PrintJobKind;
  ref?: string | null;
  printer: string;
  bytes: Buffer;
}

export type OpenTransport = (spec: PrinterSpec) => PrinterTransport;

interface Row {
  id: string;
  created_at: string;
  kind: PrintJobKind;
  ref: string | null;
  printer: string;
  bytes: Buffer;
  status: PrintJobStatus;
  attempts: number;
  last_error: string | null;
  last_attempt_at: string | null;
  printed_at: string | null;
  reprint_of: string | null;
}

const KINDS: readonly PrintJobKind[] = ['ticket', 'test', 'list', 'form'];

function toJob(r: Row): PrintJob {
  return {
    id: r.id,
    createdAt: r.created_at,
    kind: r.kind,
    ref: r.ref,
    printer: r.printer,
    bytes: r.bytes,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    lastAttemptAt: r.last_attempt_at,
    printedAt: r.printed_at,
    reprintOf: r.reprint_of,
  };
}

export interface PrintJobsOptions {
  /** Clock, for tests that need stable times. */
  now?: () => Date;
}

export class PrintJobs {
  private readonly now: () => Date;
  /** Jobs being sent right now, so a double click cannot print one ticket twice at once. */
  private readonly inFlight = new Map<string, Promise<PrintJob>>();
  private readonly stmt: (sql: string) => Statement;

  constructor(
    private readonly db: Database,
    opts: PrintJobsOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.stmt = statementCache(db);
  }

  enqueue(input: EnqueueInput, reprintOf: string | null = null): PrintJob {
    if (!KINDS.includes(input.kind)) throw new AppError('bad-input', `print job kind must be one of ${KINDS.join(', ')}, got "${String(input.kind)}"`, { field: 'kind' });
    if (!Buffer.isBuffer(input.bytes) || input.bytes.length === 0) throw new AppError('bad-input', 'print job has no bytes', { field: 'bytes' });
    parsePrinterSpec(input.printer); // refuse a job no printer could ever take
    const id = randomUUID();
    const createdAt = this.now().toISOString();
    this.stmt(
      `INSERT INTO print_jobs (id, created_at, kind, ref, printer, bytes, status, attempts, reprint_of)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
    ).run(id, createdAt, input.kind, input.ref ?? null, input.printer, input.bytes, reprintOf);
    return { id, createdAt, kind: input.kind, ref: input.ref ?? null, printer: input.printer, bytes: input.bytes, status: 'pending', attempts: 0, lastError: null, lastAttemptAt: null, printedAt: null, reprintOf };
  }

  get(id: string): PrintJob {
    const r = this.stmt('SELECT * FROM print_jobs WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new AppError('not-found', `no print job "${id}"`, { field: 'id' });
    return toJob(r);
  }

  /**
   * Sends the job's stored bytes (first try or a retry). Resolves with the job marked 'printed',
   * or 'failed' with the printer's error; it never rejects for printer trouble and never deletes
   * the job.
   */
  send(id: string, open: OpenTransport = openTransport): Promise<PrintJob> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const p = this.doSend(id, open).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  private async doSend(id: string, open: OpenTransport): Promise<PrintJob> {
    const job = this.get(id);
    const at = this.now().toISOString();
    // A job's state after a send is a hint the next start restates: a power cut that loses it
    // leaves the job 'pending', which markInterrupted() turns into 'failed' ("check whether it
    // printed"), the same place a job cut off mid-send lands. So these updates commit without an
    // fsync of their own (the next fully synchronous commit, such as the next ticket's, covers
    // them). The job itself (its bytes, with the visit) keeps its fsync.
    withoutFsync(this.db, () => this.stmt('UPDATE print_jobs SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?').run(at, id));
    let transport: PrinterTransport | undefined;
    try {
      transport = open(parsePrinterSpec(job.printer));
      await transport.write(job.bytes, { jobId: job.id });
      withoutFsync(this.db, () => this.stmt(`UPDATE print_jobs SET status = 'printed', printed_at = ?, last_error = NULL WHERE id = ?`).run(this.now().toISOString(), id));
    } catch (e) {
      const message = e instanceof AppError ? e.message : `${job.printer}: ${(e as Error)?.message ?? String(e)}`;
      withoutFsync(this.db, () => this.stmt(`UPDATE print_jobs SET status = 'failed', last_error = ? WHERE id = ?`).run(message, id));
    } finally {
      await transport?.close().catch(() => undefined);
    }
    return { ...job, ...this.state(id) };
  }

  /** The columns a send changes (the bytes are not read again). */
  private state(id: string): Pick<PrintJob, 'status' | 'attempts' | 'lastError' | 'lastAttemptAt' | 'printedAt'> {
    const r = this.stmt('SELECT status, attempts, last_error, last_attempt_at, printed_at FROM print_jobs WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new AppError('not-found', `no print job "${id}"`, { field: 'id' });
    return { status: r.status, attempts: r.attempts, lastError: r.last_error, lastAttemptAt: r.last_attempt_at, printedAt: r.printed_at };
  }

  /** A prepared statement, compiled once per SQL text. */

  /**
   * Prints a job's bytes again as a new job that points back at it (a lost or torn ticket, or a
   * failed one once the printer is back). Optionally to another printer.
   */
  async reprint(id: string, open: OpenTransport = openTransport, opts: { printer?: string } = {}): Promise<PrintJob> {
    const orig = this.get(id);
    const copy = this.enqueue({ kind: orig.kind, ref: orig.ref, printer: opts.printer ?? orig.printer, bytes: orig.bytes }, orig.id);
    return this.send(copy.id, open);
  }

  /** Failed jobs nobody has printed since: neither a later retry nor a reprint succeeded. */
  listFailed(): PrintJob[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM print_jobs j WHERE j.status = 'failed' AND j.kind != 'form'
           AND NOT EXISTS (SELECT 1 FROM print_jobs r WHERE r.reprint_of = j.id AND r.status = 'printed')
         ORDER BY j.created_at, j.rowid`,
      )
      .all() as Row[];
    return rows.map(toJob);
  }

  /**
   * At start-up: jobs still 'pending' were being sent when the app stopped (crash, power cut), so
   * nobody knows whether they came out. They become 'failed' with that reason, which puts them in
   * front of staff (listFailed) to reprint if the visitor has no ticket. Returns how many.
   */
  markInterrupted(): number {
    const ids = (this.db.prepare(`SELECT id FROM print_jobs WHERE status = 'pending'`).all() as Array<{ id: string }>).map((r) => r.id).filter((id) => !this.inFlight.has(id));
    const upd = this.db.prepare(`UPDATE print_jobs SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'`);
    const msg = 'interrupted: the app stopped while this job was waiting or being sent; check whether it printed';
    this.db.transaction(() => ids.forEach((id) => upd.run(msg, id)))();
    return ids.length;
  }

  /** The newest job of a kind for one thing (e.g. the ticket of a visit), reprints included. */
  latestFor(ref: string, kind: PrintJobKind): PrintJob | null {
    const r = this.db.prepare('SELECT * FROM print_jobs WHERE ref = ? AND kind = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(ref, kind) as Row | undefined;
    return r ? toJob(r) : null;
  }

  /** Every job for one thing (e.g. a visit), oldest first, reprints included. */
  listForRef(ref: string): PrintJob[] {
    return (this.db.prepare('SELECT * FROM print_jobs WHERE ref = ? ORDER BY created_at, rowid').all(ref) as Row[]).map(toJob);
  }
}
