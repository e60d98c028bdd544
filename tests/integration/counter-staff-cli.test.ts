import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliSync } from '../support/cli';
import { tempDir } from '../support/tmp';
import { DEMO_CONFIG } from '../../src-main/node/terminal/dataFolder';
import { createApp } from '../../src-main/node/app/app';
import { seedDemoStaff, DEMO_STAFF } from '../../src-main/node/staff/demo';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function folder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  copyFileSync(DEMO_CONFIG, join(dir, 'config.json'));
  return dir;
}

describe('madoguchi staff (CLI)', () => {
  it('adds a staff member with the PIN from stdin, who can then sign in; the list never shows a PIN', async () => {
    const dir = folder();
    const r = runCliSync(['staff', 'add', '--data', dir, '--id', 'kodomo07', '--name', '子ども 七子', '--role', 'counter', '--department', 'kodomo'], { input: '73519\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('added kodomo07');
    const list = runCliSync(['staff', 'list', '--data', dir, '--format', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([{ id: 'kodomo07', name: '子ども 七子', role: 'counter', department: 'kodomo', active: true }]);
    expect(list.stdout).not.toContain('73519');

    const app = createApp(dir);
    cleanups.unshift(() => app.close());
    const ctx = app.context('counter-kodomo-20', 'test');
    expect((await app.registry.call('staff.signIn', { staffId: 'kodomo07', pin: '00000' }, ctx)).ok).toBe(false);
    const ok = await app.registry.call('staff.signIn', { staffId: 'kodomo07', pin: '73519' }, ctx);
    expect(ok.ok).toBe(true);
  });

  it('exits 2 naming the field for a bad role, a short PIN or a missing PIN', () => {
    const dir = folder();
    const base = ['staff', 'add', '--data', dir, '--id', 'x1', '--name', 'X', '--department', 'shimin'];
    const role = runCliSync([...base, '--role', 'boss', '--pin', '1234']);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/^.*role: /m);
    const pin = runCliSync([...base, '--role', 'counter', '--pin', '12']);
    expect(pin.code).toBe(2);
    expect(pin.stderr).toMatch(/pin: the PIN must be 4 to 8 digits/);
    const none = runCliSync([...base, '--role', 'counter'], { input: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/pin: /);
  });

  it('seeds the demo staff once, only on the demo terminal', () => {
    const dir = folder();
    const app = createApp(dir);
    cleanups.unshift(() => app.close());
    expect(seedDemoStaff(app.terminal).created).toBe(DEMO_STAFF.length);
    expect(seedDemoStaff(app.terminal).created).toBe(0);
    const other = { ...app.terminal, config: { ...app.terminal.config, node: { id: 'honcho-counter-3' } } };
    expect(seedDemoStaff(other).created).toBe(0);
  });
});
