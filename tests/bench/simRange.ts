/**
 * Builds part of the benchmark's simulated year into a folder, by the same path as
 * `npm run bench -- reports` (generateYear: worker threads, days loaded in order), with the year's
 * visitors per business day, and prints its wall and CPU time (every thread of the process). For
 * A/B runs of the year build on a shared machine, where a month says as much as the year:
 *   npx tsx tests/bench/simRange.ts 2025-06-01 2025-06-30 /tmp/sim-month
 * The folder is emptied first.
 */
import { readFileSync, rmSync } from 'node:fs';
import { generateYear } from '../../src-main/node/simulate/year';
import { openDays } from '../../src-main/node/simulate/calendar';

const [from, to, dir] = process.argv.slice(2);
if (!from || !to || !dir) {
  console.error('usage: npx tsx tests/bench/simRange.ts <from YYYY-MM-DD> <to YYYY-MM-DD> <folder>');
  process.exit(2);
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
// The year's 252,000 visitors over its 244 business days, shared the same way over this range.
const visitors = Math.round((252_000 * openDays(from, to).length) / openDays('2025-04-01', '2026-03-31').length);
rmSync(dir, { recursive: true, force: true });
const load = loadavg();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
void generateYear(dir, { from, to, visitors }).then((g) => {
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${g.days} days, ${g.visits} visits, ${g.events} events: wall ${((performance.now() - t0) / 1000).toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (load ${load} → ${loadavg()})`,
  );
});
