import Database from 'better-sqlite3';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import demo from '../../fixtures/config/demo.json';
import { runCli, runCliSync, type CliResult } from '../support/cli';
import { tempDir } from '../support/tmp';
import { DEMO_CONFIG } from '../../src-main/node/terminal/dataFolder';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dataFolder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  copyFileSync(DEMO_CONFIG, join(dir, 'config.json'));
  return dir;
}

function numbers(r: CliResult): Array<{ number: number; station: string }> {
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { number: number; station: string });
}

const range = (id: string) => demo.stations.find((s) => s.id === id)!.range;

function storedNumbers(dir: string): Array<{ station: string; number: number }> {
  const db = new Database(join(dir, 'madoguchi.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT station, number FROM visits').all() as Array<{ station: string; number: number }>;
  } finally {
    db.close();
  }
}

describe('ticket numbers under concurrent issuing (two processes, one data folder)', () => {
  it('two stations, 500 tickets each at the same time: 1,000 distinct numbers inside each range', async () => {
    const dir = dataFolder();
    const args = (station: string) => ['ticket', 'issue', '--data', dir, '--station', station, '--event', 'certificate', '--count', '500', '--printer', `file:${dir}/out-${station}`];
    const [a, b] = await Promise.all([runCli(args('east')).done, runCli(args('west')).done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const all = [...numbers(a), ...numbers(b)];
    expect(all).toHaveLength(1000);
    expect(new Set(all.map((x) => x.number)).size).toBe(1000);
    for (const t of all) {
      const r = range(t.station);
      expect(t.number).toBeGreaterThanOrEqual(r.from);
      expect(t.number).toBeLessThanOrEqual(r.to);
    }
    expect(storedNumbers(dir)).toHaveLength(1000);
  });

  it('four processes opening a brand-new data folder at once all migrate it and issue (no "table already exists")', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = dataFolder();
      const runs = await Promise.all(
        Array.from({ length: 4 }, () => runCli(['ticket', 'issue', '--data', dir, '--station', 'center', '--event', 'certificate', '--printer', `file:${dir}/out`]).done),
      );
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      expect(new Set(runs.flatMap(numbers).map((x) => x.number)).size).toBe(4);
    }
    // Twelve CLI processes (tsx start-up each) on a 2-core machine: give them room.
  }, 180_000);

  it('two processes on one station: still no duplicates', async () => {
    const dir = dataFolder();
    const args = ['ticket', 'issue', '--data', dir, '--station', 'center', '--event', 'certificate', '--count', '300', '--printer', `file:${dir}/out`];
    const [a, b] = await Promise.all([runCli(args).done, runCli(args).done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const all = [...numbers(a), ...numbers(b)].map((x) => x.number);
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);
    expect(Math.min(...all)).toBe(range('center').from);
  });

  it('killing a process midway never reuses a stored number', async () => {
    const dir = dataFolder();
    const p = runCli(['ticket', 'issue', '--data', dir, '--station', 'east', '--event', 'certificate', '--count', '500', '--printer', `file:${dir}/out`]);
    let seen = 0;
    await new Promise<void>((ok) =>
      p.onStdout((c) => {
        seen += c.split('\n').filter(Boolean).length;
        if (seen >= 40) ok();
        if (seen >= 500) ok();
      }),
    );
    p.kill('SIGKILL');
    await p.done;
    const before = storedNumbers(dir).map((x) => x.number);
    expect(before.length).toBeGreaterThanOrEqual(40);
    // Whatever was stored stays stored; the next number follows the highest stored one.
    const r = runCliSync(['ticket', 'issue', '--data', dir, '--station', 'east', '--event', 'certificate', '--count', '5', '--printer', `file:${dir}/out`]);
    expect(r.code, r.stderr).toBe(0);
    const after = numbers(r).map((x) => x.number);
    for (const n of after) expect(before).not.toContain(n);
    expect(Math.min(...after)).toBe(Math.max(...before) + 1);
  });

  it('refuses overlapping ranges, naming both stations', () => {
    const dir = dataFolder();
    const cfg = structuredClone(demo);
    cfg.stations[1]!.range = { from: 1900, to: 2999 };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const r = runCliSync(['ticket', 'issue', '--data', dir, '--station', 'east', '--event', 'certificate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"east".*"west".*overlapping|overlapping.*east.*west/);
  });
});
