import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../src-main/common/errors';
import { parseCommandArgs, type CliIO } from '../../src-main/node/cli/command';
import { commands as printerCommands } from '../../src-main/node/cli/commands/printer';
import { decodeEscPos, decodedText, type DecodedItem } from '../../src-main/node/printer/decode';
import { EscPosBuilder } from '../../src-main/node/printer/escpos';
import { PrintJobs } from '../../src-main/node/printer/jobs';
import type { PrinterStatus } from '../../src-main/node/printer/status';
import { StatusPoller } from '../../src-main/node/printer/statusPoller';
import { renderTicket, type TicketPrint } from '../../src-main/node/printer/ticketLayout';
import { openTransport, sharedTransportCount } from '../../src-main/node/printer/transport';
import { migration } from '../../src-main/node/store/migrations/002-print-jobs';
import { PrinterEmulator, startPtyPair, type PtyPair } from '../support/pty';

/** Real bytes through a socat PTY pair: the app writes to one end, an emulated printer reads the other. */

const ticket: TicketPrint = {
  cityName: '伊勢崎市',
  title: '総合窓口',
  number: 2045,
  stationName: '西口',
  issuedAt: '2026-11-27T00:30:00Z',
  firstStop: { name: '総合窓口', counter: '5番', floor: '1階' },
  laterStops: ['市民課'],
  waitingAhead: 2,
  qrPayload: 'MDG1:v=01JDXR0000TEST;p=jumin-tenkyo',
  lang: 'ja',
};

let dir: string;
let db: Database.Database;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-printer-pty-'));
  db = new Database(join(dir, 'terminal.db'));
  db.exec(migration.sql);
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pair(links?: { a: string; b: string }): Promise<PtyPair> {
  const p = await startPtyPair(links);
  cleanups.push(() => p.kill());
  return p;
}
async function emulator(path: string, status?: PrinterEmulator['status']): Promise<PrinterEmulator> {
  const e = await PrinterEmulator.open(path, { status });
  cleanups.push(() => e.close());
  return e;
}
/** Runs `printer test` itself (not through main.ts, so other commands being written cannot break this test). */
function printerTest(argv: string[], io: CliIO): Promise<number> {
  const cmd = printerCommands.find((c) => c.name === 'printer test')!;
  return cmd.run(parseCommandArgs(cmd, argv), io);
}
const endsWithCut = (b: Buffer) => b.length >= 4 && b[b.length - 4] === 0x1d && b[b.length - 3] === 0x56;

