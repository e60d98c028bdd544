import { app, BrowserWindow, crashReporter, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { terminalById, type TerminalProfile } from '../common/config/schema';
import { toErrorData } from '../common/errors';
import { createApp, type App } from '../node/app/app';
import { startTerminalServices } from '../node/app/startServices';
import { RotatingLog } from '../node/logs/rotatingLog';
import { APP_ROOT } from '../node/terminal/dataFolder';
import { APP_ORIGIN } from './channels';
import { bindIpc, forwardPushes } from './ipc';
import { CrashGuard, resolveLaunch } from './lifecycle';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { hardenSession, hardenWebContents, windowOptions } from './security';
import { startUpdater, type UpdaterLike } from './updater';

/** Sites staff screens may open in the system browser (kiosks open nothing). */
const EXTERNAL_ORIGINS = ['https://www.city.isesaki.lg.jp', 'https://myna.go.jp'];
const RENDERER_DIR = join(APP_ROOT, 'dist-renderer');

// Before anything else: the scheme must be privileged before `ready`.
registerAppScheme(protocol);

const launch = resolveLaunch({ argv: process.argv, env: process.env, packaged: app.isPackaged, platform: process.platform, userDataDir: app.getPath('userData'), cwd: process.cwd() });
const log = new RotatingLog({ dir: join(launch.dataDir, 'logs'), name: 'app' });
const say = (line: string) => log.info(line);

// Crash dumps stay on the terminal (the city network has no crash server); IT collects them.
app.setPath('crashDumps', join(launch.dataDir, 'crashes'));
crashReporter.start({ uploadToServer: false, compress: true, productName: 'Madoguchi' });

// A broken main process must not leave a kiosk showing a dead screen: log, then start again.
process.on('uncaughtException', (e) => {
  log.error('main process crashed; relaunching', e);
  app.relaunch();
  app.exit(1);
});
process.on('unhandledRejection', (e) => log.error('unhandled promise rejection in main', e instanceof Error ? e : String(e)));

let profile: TerminalProfile | undefined;
let mado: App | undefined;
let win: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // A second start (double click, autostart twice) just brings the running window forward.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_e, contents) => {
    hardenWebContents(contents, { kiosk: profile?.kioskMode ?? true, allow: EXTERNAL_ORIGINS, packaged: app.isPackaged, openExternal: (url) => shell.openExternal(url), log: say });
  });
  app.on('child-process-gone', (_e, d) => log.warn(`child process gone: ${d.type} ${d.reason} (exit ${d.exitCode})`));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    mado?.close();
    log.info('stopped');
    log.close();
  });
  app.whenReady()
    .then(start)
    .catch((e: unknown) => fatal('Madoguchi could not start', e));
}

function fatal(title: string, e: unknown): void {
  const d = toErrorData(e);
  log.error(`${title}: ${d.message}`, e instanceof Error ? e : undefined);
  dialog.showErrorBox(title, `${d.field ? `${d.field}: ` : ''}${d.message}\n\nData folder: ${launch.dataDir}\nLog: ${log.file}\nRun "madoguchi doctor --data ${launch.dataDir}" for a full check.`);
  app.exit(2);
}

async function start(): Promise<void> {
  log.info(`starting Madoguchi ${app.getVersion()} (electron ${process.versions.electron}), data ${launch.dataDir}`);
  hardenSession(session.defaultSession, say);
  handleAppProtocol(protocol, RENDERER_DIR);
  Menu.setApplicationMenu(null);
  try {
    mado = createApp(launch.dataDir);
    profile = terminalById(mado.terminal.config, launch.terminalId);
  } catch (e) {
    fatal('Madoguchi cannot start this terminal', e);
    return;
  }
  const terminal = profile;
  bindIpc(ipcMain, mado, { terminalId: terminal.id, log: say });
  startTerminalServices(mado, say, (line) => log.warn(line));
  openWindow(terminal);
  if (app.isPackaged) {
    const { autoUpdater } = await import('electron-updater');
    startUpdater({
      updater: autoUpdater as unknown as UpdaterLike,
      config: mado.terminal.config,
      terminal: { terminalId: terminal.id, role: terminal.role },
      packaged: true,
      platform: process.platform,
      resourcesPath: process.resourcesPath,
      stateDir: join(launch.dataDir, 'updates'),
      log: say,
    });
  }
}

function openWindow(terminal: TerminalProfile): void {
  const guard = new CrashGuard();
  const w = new BrowserWindow(windowOptions({ preload: join(__dirname, 'preload.js'), kiosk: terminal.kioskMode, packaged: app.isPackaged, title: `Madoguchi — ${terminal.id}` }));
  win = w;
  const stopPushes = forwardPushes(mado!, w.webContents);
  w.on('closed', () => {
    stopPushes();
    win = undefined;
  });
  w.once('ready-to-show', () => w.show());
  w.on('unresponsive', () => log.warn('window unresponsive'));
  w.webContents.on('render-process-gone', (_e, d) => {
    const action = guard.onRendererGone(d.reason);
    log.error(`renderer gone: ${d.reason} (exit ${d.exitCode}); ${action}`);
    if (action === 'reload') setTimeout(() => !w.isDestroyed() && w.webContents.reload(), 1000);
    if (action === 'relaunch') {
      app.relaunch();
      app.exit(1);
    }
  });
  w.webContents.on('did-fail-load', (_e, code, description, url) => log.error(`page failed to load: ${url} (${code} ${description})`));
  w.loadURL(`${APP_ORIGIN}/`).catch((e: unknown) => log.error('could not load the screens', e instanceof Error ? e : String(e)));
}
