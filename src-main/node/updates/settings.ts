import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TerminalConfig } from '../../common/config/schema';

export type UpdaterSettings =
  | { enabled: false; reason: string }
  | { enabled: true; url: string; publisherName: string[]; gpgKeyring?: string; intervalMs: number };

/**
 * Whether this terminal looks for updates at all. Off unless configured; off in development
 * builds; and on Windows off unless we know whose signature an update must carry, because
 * electron-updater skips the Authenticode check when it has no publisher name.
 */
export function updaterSettings(config: TerminalConfig, env: { packaged: boolean; platform: NodeJS.Platform; builtInPublisher?: string[]; disabledByEnv?: boolean }): UpdaterSettings {
  const u = config.updates;
  if (!u) return { enabled: false, reason: 'no "updates" section in config.json' };
  if (!u.enabled) return { enabled: false, reason: 'updates.enabled is false in config.json' };
  if (env.disabledByEnv) return { enabled: false, reason: 'MADOGUCHI_UPDATES=off' };
  if (!env.packaged) return { enabled: false, reason: 'development build (not installed)' };
  const publisherName = u.publisherName ?? env.builtInPublisher ?? [];
  if (env.platform === 'win32' && publisherName.length === 0) {
    return { enabled: false, reason: 'no publisher name to verify update signatures against: set updates.publisherName in config.json or build with a signing certificate' };
  }
  if (env.platform === 'linux' && !u.gpgKeyring) {
    return { enabled: false, reason: 'no key to verify update signatures against: set updates.gpgKeyring in config.json (the public keyring of the key that signs the packages)' };
  }
  return { enabled: true, url: u.url.endsWith('/') ? u.url : `${u.url}/`, publisherName, ...(u.gpgKeyring ? { gpgKeyring: u.gpgKeyring } : {}), intervalMs: u.checkIntervalMinutes * 60_000 };
}

/** publisherName from the app-update.yml electron-builder wrote into resources (signed builds). */
export function readBuiltInPublisher(resourcesPath: string): string[] | undefined {
  const file = join(resourcesPath, 'app-update.yml');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^publisherName:\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    if (m[1]!.trim()) names.push(unquote(m[1]!.trim()));
    for (let j = i + 1; j < lines.length && /^\s+-\s+/.test(lines[j]!); j++) names.push(unquote(lines[j]!.replace(/^\s+-\s+/, '').trim()));
  }
  return names.length ? names : undefined;
}

function unquote(s: string): string {
  return s.replace(/^(['"])(.*)\1$/, '$2');
}

export function appUpdateYml(url: string, publisherName: string[]): string {
  const lines = ['provider: generic', `url: ${JSON.stringify(url)}`, 'channel: latest', 'updaterCacheDirName: madoguchi-updater'];
  if (publisherName.length) lines.push('publisherName:', ...publisherName.map((n) => `  - ${JSON.stringify(n)}`));
  return lines.join('\n') + '\n';
}
