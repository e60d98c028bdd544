import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src-main/node/doctor/checks';
import { FormJobs } from '../../src-main/node/forms/formJobs';
import { initTerminal } from '../../src-main/node/provision/terminalConfig';
import { dbPath } from '../../src-main/node/terminal/dataFolder';
import { cupsUnavailable, startCups, type CupsServer } from '../support/cups';
import { tempDir } from '../support/tmp';
import { cli, DEMO_CSV, pdftotext, squeeze, textIn } from './residents-support';

/** Forms through the real spooler: our own cupsd on loopback, a cups-pdf queue, the PDF read back with poppler. */
const why = cupsUnavailable();
if (why) console.log(`forms-cups: skipped, CUPS cannot run here: ${why}`);

describe.skipIf(why !== null)('forms print through a real CUPS queue (cups-pdf)', () => {
  let cups: CupsServer;
  let dir: string;
  let cleanup: () => void;
  const savedServer = process.env.CUPS_SERVER;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('madoguchi-forms-cups-'));
    cups = await startCups();
    process.env.CUPS_SERVER = cups.server;
    expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    if (savedServer === undefined) delete process.env.CUPS_SERVER;
    else process.env.CUPS_SERVER = savedServer;
    await cups?.stop();
    cleanup?.();
  });

  it('an overlay goes through the spooler as the data only, on its own paper size, unscaled', async () => {
    const r = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', `cups:${cups.queue}`, '--overlay');
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`juminhyo-seikyu \\(overlay, 1 pages, \\d+ bytes\\) → cups:${cups.queue}: printed ${cups.queue}-\\d+`));
    const [pdf] = await cups.waitForPdf(1);
    const info = execFileSync('pdfinfo', [pdf!], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+595(\.\d+)? x 84[12]/);
    const text = squeeze(pdftotext(pdf!, '-layout'));
    expect(text).toContain('髙﨑健一');
    expect(text).toContain('群馬県伊勢崎市宮子町3587番地');
    // 𠮷 (outside the BMP) is drawn, but its text mapping does not survive cups-pdf's PostScript step.
    expect(text).toContain('田ハル');
    // No title, no captions: the sheet has them.
    expect(text).not.toContain('住民票の写し等交付請求書');
    expect(text).not.toContain('請求者');
    // Through the spooler unscaled: each value sits in its box of the layout (mm from the sheet's top left),
    // the head's name in the 世帯主 box (30, 80), the address in its own box (105, 76), nothing above the 請求者 boxes.
    expect(squeeze(textIn(pdf!, 1, { x: 29, y: 79, w: 72, h: 10 }))).toContain('髙﨑健一');
    expect(squeeze(textIn(pdf!, 1, { x: 104, y: 75, w: 92, h: 16 }))).toContain('群馬県伊勢崎市宮子町3587番地');
    expect(squeeze(textIn(pdf!, 1, { x: 29, y: 79, w: 72, h: 10 }))).not.toContain('群馬県');
    expect(squeeze(textIn(pdf!, 1, { x: 0, y: 0, w: 210, h: 35 }))).not.toContain('髙﨑健一');
  }, 90_000);

  it('a whole A4 form prints with its title and captions; a queue that does not exist fails, is kept, and reprints', async () => {
    const r = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminido', '--printer', `cups:${cups.queue}`);
    expect(r.code, r.err).toBe(0);
    const pdfs = await cups.waitForPdf(2);
    const text = squeeze(pdftotext(pdfs[1]!, '-layout'));
    for (const w of ['住民異動届', '異動の種別', '転入', '転居', '転出', '世帯変更', '新世帯主', '旧世帯主', '届出人', '髙﨑健一']) expect(text).toContain(w);

    const bad = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--overlay', '--printer', 'cups:No_Such_Queue');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/juminhyo-seikyu .* failed — lp refused the job: .*/);
    const jobId = /\[job ([0-9a-f-]{36})\]/.exec(bad.err)![1]!;
    const db = new Database(dbPath(dir));
    try {
      const jobs = new FormJobs(db);
      expect(jobs.get(jobId)).toMatchObject({ status: 'failed', printer: 'cups:No_Such_Queue' });
      const again = await jobs.reprint(jobId, `cups:${cups.queue}`);
      expect(again).toMatchObject({ status: 'printed', reprintOf: jobId });
    } finally {
      db.close();
    }
    const all = await cups.waitForPdf(3);
    expect(squeeze(pdftotext(all[2]!, '-layout'))).toContain('髙﨑健一');
  }, 120_000);

  it('a stopped printer behind the queue is reported; the job waits in the spooler and prints when it is back', async () => {
    execFileSync('cupsdisable', ['-h', cups.server, '-r', 'out of paper', cups.queue]);
    const r = await cli('forms', 'print', '--data', dir, '--household', '200000002', '--form', 'juminhyo-seikyu', '--overlay', '--printer', `cups:${cups.queue}`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`printed ${cups.queue}-\\d+ — the job waits in the CUPS queue ${cups.queue}: its printer is stopped \\(.*out of paper.*\\)`));
    execFileSync('cupsenable', ['-h', cups.server, cups.queue]);
    const all = await cups.waitForPdf(4);
    expect(squeeze(pdftotext(all[3]!, '-layout')).length).toBeGreaterThan(10);
  }, 120_000);

  it('doctor and printer status read the queue: online, stopped with the operator\'s reason, refusing jobs, or missing', async () => {
    const { dir: counter, cleanup: done } = tempDir('madoguchi-forms-cups-doctor-');
    try {
      initTerminal({ dataDir: counter, role: 'counter', terminalId: 'counter-shimin-1', department: 'shimin', counter: '1' });
      const file = join(counter, 'config.json');
      const c = JSON.parse(readFileSync(file, 'utf8'));
      c.terminals[0].printers = { forms: 'cups:No_Such_Queue' };
      c.terminals[0].formPrinters = { 'juminhyo-seikyu': { printer: `cups:${cups.queue}`, mode: 'overlay' } };
      writeFileSync(file, JSON.stringify(c, null, 2));
      const lines = async () => (await runDoctor(counter, { printerTimeoutMs: 5000 })).filter((r) => r.check.startsWith('printer'));

      let rs = await lines();
      expect(rs.find((r) => r.check === 'printer counter-shimin-1 juminhyo-seikyu (overlay)')).toMatchObject({ status: 'ok', message: `CUPS queue ${cups.queue}: online` });
      const missing = rs.find((r) => r.check === 'printer counter-shimin-1 forms')!;
      expect(missing).toMatchObject({ status: 'fail' });
      expect(missing.message).toMatch(/^CUPS queue No_Such_Queue: no CUPS queue No_Such_Queue/);
      expect(missing.fix).toMatch(/lpstat -p/);

      execFileSync('cupsdisable', ['-h', cups.server, '-r', 'out of paper', cups.queue]);
      rs = await lines();
      const stopped = rs.find((r) => r.check === 'printer counter-shimin-1 juminhyo-seikyu (overlay)')!;
      expect(stopped.status).toBe('fail');
      expect(stopped.message).toBe(`CUPS queue ${cups.queue}: the queue is stopped, "out of paper"`);
      expect(stopped.fix).toContain(`cupsenable ${cups.queue}`);
      const st = await cli('printer', 'status', '--printer', `cups:${cups.queue}`);
      expect(st.code).toBe(1);
      expect(st.err).toContain('the queue is stopped');

      execFileSync('cupsenable', ['-h', cups.server, cups.queue]);
      execFileSync('cupsreject', ['-h', cups.server, '-r', 'closed for the night', cups.queue]);
      rs = await lines();
      expect(rs.find((r) => r.check === 'printer counter-shimin-1 juminhyo-seikyu (overlay)')!.message).toBe(`CUPS queue ${cups.queue}: the queue does not accept jobs, "closed for the night"`);
      execFileSync('cupsaccept', ['-h', cups.server, cups.queue]);
      expect((await cli('printer', 'status', '--printer', `cups:${cups.queue}`)).code).toBe(0);
    } finally {
      done();
    }
  }, 60_000);
});
