import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors';

/**
 * A published snapshot is signed with the publish key (HMAC-SHA256) over `<timestamp>.<body>`, so
 * a relay accepts only what the sync service sent, and the timestamp (checked against the relay's
 * clock and the last one accepted) stops an old snapshot from being sent again.
 */
export const SIGNATURE_HEADER = 'x-madoguchi-signature';
export const TIMESTAMP_HEADER = 'x-madoguchi-timestamp';

export function signSnapshot(key: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function verifySignature(key: string, timestamp: number, body: string, signature: string | undefined): boolean {
  if (!signature || !/^v1=[0-9a-f]{64}$/.test(signature)) return false;
  const want = Buffer.from(signSnapshot(key, timestamp, body), 'utf8');
  const got = Buffer.from(signature, 'utf8');
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A publish key: long enough to resist guessing, printable so it fits a command line. */
export function checkPublishKey(key: string | undefined, field: string): string {
  if (!key || key.length < 16 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError('bad-input', `--${field}: the publish key must be at least 16 printable characters (no spaces)`, { field });
  }
  return key;
}
