import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, renameSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../common/errors';

/**
 * Where forms and printed lists go (a terminal's `printers.forms`):
 *   file:DIR          each job becomes DIR/<time>-<ref>.pdf (the demo and the tests)
 *   lp:QUEUE          CUPS queue, via `lp -d QUEUE` (Linux, macOS); `lp:` uses the default queue
 *   windows:PRINTER   the Windows spooler, via PowerShell's PrintTo verb (needs a PDF handler installed)
 */
export type FormsPrinter = { kind: 'file'; dir: string } | { kind: 'lp'; queue?: string } | { kind: 'windows'; printer: string };

export function parseFormsPrinter(spec: string): FormsPrinter {
  const m = /^([a-z]+):(.*)$/i.exec(spec.trim());
  const bad = (why: string) => new AppError('bad-config', `forms printer "${spec}": ${why} (examples: file:printer/forms, lp:Office_A4, windows:Canon LBP)`, { field: 'printers.forms' });
  if (!m) throw bad('must start with file:, lp: or windows:');
  const kind = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  if (kind === 'file') {
    if (!rest) throw bad('file: needs a folder');
    return { kind: 'file', dir: rest };
  }
  if (kind === 'lp' || kind === 'cups') {
    if (rest && !/^[A-Za-z0-9_.@-]+$/.test(rest)) throw bad('a CUPS queue name has letters, digits, "_", "-", "." or "@"');
    return rest ? { kind: 'lp', queue: rest } : { kind: 'lp' };
  }
  if (kind === 'windows') {
    if (!rest) throw bad('windows: needs the printer name');
    return { kind: 'windows', printer: rest };
  }
  throw bad(`unknown kind "${kind}"`);
}

export interface PrintResult {
  printer: string;
  destination: string;
}

function run(cmd: string, args: string[], input: Buffer | null, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? undefined);
  });
}

/** Sends one PDF job; the caller has already rendered it, so a failed send can be retried as is. */
export async function printPdf(pdf: Buffer, spec: string, opts: { ref: string; title: string; now?: number; timeoutMs?: number; media?: string; exactSize?: boolean }): Promise<PrintResult> {
  const p = parseFormsPrinter(spec);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  if (p.kind === 'file') {
    try {
      mkdirSync(p.dir, { recursive: true });
      const stamp = new Date(opts.now ?? Date.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const file = join(p.dir, `${stamp}-${opts.ref.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`);
      // Written under a temporary name and renamed, so a watcher never picks up half a PDF.
      writeFileSync(`${file}.part`, pdf);
      renameSync(`${file}.part`, file);
      return { printer: spec, destination: file };
    } catch (e) {
      throw new AppError('printer-fault', `cannot write to the file printer ${p.dir}: ${(e as Error).message}`, { field: 'printers.forms', cause: e });
    }
  }
  if (p.kind === 'lp') {
    // An overlay must land where the sheet's boxes are: its own paper size and no scaling.
    const args = [...(p.queue ? ['-d', p.queue] : []), '-t', opts.title, '-o', `media=${opts.media ?? 'A4'}`, ...(opts.exactSize ? ['-o', 'print-scaling=none'] : ['-o', 'fit-to-page'])];
    let r;
    try {
      r = await run('lp', args, pdf, timeoutMs);
    } catch (e) {
      throw new AppError('printer-fault', `cannot run "lp" (is CUPS installed?): ${(e as Error).message}`, { field: 'printers.forms', cause: e });
    }
    if (r.code !== 0) throw new AppError('printer-fault', `lp refused the job: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`, { field: 'printers.forms' });
    const id = /request id is (\S+)/.exec(r.stdout)?.[1];
    return { printer: spec, destination: id ?? r.stdout.trim() };
  }
  // Windows: the spooler takes the PDF through the shell's PrintTo verb of the installed PDF handler.
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-print-'));
  const file = join(dir, `${opts.ref.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`);
  writeFileSync(file, pdf);
  try {
    const ps = `Start-Process -FilePath '${file.replace(/'/g, "''")}' -Verb PrintTo -ArgumentList '"${p.printer.replace(/'/g, "''")}"' -WindowStyle Hidden -Wait`;
    const r = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', ps], null, timeoutMs).catch((e: Error) => {
      throw new AppError('printer-fault', `cannot reach the Windows spooler: ${e.message}`, { field: 'printers.forms', cause: e });
    });
    if (r.code !== 0) throw new AppError('printer-fault', `the Windows spooler refused the job: ${r.stderr.trim() || `exit ${r.code}`}`, { field: 'printers.forms' });
    return { printer: spec, destination: p.printer };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
