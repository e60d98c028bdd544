/**
 * Errors that cross a boundary (IPC, HTTP, CLI, sync) travel as data: a stable code, a message a
 * person can act on, and the field at fault when there is one.
 */
export type ErrorCode =
  | 'bad-input'
  | 'bad-config'
  | 'bad-facts'
  | 'bad-catalog'
  | 'not-found'
  | 'forbidden'
  | 'unauthenticated'
  | 'locked-out'
  | 'conflict'
  | 'range-exhausted'
  | 'printer-fault'
  | 'database-too-new'
  | 'disk-full'
  | 'unavailable'
  | 'internal';

export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Dotted path of the field at fault, e.g. `members[1].birthDate` or `stations[2].range`. */
  field?: string;
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  toData(): ErrorData {
    const data: ErrorData = { code: this.code, message: this.message };
    if (this.field !== undefined) data.field = this.field;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }
}

/** Anything thrown becomes data; unknown errors lose their stack so the UI never shows internals. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof AppError) return err.toData();
  if (isErrorData(err)) return err;
  return { code: 'internal', message: 'Internal error. The details are in the terminal log.' };
}

export function isErrorData(v: unknown): v is ErrorData {
  return typeof v === 'object' && v !== null && typeof (v as ErrorData).code === 'string' && typeof (v as ErrorData).message === 'string';
}

/** Format zod-like issue paths as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
