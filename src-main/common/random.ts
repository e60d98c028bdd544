/** A seeded source of numbers in [0, 1): the same seed gives the same sequence. */
export type Rng = () => number;

/** Small, fast, well-mixed 32-bit generator (mulberry32); enough for test data and sampling, not for secrets. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
