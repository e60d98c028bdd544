import { performance } from 'node:perf_hooks';
import { generateHousehold, mulberry32 } from '../../src-main/common/guidance/generate';
import { guide, visitRoute } from '../../src-main/common/guidance/guide';
import { questionsFor } from '../../src-main/common/questions';
import { loadCatalog } from '../../src-main/node/catalog/load';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Guidance-list time per household (validate facts + evaluate every catalog procedure + order +
 * route) over 10,000 generated households, and the question flow for the same households.
 */
export async function benchGuidance(): Promise<Record<string, number | string>> {
  const N = 10_000;
  const t0 = performance.now();
  const catalog = loadCatalog();
  const loadMs = performance.now() - t0;
  const rng = mulberry32(20261126);
  const households = Array.from({ length: N }, () => generateHousehold(rng, '2026-11-26'));
  // Warm the JIT so the figures describe a running kiosk, not start-up.
  for (let i = 0; i < 500; i++) guide(households[i]!, catalog);

  const times: number[] = [];
  let items = 0;
  // CPU time too: on a shared machine it moves less than the wall-clock percentiles.
  const cpu0 = process.cpuUsage();
  for (const h of households) {
    const s = performance.now();
    const r = guide(h, catalog);
    visitRoute(r.procedures, catalog);
    times.push(performance.now() - s);
    items += r.procedures.length;
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);

  const qTimes: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const h = households[i]!;
    const s = performance.now();
    questionsFor({ events: h.events, answers: { members: h.members.map((m) => ({ role: m.role, birthDate: m.birthDate })) }, date: h.date }, catalog);
    qTimes.push(performance.now() - s);
  }
  qTimes.sort((a, b) => a - b);

  return {
    'catalog load + validate (ms)': Number(loadMs.toFixed(1)),
    households: N,
    'procedures in catalog': catalog.procedures.length,
    'mean items per list': Number((items / N).toFixed(2)),
    'guidance list p50 (ms)': Number(percentile(times, 50).toFixed(4)),
    'guidance list p95 (ms)': Number(percentile(times, 95).toFixed(4)),
    'guidance list max (ms)': Number(times[times.length - 1]!.toFixed(3)),
    'guidance list mean CPU (ms)': Number(((cpu.user + cpu.system) / 1000 / N).toFixed(4)),
    'question flow p50 (ms, 2,000 households)': Number(percentile(qTimes, 50).toFixed(4)),
    'question flow p95 (ms)': Number(percentile(qTimes, 95).toFixed(4)),
  };
}
