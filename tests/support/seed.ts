/**
 * The seed of a randomised test: printed, and replayable. `FC_SEED=<n>` (or `MADOGUCHI_SEED=<n>`)
 * replays a red CI run exactly; without it each run draws a fresh seed and prints it.
 */
export function testSeed(name: string): number {
  const env = process.env.FC_SEED ?? process.env.MADOGUCHI_SEED;
  let seed: number;
  if (env !== undefined && env !== '') {
    seed = Number(env);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be a whole number, got "${env}"`);
  } else seed = (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
  console.log(`[seed] ${name}: ${seed} (replay: FC_SEED=${seed} npx vitest run <this test file>)`);
  return seed;
}
