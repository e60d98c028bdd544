import { spawnSync } from 'node:child_process';
import { AppError } from '../../common/errors';
import { parsePrinterSpec, type PrinterSpec } from '../printer/spec';
import { openTransport } from '../printer/transport';
import { resolvePrinterSpec } from '../terminal/dataFolder';
import { parseFormsPrinter, printPdf } from './print';

/**
 * Where a form job goes and in which printer language:
 *   escp:serial:/dev/ttyUSB1?baud=9600, escp:tcp:HOST:9100, escp:usb:04b8:0202, escp:file:DIR
 *       ESC/P-K for a dot-matrix printer, over the ticket printers' transports;
 *   cups:QUEUE (or lp:QUEUE), windows:PRINTER, file:DIR
 *       a PDF for the OS print queue or a folder.
 */
export type FormsTarget = { language: 'escp'; spec: string; transport: PrinterSpec } | { language: 'pdf'; spec: string };

export function parseFormsTarget(spec: string, field = 'printer'): FormsTarget {
  const s = spec.trim();
  try {
    if (/^escp:/i.test(s)) return { language: 'escp', spec: s, transport: parsePrinterSpec(s.slice(5)) };
    parseFormsPrinter(s);
    return { language: 'pdf', spec: s };
  } catch (e) {
    if (e instanceof AppError) throw new AppError('bad-config', `${e.message.replace(/\(examples:.*\)$/, '')}(forms printers: escp:serial:/dev/ttyUSB1?baud=9600, escp:tcp:HOST:9100, escp:file:DIR, cups:QUEUE, file:DIR)`, { field });
    throw e;
  }
}

/** `file:…` and `escp:file:…` in a config are relative to the data folder. */
export function resolveFormsSpec(spec: string, dataDir: string): string {
  return /^escp:/i.test(spec) ? `escp:${resolvePrinterSpec(spec.slice(5), dataDir)}` : resolvePrinterSpec(spec, dataDir);
}

/** CUPS media names for our paper sizes (continuous stock as a custom size). */
export function cupsMedia(paper: { name: string; w: number; h: number }): string {
  if (/^(A4|A5|B4|B5)$/.test(paper.name)) return paper.name === 'B5' || paper.name === 'B4' ? `jis-${paper.name.toLowerCase()}` : paper.name;
  return `Custom.${paper.w}x${paper.h}mm`;
}

export interface SendResult {
  destination: string;
  /** The spooler took the job but its printer is stopped (offline, out of paper …): it waits there. */
  warning?: string;
}

/** After `lp` accepted a job: is the queue's printer stopped, and why (CUPS says so in `lpstat -p`)? */
function queueWarning(spec: string): string | undefined {
  const queue = /^(?:cups|lp):(.+)$/i.exec(spec)?.[1];
  if (!queue) return undefined;
  // C locale: "disabled" is a translated word otherwise.
  const r = spawnSync('lpstat', ['-p', queue], { encoding: 'utf8', timeout: 5000, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  const text = `${r.stdout ?? ''}`.trim();
  if (!/\bdisabled\b/i.test(text)) return undefined;
  const reason = text.split('\n').slice(1).map((l) => l.trim()).filter(Boolean).join(' ');
  return `the job waits in the CUPS queue ${queue}: its printer is stopped${reason ? ` (${reason})` : ''}`;
}

/** Sends one stored job's bytes; throws AppError('printer-fault') naming the printer on failure. */
export async function sendToTarget(target: FormsTarget, bytes: Buffer, opts: { jobId: string; title: string; paper?: { name: string; w: number; h: number }; overlay: boolean; now?: number }): Promise<SendResult> {
  if (target.language === 'escp') {
    const t = openTransport(target.transport, { writeTimeoutMs: 30_000 });
    try {
      await t.write(bytes, { jobId: opts.jobId });
    } finally {
      await t.close().catch(() => undefined);
    }
    return { destination: target.transport.kind === 'file' ? target.transport.dir : target.spec };
  }
  const r = await printPdf(bytes, target.spec, { ref: opts.jobId, title: opts.title, ...(opts.now ? { now: opts.now } : {}), ...(opts.paper ? { media: cupsMedia(opts.paper) } : {}), exactSize: opts.overlay });
  const warning = queueWarning(target.spec);
  return { destination: r.destination, ...(warning ? { warning } : {}) };
}
