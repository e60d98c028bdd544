/**
 * What the printer says about itself (answers to DLE EOT 1–4), in the words the kiosk shows.
 */

/** unreachable: the port cannot be opened or connected (not the printer's own answer). */
export type PrinterState = 'online' | 'offline' | 'no-answer' | 'unreachable';
export type PaperState = 'ok' | 'near-end' | 'out' | 'unknown';
export type PrinterErrorKind = 'cutter' | 'unrecoverable' | 'auto-recoverable' | 'other';

export interface PrinterStatus {
  state: PrinterState;
  coverOpen: boolean;
  paper: PaperState;
  /** Error reported by the printer (DLE EOT 2 bit 6 / DLE EOT 3), null when none. */
  error: PrinterErrorKind | null;
  /** One short line for people: "online", "paper out", "cover open", "no answer within 1000 ms"… */
  summary: string;
  /** The status bytes as received for n = 1, 2, 3, 4 (missing when not answered). */
  raw: number[];
}

/** Every DLE EOT answer has bits 1 and 4 set and bits 0 and 7 clear. */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

export function noAnswerStatus(timeoutMs: number, raw: number[] = []): PrinterStatus {
  return { state: 'no-answer', coverOpen: false, paper: 'unknown', error: null, summary: `no answer within ${timeoutMs} ms`, raw };
}

/**
 * Reads the four answers: n=1 printer (bit 3 offline), n=2 offline cause (bit 2 cover open, bit 5
 * stopped for paper end, bit 6 error), n=3 error cause (bit 3 cutter, bit 5 unrecoverable, bit 6
 * auto-recoverable), n=4 roll paper sensor (bits 2–3 near end, bits 5–6 paper out).
 */
export function parseStatusBytes(raw: number[]): PrinterStatus {
  const [printer, offline, error, paper] = raw;
  const offlineFlag = printer !== undefined && (printer & 0x08) !== 0;
  const coverOpen = offline !== undefined && (offline & 0x04) !== 0;
  const paperEndStop = offline !== undefined && (offline & 0x20) !== 0;
  let errorKind: PrinterErrorKind | null = null;
  if (error !== undefined) {
    if (error & 0x08) errorKind = 'cutter';
    else if (error & 0x20) errorKind = 'unrecoverable';
    else if (error & 0x40) errorKind = 'auto-recoverable';
  }
  if (errorKind === null && offline !== undefined && (offline & 0x40) !== 0) errorKind = 'other';
  let paperState: PaperState = 'unknown';
  if (paper !== undefined) paperState = (paper & 0x60) !== 0 ? 'out' : (paper & 0x0c) !== 0 ? 'near-end' : 'ok';
  if (paperEndStop) paperState = 'out';
  const state: PrinterState = offlineFlag || coverOpen || paperState === 'out' || errorKind !== null ? 'offline' : 'online';
  const problems: string[] = [];
  if (coverOpen) problems.push('cover open');
  if (paperState === 'out') problems.push('paper out');
  if (errorKind) problems.push(`${errorKind} error`);
  if (state === 'offline' && problems.length === 0) problems.push('offline');
  if (paperState === 'near-end') problems.push('paper near end');
  const summary = problems.length ? problems.join(', ') : 'online';
  return { state, coverOpen, paper: paperState, error: errorKind, summary, raw };
}

/** Status bytes a healthy printer sends, for emulators and tests. */
export const HEALTHY_STATUS_BYTES = [0x12, 0x12, 0x12, 0x12] as const;
