import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../common/errors';
import { migration } from '../store/migrations/002-print-jobs';
import { PrintJobs } from './jobs';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-jobs-'));
  db = new Database(join(dir, 'terminal.db'));
  db.exec(migration.sql);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PrintJobs', () => {
  test('migration 002 is version 2 named print-jobs', () => {
    expect(migration.version).toBe(2);
    expect(migration.slug).toBe('print-jobs');
  });

  test('a job is stored before it is sent, then marked printed; the file printer gets the exact bytes', async () => {
    const out = join(dir, 'spool'); // created by the file printer on its first job
    const jobs = new PrintJobs(db);
    const bytes = Buffer.from([0x1b, 0x40, 0x41, 0x0a, 0x1d, 0x56, 0x01]);
    const job = jobs.enqueue({ kind: 'ticket', ref: 'visit-1', printer: `file:${out}`, bytes });
    expect(job).toMatchObject({ status: 'pending', attempts: 0, kind: 'ticket', ref: 'visit-1', printedAt: null });
    // Stored in the database file itself, not just in memory.
    const again = new Database(join(dir, 'terminal.db'), { readonly: true });
    expect((again.prepare('SELECT bytes FROM print_jobs WHERE id = ?').get(job.id) as { bytes: Buffer }).bytes.equals(bytes)).toBe(true);
    again.close();
    const sent = await jobs.send(job.id);
    expect(sent).toMatchObject({ status: 'printed', attempts: 1, lastError: null });
    expect(sent.printedAt).not.toBeNull();
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-${job.id}\\.bin$`));
    expect(readFileSync(join(out, files[0]!)).equals(bytes)).toBe(true);
  });

  test('a failure keeps the job as failed with the error; a retry after the fix prints it', async () => {
    // The file printer creates its folder, so block it with a plain file where the folder should be
    // (root may write anywhere, so permissions would not do).
    const out = join(dir, 'blocked');
    writeFileSync(out, 'not a folder');
    const jobs = new PrintJobs(db);
    const job = jobs.enqueue({ kind: 'list', ref: null, printer: `file:${out}`, bytes: Buffer.from('x') });
    const failed = await jobs.send(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain(out);
    expect(jobs.listFailed().map((j) => j.id)).toEqual([job.id]);
    rmSync(out);
    const ok = await jobs.send(job.id);
    expect(ok).toMatchObject({ status: 'printed', attempts: 2, lastError: null });
    expect(jobs.listFailed()).toEqual([]);
  });

  test('reprint sends the stored bytes as a new job pointing at the original', async () => {
    const out = join(dir, 'spool');
    mkdirSync(out);
    const jobs = new PrintJobs(db);
    const job = jobs.enqueue({ kind: 'ticket', ref: 'visit-2', printer: `file:${out}`, bytes: Buffer.from('ticket bytes') });
    await jobs.send(job.id);
    const re = await jobs.reprint(job.id);
    expect(re.id).not.toBe(job.id);
    expect(re).toMatchObject({ status: 'printed', reprintOf: job.id, ref: 'visit-2', kind: 'ticket' });
    expect(re.bytes.equals(job.bytes)).toBe(true);
    expect(readdirSync(out)).toHaveLength(2);
    expect(jobs.listForRef('visit-2').map((j) => j.reprintOf)).toEqual([null, job.id]);
  });

  test('a failed job reprinted successfully leaves the failed list', async () => {
    const jobs = new PrintJobs(db);
    writeFileSync(join(dir, 'blocked'), 'x');
    const job = jobs.enqueue({ kind: 'form', ref: 'v3', printer: `file:${join(dir, 'blocked')}`, bytes: Buffer.from('f') });
    expect((await jobs.send(job.id)).status).toBe('failed');
    const out = join(dir, 'other');
    mkdirSync(out);
    const re = await jobs.reprint(job.id, undefined, { printer: `file:${out}` });
    expect(re.status).toBe('printed');
    expect(jobs.get(job.id).status).toBe('failed'); // history is kept
    expect(jobs.listFailed()).toEqual([]);
  });

  test('a USB printer that is not plugged in leaves a failed job with advice, not a lost one', async () => {
    const jobs = new PrintJobs(db);
    // Vendor ffff is not assigned, so no machine running this test has the device.
    const job = jobs.enqueue({ kind: 'test', printer: 'usb:ffff:fff0', bytes: Buffer.from('t') });
    const res = await jobs.send(job.id);
    expect(res.status).toBe('failed');
    expect(res.lastError).toMatch(/^USB printer ffff:fff0: not found .*tcp:HOST:9100/);
  });

  test('an open function that throws a plain error still leaves a failed job', async () => {
    const jobs = new PrintJobs(db);
    const job = jobs.enqueue({ kind: 'test', printer: 'file:/tmp', bytes: Buffer.from('t') });
    const res = await jobs.send(job.id, () => {
      throw new Error('driver crashed');
    });
    expect(res).toMatchObject({ status: 'failed', lastError: 'file:/tmp: driver crashed' });
  });

  test('jobs left pending by a stopped app become failed at start-up, and the latest job per visit is found', async () => {
    const jobs = new PrintJobs(db);
    const a = jobs.enqueue({ kind: 'ticket', ref: 'v9', printer: `file:${join(dir, 'spool')}`, bytes: Buffer.from('a') });
    await jobs.send(a.id);
    const b = jobs.enqueue({ kind: 'ticket', ref: 'v9', printer: `file:${join(dir, 'spool')}`, bytes: Buffer.from('b') });
    // A new process over the same database file: b was never sent.
    db.close();
    db = new Database(join(dir, 'terminal.db'));
    const after = new PrintJobs(db);
    expect(after.markInterrupted()).toBe(1);
    expect(after.get(b.id)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^interrupted/) });
    expect(after.get(a.id).status).toBe('printed');
    expect(after.listFailed().map((j) => j.id)).toEqual([b.id]);
    expect(after.latestFor('v9', 'ticket')?.id).toBe(b.id);
    expect(after.latestFor('v9', 'form')).toBeNull();
    expect(after.markInterrupted()).toBe(0);
  });

  test('bad input is refused with the field named', () => {
    const jobs = new PrintJobs(db);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as AppError;
      }
      throw new Error('no error');
    };
    expect(err(() => jobs.enqueue({ kind: 'poster' as never, printer: 'file:/tmp', bytes: Buffer.from('x') }))).toMatchObject({ code: 'bad-input', field: 'kind' });
    expect(err(() => jobs.enqueue({ kind: 'ticket', printer: 'file:/tmp', bytes: Buffer.alloc(0) }))).toMatchObject({ code: 'bad-input', field: 'bytes' });
    expect(err(() => jobs.enqueue({ kind: 'ticket', printer: 'lpt1', bytes: Buffer.from('x') }))).toMatchObject({ code: 'bad-config', field: 'printer' });
    expect(err(() => jobs.get('nope'))).toMatchObject({ code: 'not-found' });
  });
  test("a send's state updates are hints (no fsync of their own): the connection is back to FULL after, the job reads the same as the stored row, and a lost 'printed' is restated as interrupted at the next start", async () => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const out = join(dir, 'spool');
    const jobs = new PrintJobs(db);
    const job = jobs.enqueue({ kind: 'ticket', ref: 'visit-2', printer: `file:${out}`, bytes: Buffer.from('ticket') });
    const sent = await jobs.send(job.id);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    // What send returns is exactly what a fresh read of the row gives.
    expect(sent).toEqual(jobs.get(job.id));
    expect(sent).toMatchObject({ status: 'printed', attempts: 1, lastError: null });
    // A power cut that lost the 'printed' update leaves the job pending: the next start says so.
    db.prepare(`UPDATE print_jobs SET status = 'pending', printed_at = NULL WHERE id = ?`).run(job.id);
    expect(new PrintJobs(db).markInterrupted()).toBe(1);
    expect(jobs.get(job.id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('interrupted') });
    // Inside the caller's transaction the updates join it (and leave the level alone).
    const second = jobs.enqueue({ kind: 'ticket', ref: 'visit-3', printer: `file:${out}`, bytes: Buffer.from('t2') });
    db.prepare('BEGIN').run();
    const p = jobs.send(second.id);
    await p;
    db.prepare('COMMIT').run();
    expect(jobs.get(second.id).status).toBe('printed');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
