#!/usr/bin/env node
// `npm run dist [-- --win|--linux] [--release] [--check]`: installers for IT.
// 1. checks the Electron binaries electron-builder needs are at hand (it cannot download them on
//    an offline build machine) and stops with what is missing and how to provide it;
// 2. builds the screens and dist-main; 3. runs electron-builder with electron-builder.yml plus
//    signing settings from the environment; 4. signs Linux packages with gpg when a key is given.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildMain, withBuildLock } from './build-main.mjs';
import { electronCacheDirs, electronVersion, electronZipName, findElectronZip, ROOT } from './lib/electron.mjs';

const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const release = args.includes('--release');
const env = process.env;

/** Which platform zips this build needs: --win / --linux, else this machine's platform. */
export function targets(argv, hostPlatform = process.platform) {
  const t = [];
  if (argv.includes('--win')) t.push({ flag: '--win', platform: 'win32', arch: 'x64' });
  if (argv.includes('--linux')) t.push({ flag: '--linux', platform: 'linux', arch: 'x64' });
  if (t.length === 0) t.push(hostPlatform === 'win32' ? { flag: '--win', platform: 'win32', arch: 'x64' } : { flag: '--linux', platform: 'linux', arch: 'x64' });
  return t;
}

/** electron-builder -c overrides from the environment (signing that cannot live in the yml). */
export function configOverrides(e, { release: rel = false } = {}) {
  const o = [];
  if (e.MADOGUCHI_ELECTRON_DIST) o.push(`-c.electronDist=${e.MADOGUCHI_ELECTRON_DIST}`);
  if (e.MADOGUCHI_PUBLISHER_NAME) o.push(`-c.win.signtoolOptions.publisherName=${e.MADOGUCHI_PUBLISHER_NAME}`);
  if (e.MADOGUCHI_AZURE_ENDPOINT || e.MADOGUCHI_AZURE_ACCOUNT || e.MADOGUCHI_AZURE_PROFILE) {
    const missing = ['MADOGUCHI_AZURE_ENDPOINT', 'MADOGUCHI_AZURE_ACCOUNT', 'MADOGUCHI_AZURE_PROFILE', 'MADOGUCHI_PUBLISHER_NAME', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID'].filter((k) => !e[k]);
    if (missing.length) throw new Error(`Azure Trusted Signing is half configured: set ${missing.join(', ')} as well (see the README, "For IT")`);
    o.push(
      `-c.win.azureSignOptions.endpoint=${e.MADOGUCHI_AZURE_ENDPOINT}`,
      `-c.win.azureSignOptions.codeSigningAccountName=${e.MADOGUCHI_AZURE_ACCOUNT}`,
      `-c.win.azureSignOptions.certificateProfileName=${e.MADOGUCHI_AZURE_PROFILE}`,
      `-c.win.azureSignOptions.publisherName=${e.MADOGUCHI_PUBLISHER_NAME}`,
    );
  }
  if (rel) o.push('-c.forceCodeSigning=true');
  return o;
}

async function downloadable(url) {
  if (env.MADOGUCHI_DIST_OFFLINE === '1') return false;
  try {
    const r = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(4000) });
    return r.ok;
  } catch {
    return false;
  }
}

function fail(lines) {
  console.error(lines.join('\n'));
  process.exit(1);
}

const version = electronVersion();
const wanted = targets(args);
if (release && !(env.CSC_LINK || env.WIN_CSC_LINK || env.MADOGUCHI_AZURE_ENDPOINT) && wanted.some((t) => t.platform === 'win32')) {
  fail(['npm run dist: a --release build for Windows must be signed: set CSC_LINK and CSC_KEY_PASSWORD (a .pfx certificate), or the Azure Trusted Signing variables (README, "For IT" → "Building signed installers").']);
}
let overrides;
try {
  overrides = configOverrides(env, { release });
} catch (e) {
  fail([`npm run dist: ${e.message}`]);
}

