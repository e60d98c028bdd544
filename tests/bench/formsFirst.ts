/**
 * The first 8-form render of a fresh process, for forms.bench.ts: what a clerk waits for at the
 * first print after startup, with or without the startup warm-up the app does (forms/warm.ts).
 *
 *   node --import tsx tests/bench/formsFirst.ts warm|cold
 *
 * Prints one JSON line: { warmMs, firstMs }.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { formTemplates, renderHouseholdForms } from '../../src-main/node/forms/service';
import { warmFormRenderer } from '../../src-main/node/forms/warm';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { Residents } from '../../src-main/node/residents/residents';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { DEMO_CSV } from '../integration/residents-support';
import { tempDir } from '../support/tmp';

async function main(): Promise<void> {
  const warm = process.argv[2] === 'warm';
  const { dir, cleanup } = tempDir('madoguchi-bench-forms-first-');
  ensureDemoSetup(dir);
  const t = openTerminal(dir);
  try {
    const res = new Residents(t.store, t.config);
    const who = cliReader(t.config);
    res.import(readFileSync(DEMO_CSV, 'utf8'), 'demo-residents.csv', who);
    const templates = formTemplates();
    const warmMs = warm ? await warmFormRenderer(templates.values(), { cityName: t.config.cityName, today: '2026-11-26' }) : 0;
    const c0 = performance.now();
    await renderHouseholdForms(res, who, { householdId: '200000001', formIds: [...templates.keys()], purpose: 'bench', action: 'preview' });
    process.stdout.write(`${JSON.stringify({ warmMs, firstMs: performance.now() - c0 })}\n`);
  } finally {
    t.close();
    cleanup();
  }
}

void main();
