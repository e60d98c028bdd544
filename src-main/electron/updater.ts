import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve as resolve_ } from 'node:path';
import { z } from 'zod';
import { ROLES, type Role, type TerminalConfig } from '../common/config/schema';
import { AppError, formatPath } from '../common/errors';

/**
 * Staged rollout, decided per terminal: `rollout.json` beside latest.yml in the update folder.
 *   { "version": "1.4.0", "terminals": ["kiosk-east-1"], "roles": ["display"], "percent": 25 }
 * A terminal listed by id always takes the update; otherwise its role must be listed (when roles
 * are given) and it must fall in the first `percent` of a stable per-terminal bucket.
 * No rollout.json means: every terminal. `"hold": true` stops the rollout everywhere.
 */
export const rolloutSchema = z
  .object({
    /** The release this rollout is about; other versions are not held back by it. */
    version: z.string().min(1).optional(),
    terminals: z.array(z.string().min(1)).optional(),
    roles: z.array(z.enum(ROLES)).optional(),
    percent: z.number().min(0).max(100).optional(),
    hold: z.boolean().optional(),
  })
  .strict();
export type Rollout = z.infer<typeof rolloutSchema>;

export function parseRollout(raw: unknown, source = 'rollout.json'): Rollout {
  const r = rolloutSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('bad-config', `${source}: ${formatPath(i.path) || '(root)'}: ${i.message}`, { field: formatPath(i.path) });
  }
  return r.data;
}

/** 0–99, stable for a terminal and a version, spread evenly across terminals. */
export function rolloutBucket(terminalId: string, version: string): number {
  return createHash('sha256').update(`${terminalId}\0${version}`).digest().readUInt32BE(0) % 100;
}

export function rolloutDecision(r: Rollout | null, t: { terminalId: string; role: Role }, version: string): { take: boolean; reason: string } {
  if (!r) return { take: true, reason: 'no rollout.json: every terminal' };
  if (r.version !== undefined && r.version !== version) return { take: true, reason: `rollout.json is about ${r.version}, not ${version}` };
  if (r.hold) return { take: false, reason: 'rollout on hold' };
  if (r.terminals?.includes(t.terminalId)) return { take: true, reason: `terminal ${t.terminalId} is listed` };
  if (r.roles && !r.roles.includes(t.role)) return { take: false, reason: `role ${t.role} is not in ${r.roles.join(', ')}` };
  if (r.percent === undefined) {
    return r.roles ? { take: true, reason: `role ${t.role} is listed` } : { take: false, reason: 'terminal not listed' };
  }
  const bucket = rolloutBucket(t.terminalId, version);
  return bucket < r.percent ? { take: true, reason: `bucket ${bucket} < ${r.percent}%` } : { take: false, reason: `bucket ${bucket} ≥ ${r.percent}%` };
}

/** Reads rollout.json from the update folder; 404 means no staging. Other failures hold the update. */
export async function fetchRollout(folderUrl: string, fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): Promise<Rollout | null> {
  const url = new URL('rollout.json', folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`);
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
  if (res.status === 404) return null;
  if (!res.ok) throw new AppError('unavailable', `${url.href} answered HTTP ${res.status}`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new AppError('bad-config', `${url.href} is not valid JSON`);
  }
  return parseRollout(raw, url.href);
}

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

/**
 * Checks a detached OpenPGP signature with gpgv against one keyring only (not the user's keys).
 * Linux packages carry no Authenticode: `npm run dist` writes <package>.asc with the city's key.
 */
export function verifyDetachedSignature(file: string, signature: string, keyring: string, gpgv = 'gpgv'): Promise<{ ok: boolean; signer?: string; message: string }> {
  return new Promise((resolve) => {
    const p = execFile(gpgv, ['--status-fd', '1', '--keyring', resolve_(keyring), signature, file], { timeout: 30_000 }, (err, stdout, stderr) => {
      const valid = /^\[GNUPG:\] VALIDSIG ([0-9A-F]+)/m.exec(stdout);
      const good = /^\[GNUPG:\] GOODSIG [0-9A-F]+ (.*)$/m.exec(stdout);
      if (!err && valid && good) resolve({ ok: true, signer: `${good[1]} (${valid[1]})`, message: 'good signature' });
      else resolve({ ok: false, message: (stderr || stdout || String(err)).trim().split('\n').slice(-2).join(' ') || 'signature check failed' });
    });
    p.on('error', () => undefined);
  });
}

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

export function appUpdateYml(url: string, publisherName: string[]): string {
  const lines = ['provider: generic', `url: ${JSON.stringify(url)}`, 'channel: latest', 'updaterCacheDirName: madoguchi-updater'];
  if (publisherName.length) lines.push('publisherName:', ...publisherName.map((n) => `  - ${JSON.stringify(n)}`));
  return lines.join('\n') + '\n';
}

interface DownloadedInfo {
  version: string;
  downloadedFile: string;
  files?: Array<{ url: string }>;
}

/** Fetches <package>.asc from the update folder and checks the downloaded package against it. */
export async function verifyLinuxPackage(info: DownloadedInfo, folderUrl: string, keyring: string, fetchImpl: typeof fetch = fetch): Promise<{ ok: boolean; signer?: string; message: string }> {
  const ext = extname(info.downloadedFile);
  const names = [...new Set([basename(info.downloadedFile), ...(info.files ?? []).map((f) => basename(f.url)).filter((n) => extname(n) === ext)])];
  for (const name of names) {
    let res: Response;
    try {
      res = await fetchImpl(new URL(`${encodeURIComponent(name)}.asc`, folderUrl), { signal: AbortSignal.timeout(10_000), cache: 'no-store' });
    } catch (e) {
      return { ok: false, message: `cannot fetch ${name}.asc: ${(e as Error).message}` };
    }
    if (res.status === 404) continue;
    if (!res.ok) return { ok: false, message: `${name}.asc: HTTP ${res.status}` };
    const sig = `${info.downloadedFile}.asc`;
    writeFileSync(sig, Buffer.from(await res.arrayBuffer()));
    const r = await verifyDetachedSignature(info.downloadedFile, sig, keyring);
    return r.ok ? r : { ok: false, message: `bad signature on ${name}: ${r.message}` };
  }
  return { ok: false, message: `no signature (${names.map((n) => `${n}.asc`).join(', ')}) in the update folder` };
}
