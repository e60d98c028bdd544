import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ROOT } from './it-support';

const requireHere = createRequire(__filename);
const yaml = requireHere('js-yaml') as { load(text: string): unknown };
// electron-builder validates with its own Ajv 8 and scheme.json; use exactly those.
const builderRequire = createRequire(requireHere.resolve('app-builder-lib/package.json'));
const Ajv = builderRequire('ajv').default as new (o: object) => { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null } };
const scheme = JSON.parse(readFileSync(builderRequire.resolve('app-builder-lib/scheme.json'), 'utf8'));
const { validateConfiguration } = builderRequire('./out/util/config/config') as { validateConfiguration(c: unknown, log: object): Promise<void> };
const minimatch = requireHere('minimatch') as (p: string, pattern: string, o?: object) => boolean;

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as any;
const validate = new Ajv({ allErrors: true, strict: false }).compile(scheme);
const debugLog = { isEnabled: false, add: () => undefined };

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own configuration schema", async () => {
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    await expect(validateConfiguration(config, debugLog)).resolves.toBeUndefined();
  });

  it('the schema check is live: a wrong key or value is rejected', async () => {
    expect(validate({ ...config, nsis: { ...config.nsis, perMachine: 'yes please' } })).toBe(false);
    expect(validate({ ...config, asar: true, signing: { pfx: 'x' } })).toBe(false);
    await expect(validateConfiguration({ ...config, win: { ...config.win, certificatePassword: 1, bogus: true } }, debugLog)).rejects.toThrow(/Invalid configuration/);
  });

  it('builds Windows NSIS x64 per-machine with silent-install support, and Linux deb + AppImage', () => {
    expect(config.appId).toBe('jp.lg.isesaki.madoguchi');
    expect(config.productName).toBe('Madoguchi');
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    // Assisted per-machine installer: installs for all users, runs silently with /S.
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, allowElevation: true });
    expect(config.linux.target).toEqual([
      { target: 'deb', arch: ['x64'] },
      { target: 'AppImage', arch: ['x64'] },
    ]);
  });

  it('packs into asar, unpacks native modules, and rebuilds them for Electron at packaging time', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.asarUnpack).toContain('node_modules/@expo-google-fonts/**/*.ttf');
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
  });

  it('flips the Electron fuses of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true, // IT's CLI runs on the app's own runtime (README, For IT)
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('signs from the environment only: no certificate, password or key in the file', () => {
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
    expect(config.win.signtoolOptions.signingHashAlgorithms).toEqual(['sha256']);
    const text = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
    const noComments = text.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
    expect(noComments).not.toMatch(/certificateFile|certificatePassword|certificateSha1|cscLink|cscKeyPassword|password|BEGIN PGP/i);
    for (const v of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'WIN_CSC_LINK', 'AZURE_TENANT_ID', 'MADOGUCHI_GPG_KEY', 'MADOGUCHI_UPDATE_URL']) expect(text).toContain(v);
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.MADOGUCHI_UPDATE_URL}', channel: 'latest' }]);
    expect(config.forceCodeSigning).toBe(false); // release builds turn it on: see dist --release below
  });

  it('ships only the built app: the file list, checked against the real tree', () => {
    expect(config.files).toEqual([
      'package.json',
      'dist-main/**/*',
      '!dist-main/**/*.test.js',
      '!dist-main/**/*.map',
      'dist-renderer/**/*',
      'fixtures/catalog/**/*',
      'fixtures/catalog-samples/households.json',
      'fixtures/forms/**/*',
      'fixtures/config/demo.json',
      'fixtures/kpi/targets.json',
      'fixtures/linkage/demo-residents.csv',
      'locales/**/*',
      'assets/fonts/**/*',
      '!**/node_modules/@expo-google-fonts/*/{100,200,300,500,600,700,800,900}*/**',
    ]);
    const include = (config.files as string[]).filter((p) => !p.startsWith('!'));
    const exclude = (config.files as string[]).filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const packed = (f: string) => include.some((p) => minimatch(f, p, { dot: true })) && !exclude.some((p) => minimatch(f, p, { dot: true }));
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const full = join(dir, n);
        if (['node_modules', '.git', 'release', 'dist-main', 'dist-renderer', 'test-results'].includes(n)) return []; // build output, rebuilt by other suites meanwhile
        return statSync(full).isDirectory() ? walk(full) : [relative(ROOT, full).split(sep).join('/')];
      });
    const tree = walk(ROOT);
    const shipped = tree.filter(packed);
    for (const f of shipped) expect(f).toMatch(/^(package\.json|dist-main\/|dist-renderer\/|fixtures\/catalog\/|fixtures\/catalog-samples\/households\.json|fixtures\/forms\/|fixtures\/config\/demo\.json|fixtures\/kpi\/targets\.json|fixtures\/linkage\/demo-residents\.csv|locales\/|assets\/fonts\/)/);
    for (const f of tree.filter((x) => /^(src-main|src-renderer|tests|scripts|docs)\//.test(x) || (/^fixtures\/(golden|facts|linkage)\//.test(x) && x !== 'fixtures/linkage/demo-residents.csv') || /\.(test|spec)\.(ts|js)$/.test(x))) {
      expect(packed(f), f).toBe(false);
    }
    expect(packed('dist-main/electron/main.js')).toBe(true);
    expect(packed('dist-main/electron/preload.js')).toBe(true);
    expect(packed('dist-renderer/index.html')).toBe(true);
    expect(packed('fixtures/catalog/procedures.json')).toBe(true);
    expect(packed('locales/ja/catalog.json')).toBe(true);
    // Every file or folder the main code reads from the app root at run time is in the package.
    const sources = walk(join(ROOT, 'src-main')).filter((f) => f.endsWith('.ts') && !/\.(test|spec)\.ts$/.test(f) && !f.includes('/cli/') && !f.includes('/residents/generate'));
    const readAtRuntime = new Set<string>();
    for (const f of sources) {
      for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/join\((?:APP_ROOT|ROOT),\s*((?:'[^']+'(?:,\s*)?)+)\)/g)) {
        readAtRuntime.add(m[1]!.split(',').map((x) => x.trim().replace(/'/g, '')).join('/'));
      }
    }
    expect(readAtRuntime).toContain('fixtures/catalog');
    for (const p of readAtRuntime) expect(packed(p) || packed(`${p}/x.json`), `${p} is read at run time but not packaged`).toBe(true);
    expect(shipped.some((f) => f.startsWith('fixtures/catalog/'))).toBe(true);
  });

  it('points package.json main at the compiled Electron main', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist-main/electron/main.js');
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
    expect(pkg.scripts['build:main']).toBe('node scripts/build-main.mjs');
    // Native modules electron-builder must rebuild are production dependencies.
    for (const m of ['better-sqlite3', 'serialport', '@napi-rs/canvas', 'electron-updater']) expect(pkg.dependencies[m]).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
  });
});

