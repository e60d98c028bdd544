/**
 * `npm run bench`: every benchmark of the product, measured here, printed as figures.
 * `npm run bench -- tickets guidance` runs only those.
 */
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
  let failed = 0;
  for (const s of suites) {
    if (only.length && !only.includes(s.name)) continue;
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
