import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormJobs } from '../../src-main/node/forms/formJobs';
import { decodeEscp, escpLines } from '../../src-main/node/printer/escpDecode';
import { dbPath } from '../../src-main/node/terminal/dataFolder';
import { PrinterEmulator, startPtyPair, tempLinkDir } from '../support/pty';
import { tempDir } from '../support/tmp';
import { cli, DEMO_CSV } from './residents-support';

/** A dot-matrix form job through a real serial line: socat PTY pair, the bytes read at the far end. */
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('madoguchi-escp-pty-'));
  expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
});
afterAll(() => cleanup());

const done = (b: Buffer) => b.length > 4 && b.subarray(-3).equals(Buffer.from([0x0c, 0x1b, 0x40]));

describe('ESC/P-K over a serial line', () => {
  it('forms print --printer escp:serial:… reaches the printer byte for byte; a pulled cable fails, keeps the job, and it reprints', async () => {
    const links = tempLinkDir();
    const a = join(links, 'printer');
    const b = join(links, 'device');
    let pty = await startPtyPair({ a, b });
    let printer = await PrinterEmulator.open(b, { status: null });
    const spec = `escp:serial:${a}?baud=9600`;
    try {
      const r = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminido', '--printer', spec);
      expect(r.code, r.err).toBe(0);
      const bytes = await printer.waitFor(done);
      expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
      const lines = escpLines(decodeEscp(bytes));
      expect(lines.some((l) => l.text === '⟦image 24×24 "髙"⟧⟦image 24×24 "﨑"⟧ 健一')).toBe(true);
      expect(lines.some((l) => l.text.includes('群馬県伊勢崎市宮子町3587番地'))).toBe(true);
      // 10 × 11 inch continuous stock.
      expect(decodeEscp(bytes).find((i) => i.type === 'page-length')).toEqual({ type: 'page-length', mm: 279.4 });

      // The cable is pulled: the job fails with the port named, and stays stored.
      await printer.close();
      await pty.kill();
      const bad = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminido', '--printer', spec);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/juminido .* failed — .*serial port/);
      const jobId = /\[job ([0-9a-f-]{36})\]/.exec(bad.err)![1]!;

      // Plugged back in: the stored job prints as it was.
      pty = await startPtyPair({ a, b });
      printer = await PrinterEmulator.open(b, { status: null });
      const db = new Database(dbPath(dir));
      try {
        const jobs = new FormJobs(db);
        expect(jobs.get(jobId).status).toBe('failed');
        const again = await jobs.reprint(jobId);
        expect(again.status).toBe('printed');
        const got = await printer.waitFor(done);
        expect(got.equals(jobs.bytes(jobId))).toBe(true);
      } finally {
        db.close();
      }
    } finally {
      await printer.close();
      await pty.kill();
    }
  }, 60_000);

  it('forms print --printer escp:tcp:HOST:PORT sends the same job over the network (port 9100 style)', async () => {
    const got: Buffer[] = [];
    const sockets: Socket[] = [];
    const server = createServer((s) => {
      sockets.push(s);
      s.on('data', (d) => got.push(d));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', `escp:tcp:127.0.0.1:${port}`);
      expect(r.code, r.err).toBe(0);
      const deadline = Date.now() + 10_000;
      while (!done(Buffer.concat(got)) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
      const lines = escpLines(decodeEscp(Buffer.concat(got)));
      expect(lines.some((l) => l.text === '⟦image 24×24 "髙"⟧⟦image 24×24 "﨑"⟧ 健一')).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