describe('npm run dist', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'dist.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HOME: env.HOME ?? process.env.HOME, ELECTRON_CACHE: '', electron_config_cache: '', ELECTRON_MIRROR: '', MADOGUCHI_ELECTRON_DIST: '', MADOGUCHI_DIST_OFFLINE: '1', ...env } });
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version as string;

  it('stops with what is missing and how to provide it when the Electron binaries cannot be had', () => {
    const { dir, cleanup } = tempDir('madoguchi-dist-');
    try {
      const r = run(['--win', '--linux'], { ELECTRON_CACHE: join(dir, 'cache'), XDG_CACHE_HOME: join(dir, 'xdg'), HOME: dir });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`the Electron ${version} binaries cannot be downloaded on this machine, and no copy was found.`);
      expect(r.stderr).toContain(`Missing: electron-v${version}-win32-x64.zip, electron-v${version}-linux-x64.zip`);
      expect(r.stderr).toMatch(/set ELECTRON_CACHE=<that folder>/);
      expect(r.stderr).toMatch(/MADOGUCHI_ELECTRON_DIST=<folder>/);
      expect(r.stderr).toMatch(/ELECTRON_MIRROR/);
      expect(r.stdout).toBe('');
    } finally {
      cleanup();
    }
  });

  it('goes ahead with a pre-downloaded cache, passing signing settings from the environment', () => {
    const { dir, cleanup } = tempDir('madoguchi-dist-');
    try {
      // @electron/get keeps each download in a sub-folder named by a hash of its URL.
      mkdirSync(join(dir, 'cache', 'a1b2c3'), { recursive: true });
      writeFileSync(join(dir, 'cache', 'a1b2c3', `electron-v${version}-linux-x64.zip`), 'placeholder: only its presence is checked here');
      const r = run(['--linux', '--check'], { ELECTRON_CACHE: join(dir, 'cache'), MADOGUCHI_PUBLISHER_NAME: 'Isesaki City', MADOGUCHI_AZURE_ENDPOINT: 'https://eus.codesigning.azure.net', MADOGUCHI_AZURE_ACCOUNT: 'isesaki', MADOGUCHI_AZURE_PROFILE: 'madoguchi', AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Electron ${version} binaries found for linux-x64`);
      expect(r.stdout).toMatch(/electron-builder\/cli\.js --config electron-builder\.yml --linux --publish never/);
      expect(r.stdout).toContain('-c.win.azureSignOptions.endpoint=https://eus.codesigning.azure.net');
      expect(r.stdout).toContain('"-c.win.signtoolOptions.publisherName=Isesaki City"');
      const half = run(['--linux', '--check'], { ELECTRON_CACHE: join(dir, 'cache'), MADOGUCHI_AZURE_ENDPOINT: 'https://x' });
      expect(half.status).toBe(1);
      expect(half.stderr).toMatch(/Azure Trusted Signing is half configured: set MADOGUCHI_AZURE_ACCOUNT, MADOGUCHI_AZURE_PROFILE/);
      const unsigned = run(['--win', '--release', '--check'], { ELECTRON_CACHE: join(dir, 'cache'), CSC_LINK: '', WIN_CSC_LINK: '' });
      expect(unsigned.status).toBe(1);
      expect(unsigned.stderr).toMatch(/a --release build for Windows must be signed: set CSC_LINK and CSC_KEY_PASSWORD/);
    } finally {
      cleanup();
    }
  });
});
