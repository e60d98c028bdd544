import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors';
import { parseFormsTarget, sendToTarget } from './printTarget';

/**
 * Form print jobs, stored in `print_jobs` (kind 'form') before a byte is sent, as tickets are: a
 * printer that is offline or out of paper leaves the job 'failed' with the reason, and the clerk
 * sends it again or reprints it. The bytes hold resident data, so jobs are deleted once they are
 * older than the resident data's time to live (residentAccess.ttlHours).
 */

export type FormJobStatus = 'pending' | 'printed' | 'failed';

export interface FormJob {
  id: string;
  createdAt: string;
  /** `form:<householdId>:<formId>` */
  ref: string;
  printer: string;
  status: FormJobStatus;
  attempts: number;
  lastError: string | null;
  printedAt: string | null;
  reprintOf: string | null;
  destination?: string;
}

interface Row {
  id: string;
  created_at: string;
  ref: string;
  printer: string;
  bytes: Buffer;
  status: FormJobStatus;
  attempts: number;
  last_error: string | null;
  printed_at: string | null;
  reprint_of: string | null;
}

/** What a job needs to be sent again: the paper and mode are in its ref's metadata. */
export interface FormJobMeta {
  title: string;
  paper?: { name: string; w: number; h: number };
  overlay: boolean;
  pages?: number;
}

function toJob(r: Row): FormJob {
  return { id: r.id, createdAt: r.created_at, ref: r.ref, printer: r.printer, status: r.status, attempts: r.attempts, lastError: r.last_error, printedAt: r.printed_at, reprintOf: r.reprint_of };
}

export function formRef(householdId: string, formId: string, meta: FormJobMeta): string {
  return `form:${householdId}:${formId}:${Buffer.from(JSON.stringify(meta)).toString('base64url')}`;
}

export function metaOf(ref: string): FormJobMeta {
  const b64 = ref.split(':')[3];
  try {
    return JSON.parse(Buffer.from(b64 ?? '', 'base64url').toString('utf8')) as FormJobMeta;
  } catch {
    return { title: ref, overlay: false };
  }
}

export class FormJobs {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  enqueue(printer: string, ref: string, bytes: Buffer, reprintOf: string | null = null): FormJob {
    parseFormsTarget(printer);
    if (bytes.length === 0) throw new AppError('bad-input', 'form print job has no bytes', { field: 'bytes' });
    const id = randomUUID();
    this.db
      .prepare(`INSERT INTO print_jobs (id, created_at, kind, ref, printer, bytes, status, attempts, reprint_of) VALUES (?, ?, 'form', ?, ?, ?, 'pending', 0, ?)`)
      .run(id, new Date(this.now()).toISOString(), ref, printer, bytes, reprintOf);
    return this.get(id);
  }

  get(id: string): FormJob {
    const r = this.db.prepare(`SELECT * FROM print_jobs WHERE id = ? AND kind = 'form'`).get(id) as Row | undefined;
    if (!r) throw new AppError('not-found', `no form print job "${id}" (sent long ago and deleted with the resident data?)`, { field: 'jobId' });
    return toJob(r);
  }

  bytes(id: string): Buffer {
    const r = this.db.prepare(`SELECT bytes FROM print_jobs WHERE id = ? AND kind = 'form'`).get(id) as { bytes: Buffer } | undefined;
    if (!r) throw new AppError('not-found', `no form print job "${id}"`, { field: 'jobId' });
    return r.bytes;
  }

  /** Sends the stored bytes; never rejects for printer trouble (the job says 'failed' and why). */
  async send(id: string): Promise<FormJob> {
    const row = this.db.prepare(`SELECT * FROM print_jobs WHERE id = ? AND kind = 'form'`).get(id) as Row | undefined;
    if (!row) throw new AppError('not-found', `no form print job "${id}"`, { field: 'jobId' });
    this.db.prepare('UPDATE print_jobs SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?').run(new Date(this.now()).toISOString(), id);
    const meta = metaOf(row.ref);
    try {
      const r = await sendToTarget(parseFormsTarget(row.printer), row.bytes, { jobId: id, title: meta.title, overlay: meta.overlay, now: this.now(), ...(meta.paper ? { paper: meta.paper } : {}) });
      // Handed over; a stopped printer behind a spooler is said, the job is not sent twice.
      this.db.prepare(`UPDATE print_jobs SET status = 'printed', printed_at = ?, last_error = ? WHERE id = ?`).run(new Date(this.now()).toISOString(), r.warning ?? null, id);
      return { ...this.get(id), destination: r.destination };
    } catch (e) {
      const message = e instanceof AppError ? e.message : `${row.printer}: ${(e as Error)?.message ?? String(e)}`;
      this.db.prepare(`UPDATE print_jobs SET status = 'failed', last_error = ? WHERE id = ?`).run(message, id);
      return this.get(id);
    }
  }

  /** The same bytes again as a new job (a torn sheet, or the printer is back). */
  async reprint(id: string, printer?: string): Promise<FormJob> {
    const orig = this.get(id);
    const copy = this.enqueue(printer ?? orig.printer, orig.ref, this.bytes(id), orig.id);
    return this.send(copy.id);
  }

  /** Deletes form jobs older than the resident data's time to live; returns how many. */
  purgeOlderThan(ms: number): number {
    const cutoff = new Date(this.now() - ms).toISOString();
    return this.db.transaction(() => {
      this.db.prepare(`UPDATE print_jobs SET reprint_of = NULL WHERE reprint_of IN (SELECT id FROM print_jobs WHERE kind = 'form' AND created_at < ?)`).run(cutoff);
      return this.db.prepare(`DELETE FROM print_jobs WHERE kind = 'form' AND created_at < ?`).run(cutoff).changes;
    })();
  }
}

/** The household and form a job's ref names. */
export function refParts(ref: string): { householdId: string; form: string } {
  const [, householdId = '', form = ''] = ref.split(':');
  return { householdId, form };
}