describe('serial printer through a PTY', () => {
  test('a ticket arrives intact: init, Kanji CP932 text, big number, Epson QR, cut', async () => {
    const p = await pair();
    const printer = await emulator(p.b);
    const jobs = new PrintJobs(db);
    const job = jobs.enqueue({ kind: 'ticket', ref: 'visit-pty-1', printer: `serial:${p.a}?baud=38400`, bytes: renderTicket(ticket) });
    const done = await jobs.send(job.id);
    expect(done.status).toBe('printed');
    const got = await printer.waitFor(endsWithCut);
    expect(got.equals(job.bytes)).toBe(true);
    expect(got.subarray(0, 2).toString('hex')).toBe('1b40');
    const items = decodeEscPos(got);
    const text = items.filter((i): i is Extract<DecodedItem, { type: 'text' }> => i.type === 'text');
    expect(text.find((t) => t.text === '伊勢崎市')?.kanji).toBe(true);
    expect(text.find((t) => t.text === '総合窓口')?.kanji).toBe(true);
    const num = text.find((t) => t.text === '2045')!;
    expect(Math.min(num.size.width, num.size.height)).toBeGreaterThanOrEqual(2);
    expect(items.find((i) => i.type === 'qr')).toMatchObject({ payload: ticket.qrPayload, model: 2, errorLevel: 'M' });
    expect(items.at(-1)).toMatchObject({ type: 'cut' });
    expect(decodedText(items)).toContain('1階 総合窓口 5番');
  });

  test('a Vietnamese ticket carries its text as an image', async () => {
    const p = await pair();
    const printer = await emulator(p.b);
    const t = openTransport(`serial:${p.a}`);
    cleanups.push(() => t.close());
    await t.write(renderTicket({ ...ticket, lang: 'vi', localized: { heading: 'Số của bạn', firstStopLine: 'Vui lòng đến Quầy số 5 (tầng 1)' } }));
    const items = decodeEscPos(await printer.waitFor(endsWithCut));
    const imgs = items.filter((i) => i.type === 'image');
    expect(imgs.length).toBe(2);
    expect(imgs.every((i) => i.type === 'image' && i.blackDots > 0)).toBe(true);
    expect(decodedText(items)).toContain('総合窓口');
  });

  test('pulling the port mid-job keeps the job as failed; once the port is back, a reprint succeeds', async () => {
    const p = await pair();
    const spec = `serial:${p.a}`;
    // Nobody reads the far end, so a big job fills the PTY buffers and the write is still under way.
    const big = new EscPosBuilder().init().image({ width: 576, height: 4000, data: new Uint8Array(72 * 4000).fill(0xaa) }).cut().build();
    const jobs = new PrintJobs(db);
    const job = jobs.enqueue({ kind: 'list', ref: 'closing-list', printer: spec, bytes: big });
    const sending = jobs.send(job.id, (s) => openTransport(s, { writeTimeoutMs: 30_000 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(jobs.get(job.id).status).toBe('pending');
    await p.kill();
    const failed = await sending;
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toContain(`serial port ${p.a}`);
    expect(jobs.listFailed().map((j) => j.id)).toContain(job.id);
    expect(jobs.get(job.id).bytes.equals(big)).toBe(true);

    expect(existsSync(p.a)).toBe(false);
    const back = await pair({ a: p.a, b: p.b });
    const printer = await emulator(back.b);
    const re = await jobs.reprint(job.id);
    expect(re).toMatchObject({ status: 'printed', reprintOf: job.id });
    const got = await printer.waitFor((b) => b.length >= big.length);
    expect(got.equals(big)).toBe(true);
    expect(jobs.listFailed().map((j) => j.id)).not.toContain(job.id);
  });

  test('two users of one serial printer share the port instead of fighting over its lock', async () => {
    const p = await pair();
    const printer = await emulator(p.b);
    const before = sharedTransportCount();
    const desk = openTransport(`serial:${p.a}`);
    const poller = openTransport(`serial:${p.a}?baud=38400`);
    expect(sharedTransportCount()).toBe(before + 1);
    const bytes = renderTicket(ticket);
    const [, st] = await Promise.all([desk.write(bytes), poller.status(2000)]);
    expect(st.state).toBe('online');
    await printer.waitFor((b) => b.includes(bytes));
    await desk.close();
    await desk.close(); // closing twice is harmless
    expect((await poller.status(2000)).state).toBe('online');
    await expect(desk.write(bytes)).rejects.toThrow(/already closed/);
    await poller.close();
    expect(sharedTransportCount()).toBe(before);
    // The port was really released: a fresh open works.
    const again = openTransport(`serial:${p.a}`);
    expect((await again.status(2000)).state).toBe('online');
    await again.close();
  });

  test('a port that does not exist is a printer fault naming the port', async () => {
    const t = openTransport('serial:/dev/madoguchi-no-such-port');
    const err = await t.write(Buffer.from([0x1b, 0x40])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('printer-fault');
    expect((err as AppError).message).toContain('/dev/madoguchi-no-such-port');
    expect((await t.status(200)).state).toBe('unreachable');
  });

  test('nobody answering DLE EOT reads as no-answer within the timeout', async () => {
    const p = await pair();
    await emulator(p.b, null); // reads everything, answers nothing (a printer switched off)
    const t = openTransport(`serial:${p.a}`);
    cleanups.push(() => t.close());
    const started = Date.now();
    const st = await t.status(300);
    expect(st.state).toBe('no-answer');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);

    // With no process at all on the far end the answer is the same.
    const q = await pair();
    const t2 = openTransport(`serial:${q.a}`);
    cleanups.push(() => t2.close());
    expect((await t2.status(200)).state).toBe('no-answer');
  });

  test('status answers are read through the port, and the poller reports changes', async () => {
    const p = await pair();
    const printer = await emulator(p.b, [0x12, 0x12, 0x12, 0x12]);
    const t = openTransport(`serial:${p.a}`);
    cleanups.push(() => t.close());
    expect(await t.status(1000)).toMatchObject({ state: 'online', paper: 'ok', raw: [0x12, 0x12, 0x12, 0x12] });

    const poller = new StatusPoller(t, { intervalMs: 20, timeoutMs: 1000 });
    cleanups.push(() => poller.stop());
    const changes: PrinterStatus[] = [];
    poller.on('change', (s) => changes.push(s));
    poller.start();
    const until = async (n: number) => {
      for (let i = 0; i < 500 && changes.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(changes.length).toBeGreaterThanOrEqual(n);
    };
    await until(1);
    printer.status = [0x1a, 0x32, 0x12, 0x7e]; // paper out
    await until(2);
    expect(changes[1]).toMatchObject({ state: 'offline', paper: 'out', summary: 'paper out' });
    printer.status = [0x1a, 0x16, 0x12, 0x12]; // cover open
    await until(3);
    expect(changes[2]).toMatchObject({ coverOpen: true, summary: 'cover open' });
    poller.stop();
  });

  test('CLI printer test prints the page and reports status; a fault exits non-zero', async () => {
    const p = await pair();
    const printer = await emulator(p.b);
    const lines: string[] = [];
    const io: CliIO = { out: (l) => lines.push(l), err: (l) => lines.push(l), readStdin: async () => '' };
    expect(await printerTest(['--printer', `serial:${p.a}`, '--timeout', '2000'], io)).toBe(0);
    expect(lines[0]).toMatch(/online, test page sent/);
    expect(JSON.parse(lines[1]!)).toMatchObject({ ok: true, status: { state: 'online' } });
    // The page, then the status requests the CLI sent after it.
    const items = decodeEscPos(await printer.waitFor((b) => b.includes(Buffer.from([0x10, 0x04, 0x04]))));
    expect(items.filter((i) => i.type === 'status-request').map((i) => i.type === 'status-request' && i.n)).toEqual([1, 2, 3, 4]);
    expect(items.findIndex((i) => i.type === 'cut')).toBeLessThan(items.findIndex((i) => i.type === 'status-request'));
    expect(items.find((i) => i.type === 'qr')).toMatchObject({ payload: 'MADOGUCHI-PRINTER-TEST' });
    expect(items.some((i) => i.type === 'image')).toBe(true);
    expect(decodedText(items)).toContain('伊勢崎市');

    printer.status = [0x1a, 0x32, 0x12, 0x7e];
    lines.length = 0;
    expect(await printerTest(['--printer', `serial:${p.a}`, '--timeout', '2000'], io)).toBe(1);
    expect(lines[0]).toMatch(/FAULT — paper out/);

    await expect(printerTest(['--printer', 'serial:'], io)).rejects.toMatchObject({ code: 'bad-config', field: 'printer' });
  });
});
