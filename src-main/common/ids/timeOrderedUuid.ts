/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of milliseconds, then random bits. Visit ids
 * made this way sort roughly by when the visit was issued, so the visits table and the log's
 * per-visit index grow at their right edge instead of at random pages: a year's catch-up keeps
 * touching the same few pages (index locality), where random version-4 ids spread every insert
 * over the whole tree. It is still a UUID wherever one is checked.
 *
 * `random` fills a byte array (crypto.getRandomValues in production; seeded in simulations).
 */
export function timeOrderedUuid(ms: number, random: (bytes: Uint8Array) => void): string {
  const b = new Uint8Array(16);
  random(b);
  const t = Math.max(0, Math.min(Math.floor(ms), 2 ** 48 - 1));
  const hi = Math.floor(t / 2 ** 16);
  b[0] = (hi >>> 24) & 0xff;
  b[1] = (hi >>> 16) & 0xff;
  b[2] = (hi >>> 8) & 0xff;
  b[3] = hi & 0xff;
  b[4] = (t >>> 8) & 0xff;
  b[5] = t & 0xff;
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  let hex = '';
  for (let i = 0; i < 16; i++) hex += b[i]!.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
