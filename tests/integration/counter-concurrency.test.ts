import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';
import { addStaff, demoFolder, issue, openApp, seeds } from './counter-support';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const WORKER = join(__dirname, 'counter-concurrency.worker.ts');

interface Round {
  round: number;
  number: number | null;
  at: number;
}

function worker(dir: string, terminal: string, staff: string, rounds: number, go: string) {
  const child = spawn(TSX, [WORKER, dir, terminal, staff, String(rounds), go, '2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((ok) => (onReady = ok));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number; rounds: Round[]; stderr: string }>((ok) =>
    child.on('close', (code) =>
      ok({
        code: code ?? -1,
        stderr: err,
        rounds: out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Round),
      }),
    ),
  );
  cleanups.push(() => child.kill('SIGKILL'));
  return { ready, done };
}

describe('two counters calling next at the same moment (two processes, one data folder)', () => {
  it('200 rounds each: 400 calls, 400 different visits, no visit called twice, no double-call conflict', async () => {
    const dir = demoFolder(cleanups);
    const app = openApp(dir, cleanups);
    addStaff(app, 'shimin-a', 'counter', 'shimin');
    addStaff(app, 'shimin-b', 'counter', 'shimin');
    const issued = app.terminal.store.tx(() => Array.from({ length: 400 }, (_, i) => issue(app, { route: ['shimin'], items: [seeds.tennyu], station: i % 2 ? 'east' : 'west', priority: i % 7 === 0 })));
    const go = join(dir, 'go');
    const a = worker(dir, 'counter-shimin-1', 'shimin-a', 200, go);
    const b = worker(dir, 'counter-shimin-2', 'shimin-b', 200, go);
    await Promise.all([a.ready, b.ready]);
    writeFileSync(go, '');
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(ra.rounds).toHaveLength(200);
    expect(rb.rounds).toHaveLength(200);

    const all = [...ra.rounds, ...rb.rounds].map((r) => r.number);
    expect(all).not.toContain(null);
    expect(new Set(all).size).toBe(400);
    expect(new Set(all)).toEqual(new Set(issued.map((v) => v.number)));
    // The two really ran at the same time: their working windows overlap (each waits after its
    // first round for the other's first round, so this holds on a busy machine too).
    const span = (rs: Round[]) => [rs[0]!.at, rs[rs.length - 1]!.at] as const;
    const [a0, a1] = span(ra.rounds);
    const [b0, b1] = span(rb.rounds);
    expect(Math.max(a0, b0)).toBeLessThan(Math.min(a1, b1));

    for (const v of app.terminal.visits.visitsOn()) {
      expect(v.status).toBe('done');
      expect(v.timeline.filter((e) => e.type === 'called')).toHaveLength(1);
      expect(v.conflicts).toEqual([]);
    }
    // Priority visits were all called before any other by each counter's own sequence.
    const prio = new Set(issued.filter((v) => v.priority).map((v) => v.number));
    for (const rs of [ra.rounds, rb.rounds]) {
      const firstNormal = rs.findIndex((r) => !prio.has(r.number!));
      expect(rs.slice(firstNormal).some((r) => prio.has(r.number!))).toBe(false);
    }
  }, 120_000);
});
