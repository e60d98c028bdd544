import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role, TerminalConfig } from '../common/config/schema';
import { fetchRollout, rolloutDecision } from '../node/updates/rollout';
import { appUpdateYml, readBuiltInPublisher, updaterSettings, type UpdaterSettings } from '../node/updates/settings';
import { verifyLinuxPackage, type DownloadedInfo } from '../node/updates/signature';

// The decisions live in src-main/node/updates (testable without Electron); this file drives electron-updater.
export * from '../node/updates/rollout';
export * from '../node/updates/settings';
export * from '../node/updates/signature';

/** The parts of electron-updater's AppUpdater we drive (NsisUpdater, AppImageUpdater, DebUpdater). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  updateConfigPath: string | null;
  isUserWithinRollout: (info: { version: string }) => boolean | Promise<boolean>;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string; publisherName?: string[] } & Record<string, unknown>): void;
  checkForUpdates(): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

export interface UpdaterDeps {
  updater: UpdaterLike;
  config: TerminalConfig;
  terminal: { terminalId: string; role: Role };
  packaged: boolean;
  platform: NodeJS.Platform;
  resourcesPath: string;
  /** Where our own app-update.yml goes (the data folder). */
  stateDir: string;
  log(line: string): void;
  fetchImpl?: typeof fetch;
  env?: Record<string, string | undefined>;
}

/**
 * Wires electron-updater to the LAN folder: generic provider, signature check on Windows against
 * the publisher name, download only for terminals inside the rollout, install at the next restart.
 */
export function startUpdater(d: UpdaterDeps): { settings: UpdaterSettings; check(): Promise<void>; stop(): void } {
  const builtIn = readBuiltInPublisher(d.resourcesPath);
  const settings = updaterSettings(d.config, { packaged: d.packaged, platform: d.platform, ...(builtIn ? { builtInPublisher: builtIn } : {}), disabledByEnv: (d.env ?? process.env).MADOGUCHI_UPDATES === 'off' });
  if (!settings.enabled) {
    d.log(`updates: off (${settings.reason})`);
    return { settings, check: async () => undefined, stop: () => undefined };
  }
  const u = d.updater;
  // NsisUpdater reads publisherName from its config file; point it at one we write, so the
  // signature check uses the name IT configured even when the build carried none.
  mkdirSync(d.stateDir, { recursive: true });
  const configFile = join(d.stateDir, 'app-update.yml');
  writeFileSync(configFile, appUpdateYml(settings.url, settings.publisherName));
  u.updateConfigPath = configFile;
  u.setFeedURL({ provider: 'generic', url: settings.url, channel: 'latest', ...(settings.publisherName.length ? { publisherName: settings.publisherName } : {}) });
  u.autoDownload = true;
  u.autoInstallOnAppQuit = true;
  u.allowDowngrade = false;
  u.allowPrerelease = false;
  u.isUserWithinRollout = async (info) => {
    try {
      const r = await fetchRollout(settings.url, d.fetchImpl);
      const decision = rolloutDecision(r, d.terminal, info.version);
      d.log(`updates: ${info.version} ${decision.take ? 'taken' : 'not yet'} (${decision.reason})`);
      return decision.take;
    } catch (e) {
      d.log(`updates: rollout.json unreadable, holding ${info.version}: ${(e as Error).message}`);
      return false;
    }
  };
  u.on('error', (e: Error) => d.log(`updates: ${e?.message ?? String(e)}`));
  u.on('update-downloaded', (info: DownloadedInfo) => {
    if (settings.gpgKeyring) {
      // Until the .asc checks out, nothing is installed on quit (electron-updater reads this flag then).
      u.autoInstallOnAppQuit = false;
      void verifyLinuxPackage(info, settings.url, settings.gpgKeyring, d.fetchImpl ?? fetch).then((r) => {
        u.autoInstallOnAppQuit = r.ok;
        d.log(r.ok ? `updates: ${info.version} downloaded, signed by ${r.signer}; it installs when the app next restarts` : `updates: ${info.version} NOT installed: ${r.message}`);
      });
      return;
    }
    d.log(`updates: ${info.version} downloaded and verified; it installs when the app next restarts`);
  });
  const check = async () => {
    try {
      await u.checkForUpdates();
    } catch (e) {
      d.log(`updates: check failed: ${(e as Error).message}`);
    }
  };
  const timer = setInterval(() => void check(), settings.intervalMs);
  timer.unref?.();
  void check();
  return { settings, check, stop: () => clearInterval(timer) };
}
