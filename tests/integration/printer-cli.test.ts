import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parseCommandArgs, type CliIO } from '../../src-main/node/cli/command';
import { commands } from '../../src-main/node/cli/commands/printer';
import { PrinterEmulator, startPtyPair } from '../support/pty';

/** The printer commands run directly (not via main.ts) so other commands being written cannot break these tests. */
function run(name: string, argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const cmd = commands.find((c) => c.name === name)!;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' };
  return cmd.run(parseCommandArgs(cmd, argv), io).then((code) => ({ code, out, err }));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

test('printer test to a file printer, then printer decode shows the page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const spool = join(dir, 'spool');
  const t = await run('printer test', ['--printer', `file:${spool}`, '--paper', '58']);
  expect(t.code).toBe(0);
  expect(t.out[0]).toMatch(/^printer file:.*: online, test page sent \(\d+ bytes\)$/);
  const files = readdirSync(spool);
  expect(files).toEqual([expect.stringMatching(/-printer-test\.bin$/)]);
  const d = await run('printer decode', ['--file', join(spool, files[0]!)]);
  expect(d.code).toBe(0);
  const text = d.out.join('\n');
  expect(text).toContain('漢字: 伊勢崎市 総合窓口 ｶﾀｶﾅ');
  expect(text).toContain('[QR MADOGUCHI-PRINTER-TEST]');
  expect(text).toMatch(/\[image 384x\d+, \d+ black dots\]/);
  expect(d.out.at(-1)).toBe('[partial cut]');
  const j = await run('printer decode', ['--file', join(spool, files[0]!), '--json']);
  expect(JSON.parse(j.out[0]!)[0]).toEqual({ type: 'init' });
});

test('printer decode refuses a missing or truncated file, naming the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  await expect(run('printer decode', ['--file', join(dir, 'nope.bin')])).rejects.toMatchObject({ code: 'bad-input', field: 'file' });
  writeFileSync(join(dir, 'cut.bin'), Buffer.from([0x1b, 0x40, 0x1d, 0x76, 0x30, 0x00, 0x48, 0x00, 0x10, 0x00]));
  await expect(run('printer decode', ['--file', join(dir, 'cut.bin')])).rejects.toMatchObject({ code: 'bad-input', message: expect.stringMatching(/not a complete ESC\/POS job/) });
});

test('printer status through a PTY: online, then paper out exits 1; --paper is checked', async () => {
  const pair = await startPtyPair();
  cleanups.push(() => pair.kill());
  const emu = await PrinterEmulator.open(pair.b);
  cleanups.push(() => emu.close());
  const ok = await run('printer status', ['--printer', `serial:${pair.a}`, '--timeout', '2000']);
  expect(ok.code).toBe(0);
  expect(ok.out[0]).toBe(`printer serial:${pair.a}?baud=38400: online`);
  emu.status = [0x1a, 0x32, 0x12, 0x7e];
  const out = await run('printer status', ['--printer', `serial:${pair.a}`, '--timeout', '2000']);
  expect(out.code).toBe(1);
  expect(out.err[0]).toMatch(/paper out/);
  expect(JSON.parse(out.out[0]!)).toMatchObject({ ok: false, status: { paper: 'out', state: 'offline' } });
  await expect(run('printer test', ['--printer', `serial:${pair.a}`, '--paper', '76'])).rejects.toMatchObject({ code: 'bad-input', field: 'paper' });
});
