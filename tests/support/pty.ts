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

  private constructor(port: SerialPort, status: PrinterEmulator['status']) {
    this.port = port;
    this.status = status;
    port.on('data', (d: Buffer) => this.onData(d));
  }

  static async open(path: string, opts: { status?: PrinterEmulator['status'] } = {}): Promise<PrinterEmulator> {
    const port = new SerialPort({ path: realpathSync(path), baudRate: 38400, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    return new PrinterEmulator(port, opts.status === undefined ? [0x12, 0x12, 0x12, 0x12] : opts.status);
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
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
