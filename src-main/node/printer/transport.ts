import { randomUUID } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import type USBAdapterType from '@node-escpos/usb-adapter';
import { SerialPort } from 'serialport';
import { AppError } from '../../common/errors';
import { statusRequest } from './escpos';
import { describePrinter, formatPrinterSpec, parsePrinterSpec, type PrinterSpec } from './spec';
import { isStatusByte, noAnswerStatus, parseStatusBytes, type PrinterStatus } from './status';

/**
 * How bytes reach a printer. Serial goes through serialport directly rather than node-escpos's
 * serial adapter: the adapter pins serialport 10, adds a new 'data' listener on every read and
 * cannot tell us when a port vanished, which is exactly what status reads and fault handling need.
 */
export interface PrinterTransport {
  readonly spec: PrinterSpec;
  /** "serial port /dev/ttyS0", "network printer 10.0.0.5:9100", … for messages. */
  readonly name: string;
  /** Sends the bytes; rejects with AppError('printer-fault') naming the port on failure or timeout. */
  write(bytes: Buffer, opts?: WriteOptions): Promise<void>;
  /** Asks the printer how it is (DLE EOT 1–4). Never throws for device trouble: that is a status. */
  status(timeoutMs: number): Promise<PrinterStatus>;
  /**
   * Sends a request and collects what the printer answers until `complete` says the answer is
   * whole or the time is up (ESC/P remote-mode status). Empty when nothing came or the printer
   * cannot answer (file:). Rejects with AppError('printer-fault') when the port cannot be opened.
   */
  query(request: Buffer, complete: (rx: Buffer) => boolean, timeoutMs: number): Promise<Buffer>;
  /** USB only: the USB printer class port status byte (paper empty, selected, no error), null elsewhere. */
  portStatus?(timeoutMs: number): Promise<number | null>;
  close(): Promise<void>;
}

export interface WriteOptions {
  /** Names the file for file: printers (`<timestamp>-<jobId>.bin`). */
  jobId?: string;
  timeoutMs?: number;
  /** The caller's usual write timeout (from its TransportOptions) when timeoutMs is not given. */
  defaultTimeoutMs?: number;
}

export interface TransportOptions {
  /** Default time a write may take before it counts as a fault (default 15 s). */
  writeTimeoutMs?: number;
  /** Time allowed to open the port or connect (default 5 s). */
  openTimeoutMs?: number;
}

export const DEFAULT_WRITE_TIMEOUT_MS = 15_000;
export const DEFAULT_OPEN_TIMEOUT_MS = 5_000;

/**
 * Serial ports are locked by whoever opens them and many LAN and USB printers take one connection
 * at a time, so every caller in this process (ticket desk, status poller, doctor) shares one
 * connection per printer; its operations queue instead of failing with "cannot lock port".
 * Each caller still gets its own handle and closes it; the connection closes with the last one.
 */
const shared = new Map<string, { transport: PrinterTransport; refs: number }>();

export function openTransport(spec: PrinterSpec | string, opts: TransportOptions = {}): PrinterTransport {
  const p = typeof spec === 'string' ? parsePrinterSpec(spec) : spec;
  if (p.kind === 'file') return new FileTransport(p, opts);
  const key = formatPrinterSpec(p);
  let entry = shared.get(key);
  if (!entry) {
    entry = { transport: createTransport(p, opts), refs: 0 };
    shared.set(key, entry);
  }
  entry.refs++;
  return new SharedHandle(key, entry, opts);
}

/** How many printer connections this process holds open or ready (for tests and diagnostics). */
export function sharedTransportCount(): number {
  return shared.size;
}

class SharedHandle implements PrinterTransport {
  private closed = false;
  constructor(
    private readonly key: string,
    private readonly entry: { transport: PrinterTransport; refs: number },
    private readonly opts: TransportOptions,
  ) {}

  get spec(): PrinterSpec {
    return this.entry.transport.spec;
  }
  get name(): string {
    return this.entry.transport.name;
  }

  private check(): void {
    if (this.closed) throw new AppError('internal', `${this.name}: this printer handle was already closed`);
  }

  async write(bytes: Buffer, opts: WriteOptions = {}): Promise<void> {
    this.check();
    return this.entry.transport.write(bytes, { defaultTimeoutMs: this.opts.writeTimeoutMs, ...opts });
  }

  async status(timeoutMs: number): Promise<PrinterStatus> {
    this.check();
    return this.entry.transport.status(timeoutMs);
  }

  async query(request: Buffer, complete: (rx: Buffer) => boolean, timeoutMs: number): Promise<Buffer> {
    this.check();
    return this.entry.transport.query(request, complete, timeoutMs);
  }

