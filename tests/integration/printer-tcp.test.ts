import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { AppError } from '../../src-main/common/errors';
import { decodeEscPos, decodedText } from '../../src-main/node/printer/decode';
import { EscPosBuilder } from '../../src-main/node/printer/escpos';
import { PrintJobs } from '../../src-main/node/printer/jobs';
import { renderTicket } from '../../src-main/node/printer/ticketLayout';
import { openTransport } from '../../src-main/node/printer/transport';
import { migration } from '../../src-main/node/store/migrations/002-print-jobs';

/** A network printer on port 9100 is a TCP server that prints what it reads and answers DLE EOT. */
interface FakeLanPrinter {
  server: Server;
  port: number;
  received: () => Buffer;
  sockets: Socket[];
  close: () => Promise<void>;
}

async function lanPrinter(opts: { answer?: boolean; read?: boolean } = {}): Promise<FakeLanPrinter> {
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    if (opts.read === false) s.pause();
    s.on('data', (d) => {
      chunks.push(d);
      if (opts.answer === false) return;
      for (let i = 0; i + 2 < d.length; i++) if (d[i] === 0x10 && d[i + 1] === 0x04) s.write(Buffer.from([0x12]));
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    sockets,
    received: () => Buffer.concat(chunks),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

test('a ticket printed over TCP arrives intact and the printer answers status', async () => {
  const lan = await lanPrinter();
  cleanups.push(lan.close);
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-tcp-'));
  const db = new Database(join(dir, 'db.sqlite'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  db.exec(migration.sql);
  const jobs = new PrintJobs(db);
  const bytes = renderTicket({
    cityName: '伊勢崎市',
    title: '総合窓口',
    number: 3001,
    stationName: 'フロア中央',
    issuedAt: '2026-11-27T01:00:00Z',
    firstStop: { name: '証明書窓口', counter: '1番' },
    laterStops: [],
    waitingAhead: 0,
    qrPayload: 'MDG1:v=01JDXS;p=juminhyo',
    lang: 'zh-CN',
    localized: { heading: '您的号码', firstStopLine: '请到1号证明书窗口' },
  });
  const job = jobs.enqueue({ kind: 'ticket', ref: 'v-tcp', printer: `tcp:127.0.0.1:${lan.port}`, bytes });
  expect((await jobs.send(job.id)).status).toBe('printed');
  for (let i = 0; i < 200 && lan.received().length < bytes.length; i++) await new Promise((r) => setTimeout(r, 10));
  expect(lan.received().equals(bytes)).toBe(true);
  const items = decodeEscPos(lan.received());
  expect(decodedText(items)).toContain('証明書窓口 1番');
  expect(items.filter((i) => i.type === 'image')).toHaveLength(2);
  expect(items.find((i) => i.type === 'qr')).toMatchObject({ payload: 'MDG1:v=01JDXS;p=juminhyo' });

  const t = openTransport(`tcp:127.0.0.1:${lan.port}`);
  cleanups.push(() => t.close());
  expect(await t.status(1000)).toMatchObject({ state: 'online', raw: [0x12, 0x12, 0x12, 0x12] });
});

test('a LAN printer that stays silent reads as no-answer', async () => {
  const lan = await lanPrinter({ answer: false });
  cleanups.push(lan.close);
  const t = openTransport(`tcp:127.0.0.1:${lan.port}`);
  cleanups.push(() => t.close());
  expect((await t.status(200)).state).toBe('no-answer');
});

test('a printer that is off (connection refused) is a printer fault naming the address', async () => {
  const lan = await lanPrinter();
  const port = lan.port;
  await lan.close();
  const t = openTransport(`tcp:127.0.0.1:${port}`);
  const err = await t.write(Buffer.from([0x1b, 0x40])).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('printer-fault');
  expect((err as AppError).message).toContain(`127.0.0.1:${port}`);
  expect((await t.status(200)).state).toBe('unreachable');
});

test('a printer that stops reading makes the write time out as a fault, not hang', async () => {
  const lan = await lanPrinter({ read: false });
  cleanups.push(lan.close);
  const t = openTransport(`tcp:127.0.0.1:${lan.port}`, { writeTimeoutMs: 500 });
  cleanups.push(() => t.close());
  // Far more than the kernel's socket buffers hold.
  const big = new EscPosBuilder().image({ width: 576, height: 60_000, data: new Uint8Array(72 * 60_000).fill(0x55) }).build();
  const err = await t.write(big).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).message).toMatch(/did not take the job within 500 ms/);
});
