import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureDemoSetup } from '../node/terminal/dataFolder';
import { tempDir } from '../../tests/support/tmp';

/** The Electron main process, wired against fakes that record what it asked Electron for. */
const h = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- vi.hoisted runs before imports
  const { EventEmitter: EE } = require('node:events') as typeof import('node:events');
  const order: string[] = [];
  const windows: Array<{ options: any; contents: any; loaded?: string }> = [];
  const app = Object.assign(new EE(), {
    isPackaged: false,
    paths: {} as Record<string, string>,
    getPath: (n: string) => `/tmp/fake-${n}`,
    setPath: (n: string, p: string) => ((app.paths[n] = p), order.push(`setPath:${n}`)),
    getVersion: () => '0.1.0',
    requestSingleInstanceLock: () => (order.push('lock'), true),
    whenReady: () => (order.push('whenReady'), Promise.resolve()),
    quit: () => order.push('quit'),
    exit: (c: number) => order.push(`exit:${c}`),
    relaunch: () => order.push('relaunch'),
  });
  return { order, windows, app };
});

vi.mock('electron', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- vi.hoisted runs before imports
  const { EventEmitter: EE } = require('node:events') as typeof import('node:events');
  class BrowserWindow extends EE {
    webContents: any;
    constructor(options: any) {
      super();
      this.webContents = Object.assign(new EE(), { isDestroyed: () => false, getURL: () => 'app://madoguchi/', send: () => undefined, reload: () => h.order.push('reload') });
      const rec = { options, contents: this.webContents } as (typeof h.windows)[number];
      h.windows.push(rec);
      (this as any).loadURL = async (u: string) => ((rec.loaded = u), undefined);
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return true;
    }
    restore() {
      h.order.push('restore');
    }
    focus() {
      h.order.push('focus');
    }
    show() {}
  }
  const ses = Object.assign(new EE(), { setPermissionRequestHandler: () => h.order.push('permissions'), setPermissionCheckHandler: () => undefined, setDevicePermissionHandler: () => undefined });
  return {
    app: h.app,
    BrowserWindow,
    crashReporter: { start: (o: unknown) => h.order.push(`crashReporter:${JSON.stringify(o)}`) },
    dialog: { showErrorBox: (t: string, m: string) => h.order.push(`error:${t}:${m}`) },
    ipcMain: { handle: (ch: string) => h.order.push(`ipc:${ch}`), removeHandler: () => undefined },
    Menu: { setApplicationMenu: (m: unknown) => h.order.push(`menu:${m}`) },
    protocol: { registerSchemesAsPrivileged: () => h.order.push('scheme'), handle: (s: string) => h.order.push(`handle:${s}`) },
    session: { defaultSession: ses },
    shell: { openExternal: async () => undefined },
  };
});

let dir: string;
let cleanup: () => void;
const argv = process.argv;
beforeAll(async () => {
  const t = tempDir('madoguchi-main-');
  dir = t.dir;
  cleanup = t.cleanup;
  ensureDemoSetup(dir);
  process.argv = ['electron', 'main.js', '--data', dir, '--terminal', 'kiosk-east'];
  const before = process.listeners('uncaughtException');
  await import('./main');
  await new Promise((r) => setTimeout(r, 50));
  // Leave vitest's own handler alone; drop the one main installed.
  for (const l of process.listeners('uncaughtException')) if (!before.includes(l)) process.off('uncaughtException', l);
});
afterAll(() => {
  process.argv = argv;
  h.app.emit('will-quit');
  cleanup();
});

describe('Electron main', () => {
  it('registers app:// before ready, takes the single-instance lock, keeps crash dumps local', () => {
    expect(h.order.indexOf('scheme')).toBeLessThan(h.order.indexOf('whenReady'));
    expect(h.order).toContain('lock');
    expect(h.app.paths.crashDumps).toBe(join(dir, 'crashes'));
    expect(h.order.find((x) => x.startsWith('crashReporter:'))).toContain('"uploadToServer":false');
  });

  it('serves app://, binds one IPC channel, removes the menu, denies permissions', () => {
    expect(h.order).toContain('handle:app');
    expect(h.order.filter((x) => x.startsWith('ipc:'))).toEqual(['ipc:madoguchi:call']);
    expect(h.order).toContain('menu:null');
    expect(h.order).toContain('permissions');
  });

  it('opens one hardened window for the chosen terminal, on app://', () => {
    expect(h.windows).toHaveLength(1);
    const w = h.windows[0]!;
    expect(w.loaded).toBe('app://madoguchi/');
    expect(w.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, devTools: true });
    expect(w.options.webPreferences.preload).toBe(join(__dirname, 'preload.js'));
    expect(w.options.title).toContain('kiosk-east');
  });

  it('reloads a crashed page, and writes what happened to the rotating log in the data folder', () => {
    h.windows[0]!.contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    const log = join(dir, 'logs', 'app.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/renderer gone: crashed \(exit 139\); reload/);
  });

  it('brings the window forward on a second start instead of opening another', () => {
    h.app.emit('second-instance');
    expect(h.order.slice(-2)).toEqual(['restore', 'focus']);
    expect(h.windows).toHaveLength(1);
  });

  it('hardens every web contents Electron creates', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: (fn: (d: { url: string }) => unknown) => ((contents as any).open = fn), closeDevTools: () => undefined });
    h.app.emit('web-contents-created', {}, contents);
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect((contents as any).open({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});