  async portStatus(timeoutMs: number): Promise<number | null> {
    this.check();
    return this.entry.transport.portStatus ? this.entry.transport.portStatus(timeoutMs) : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (--this.entry.refs > 0) return;
    if (shared.get(this.key) === this.entry) shared.delete(this.key);
    await this.entry.transport.close();
  }
}

function createTransport(p: Exclude<PrinterSpec, { kind: 'file' }>, opts: TransportOptions): PrinterTransport {
  switch (p.kind) {
    case 'serial':
      return new SerialTransport(p, opts);
    case 'tcp':
      return new TcpTransport(p, opts);
    case 'usb':
      return new UsbTransport(p, opts);
  }
}

function fault(name: string, what: string, cause?: unknown, advice?: string): AppError {
  const why = cause instanceof Error ? `: ${cause.message.replace(/^Error: /, '')}` : '';
  return new AppError('printer-fault', `${name}: ${what}${why}${advice ? `. ${advice}` : ''}`, { field: 'printer', cause });
}

function timeoutAfter<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Serial and TCP share the byte protocol: a duplex stream, writes in order, status bytes back. */
abstract class StreamTransport implements PrinterTransport {
  abstract readonly spec: PrinterSpec;
  abstract readonly name: string;
  protected stream: (SerialPort | Socket) | null = null;
  private rx: number[] = [];
  private rxWaiter: (() => void) | null = null;
  /** One operation at a time, so a status request never lands inside a job's bytes. */
  private queue: Promise<unknown> = Promise.resolve();
  protected readonly writeTimeoutMs: number;
  protected readonly openTimeoutMs: number;

  constructor(opts: TransportOptions) {
    this.writeTimeoutMs = opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.openTimeoutMs = opts.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  }

  protected abstract connect(): Promise<SerialPort | Socket>;
  /** Waits until written bytes have left this machine's buffers, where the platform can tell. */
  protected abstract flushOut(s: SerialPort | Socket): Promise<void>;

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureOpen(): Promise<SerialPort | Socket> {
    if (this.stream && !this.stream.destroyed) return this.stream;
    const s = await this.connect();
    s.on('data', (d: Buffer) => {
      for (const x of d) this.rx.push(x);
      // Printers with automatic status back talk unasked; keep only what a status read could need.
      if (this.rx.length > 1024) this.rx.splice(0, this.rx.length - 1024);
      this.rxWaiter?.();
    });
    // Errors surface through the pending write/status; this only keeps them from crashing the process.
    s.on('error', () => this.drop(s));
    s.on('close', () => this.drop(s));
    this.stream = s;
    return s;
  }

  private drop(s: SerialPort | Socket): void {
    if (this.stream === s) this.stream = null;
    this.rxWaiter?.();
  }

  /** Time the line itself needs for this many bytes; 0 where the link is not the bottleneck. */
  protected lineTimeMs(_bytes: number): number {
    return 0;
  }

  write(bytes: Buffer, opts: WriteOptions = {}): Promise<void> {
    // A raster-heavy page takes seconds at 38400 baud; the timeout must not count that as a fault.
    const lineMs = this.lineTimeMs(bytes.length);
    const base = opts.defaultTimeoutMs ?? this.writeTimeoutMs;
    const timeoutMs = opts.timeoutMs ?? (lineMs > 0 ? Math.max(base, 2 * lineMs + 5_000) : base);
    return this.serial(async () => {
      const s = await this.ensureOpen();
      const sent = (async () => {
        await new Promise<void>((resolve, reject) => {
          s.write(bytes, (err) => (err ? reject(err) : resolve()));
        });
        await this.flushOut(s);
      })();
      // A port that vanishes may report it only as 'close'/'error', never through the write callback.
      let onGone: ((err?: Error) => void) | undefined;
      const gone = new Promise<never>((_, reject) => {
        onGone = (err?: Error) => reject(err instanceof Error ? err : new Error('the port closed during the job'));
        s.once('close', onGone);
        s.once('error', onGone);
      });
      gone.catch(() => undefined); // only ever observed through the race below
      try {
        await timeoutAfter(Promise.race([sent, gone]), timeoutMs, () => fault(this.name, `the printer did not take the job within ${timeoutMs} ms (off, busy, cover open or out of paper?)`));
      } catch (e) {
        // A half-sent job leaves the port in an unknown state: start clean next time.
        this.destroy(s);
        sent.catch(() => undefined);
        if (e instanceof AppError) throw e;
        throw fault(this.name, 'write failed (unplugged or port closed?)', e);
      } finally {
        s.off('close', onGone!);
        s.off('error', onGone!);
      }
    });
  }

