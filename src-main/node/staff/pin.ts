import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors';

/**
 * PINs are short, so the hash must be slow: scrypt with N=2^15 costs ~50–100 ms per try on a
 * counter PC, which with the lock-out makes guessing a 4–8 digit PIN impractical.
 */
export const KDF = { name: 'scrypt', N: 1 << 15, r: 8, p: 1, keyLen: 32 } as const;
export const KDF_LABEL = `scrypt:N=${KDF.N},r=${KDF.r},p=${KDF.p},len=${KDF.keyLen}`;

export function checkPin(pin: string, field = 'pin'): void {
  if (!/^\d{4,8}$/.test(pin)) throw new AppError('bad-input', 'the PIN must be 4 to 8 digits', { field });
}

function parseLabel(label: string): { N: number; r: number; p: number; keyLen: number } {
  const m = /^scrypt:N=(\d+),r=(\d+),p=(\d+),len=(\d+)$/.exec(label);
  if (!m) throw new AppError('internal', `unknown PIN hash scheme "${label}"`);
  return { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), keyLen: Number(m[4]) };
}

function derive(pin: string, salt: Buffer, label: string): Buffer {
  const k = parseLabel(label);
  return scryptSync(pin.normalize('NFKC'), salt, k.keyLen, { N: k.N, r: k.r, p: k.p, maxmem: 256 * k.N * k.r });
}

export function hashPin(pin: string): { salt: Buffer; hash: Buffer; kdf: string } {
  checkPin(pin);
  const salt = randomBytes(16);
  return { salt, hash: derive(pin, salt, KDF_LABEL), kdf: KDF_LABEL };
}

export function verifyPin(pin: string, salt: Buffer, hash: Buffer, kdf: string): boolean {
  const got = derive(pin, salt, kdf);
  return got.length === hash.length && timingSafeEqual(got, hash);
}

/**
 * PIN checks off the event loop: node's async scrypt runs in libuv's thread pool. At most
 * `MAX_PARALLEL` run at once (the pool has four threads, which file reads share); the others wait
 * in line here, so thirty bogus sign-ins queue behind each other instead of freezing the host.
 */
const MAX_PARALLEL = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function deriveAsync(pin: string, salt: Buffer, label: string): Promise<Buffer> {
  const k = parseLabel(label);
  return new Promise((ok, fail) => scrypt(pin.normalize('NFKC'), salt, k.keyLen, { N: k.N, r: k.r, p: k.p, maxmem: 256 * k.N * k.r }, (e, key) => (e ? fail(e) : ok(key))));
}

export async function verifyPinAsync(pin: string, salt: Buffer, hash: Buffer, kdf: string): Promise<boolean> {
  const got = await slot(() => deriveAsync(pin, salt, kdf));
  return got.length === hash.length && timingSafeEqual(got, hash);
}

/** PIN checks waiting for a slot (for tests and diagnostics). */
export function pinChecksWaiting(): number {
  return waiting.length;
}
