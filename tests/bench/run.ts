/**
 * `npm run bench`: every benchmark of the product, measured here, printed as figures.
 * `npm run bench -- tickets guidance` runs only those.
 *
 * Each suite runs in a Node process of its own, as the product's processes are: a suite measured
 * in the heap another one left behind measures that leftover too. In one process, the 50,000-event
 * catch-up measured after the forms suite (its fonts, templates and 8-form sets: about 140 MB of
 * heap) took 1.00–1.26 s against 0.88–0.92 s alone (2026-12-04): its scavenges cost 101 ms
 * against 60 ms. `--one-process` runs them all in this process, as before; so does
 * MADOGUCHI_BENCH_IN_PROCESS=1 (for a profiler: `node --cpu-prof --import tsx tests/bench/run.ts sync`
 * with it set profiles the suite itself).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Bench = () => Promise<Record<string, number | string>>;

const suites: Array<{ name: string; file: string; fn: string }> = [
  { name: 'tickets', file: 'tickets.bench.ts', fn: 'benchTickets' },
  { name: 'guidance', file: 'guidance.bench.ts', fn: 'benchGuidance' },
  { name: 'queue', file: 'queue.bench.ts', fn: 'benchQueue' },
  { name: 'forms', file: 'forms.bench.ts', fn: 'benchForms' },
  { name: 'sync', file: 'sync.bench.ts', fn: 'benchSync' },
  { name: 'reports', file: 'reports.bench.ts', fn: 'benchReports' },
  { name: 'guide-site', file: 'guideSite.bench.ts', fn: 'benchGuideSite' },
  { name: 'wait', file: 'wait.bench.ts', fn: 'benchWait' },
  { name: 'saas', file: 'saas.bench.ts', fn: 'benchSaas' },
  { name: 'memory', file: 'memory.bench.ts', fn: 'benchMemory' },
];

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = only.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`bench: no suite named ${unknown.join(', ')}; the suites are ${suites.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const inProcess = process.argv.includes('--one-process') || process.env.MADOGUCHI_BENCH_IN_PROCESS === '1';
  let failed = 0;
  for (const s of suites) {
    if (only.length && !only.includes(s.name)) continue;
    if (!inProcess) {
      // The same Node, flags and loader (tsx) as this process, for this suite alone.
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, s.name], { stdio: 'inherit', env: { ...process.env, MADOGUCHI_BENCH_IN_PROCESS: '1' } });
      if (child.status !== 0) {
        failed++;
        if (child.status === null) console.log(`  FAILED: the ${s.name} suite's process ended by ${child.signal ?? child.error?.message ?? 'an unknown cause'}`);
      }
      continue;
    }
    const file = join(__dirname, s.file);
    if (!existsSync(file)) {
      console.log(`\n## ${s.name}: not present (${s.file})`);
      continue;
    }
    console.log(`\n## ${s.name}`);
    const started = Date.now();
    try {
      const mod = (await import(file)) as Record<string, Bench>;
      const fn = mod[s.fn];
      if (!fn) throw new Error(`${s.file} does not export ${s.fn}()`);
      const figures = await fn();
      for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(44)} ${typeof v === 'number' ? formatNumber(v) : v}`);
      console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`  FAILED: ${(e as Error)?.stack ?? String(e)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3);
}

void main();