  status(timeoutMs: number): Promise<PrinterStatus> {
    return this.serial(async () => {
      let s: SerialPort | Socket;
      try {
        s = await timeoutAfter(this.ensureOpen(), timeoutMs, () => new Error(`not open after ${timeoutMs} ms`));
      } catch (e) {
        return { state: 'unreachable', coverOpen: false, paper: 'unknown', error: null, summary: e instanceof AppError ? e.message : `${this.name}: ${(e as Error).message}`, raw: [] };
      }
      const deadline = Date.now() + timeoutMs;
      this.rx = []; // stale bytes (an answer that came too late last time) would be misread
      const raw: number[] = [];
      for (const n of [1, 2, 3, 4] as const) {
        s.write(statusRequest(n));
        const b = await this.readStatusByte(deadline);
        if (b === undefined) break;
        raw.push(b);
      }
      if (raw.length === 0) return noAnswerStatus(timeoutMs);
      return parseStatusBytes(raw);
    });
  }

  query(request: Buffer, complete: (rx: Buffer) => boolean, timeoutMs: number): Promise<Buffer> {
    return this.serial(async () => {
      const s = await timeoutAfter(this.ensureOpen(), timeoutMs, () => fault(this.name, `not open after ${timeoutMs} ms`));
      const deadline = Date.now() + timeoutMs;
      this.rx = [];
      s.write(request);
      for (;;) {
        const got = Buffer.from(this.rx);
        if (complete(got)) return got;
        const left = deadline - Date.now();
        if (left <= 0 || !this.stream) return got;
        await this.waitForBytes(left);
      }
    });
  }

  private waitForBytes(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.rxWaiter = null;
        resolve();
      }, ms);
      this.rxWaiter = () => {
        clearTimeout(t);
        this.rxWaiter = null;
        resolve();
      };
    });
  }

  private async readStatusByte(deadline: number): Promise<number | undefined> {
    for (;;) {
      while (this.rx.length) {
        const b = this.rx.shift()!;
        if (isStatusByte(b)) return b;
      }
      const left = deadline - Date.now();
      if (left <= 0 || !this.stream) return undefined;
      await this.waitForBytes(left);
    }
  }

  protected destroy(s: SerialPort | Socket): void {
    this.drop(s);
    if (s instanceof SerialPort) {
      if (s.isOpen) s.close(() => undefined);
      else s.destroy();
    } else s.destroy();
  }

  close(): Promise<void> {
    return this.serial(async () => {
      const s = this.stream;
      this.stream = null;
      if (!s || s.destroyed) return;
      if (s instanceof SerialPort) {
        await new Promise<void>((resolve) => (s.isOpen ? s.close(() => resolve()) : resolve()));
      } else {
        await new Promise<void>((resolve) => {
          s.once('close', () => resolve());
          s.end();
          setTimeout(() => s.destroy(), 1000).unref();
        });
      }
    });
  }
}

class SerialTransport extends StreamTransport {
  readonly name: string;
  constructor(
    readonly spec: Extract<PrinterSpec, { kind: 'serial' }>,
    opts: TransportOptions,
  ) {
    super(opts);
    this.name = describePrinter(spec);
  }

  protected async connect(): Promise<SerialPort> {
    const port = new SerialPort({ path: this.spec.path, baudRate: this.spec.baudRate, rtscts: this.spec.flow === 'rtscts', autoOpen: false });
    try {
      await timeoutAfter(
        new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve()))),
        this.openTimeoutMs,
        () => new Error(`did not open within ${this.openTimeoutMs} ms`),
      );
    } catch (e) {
      if (port.isOpen) port.close(() => undefined);
      throw fault(this.name, 'cannot open the port (is the printer plugged in and the path right?)', e);
    }
    return port;
  }

  protected flushOut(s: SerialPort | Socket): Promise<void> {
    return new Promise((resolve, reject) => (s as SerialPort).drain((e) => (e ? reject(e) : resolve())));
  }

  /** 10 bits a byte on the wire (start, 8 data, stop). */
  protected override lineTimeMs(bytes: number): number {
    return Math.ceil((bytes * 10 * 1000) / this.spec.baudRate);
  }
}

class TcpTransport extends StreamTransport {
  readonly name: string;
  constructor(
    readonly spec: Extract<PrinterSpec, { kind: 'tcp' }>,
    opts: TransportOptions,
  ) {
    super(opts);
    this.name = describePrinter(spec);
  }

