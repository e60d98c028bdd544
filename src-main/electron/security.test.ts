import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { hardenSession, hardenWebContents, isAppUrl, isBlockedShortcut, mayOpenExternally, windowOptions } from './security';

describe('windowOptions', () => {
  it('keeps the renderer sandboxed, isolated and without Node, and drops devtools when packaged', () => {
    const o = windowOptions({ preload: '/app/preload.js', kiosk: false, packaged: true });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/preload.js',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(o.kiosk).toBe(false);
    expect(windowOptions({ preload: 'p', kiosk: false, packaged: false }).webPreferences?.devTools).toBe(true);
  });

  it('makes a kiosk window fullscreen, frameless and not closable', () => {
    const o = windowOptions({ preload: 'p', kiosk: true, packaged: true });
    expect(o).toMatchObject({ kiosk: true, fullscreen: true, frame: false, closable: false, minimizable: false, alwaysOnTop: true });
    expect(o.webPreferences?.sandbox).toBe(true);
  });
});

describe('isAppUrl', () => {
  it.each([
    ['app://madoguchi/', true],
    ['app://madoguchi/kiosk?terminal=k1#x', true],
    ['app://madoguchi.evil/', false],
    ['app://other/', false],
    ['app://user:pw@madoguchi/', false],
    ['https://madoguchi/', false],
    ['file:///etc/passwd', false],
    ['devtools://devtools/bundled/inspector.html', false],
    ['not a url', false],
    ['', false],
  ])('%s → %s', (url, ok) => expect(isAppUrl(url)).toBe(ok));
});

describe('mayOpenExternally', () => {
  const policy = { kiosk: false, allow: ['https://www.city.isesaki.lg.jp'] };
  it('opens only https pages of allowed origins, never on a kiosk', () => {
    expect(mayOpenExternally('https://www.city.isesaki.lg.jp/kurashi/index.html', policy)).toBe(true);
    expect(mayOpenExternally('http://www.city.isesaki.lg.jp/', policy)).toBe(false);
    expect(mayOpenExternally('https://www.city.isesaki.lg.jp.evil.example/', policy)).toBe(false);
    expect(mayOpenExternally('https://user@www.city.isesaki.lg.jp/', policy)).toBe(false);
    expect(mayOpenExternally('file:///C:/Windows/system32/cmd.exe', policy)).toBe(false);
    expect(mayOpenExternally('javascript:alert(1)', policy)).toBe(false);
    expect(mayOpenExternally('https://www.city.isesaki.lg.jp/', { ...policy, kiosk: true })).toBe(false);
  });
});

describe('isBlockedShortcut', () => {
  const key = (k: string, m: Partial<{ control: boolean; alt: boolean; shift: boolean; meta: boolean }> = {}) => ({ type: 'keyDown', key: k, control: false, alt: false, shift: false, meta: false, ...m });
  it('blocks devtools and reload in packaged builds, and ways out in kiosk mode', () => {
    const packaged = { kiosk: false, packaged: true };
    const kiosk = { kiosk: true, packaged: true };
    expect(isBlockedShortcut(key('I', { control: true, shift: true }), packaged)).toBe(true);
    expect(isBlockedShortcut(key('F12'), packaged)).toBe(true);
    expect(isBlockedShortcut(key('r', { control: true }), packaged)).toBe(true);
    expect(isBlockedShortcut(key('w', { control: true }), packaged)).toBe(false);
    expect(isBlockedShortcut(key('w', { control: true }), kiosk)).toBe(true);
    expect(isBlockedShortcut(key('F4', { alt: true }), kiosk)).toBe(true);
    expect(isBlockedShortcut(key('F11'), kiosk)).toBe(true);
    expect(isBlockedShortcut(key('a'), kiosk)).toBe(false);
    expect(isBlockedShortcut({ ...key('w', { control: true }), type: 'keyUp' }, kiosk)).toBe(false);
    expect(isBlockedShortcut(key('I', { control: true, shift: true }), { kiosk: false, packaged: false })).toBe(false);
  });
});

class FakeContents extends EventEmitter {
  openHandler?: (d: { url: string }) => { action: string };
  closeDevTools = vi.fn();
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    const event = { preventDefault: () => (prevented = true), url: args[0] };
    this.emit(name, event, ...args);
    return prevented;
  }
}

describe('hardenWebContents', () => {
  function setup(kiosk: boolean) {
    const c = new FakeContents();
    const openExternal = vi.fn();
    hardenWebContents(c as never, { kiosk, packaged: true, allow: ['https://www.city.isesaki.lg.jp'], openExternal });
    return { c, openExternal };
  }

  it('denies navigation and redirects away from app://, and hands allowed links to the browser', () => {
    const { c, openExternal } = setup(false);
    expect(c.fire('will-navigate', 'app://madoguchi/counter')).toBe(false);
    expect(c.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
    expect(c.fire('will-navigate', 'https://www.city.isesaki.lg.jp/a')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://www.city.isesaki.lg.jp/a');
    expect(c.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-redirect', 'app://madoguchi/x')).toBe(false);
    let framePrevented = false;
    c.emit('will-frame-navigate', { url: 'https://evil.example/', preventDefault: () => (framePrevented = true) });
    expect(framePrevented).toBe(true);
    // The form preview frame: a blob: URL of our own origin is allowed, of any other origin not.
    const frame = (url: string) => {
      let prevented = false;
      c.emit('will-frame-navigate', { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(frame('blob:app://madoguchi/6b1f0c1e-8f0a-4c57-9d43-3f8a2f0e9b11')).toBe(false);
    expect(frame('blob:https://evil.example/6b1f0c1e-8f0a-4c57-9d43-3f8a2f0e9b11')).toBe(true);
    expect(frame('blob:app://other/6b1f0c1e')).toBe(true);
    expect(frame('blob:')).toBe(true);
  });

  it('denies every new window and <webview>; a kiosk opens nothing at all', () => {
    const { c, openExternal } = setup(true);
    expect(c.openHandler!({ url: 'app://madoguchi/popup' })).toEqual({ action: 'deny' });
    expect(c.openHandler!({ url: 'https://www.city.isesaki.lg.jp/' })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(c.fire('will-attach-webview', {}, {})).toBe(true);
    expect(c.fire('will-navigate', 'https://www.city.isesaki.lg.jp/')).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('swallows blocked shortcuts and closes devtools in packaged builds', () => {
    const { c } = setup(true);
    let prevented = false;
    c.emit('before-input-event', { preventDefault: () => (prevented = true) }, { type: 'keyDown', key: 'F4', alt: true, control: false, shift: false, meta: false });
    expect(prevented).toBe(true);
    c.emit('devtools-opened');
    expect(c.closeDevTools).toHaveBeenCalled();
  });
});

describe('hardenSession', () => {
  it('denies every permission request and check, device access and downloads', () => {
    const ses = Object.assign(new EventEmitter(), {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    });
    hardenSession(ses as never);
    const request = ses.setPermissionRequestHandler.mock.calls[0]![0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    for (const p of ['media', 'geolocation', 'notifications', 'serial', 'hid', 'openExternal', 'clipboard-read']) {
      const cb = vi.fn();
      request({}, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    expect((ses.setPermissionCheckHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
    expect((ses.setDevicePermissionHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
    let prevented = false;
    ses.emit('will-download', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });
});
