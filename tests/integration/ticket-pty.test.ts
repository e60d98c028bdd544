import { afterEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../src-main/node/printer/decode';
import { decodeTicketQr } from '../../src-main/common/visit/ticketQr';
import { PrinterEmulator, startPtyPair, type PtyPair } from '../support/pty';
import { runCli } from '../support/cli';
import { tempDir } from '../support/tmp';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function printerOnPty(): Promise<{ pty: PtyPair; printer: PrinterEmulator }> {
  const pty = await startPtyPair();
  const printer = await PrinterEmulator.open(pty.b);
  cleanups.push(() => pty.kill(), () => printer.close());
  return { pty, printer };
}

function issue(args: string[]) {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return runCli(['ticket', 'issue', '--data', dir, ...args]).done;
}

describe('ticket issue → thermal printer through a real PTY', () => {
  it('prints Kanji CP932, the number at double size or more, an Epson QR naming the visit, and a cut', async () => {
    const { pty, printer } = await printerOnPty();
    const r = await issue(['--station', 'east', '--event', 'moving-in', '--printer', `serial:${pty.a}?baud=38400`]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { number: number; visitId: string; station: string };
    expect(line.station).toBe('east');
    expect(line.number).toBeGreaterThanOrEqual(1001);

    const bytes = await printer.waitFor((b) => b.length > 0 && b.includes(Buffer.from([0x1d, 0x56])));
    expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]); // ESC @
    const items = decodeEscPos(bytes);
    const texts = items.flatMap((i) => (i.type === 'text' ? [i] : []));
    const all = texts.map((t) => t.text).join('\n');
    expect(all).toContain('伊勢崎市');
    expect(all).toContain('総合窓口');
    const num = texts.find((t) => t.text.trim() === String(line.number));
    expect(num, `number ${line.number} printed as text`).toBeDefined();
    expect(num!.size.width).toBeGreaterThanOrEqual(2);
    expect(num!.size.height).toBeGreaterThanOrEqual(2);
    expect(texts.find((t) => t.text.includes('総合窓口'))!.kanji).toBe(true);
    const qr = items.find((i) => i.type === 'qr');
    expect(qr?.type).toBe('qr');
    const payload = decodeTicketQr(qr!.type === 'qr' ? qr!.payload : '');
    expect(payload?.visitId).toBe(line.visitId);
    expect(payload?.number).toBe(line.number);
    expect(payload?.procedures).toContain('tennyu');
    expect(items[items.length - 1]!.type).toBe('cut');
  });

  it('adds the visitor-language text as a raster image for Vietnamese', async () => {
    const { pty, printer } = await printerOnPty();
    const r = await issue(['--station', 'west', '--event', 'moving-in', '--lang', 'vi', '--printer', `serial:${pty.a}`]);
    expect(r.code).toBe(0);
    const bytes = await printer.waitFor((b) => b.includes(Buffer.from([0x1d, 0x56])));
    const items = decodeEscPos(bytes);
    const images = items.flatMap((i) => (i.type === 'image' ? [i] : []));
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((i) => i.blackDots > 50)).toBe(true);
    expect(items.some((i) => i.type === 'text' && i.text.includes('総合窓口'))).toBe(true);
  });

  it('keeps the ticket when the printer port is gone, says so, and exits non-zero', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const r = await runCli(['ticket', 'issue', '--data', dir, '--station', 'east', '--event', 'certificate', '--printer', `serial:${dir}/no-such-port`]).done;
    expect(r.code).toBe(1);
    const line = JSON.parse(r.stdout.trim()) as { number: number; print: string; printError: string };
    expect(line.number).toBe(1001);
    expect(line.print).toBe('failed');
    expect(line.printError).toMatch(/no-such-port/);
    expect(r.stderr).toMatch(/stored but did not print/);
  });
});
