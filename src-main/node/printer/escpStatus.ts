import { AppError } from '../../common/errors';
import type { PrinterStatus } from './status';
import type { PrinterTransport } from './transport';

/**
 * Status of an ESC/P dot-matrix printer. ESC/P has no real-time status command like ESC/POS's
 * DLE EOT; EPSON printers with a two-way interface answer a status request in "remote mode"
 * instead (the one EPSON's status monitor and gutenprint's escputil use):
 *   ESC ( R 08 00 00 "REMOTE1"   enter remote mode
 *   "ST" 02 00 00 01             status reply on
 *   ESC 00 00 00                 leave remote mode
 * and the printer sends "@BDC ST\r\n" with text fields ("ST:04;ER:06;…;"), or on newer models
 * "@BDC ST2\r\n", a 2-byte length and binary fields (type, length, value; type 1 = status,
 * type 2 = error). The request moves no paper and changes no setting. A printer without a
 * two-way interface (many serial-only models) stays silent: that is `no-answer`, not a fault.
 */

const ESC = 0x1b;

export function escpStatusRequest(): Buffer {
  return Buffer.concat([Buffer.from([ESC, 0x28, 0x52, 0x08, 0x00, 0x00]), Buffer.from('REMOTE1', 'latin1'), Buffer.from('ST', 'latin1'), Buffer.from([0x02, 0x00, 0x00, 0x01]), Buffer.from([ESC, 0x00, 0x00, 0x00])]);
}

const HEADER = Buffer.from('@BDC ST', 'latin1');

/** Printer states in the reply's ST field. */
const STATES: Record<number, string> = { 0: 'error', 1: 'self-printing', 2: 'busy', 3: 'waiting', 4: 'idle', 5: 'paused' };
/** Error codes in the reply's ER field that mean something to a clerk beside a dot-matrix printer. */
const ERRORS: Record<number, string> = { 0: 'fatal error', 1: 'another interface is selected', 2: 'cover open', 4: 'paper jam', 6: 'paper out', 0x0c: 'paper path or paper size error', 0x11: 'paper is at the tear-off position' };

/** True once `rx` holds a whole reply (text fields up to the last ';' and FF/CR LF, or the binary length). */
export function escpReplyComplete(rx: Buffer): boolean {
  const at = rx.indexOf(HEADER);
  if (at < 0) return false;
  const body = rx.subarray(at + HEADER.length);
  if (body[0] === 0x32) {
    // "@BDC ST2\r\n" + length (LE) + fields
    if (body.length < 5) return false;
    return body.length >= 5 + body.readUInt16LE(3);
  }
  const text = body.toString('latin1');
  return /ST:[0-9A-Fa-f]{2};/.test(text) && /;[\s\f]*(\f|\r\n)/.test(text);
}

/** The fields of a reply: ST (state) and ER (error), as numbers; null when `rx` holds no reply. */
export function escpReplyFields(rx: Buffer): { st?: number; er?: number } | null {
  const at = rx.indexOf(HEADER);
  if (at < 0) return null;
  const body = rx.subarray(at + HEADER.length);
  if (body[0] === 0x32) {
    if (body.length < 5) return null;
    const len = body.readUInt16LE(3);
    const fields = body.subarray(5, 5 + len);
    const out: { st?: number; er?: number } = {};
    for (let i = 0; i + 2 <= fields.length; ) {
      const type = fields[i]!;
      const n = fields[i + 1]!;
      const v = fields.subarray(i + 2, i + 2 + n);
      if (type === 0x01 && v.length >= 1) out.st = v[0]!;
      if (type === 0x02 && v.length >= 1) out.er = v[0]!;
      i += 2 + n;
    }
    return out;
  }
  const text = body.toString('latin1');
  const st = /(?:^|[;\n])ST:([0-9A-Fa-f]{2})/.exec(text)?.[1];
  const er = /(?:^|[;\n])ER:([0-9A-Fa-f]{2})/.exec(text)?.[1];
  return { ...(st ? { st: parseInt(st, 16) } : {}), ...(er ? { er: parseInt(er, 16) } : {}) };
}

/** A reply in the words the doctor and the counter use; `raw` keeps [ST, ER] as received. */
export function parseEscpStatusReply(rx: Buffer, timeoutMs: number): PrinterStatus {
  const f = escpReplyFields(rx);
  if (!f || f.st === undefined) {
    return { state: 'no-answer', coverOpen: false, paper: 'unknown', error: null, summary: `no ESC/P status answer within ${timeoutMs} ms`, raw: [...rx.subarray(0, 32)] };
  }
  const raw = f.er === undefined ? [f.st] : [f.st, f.er];
  const errorText = f.er !== undefined ? (ERRORS[f.er] ?? `error code ${f.er.toString(16).padStart(2, '0')}`) : undefined;
  const stopped = f.st === 0 || f.st === 5;
  if (!stopped) return { state: 'online', coverOpen: false, paper: 'ok', error: null, summary: f.st === 4 || f.st === 3 ? 'online' : `online (${STATES[f.st] ?? `state ${f.st}`})`, raw };
  const paper = f.er === 6 ? 'out' : 'unknown';
  const coverOpen = f.er === 2;
  const summary = f.st === 5 && f.er === undefined ? 'paused (offline on the panel)' : (errorText ?? 'error');
  return { state: 'offline', coverOpen, paper, error: paper === 'out' || coverOpen ? null : f.st === 5 ? null : 'other', summary, raw };
}

/**
 * USB printer class port status (GET_PORT_STATUS, USB Printer Class 1.1 §4.2.2): bit 5 paper
 * empty, bit 4 selected (online), bit 3 no error. Every USB printer keeps these parallel-port lines.
 */
export function parseUsbPortStatus(b: number): PrinterStatus {
  const paperOut = (b & 0x20) !== 0;
  const selected = (b & 0x10) !== 0;
  const noError = (b & 0x08) !== 0;
  if (!paperOut && selected && noError) return { state: 'online', coverOpen: false, paper: 'ok', error: null, summary: 'online', raw: [b] };
  const problems = [paperOut ? 'paper out' : '', !selected ? 'offline' : '', !noError && !paperOut ? 'error' : ''].filter(Boolean);
  return { state: 'offline', coverOpen: false, paper: paperOut ? 'out' : 'unknown', error: !noError && !paperOut ? 'other' : null, summary: problems.join(', '), raw: [b] };
}

/**
 * How a dot-matrix printer is: the ESC/P remote-mode status where the printer answers it, else on
 * USB the port status lines; a folder printer is online when it is writable. Never throws.
 */
export async function escpPrinterStatus(t: PrinterTransport, timeoutMs: number): Promise<PrinterStatus> {
  if (t.spec.kind === 'file') return t.status(timeoutMs);
  let rx: Buffer;
  try {
    rx = await t.query(escpStatusRequest(), escpReplyComplete, timeoutMs);
  } catch (e) {
    return { state: 'unreachable', coverOpen: false, paper: 'unknown', error: null, summary: e instanceof AppError ? e.message : `${t.name}: ${(e as Error).message}`, raw: [] };
  }
  const st = parseEscpStatusReply(rx, timeoutMs);
  if (st.state !== 'no-answer' || !t.portStatus) return st;
  const port = await t.portStatus(timeoutMs).catch(() => null);
  return port === null ? st : parseUsbPortStatus(port);
}
