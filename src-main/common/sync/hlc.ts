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

const DOT = 46;
const ZERO = 48;

/**
 * decodeHlc's wall clock and logical counter written into `out`, without a regex or an object per
 * value (an ingest reads one per event); decodeHlc's error for anything it would refuse.
 */
export function decodeHlcInto(s: string, out: Hlc): void {
  let wall = 0;
  let logical = 0;
  let ok = s.length > WALL_DIGITS + LOGICAL_DIGITS + 2 && s.charCodeAt(WALL_DIGITS) === DOT && s.charCodeAt(WALL_DIGITS + LOGICAL_DIGITS + 1) === DOT;
  for (let i = 0; ok && i < WALL_DIGITS; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) ok = false;
    wall = wall * 10 + d;
  }
  for (let i = WALL_DIGITS + 1; ok && i < WALL_DIGITS + 1 + LOGICAL_DIGITS; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) ok = false;
    logical = logical * 10 + d;
  }
  if (!ok) {
    // The regex decides (and names the value): a line break in the origin part is all it refuses more.
    const h = decodeHlc(s);
    wall = h.wall;
    logical = h.logical;
  } else {
    // `.+` refuses line terminators in the origin; so must this.
    for (let i = WALL_DIGITS + LOGICAL_DIGITS + 2; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
        decodeHlc(s);
        break;
      }
    }
  }
  out.wall = wall;
  out.logical = logical;
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

/**
 * receive() with the local clock `last` changed in place (an ingest merges one remote clock per
 * event, issue 15); true when the remote clock was too far ahead to adopt. The same rule written
 * without objects: hlc.test.ts compares both on runs of clocks.
 */
export function receiveInto(last: Hlc, remote: Hlc, now: number, maxDriftMs: number): boolean {
  if (remote.wall - now > maxDriftMs) {
    if (now > last.wall) {
      last.wall = now;
      last.logical = 0;
    } else last.logical++;
    return true;
  }
  const wall = Math.max(last.wall, remote.wall, now);
  let logical: number;
  if (wall === last.wall && wall === remote.wall) logical = Math.max(last.logical, remote.logical) + 1;
  else if (wall === last.wall) logical = last.logical + 1;
  else if (wall === remote.wall) logical = remote.logical + 1;
  else logical = 0;
  last.wall = wall;
  last.logical = logical;
  return false;
}