const dirs = [...(env.MADOGUCHI_ELECTRON_DIST ? [env.MADOGUCHI_ELECTRON_DIST] : []), ...electronCacheDirs(env)];
const missing = [];
for (const t of wanted) {
  const name = electronZipName(t.platform, t.arch, version);
  if (findElectronZip(name, dirs)) continue;
  const mirror = env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  const url = `${mirror.replace(/\/?$/, '/')}v${version}/${name}`;
  if (await downloadable(url)) continue;
  missing.push({ name, url });
}
if (missing.length) {
  fail([
    `npm run dist: the Electron ${version} binaries cannot be downloaded on this machine, and no copy was found.`,
    `Missing: ${missing.map((m) => m.name).join(', ')}`,
    `Looked in: ${dirs.join(', ')}`,
    'Provide them, then run "npm run dist" again — any one of:',
    `  - download ${missing.map((m) => m.url).join(' and ')} on a machine with internet access, copy the zip(s) to a folder here and set ELECTRON_CACHE=<that folder>;`,
    '  - or set MADOGUCHI_ELECTRON_DIST=<folder> holding the zip(s) (passed to electron-builder as electronDist);',
    '  - or set ELECTRON_MIRROR=<URL of an internal mirror of the Electron releases>.',
    'Native modules are rebuilt from source for Electron: the build machine also needs the Electron headers (npm_config_disturl for a mirror) and a C++ toolchain.',
  ]);
}

const builderArgs = [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', ...wanted.map((t) => t.flag), '--publish', 'never', ...overrides];
if (checkOnly) {
  console.log(`npm run dist --check: Electron ${version} binaries found for ${wanted.map((t) => `${t.platform}-${t.arch}`).join(', ')}.`);
  console.log(`would run: node ${builderArgs.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  process.exit(0);
}

const vite = spawnSync('npm', ['run', '-s', 'build:renderer'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (vite.status !== 0) process.exit(vite.status ?? 1);
if (!env.MADOGUCHI_UPDATE_URL) console.log('note: MADOGUCHI_UPDATE_URL is not set; the installers carry no update folder of their own (each terminal\'s config.json "updates.url" decides).');
const eb = await withBuildLock(async () => {
  await buildMain({ locked: true });
  return spawnSync(process.execPath, builderArgs, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...env, MADOGUCHI_UPDATE_URL: env.MADOGUCHI_UPDATE_URL || 'http://madoguchi-updates.invalid/', ...(env.MADOGUCHI_ELECTRON_DIST && !env.ELECTRON_CACHE ? { ELECTRON_CACHE: env.MADOGUCHI_ELECTRON_DIST } : {}) },
  });
});
if (eb.status !== 0) process.exit(eb.status ?? 1);

// Linux packages: detached ASCII-armoured signatures (and dpkg-sig inside the .deb when installed).
if (env.MADOGUCHI_GPG_KEY) {
  const out = join(ROOT, 'release');
  for (const f of existsSync(out) ? readdirSync(out).filter((n) => /\.(deb|AppImage)$/.test(n)) : []) {
    const file = join(out, f);
    const g = spawnSync('gpg', ['--batch', '--yes', '--local-user', env.MADOGUCHI_GPG_KEY, '--armor', '--detach-sign', file], { stdio: 'inherit' });
    if (g.status !== 0) fail([`gpg could not sign ${file} with key ${env.MADOGUCHI_GPG_KEY}`]);
    if (f.endsWith('.deb') && spawnSync('dpkg-sig', ['--version']).status === 0) {
      const d = spawnSync('dpkg-sig', ['-k', env.MADOGUCHI_GPG_KEY, '--sign', 'builder', file], { stdio: 'inherit' });
      if (d.status !== 0) fail([`dpkg-sig could not sign ${file}`]);
    }
    console.log(`signed ${f} (${f}.asc)`);
  }
}
