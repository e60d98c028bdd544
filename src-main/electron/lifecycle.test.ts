import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { CrashGuard, resolveLaunch } from './lifecycle';

describe('resolveLaunch', () => {
  const base = { argv: ['electron', 'main.js'], env: {}, packaged: true, platform: 'linux' as NodeJS.Platform, userDataDir: '/home/k/.config/Madoguchi', cwd: '/work' };
  it('takes --data, then MADOGUCHI_DATA, then the platform default', () => {
    expect(resolveLaunch({ ...base, argv: ['e', 'm', '--data', 'd1'] }).dataDir).toBe(resolve('/work', 'd1'));
    expect(resolveLaunch({ ...base, argv: ['e', 'm', '--data=/srv/m'] }).dataDir).toBe('/srv/m');
    expect(resolveLaunch({ ...base, env: { MADOGUCHI_DATA: '/var/lib/madoguchi' } }).dataDir).toBe('/var/lib/madoguchi');
    expect(resolveLaunch(base).dataDir).toBe(join('/home/k/.config/Madoguchi', 'data'));
    expect(resolveLaunch({ ...base, platform: 'win32', env: { ProgramData: 'D:\\PD' } }).dataDir).toBe(join('D:\\PD', 'Madoguchi'));
    expect(resolveLaunch({ ...base, packaged: false }).dataDir).toBe(resolve('/work', 'data'));
  });
  it('takes the terminal profile from --terminal or MADOGUCHI_TERMINAL', () => {
    expect(resolveLaunch({ ...base, argv: ['e', 'm', '--terminal=kiosk-west'] }).terminalId).toBe('kiosk-west');
    expect(resolveLaunch({ ...base, env: { MADOGUCHI_TERMINAL: 'display-hall' } }).terminalId).toBe('display-hall');
    expect(resolveLaunch(base).terminalId).toBeUndefined();
  });
});

describe('CrashGuard', () => {
  it('reloads the page after a crash, relaunches the app when it keeps crashing, ignores clean exits', () => {
    let now = 0;
    const g = new CrashGuard({ maxReloads: 3, windowMs: 60_000, clock: () => now });
    expect(g.onRendererGone('clean-exit')).toBe('ignore');
    expect(g.onRendererGone('crashed')).toBe('reload');
    now += 1000;
    expect(g.onRendererGone('oom')).toBe('reload');
    expect(g.onRendererGone('killed')).toBe('reload');
    expect(g.onRendererGone('crashed')).toBe('relaunch');
    now += 120_000;
    expect(g.onRendererGone('crashed')).toBe('reload');
  });
});
