/**
 * Hybrid logical clock (Kulkarni et al.). Events are ordered by (wall ms, logical counter, origin),
 * so terminals whose clocks differ still agree on one order, and a causally later event always
 * sorts after what it saw. Encoded as a fixed-width string so SQLite can index and compare it.
 */
export interface Hlc {
  wall: number;
  logical: number;
}

const WALL_DIGITS = 15;
const LOGICAL_DIGITS = 6;

export function encodeHlc(h: Hlc, origin: string): string {
  return `${String(h.wall).padStart(WALL_DIGITS, '0')}.${String(h.logical).padStart(LOGICAL_DIGITS, '0')}.${origin}`;
}

export function decodeHlc(s: string): Hlc & { origin: string } {
  const m = /^(\d{15})\.(\d{6})\.(.+)$/.exec(s);
  if (!m) throw new Error(`not a hybrid logical clock value: "${s}"`);
  return { wall: Number(m[1]), logical: Number(m[2]), origin: m[3]! };
}

export function isHlc(s: unknown): s is string {
  return typeof s === 'string' && /^\d{15}\.\d{6}\..+$/.test(s);
}

/** Next timestamp for a local event. */
export function tick(last: Hlc, now: number): Hlc {
  if (now > last.wall) return { wall: now, logical: 0 };
  return { wall: last.wall, logical: last.logical + 1 };
}

/**
 * Merge a remote timestamp. A remote clock more than `maxDriftMs` ahead is not adopted (it would
 * drag every later local event into the future); the caller flags that terminal instead.
 */
export function receive(last: Hlc, remote: Hlc, now: number, maxDriftMs: number): { hlc: Hlc; skewed: boolean } {
  if (remote.wall - now > maxDriftMs) return { hlc: tick(last, now), skewed: true };
  const wall = Math.max(last.wall, remote.wall, now);
  let logical: number;
  if (wall === last.wall && wall === remote.wall) logical = Math.max(last.logical, remote.logical) + 1;
  else if (wall === last.wall) logical = last.logical + 1;
  else if (wall === remote.wall) logical = remote.logical + 1;
  else logical = 0;
  return { hlc: { wall, logical }, skewed: false };
}
