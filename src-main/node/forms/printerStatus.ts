import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { escpPrinterStatus } from '../printer/escpStatus';
import { describePrinter, type PrinterSpec } from '../printer/spec';
import type { PrinterStatus } from '../printer/status';
import { openTransport } from '../printer/transport';
import { parseFormsPrinter } from './print';
import { parseFormsTarget } from './printTarget';

/**
 * How a forms printer is, before a clerk sends it a form (doctor, `printer status`):
 *   escp:…       the port or address opens (a serial port must exist), then the ESC/P status
 *                where the printer answers it (paper out, cover open, paused), else USB's port lines;
 *   cups:QUEUE   the scheduler runs, the queue exists, accepts jobs and is not stopped, and why
 *                (printer-state-reasons: media-empty, cover-open, offline …);
 *   file:DIR     the folder is writable.
 */
export interface FormsPrinterStatus {
  /** "serial port /dev/ttyUSB1", "CUPS queue Counter_A4", "folder …". */
  name: string;
  status: PrinterStatus;
  language: 'escp' | 'pdf';
}

const status = (state: PrinterStatus['state'], summary: string, extra: Partial<PrinterStatus> = {}): PrinterStatus => ({ state, coverOpen: false, paper: 'unknown', error: null, summary, raw: [], ...extra });

export async function formsPrinterStatus(spec: string, timeoutMs: number): Promise<FormsPrinterStatus> {
  const target = parseFormsTarget(spec);
  if (target.language === 'escp') {
    const p = target.transport;
    const name = `dot-matrix printer on ${describePrinter(p)}`;
    const missing = missingPort(p);
    if (missing) return { name, language: 'escp', status: status('unreachable', missing) };
    const t = openTransport(p, { openTimeoutMs: timeoutMs });
    try {
      return { name, language: 'escp', status: await escpPrinterStatus(t, timeoutMs) };
    } finally {
      await t.close().catch(() => undefined);
    }
  }
  const f = parseFormsPrinter(spec);
  if (f.kind === 'file') {
    const t = openTransport({ kind: 'file', dir: f.dir });
    return { name: describePrinter(t.spec), language: 'pdf', status: await t.status(timeoutMs) };
  }
  if (f.kind === 'lp') return { name: f.queue ? `CUPS queue ${f.queue}` : 'the default CUPS queue', language: 'pdf', status: cupsQueueStatus(f.queue, timeoutMs) };
  return { name: `Windows printer ${f.printer}`, language: 'pdf', status: status('no-answer', 'the Windows spooler is not asked for its printers\' state; print a test page from Windows to check it') };
}

/** A serial port path that does not exist (Linux, macOS: device files; Windows COM ports cannot be looked up this way). */
function missingPort(p: PrinterSpec): string | null {
  if (p.kind !== 'serial' || process.platform === 'win32' || existsSync(p.path)) return null;
  return `the serial port ${p.path} does not exist (USB-serial cable unplugged, or another port name)`;
}

function run(cmd: string, args: string[], timeoutMs: number): { code: number | null; out: string; err: string; missing: boolean } {
  // Plain C locale: lpstat's words are translated otherwise, and only key=value output is parsed.
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: Math.max(timeoutMs, 1000), env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { code: r.status, out: `${r.stdout ?? ''}`, err: `${r.stderr ?? ''}`.trim(), missing };
}

/** `lpoptions -p QUEUE` prints the queue's IPP attributes as key=value (quoted with ' when they hold spaces). */
function ippAttributes(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of text.matchAll(/([a-z0-9-]+)(?:=('(?:[^']*)'|\S*))?/g)) m.set(x[1]!, (x[2] ?? '').replace(/^'|'$/g, ''));
  return m;
}

const REASONS: Array<[RegExp, string, Partial<PrinterStatus>]> = [
  [/^media-(empty|needed)/, 'paper out', { paper: 'out' }],
  [/^media-jam/, 'paper jam', { error: 'other' }],
  [/^(cover|door|interlock)-open/, 'cover open', { coverOpen: true }],
  [/^offline-report/, 'the printer is offline', {}],
  [/^marker-supply-empty|^toner-empty/, 'ink or ribbon out', { error: 'other' }],
];

/** Where a CUPS queue stands: scheduler, queue, accepting, stopped (and why). Never throws. */
export function cupsQueueStatus(queue: string | undefined, timeoutMs = 5000): PrinterStatus {
  const sched = run('lpstat', ['-r'], timeoutMs);
  if (sched.missing) return status('unreachable', 'CUPS is not installed here (no lpstat)');
  if (!/scheduler is running/.test(sched.out)) return status('unreachable', `the CUPS scheduler is not running${sched.err ? ` (${sched.err})` : ''}`);
  let q = queue;
  if (!q) {
    const d = run('lpstat', ['-d'], timeoutMs);
    q = /destination:\s*(\S+)/.exec(d.out)?.[1];
    if (!q) return status('unreachable', 'CUPS has no default queue; name one: cups:QUEUE');
  }
  // lpstat -p fails for a queue that does not exist (lpoptions says nothing and exits 0).
  const p = run('lpstat', ['-p', q], timeoutMs);
  if (p.code !== 0) return status('unreachable', `no CUPS queue ${q}${p.err ? ` (${p.err.replace(/^lpstat:\s*/, '')})` : ''}`);
  const attrs = ippAttributes(run('lpoptions', ['-p', q], timeoutMs).out);
  const reasons = (attrs.get('printer-state-reasons') ?? 'none').split(',').filter((r) => r && r !== 'none');
  const problems: string[] = [];
  let extra: Partial<PrinterStatus> = {};
  for (const r of reasons) {
    const hit = REASONS.find(([re]) => re.test(r));
    if (hit && !problems.includes(hit[1])) {
      problems.push(hit[1]);
      extra = { ...extra, ...hit[2] };
    }
  }
  const stopped = attrs.get('printer-state') === '5';
  const accepting = attrs.get('printer-is-accepting-jobs') !== 'false';
  if (!stopped && accepting && problems.length === 0) return status('online', 'online', { paper: 'ok' });
  // The operator's reason (cupsdisable -r …) is on the indented lines of lpstat -p.
  const message = p.out
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  const parts = [...problems, ...(stopped ? ['the queue is stopped'] : []), ...(!accepting ? ['the queue does not accept jobs'] : []), ...(message ? [`"${message}"`] : [])];
  return status('offline', parts.join(', '), extra);
}
