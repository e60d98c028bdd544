import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../../src-main/node/cli/main';
import type { CliIO } from '../../src-main/node/cli/command';
import { createApp, type App } from '../../src-main/node/app/app';
import { ensureDemoSetup } from '../../src-main/node/terminal/dataFolder';
import { seedDemoStaff } from '../../src-main/node/staff/demo';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { Residents } from '../../src-main/node/residents/residents';
import { readFileSync } from 'node:fs';

export const ROOT = join(__dirname, '..', '..');
export const DEMO_CSV = join(ROOT, 'fixtures', 'linkage', 'demo-residents.csv');
export const DEMO_DELTA = join(ROOT, 'fixtures', 'linkage', 'demo-delta.csv');
export const DEMO_JSON = join(ROOT, 'fixtures', 'linkage', 'demo-sample.json');

/** Runs the real CLI in this process and captures what it prints. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n'), readStdin: async () => '' };
  const origWrite = process.stdout.write.bind(process.stdout);
  // `audit export` without --out streams to stdout directly.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await runCli(argv, io);
    return { code, out, err };
  } finally {
    process.stdout.write = origWrite;
  }
}

export function pdftotext(file: string, ...args: string[]): string {
  return execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
}

/** Text inside a rectangle given in millimetres from the page's top-left (pdftotext crops in points at 72 dpi). */
export function textIn(file: string, page: number, mm: { x: number; y: number; w: number; h: number }): string {
  const pt = (v: number) => String(Math.round((v * 72) / 25.4));
  return pdftotext(file, '-f', String(page), '-l', String(page), '-x', pt(mm.x), '-y', pt(mm.y), '-W', pt(mm.w), '-H', pt(mm.h), '-r', '72', '-layout');
}

export function pdffonts(file: string): Array<{ name: string; type: string; emb: boolean; sub: boolean; uni: boolean }> {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    // name, type words…, encoding, emb, sub, uni, object id, gen
    const n = cols.length;
    return { name: cols[0]!, type: cols.slice(1, n - 6).join(' '), emb: cols[n - 5] === 'yes', sub: cols[n - 4] === 'yes', uni: cols[n - 3] === 'yes' };
  });
}

/** Squeezes the spaces pdftotext -layout puts between characters spread across a box. */
export function squeeze(s: string): string {
  return s.replace(/[\s\u3000]+/g, '');
}

/** A demo terminal with the demo staff and the demo linkage data imported. */
export function demoApp(dir: string, opts: { clock?: () => number } = {}): App {
  ensureDemoSetup(dir);
  const app = createApp(dir, opts.clock ? { clock: opts.clock } : {});
  seedDemoStaff(app.terminal);
  return app;
}

export function importDemo(app: App): void {
  new Residents(app.terminal.store, app.terminal.config).import(readFileSync(DEMO_CSV, 'utf8'), 'demo-residents.csv', cliReader(app.terminal.config));
}

export async function signIn(app: App, terminalId: string, staffId: string, pin = staffId.startsWith('super') || staffId.startsWith('admin') ? '9999' : '1111') {
  const r = await app.registry.call('staff.signIn', { staffId, pin }, app.context(terminalId, 'test'));
  if (!r.ok) throw new Error(`sign-in failed: ${r.error.message}`);
  return app.context(terminalId, 'test', (r.value as { token: string }).token);
}
