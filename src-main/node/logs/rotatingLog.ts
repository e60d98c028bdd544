import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RotatingLogOptions {
  /** Folder of the log files, usually `<data>/logs`. */
  dir: string;
  /** File stem: `<name>.log`, rotated to `<name>.1.log` … `<name>.<keep>.log`. */
  name?: string;
  /** Size at which the current file is rotated (default 5 MB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 5). */
  keep?: number;
  clock?: () => number;
}

/**
 * A size-rotated log in the data folder. Writes are synchronous on purpose: the line written just
 * before a crash is the one IT needs, and a terminal logs a few lines a minute at most.
 */
export class RotatingLog {
  readonly dir: string;
  readonly name: string;
  readonly maxBytes: number;
  readonly keep: number;
  private readonly clock: () => number;
  private fd: number | null = null;
  private size = 0;

  constructor(opts: RotatingLogOptions) {
    this.dir = opts.dir;
    this.name = opts.name ?? 'madoguchi';
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.keep = opts.keep ?? 5;
    this.clock = opts.clock ?? Date.now;
    if (this.keep < 1) throw new Error('RotatingLog: keep must be at least 1');
  }

  get file(): string {
    return join(this.dir, `${this.name}.log`);
  }

  rotatedFile(n: number): string {
    return join(this.dir, `${this.name}.${n}.log`);
  }

  debug(msg: string, extra?: unknown): void {
    this.write('debug', msg, extra);
  }
  info(msg: string, extra?: unknown): void {
    this.write('info', msg, extra);
  }
  warn(msg: string, extra?: unknown): void {
    this.write('warn', msg, extra);
  }
  error(msg: string, extra?: unknown): void {
    this.write('error', msg, extra);
  }

  write(level: LogLevel, msg: string, extra?: unknown): void {
    const tail = extra === undefined ? '' : ` ${formatExtra(extra)}`;
    // One line per entry, so `grep` and `tail -f` work: newlines inside a message are escaped.
    const line = `${new Date(this.clock()).toISOString()} ${level.toUpperCase().padEnd(5)} ${(msg + tail).replace(/\r?\n/g, '\\n')}\n`;
    const bytes = Buffer.from(line, 'utf8');
    this.open();
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) {
      this.rotate();
      this.open();
    }
    writeSync(this.fd!, bytes);
    this.size += bytes.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    if (this.fd !== null) return;
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(this.file, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const oldest = this.rotatedFile(this.keep);
    if (existsSync(oldest)) rmSync(oldest);
    for (let n = this.keep - 1; n >= 1; n--) {
      if (existsSync(this.rotatedFile(n))) renameSync(this.rotatedFile(n), this.rotatedFile(n + 1));
    }
    renameSync(this.file, this.rotatedFile(1));
  }
}

function formatExtra(extra: unknown): string {
  if (extra instanceof Error) return extra.stack ?? `${extra.name}: ${extra.message}`;
  if (typeof extra === 'string') return extra;
  try {
    return JSON.stringify(extra);
  } catch {
    return String(extra);
  }
}
