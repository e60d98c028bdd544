import type { BrowserWindowConstructorOptions, Input, Session, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './channels';

/** True only for our own pages: `app://madoguchi/…`. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/**
 * A blob: URL made by our own page (`blob:app://madoguchi/<uuid>`): the counter's form preview shows
 * the PDF from the API in a frame with such a URL. Only script on our origin can create one.
 */
export function isAppBlobUrl(url: string | undefined | null): boolean {
  return !!url && url.startsWith('blob:') && isAppUrl(url.slice('blob:'.length));
}

export interface WindowSettings {
  /** Absolute path of the built preload script. */
  preload: string;
  /** Terminal profile's kioskMode: fullscreen kiosk, no way out through the window frame. */
  kiosk: boolean;
  /** A packaged (installed) build: devtools are not even created. */
  packaged: boolean;
  title?: string;
}

/**
 * The one place window options are decided (Electron security checklist): the renderer is a
 * sandboxed web page with no Node, isolated from the preload, on a strict origin.
 */
export function windowOptions(s: WindowSettings): BrowserWindowConstructorOptions {
  return {
    title: s.title ?? 'Madoguchi',
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    kiosk: s.kiosk,
    fullscreen: s.kiosk,
    ...(s.kiosk ? { frame: false, closable: false, minimizable: false, maximizable: false, resizable: false, movable: false, alwaysOnTop: true } : { width: 1280, height: 800 }),
    webPreferences: {
      preload: s.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: !s.packaged,
    },
  };
}

export interface ExternalLinkPolicy {
  /** Kiosks open nothing outside the app: a visitor must not reach a browser. */
  kiosk: boolean;
  /** Origins (https only) staff screens may open in the system browser, e.g. https://www.city.isesaki.lg.jp. */
  allow: readonly string[];
}

/** Whether a link leaving the app may be handed to the system browser. */
export function mayOpenExternally(url: string, policy: ExternalLinkPolicy): boolean {
  if (policy.kiosk) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  return policy.allow.some((origin) => {
    try {
      return new URL(origin).origin === u.origin;
    } catch {
      return false;
    }
  });
}

/**
 * Key combinations swallowed before the page sees them. In a packaged build: devtools and reload
 * shortcuts. In kiosk mode also the ones that close, leave or resize the window — a visitor at a
 * touch screen with a keyboard attached must not get out of the app.
 */
export function isBlockedShortcut(input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'alt' | 'shift'>, opts: { kiosk: boolean; packaged: boolean }): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = input.control || input.meta;
  if (opts.packaged || opts.kiosk) {
    if (key === 'F12') return true;
    if (mod && input.shift && ['i', 'j', 'c'].includes(key)) return true;
    if (mod && key === 'r') return true;
    if (key === 'F5') return true;
  }
  if (opts.kiosk) {
    if (input.alt && key === 'F4') return true;
    if (mod && ['w', 'q', 'n', 't', 'p', 'o', 's', 'm', 'h'].includes(key)) return true;
    if (key === 'F11' || key === 'Escape') return true;
    if (mod && ['+', '-', '=', '0'].includes(key)) return true;
  }
  return false;
}

export interface HardenOptions extends ExternalLinkPolicy {
  packaged: boolean;
  openExternal(url: string): Promise<void> | void;
  log?(line: string): void;
}

/**
 * Denies everything a page could use to leave the app: navigation (including redirects and
 * subframes) to any other origin, new windows, <webview>, and, in packaged builds, devtools.
 * Links to allowed https origins go to the system browser instead.
 */
export function hardenWebContents(contents: WebContents, opts: HardenOptions): void {
  const log = opts.log ?? (() => undefined);
  const external = (url: string, why: string) => {
    if (mayOpenExternally(url, opts)) {
      log(`${why}: opening ${url} in the system browser`);
      void Promise.resolve(opts.openExternal(url)).catch((e: unknown) => log(`openExternal failed: ${String(e)}`));
    } else {
      log(`${why}: blocked ${url}`);
    }
  };
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    external(url, 'navigation');
  });
  contents.on('will-frame-navigate', (details) => {
    if (isAppUrl(details.url) || isAppBlobUrl(details.url)) return;
    details.preventDefault();
    log(`frame navigation: blocked ${details.url}`);
  });
  contents.on('will-redirect', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    log(`redirect: blocked ${url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    external(url, 'new window');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('webview: blocked');
  });
  contents.on('before-input-event', (event, input) => {
    if (isBlockedShortcut(input, { kiosk: opts.kiosk, packaged: opts.packaged })) event.preventDefault();
  });
  if (opts.packaged) {
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

/** No permission (camera, microphone, notifications, serial, HID, geolocation …) is ever granted. */
export function hardenSession(ses: Session, log: (line: string) => void = () => undefined): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log(`permission request denied: ${permission}`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => {
    log('download: blocked');
    event.preventDefault();
  });
}
