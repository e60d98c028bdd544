/**
 * Call-next latency with 2,000 visits in the day: the department's queue is deep, earlier visits
 * are done or elsewhere, and each call is a real IMMEDIATE transaction on a WAL file with
 * synchronous=FULL (fsync), through the App's handler registry as a counter uses it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/node/app/app';
import { DEMO_CONFIG } from '../../src-main/node/terminal/dataFolder';
import { StaffDirectory } from '../../src-main/node/staff/staff';
import type { VisitItemSeed } from '../../src-main/common/visit/events';

const DEPARTMENTS = ['shimin', 'kokuho', 'nenkin-iryo', 'kaigo', 'kodomo'];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchQueue(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-queue-'));
  copyFileSync(DEMO_CONFIG, join(dir, 'config.json'));
  const app = createApp(dir);
  try {
    const { visits, store } = app.terminal;
    new StaffDirectory(store.db).add({ id: 'bench', name: 'bench', role: 'supervisor', department: 'shimin', pin: '1234' });
    const item: VisitItemSeed = { id: 'tennyu', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' };
    const t0 = performance.now();
    store.tx(() => {
      for (let i = 0; i < 2000; i++) {
        const stations = ['east', 'west', 'center'];
        // Routes through the building: shimin first, then one or two departments.
        const route = ['shimin', ...DEPARTMENTS.slice(1).filter((_, j) => (i + j) % 3 === 0).slice(0, 2)];
        visits.issue({ station: stations[i % 3]!, lang: 'ja', priority: i % 11 === 0, events: ['moving-in'], facts: {}, items: [item], route }, { terminal: 'bench' });
      }
    });
    const seedMs = performance.now() - t0;
    // Half the day has already been served at the one-stop counter.
    const by = { terminal: 'counter-shimin-2' };
    store.tx(() => {
      for (let i = 0; i < 1000; i++) {
        const v = visits.callNext('shimin', '2', by);
        if (v) visits.finishHere(v.id, '2', by, { leftOpenReason: 'bench' });
      }
    });
    const signed = await app.registry.call('staff.signIn', { staffId: 'bench', pin: '1234' }, app.context('counter-shimin-1', 'test'));
    if (!signed.ok) throw new Error(signed.error.message);
    const ctx = app.context('counter-shimin-1', 'test', (signed.value as { token: string }).token);

    const service: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < 300; i++) {
      const a = performance.now();
      const v = visits.callNext('shimin', '1', { terminal: 'counter-shimin-1' });
      service.push(performance.now() - a);
      if (v) visits.finishHere(v.id, '1', { terminal: 'counter-shimin-1' }, { leftOpenReason: 'bench' });
      const b = performance.now();
      const r = await app.registry.call('counter.callNext', {}, ctx);
      api.push(performance.now() - b);
      if (!r.ok) throw new Error(r.error.message);
      const called = (r.value as { visit: { id: string } | null }).visit;
      if (called) visits.finishHere(called.id, '1', { terminal: 'counter-shimin-1' }, { leftOpenReason: 'bench' });
    }
    service.sort((x, y) => x - y);
    api.sort((x, y) => x - y);
    const waiting = visits.queue('shimin').length;
    return {
      'visits in the day': visits.visitsOn().length,
      'still waiting at shimin after the run': waiting,
      'seed 2,000 visits (ms)': seedMs,
      'VisitService.callNext p50 (ms)': pct(service, 50),
      'VisitService.callNext p95 (ms)': pct(service, 95),
      'counter.callNext via registry p50 (ms)': pct(api, 50),
      'counter.callNext via registry p95 (ms)': pct(api, 95),
      samples: service.length,
    };
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