  protected async connect(): Promise<Socket> {
    const sock = netConnect({ host: this.spec.host, port: this.spec.port });
    sock.setNoDelay(true);
    try {
      await timeoutAfter(
        new Promise<void>((resolve, reject) => {
          sock.once('connect', () => resolve());
          sock.once('error', reject);
        }),
        this.openTimeoutMs,
        () => new Error(`no connection within ${this.openTimeoutMs} ms`),
      );
    } catch (e) {
      sock.destroy();
      throw fault(this.name, 'cannot connect (is the printer on and the address right?)', e);
    }
    return sock;
  }

  protected async flushOut(): Promise<void> {
    // The write callback already means the kernel took the bytes; TCP gives no later signal.
  }
}

/** file:DIR — each job becomes one file, written to a temp name and renamed so readers never see half a job. */
class FileTransport implements PrinterTransport {
  readonly name: string;
  constructor(
    readonly spec: Extract<PrinterSpec, { kind: 'file' }>,
    _opts: TransportOptions,
  ) {
    this.name = describePrinter(spec);
  }

  async write(bytes: Buffer, opts: WriteOptions = {}): Promise<void> {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
    const jobId = (opts.jobId ?? randomUUID()).replace(/[^A-Za-z0-9_.-]/g, '_');
    const final = join(this.spec.dir, `${stamp}-${jobId}.bin`);
    const tmp = join(this.spec.dir, `.${stamp}-${jobId}.bin.tmp`);
    try {
      // The folder is the printer: a fresh data folder's file printer works on its first job.
      await fsp.mkdir(this.spec.dir, { recursive: true });
      await fsp.writeFile(tmp, bytes, { flag: 'wx' });
      await fsp.rename(tmp, final);
    } catch (e) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw fault(this.name, 'cannot write the job file', e);
    }
  }

  async status(): Promise<PrinterStatus> {
    try {
      await fsp.mkdir(this.spec.dir, { recursive: true });
      const st = await fsp.stat(this.spec.dir);
      if (!st.isDirectory()) throw new Error('not a folder');
      await fsp.access(this.spec.dir, fsc.W_OK);
      return { state: 'online', coverOpen: false, paper: 'ok', error: null, summary: 'online', raw: [] };
    } catch (e) {
      return { state: 'unreachable', coverOpen: false, paper: 'unknown', error: null, summary: `${this.name} is not a writable folder: ${(e as Error).message}`, raw: [] };
    }
  }

  /** A folder never answers. */
  async query(): Promise<Buffer> {
    return Buffer.alloc(0);
  }

  async close(): Promise<void> {}
}

/** Advice when direct USB cannot work on this machine. */
const USB_ALTERNATIVES =
  "Alternatively install the printer maker's virtual COM port driver and use serial:/dev/ttyUSB0 (Linux) or serial:COM3 (Windows), or connect the printer by LAN and use tcp:HOST:9100.";

/**
 * usb:VID:PID through node-escpos's USB adapter (with `usb` pinned to 2.x in package.json
 * overrides: the adapter breaks with usb@3). The native module is loaded only when a USB printer
 * is used, so a machine without it can still print over serial, TCP or file.
 */
class UsbTransport implements PrinterTransport {
  readonly name: string;
  private adapter: USBAdapterType | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly writeTimeoutMs: number;
  private readonly openTimeoutMs: number;

