import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { createApp, type App } from '../node/app/app';
import { ensureDemoSetup } from '../node/terminal/dataFolder';
import { tempDir } from '../../tests/support/tmp';
import { CALL_CHANNEL, PUSH_CHANNEL } from './channels';
import { bindIpc, forwardPushes, isTrustedSender } from './ipc';

let app: App;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir('madoguchi-ipc-');
  cleanup = t.cleanup;
  ensureDemoSetup(t.dir);
  app = createApp(t.dir);
});
afterEach(() => {
  app.close();
  cleanup();
});

function bound(terminalId?: string) {
  const handlers = new Map<string, (...a: unknown[]) => unknown>();
  const ipcMain = { handle: vi.fn((ch: string, fn: (...a: unknown[]) => unknown) => handlers.set(ch, fn)), removeHandler: vi.fn((ch: string) => handlers.delete(ch)) };
  const binding = bindIpc(ipcMain, app, terminalId ? { terminalId } : {});
  const call = (frameUrl: string | null, ...args: unknown[]) => handlers.get(CALL_CHANNEL)!({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args) as Promise<any>;
  return { ipcMain, binding, handlers, call };
}

describe('isTrustedSender', () => {
  it('trusts only frames showing app://madoguchi', () => {
    expect(isTrustedSender({ url: 'app://madoguchi/kiosk' })).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/' })).toBe(false);
    expect(isTrustedSender({ url: 'app://evil/' })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('bindIpc', () => {
  it('binds one channel to the same handler registry as browser mode', async () => {
    const { ipcMain, call } = bound('kiosk-west');
    expect(ipcMain.handle).toHaveBeenCalledTimes(1);
    expect(ipcMain.handle.mock.calls[0]![0]).toBe('madoguchi:call');
    const r = await call('app://madoguchi/', 'terminal.info', {});
    expect(r.ok).toBe(true);
    expect(r.value.terminal.id).toBe('kiosk-west');
    // The same registry object answers both transports.
    const direct = await app.registry.call('terminal.info', {}, app.context('kiosk-west', 'test'));
    expect(direct).toMatchObject({ ok: true, value: { terminal: { id: 'kiosk-west' } } });
  });

  it('refuses calls from any other frame, before any handler runs', async () => {
    const spy = vi.spyOn(app.registry, 'call');
    const { call } = bound();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/', null]) {
      const r = await call(url, 'terminal.info', {});
      expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('own pages') } });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('returns errors as data: bad method name, unknown method, bad input', async () => {
    const { call } = bound();
    expect(await call('app://madoguchi/', 42, {})).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'method' } });
    expect(await call('app://madoguchi/', 'no.such.method', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('app://madoguchi/', 'terminal.info', 'not an object')).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('unbinds', () => {
    const { binding, handlers } = bound();
    binding.unbind();
    expect(handlers.has(CALL_CHANNEL)).toBe(false);
  });
});

describe('forwardPushes', () => {
  it('sends pushes on madoguchi:push only while the window shows our origin', () => {
    let url = 'app://madoguchi/display';
    const contents = { isDestroyed: () => false, getURL: () => url, send: vi.fn() };
    const stop = forwardPushes(app, contents);
    app.push.publish('events', { types: ['visit.issued'], visitIds: ['v1'] });
    expect(contents.send).toHaveBeenCalledWith(PUSH_CHANNEL, { name: 'events', data: { types: ['visit.issued'], visitIds: ['v1'] } });
    url = 'https://evil.example/';
    app.push.publish('events', { types: [], visitIds: [] });
    expect(contents.send).toHaveBeenCalledTimes(1);
    stop();
    url = 'app://madoguchi/';
    app.push.publish('events', { types: [], visitIds: [] });
    expect(contents.send).toHaveBeenCalledTimes(1);
  });
});
