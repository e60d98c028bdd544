import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ROOT } from './it-support';

/** The IT guide's Linux steps, exactly as written between the it-steps markers. */
function documentedSteps(): string[] {
  const doc = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- it-steps:begin -->\s*```sh\n([\s\S]*?)```\s*<!-- it-steps:end -->/.exec(doc);
  if (!m) throw new Error('README.md has no it-steps block');
  return m[1]!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

const { dir, cleanup } = tempDir('madoguchi-it-readme-');
const DATA = join(dir, 'madoguchi');
afterAll(cleanup);

function run(cmd: string) {
  const r = spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const steps = documentedSteps();
const events = () => {
  const db = new Database(join(DATA, 'madoguchi.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe("the README's IT section, followed step by step on a fresh data folder", () => {
  it('documents the steps this test runs', () => {
    expect(steps[0]).toBe('export DATA=/var/lib/madoguchi');
    expect(steps.slice(1).map((s) => s.split(' ').slice(5, 7).join(' '))).toEqual(['terminal init', 'doctor --data', 'ticket issue', 'backup --data', 'ticket issue', 'restore --data', 'doctor --data']);
    expect(existsSync(DATA)).toBe(false);
  });

  it('1. terminal init writes the config', () => {
    const r = run(steps[1]!);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`wrote ${join(DATA, 'config.json')}: terminal "kiosk-east-1" (kiosk, station east)`);
  });

  it('2. doctor: nine OK lines, exit 0', () => {
    const r = run(steps[2]!);
    expect(r.code, r.out + r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('OK  '))).toHaveLength(9);
    expect(r.out).toMatch(/OK {4}database: no database yet/);
    expect(r.out).toMatch(/OK {4}sync: not configured/);
    expect(lines.at(-1)).toBe(`all checks passed on ${DATA}.`);
  });

  it('3. three tickets are issued and printed to the file printer', () => {
    const r = run(steps[3]!);
    expect(r.code, r.err).toBe(0);
    const tickets = r.out.trim().split('\n').map((l) => JSON.parse(l) as { number: number });
    expect(tickets.map((t) => t.number)).toEqual([1001, 1002, 1003]);
    expect(readdirSync(join(DATA, 'printer', 'ticket')).filter((f) => f.endsWith('.bin'))).toHaveLength(3);
  });

  it('4. backup holds the three tickets', () => {
    const r = run(steps[4]!);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`^backup written: ${join(DATA, 'backups', 'first.sqlite')} \\(3 events, .*integrity ok\\)`));
  });

  it('5–6. a fourth ticket, then restore puts the backup back and keeps the replaced database', () => {
    expect(run(steps[5]!).code).toBe(0);
    expect(events()).toBe(4);
    const r = run(steps[6]!);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`restored ${join(DATA, 'madoguchi.sqlite')} from ${join(DATA, 'backups', 'first.sqlite')} (3 events)`);
    // The three tickets, and the restore's own audit record (audit.recorded).
    expect(events()).toBe(4);
    const kept = readdirSync(DATA).find((f) => /^madoguchi\.replaced-.*\.sqlite$/.test(f));
    expect(kept).toBeDefined();
  });

  it('7. doctor again: intact database with 4 events (3 tickets and the restore audit record), exit 0', () => {
    const r = run(steps[7]!);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/OK {4}database: .*integrity ok, 4 events, migrations up to date/);
  });
});