  constructor(
    readonly spec: Extract<PrinterSpec, { kind: 'usb' }>,
    opts: TransportOptions,
  ) {
    this.name = describePrinter(spec);
    this.writeTimeoutMs = opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.openTimeoutMs = opts.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureOpen(): Promise<USBAdapterType> {
    if (this.adapter?.device && this.adapter.endpoint) return this.adapter;
    let USBAdapter: typeof USBAdapterType;
    try {
      USBAdapter = (await import('@node-escpos/usb-adapter')).default;
    } catch (e) {
      throw fault(this.name, 'USB support is not available on this machine', e, USB_ALTERNATIVES);
    }
    let adapter: USBAdapterType;
    try {
      adapter = new USBAdapter(this.spec.vendorId, this.spec.productId);
    } catch (e) {
      throw fault(this.name, 'not found (plugged in and switched on? On Linux the user also needs access to the device through a udev rule)', e, USB_ALTERNATIVES);
    }
    try {
      await timeoutAfter(
        new Promise<void>((resolve, reject) => adapter.open((err) => (err ? reject(err) : resolve()))),
        this.openTimeoutMs,
        () => new Error(`did not open within ${this.openTimeoutMs} ms`),
      );
    } catch (e) {
      adapter.close(() => undefined);
      throw fault(this.name, 'cannot open the device (another driver may hold it)', e, USB_ALTERNATIVES);
    }
    adapter.on('disconnect', () => {
      if (this.adapter === adapter) this.adapter = null;
    });
    this.adapter = adapter;
    return adapter;
  }

  private transferOut(adapter: USBAdapterType, bytes: Buffer, timeoutMs: number): Promise<void> {
    const ep = adapter.endpoint;
    if (!ep) return Promise.reject(new Error('the printer has no output endpoint'));
    ep.timeout = timeoutMs;
    return new Promise((resolve, reject) => ep.transfer(bytes, (err) => (err ? reject(err) : resolve())));
  }

  write(bytes: Buffer, opts: WriteOptions = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? opts.defaultTimeoutMs ?? this.writeTimeoutMs;
    return this.serial(async () => {
      const adapter = await this.ensureOpen();
      try {
        await timeoutAfter(this.transferOut(adapter, bytes, timeoutMs), timeoutMs + 500, () => fault(this.name, `the printer did not take the job within ${timeoutMs} ms (off, busy, cover open or out of paper?)`));
      } catch (e) {
        this.drop();
        if (e instanceof AppError) throw e;
        throw fault(this.name, 'write failed (unplugged?)', e);
      }
    });
  }

  status(timeoutMs: number): Promise<PrinterStatus> {
    return this.serial(async () => {
      let adapter: USBAdapterType;
      try {
        adapter = await this.ensureOpen();
      } catch (e) {
        return { state: 'unreachable', coverOpen: false, paper: 'unknown', error: null, summary: (e as Error).message, raw: [] };
      }
      const inEp = adapter.deviceToPcEndpoint;
      if (!inEp) return noAnswerStatus(timeoutMs);
      const deadline = Date.now() + timeoutMs;
      const raw: number[] = [];
      for (const n of [1, 2, 3, 4] as const) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        try {
          await this.transferOut(adapter, statusRequest(n), left);
          inEp.timeout = Math.max(1, deadline - Date.now());
          const data = await new Promise<Buffer | undefined>((resolve, reject) => inEp.transfer(64, (err, d) => (err ? reject(err) : resolve(d))));
          const b = data ? [...data].reverse().find(isStatusByte) : undefined;
          if (b === undefined) break;
          raw.push(b);
        } catch {
          break;
        }
      }
      return raw.length ? parseStatusBytes(raw) : noAnswerStatus(timeoutMs);
    });
  }

  query(request: Buffer, complete: (rx: Buffer) => boolean, timeoutMs: number): Promise<Buffer> {
    return this.serial(async () => {
      const adapter = await this.ensureOpen();
      const inEp = adapter.deviceToPcEndpoint;
      if (!inEp) return Buffer.alloc(0);
      const deadline = Date.now() + timeoutMs;
      await this.transferOut(adapter, request, timeoutMs);
      let got = Buffer.alloc(0);
      while (!complete(got) && Date.now() < deadline) {
        inEp.timeout = Math.max(1, deadline - Date.now());
        try {
          const data = await new Promise<Buffer | undefined>((resolve, reject) => inEp.transfer(512, (err, d) => (err ? reject(err) : resolve(d))));
          if (data?.length) got = Buffer.concat([got, data]);
        } catch {
          break; // timed out: what came is the answer
        }
      }
      return got;
    });
  }

  /**
   * USB printer class GET_PORT_STATUS (bRequest 1): the parallel-port lines every USB printer
   * reports, also printers that answer nothing else. Null when the device does not answer it.
   */
  portStatus(timeoutMs: number): Promise<number | null> {
    return this.serial(async () => {
      const adapter = await this.ensureOpen();
      const dev = adapter.device;
      if (!dev) return null;
      const iface = dev.interfaces?.find((i) => i.descriptor.bInterfaceClass === 7)?.descriptor.bInterfaceNumber ?? 0;
      dev.timeout = timeoutMs;
      try {
        const data = await new Promise<Buffer | number | undefined>((resolve, reject) => dev.controlTransfer(0xa1, 1, 0, iface, 1, (err, d) => (err ? reject(err) : resolve(d))));
        return Buffer.isBuffer(data) && data.length ? data[0]! : null;
      } catch {
        return null;
      }
    });
  }

  private drop(): void {
    const a = this.adapter;
    this.adapter = null;
    try {
      a?.close(() => undefined);
    } catch {
      // already gone with the device
    }
  }

  close(): Promise<void> {
    return this.serial(async () => this.drop());
  }
}
