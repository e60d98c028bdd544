// Where the Electron binaries are, for `npm start`, `npm run dist` and the Electron e2e suite.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function electronVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * The binary `npm start` runs: what require('electron') would return, checked without requiring
 * it — electron 42's index.js starts a download when the binary is missing, which on an offline
 * machine means a stack trace and a long wait instead of one clear line.
 */
export function electronBinary(env = process.env) {
  const pkg = join(ROOT, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { ok: false, why: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, exe || 'electron');
    return existsSync(p) ? { ok: true, path: p } : { ok: false, why: `ELECTRON_OVERRIDE_DIST_PATH has no ${p}` };
  }
  if (!exe) return { ok: false, why: 'node_modules/electron has no binary: its download never happened (no path.txt, no dist/)' };
  const p = join(pkg, 'dist', exe);
  return existsSync(p) ? { ok: true, path: p } : { ok: false, why: `the Electron binary ${p} is missing` };
}

/** The zip electron-builder needs for one target, e.g. electron-v42.11.18-win32-x64.zip. */
export function electronZipName(platform, arch, version = electronVersion()) {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

/** Cache folders @electron/get and electron-builder look in, most specific first. */
export function electronCacheDirs(env = process.env, platform = process.platform) {
  const dirs = [];
  if (env.ELECTRON_CACHE) dirs.push(env.ELECTRON_CACHE);
  if (env.electron_config_cache) dirs.push(env.electron_config_cache);
  if (platform === 'win32') dirs.push(join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache'));
  else if (platform === 'darwin') dirs.push(join(homedir(), 'Library', 'Caches', 'electron'));
  else dirs.push(join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron'));
  return dirs;
}

/**
 * Finds a pre-downloaded zip: directly in a cache folder, or one level down (@electron/get keeps
 * each download in a sub-folder named by a hash of its URL), or in electronDist.
 */
export function findElectronZip(name, dirs) {
  for (const dir of dirs) {
    if (!dir || !existsSync(dir)) continue;
    if (existsSync(join(dir, name))) return join(dir, name);
    for (const sub of readdirSync(dir)) {
      const full = join(dir, sub, name);
      try {
        if (statSync(join(dir, sub)).isDirectory() && existsSync(full)) return full;
      } catch {
        /* unreadable entry */
      }
    }
  }
  return undefined;
}
