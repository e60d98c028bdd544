import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { timeOrderedUuid } from './timeOrderedUuid';

function seeded(seed: number): (b: Uint8Array) => void {
  let s = seed >>> 0;
  return (b) => {
    for (let i = 0; i < b.length; i++) {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
      b[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
    }
  };
}

describe('timeOrderedUuid', () => {
  const seed = Number(process.env.MADOGUCHI_SEED ?? 20261203);
  it(`is a version-7 UUID whose text sorts by time and whose first 48 bits are the milliseconds (seed ${seed})`, () => {
    const rnd = seeded(seed);
    const start = Date.UTC(2026, 3, 1, 8, 30);
    let prev = '';
    for (let i = 0; i < 2000; i++) {
      const ms = start + i * 997;
      const id = timeOrderedUuid(ms, rnd);
      expect(z.string().uuid().safeParse(id).success).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]!);
      expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
      expect(id > prev).toBe(true);
      prev = id;
    }
  });
  it('differs within one millisecond (random bits)', () => {
    const rnd = seeded(seed + 1);
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(1_800_000_000_000, rnd)));
    expect(ids.size).toBe(1000);
  });
});
