import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

/**
 * A real pair of pseudo-terminals joined by socat: what one side writes the other side reads,
 * byte for byte, through the kernel's tty layer — the same path a USB-serial printer uses.
 */
export interface PtyPair {
  /** Link to the side the app opens as its printer port. */
  a: string;
  /** Link to the side the test (or a printer emulator) reads. */
  b: string;
  /** Stops socat; both links disappear, like a printer cable being pulled. */
  kill(): Promise<void>;
}

export function tempLinkDir(): string {
  return mkdtempSync(join(tmpdir(), 'madoguchi-pty-'));
}

export async function startPtyPair(links: { a?: string; b?: string } = {}): Promise<PtyPair> {
  const dir = links.a && links.b ? undefined : tempLinkDir();
  const a = links.a ?? join(dir!, 'printer');
  const b = links.b ?? join(dir!, 'device');
  const proc: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let exited = false;
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exitP = new Promise<void>((resolve) => proc.on('exit', () => ((exited = true), resolve())));
  const deadline = Date.now() + 10_000;
  while (!(existsSync(a) && existsSync(b) && log.includes('starting data transfer loop'))) {
    if (exited) throw new Error(`socat exited before the PTYs were ready:\n${log}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`socat did not create ${a} and ${b} within 10 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    async kill() {
      if (!exited) proc.kill('SIGTERM');
      await exitP;
    },
  };
}

/** The heart of the ESC/P remote-mode status request: REMOTE1, then "ST" with 02 00 00 01 (reply on). */
const ESCP_STATUS_ON = Buffer.concat([Buffer.from('REMOTE1ST', 'latin1'), Buffer.from([0x02, 0x00, 0x00, 0x01])]);

/**
 * The far end of the PTY acting as a printer: collects every byte and answers DLE EOT status
 * requests with the configured status bytes (or stays silent, like a printer that is off).
 */
export class PrinterEmulator {
  readonly port: SerialPort;
  private chunks: Buffer[] = [];
  private tail = Buffer.alloc(0);
  /** Answers to DLE EOT n=1..4; null = never answer. */
  status: [number, number, number, number] | null;
  /**
   * A dot-matrix printer's answer to the ESC/P remote-mode status request (REMOTE1 … "ST" 02 00 00 01),
   * e.g. "@BDC ST\r\nST:04;\f"; null = never answer (a printer without a two-way interface).
   */
  escpReply: Buffer | null = null;
  private escpScan = 0;

  private constructor(port: SerialPort, status: PrinterEmulator['status']) {
    this.port = port;
    this.status = status;
    port.on('data', (d: Buffer) => this.onData(d));
  }

  static async open(path: string, opts: { status?: PrinterEmulator['status']; escpReply?: Buffer | null } = {}): Promise<PrinterEmulator> {
    const port = new SerialPort({ path: realpathSync(path), baudRate: 38400, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    const e = new PrinterEmulator(port, opts.status === undefined ? [0x12, 0x12, 0x12, 0x12] : opts.status);
    e.escpReply = opts.escpReply ?? null;
    return e;
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    if (this.escpReply) {
      const all = this.received;
      const at = all.indexOf(ESCP_STATUS_ON, this.escpScan);
      if (at >= 0) {
        this.escpScan = at + ESCP_STATUS_ON.length;
        this.port.write(this.escpReply);
      }
    }
    if (!this.status) return;
    // Status requests may be split across reads: look at the last two bytes of the previous read too.
    const buf = Buffer.concat([this.tail, d]);
    for (let i = 0; i + 2 < buf.length; i++) {
      const n = buf[i + 2]!;
      if (buf[i] === 0x10 && buf[i + 1] === 0x04 && n >= 1 && n <= 4 && i + 2 >= this.tail.length) {
        this.port.write(Buffer.from([this.status[n - 1]!]));
      }
    }
    this.tail = buf.subarray(Math.max(0, buf.length - 2));
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  clear(): void {
    this.chunks = [];
    this.escpScan = 0;
  }

  /** Waits until the bytes received satisfy `done` (e.g. end with a cut). */
  async waitFor(done: (bytes: Buffer) => boolean, timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      if (Date.now() > deadline) throw new Error(`printer emulator: condition not met within ${timeoutMs} ms (${this.received.length} bytes received)`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.received;
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}
