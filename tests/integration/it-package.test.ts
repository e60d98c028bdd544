import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ROOT } from './it-support';

/**
 * Packs the app for real with electron-builder (linux "dir" target) from electron-builder.yml.
 * Two things cannot happen here and are switched off for this run only: the Electron binary is a
 * stand-in folder (electronDist), and the native modules are not rebuilt for Electron's ABI — so
 * the packed app still runs on this Node, which lets the test start the packed CLI.
 */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const asar = createRequire(__filename)('@electron/asar') as { listPackage(p: string): string[]; extractAll(p: string, dest: string): void };
const { dir, cleanup } = tempDir('madoguchi-pack-');
const out = join(dir, 'out');
const resources = join(out, 'linux-unpacked', 'resources');
let files: string[] = [];
let log = '';
afterAll(cleanup);

beforeAll(async () => {
  const fakeElectron = join(dir, 'electron-dist');
  mkdirSync(fakeElectron);
  // A stand-in with Electron's fuse wire (sentinel, version 1, 8 fuses at Electron's defaults), so
  // electron-builder flips the configured fuses in it exactly as in the real binary.
  writeFileSync(join(fakeElectron, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n# '), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.from('\n')]));
  chmodSync(join(fakeElectron, 'electron'), 0o755);
  if (!existsSync(join(ROOT, 'dist-renderer', 'index.html'))) expect(spawnSync('npm', ['run', '-s', 'build:renderer'], { cwd: ROOT }).status).toBe(0);
  const { buildMain, withBuildLock } = await import('../../scripts/build-main.mjs');
  const code = await withBuildLock(async () => {
    await buildMain({ quiet: true, locked: true });
    return new Promise<number | null>((resolve) => {
      const p = spawn(
        process.execPath,
        [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', '--linux', 'dir', '--publish', 'never', `-c.electronDist=${fakeElectron}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
        { cwd: ROOT, env: { ...process.env, MADOGUCHI_UPDATE_URL: 'http://updates.city.lan/madoguchi/', CSC_LINK: '', WIN_CSC_LINK: '' } },
      );
      p.stdout.on('data', (d: Buffer) => (log += d.toString()));
      p.stderr.on('data', (d: Buffer) => (log += d.toString()));
      p.on('exit', resolve);
    });
  });
  expect(code, log.split('\n').filter((l) => !l.includes('duplicate dependency')).join('\n')).toBe(0);
  files = asar.listPackage(join(resources, 'app.asar')).map((f) => f.replace(/\\/g, '/').replace(/^\//, ''));
}, 240_000);

describe('the packaged app (electron-builder, linux dir target)', () => {
  it('holds only the built app at its top level', () => {
    const top = new Set(files.map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(['dist-main', 'dist-renderer', 'fixtures', 'locales', 'node_modules', 'package.json']);
    expect(new Set(files.filter((f) => f.startsWith('fixtures/')).map((f) => f.split('/')[1]))).toEqual(new Set(['catalog', 'catalog-samples', 'config', 'forms', 'kpi', 'linkage']));
    expect(files.filter((f) => f.startsWith('fixtures/config/'))).toEqual(['fixtures/config/demo.json']);
    const ours = files.filter((f) => f.startsWith('dist-main/') && /\.[a-z]+$/.test(f));
    expect(ours.length).toBeGreaterThan(50);
    expect(ours.filter((f) => !f.endsWith('.js'))).toEqual([]);
    expect(ours.filter((f) => /\.test\.js$/.test(f))).toEqual([]);
    expect(files).toContain('dist-main/electron/main.js');
    expect(files).toContain('dist-main/electron/preload.js');
    expect(files).toContain('dist-renderer/index.html');
  });

  it('has the production dependencies and none of the development ones', () => {
    const modules = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => (f.split('/')[1]!.startsWith('@') ? f.split('/').slice(1, 3).join('/') : f.split('/')[1])));
    for (const m of ['better-sqlite3', 'serialport', 'pdfkit', 'electron-updater', 'zod', 'i18next', '@napi-rs/canvas']) expect(modules, m).toContain(m);
    for (const m of ['electron', 'electron-builder', 'vitest', '@playwright/test', 'typescript', 'eslint', 'tsx', 'vite', 'pouchdb']) expect(modules, m).not.toContain(m);
  });

  it('keeps native modules outside the archive, and only the font cuts the code reads', () => {
    const unpacked = join(resources, 'app.asar.unpacked', 'node_modules');
    expect(existsSync(join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    const referenced = new Set<string>();
    for (const f of readdirSync(join(ROOT, 'src-main', 'node', 'fonts')).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      for (const m of readFileSync(join(ROOT, 'src-main', 'node', 'fonts', f), 'utf8').matchAll(/fontPath\('([^']+)', '([^']+)'\)/g)) referenced.add(`node_modules/${m[1]}/${m[2]}`);
    }
    expect(referenced.size).toBeGreaterThanOrEqual(3);
    for (const f of referenced) expect(files, f).toContain(f);
    expect(files.filter((f) => /@expo-google-fonts\/[^/]+\/700Bold\//.test(f))).toEqual([]);
  });

  it('flips the Electron fuses in the packaged binary', () => {
    const bin = readFileSync(join(out, 'linux-unpacked', 'madoguchi'));
    const at = bin.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    expect(bin[at]).toBe(1);
    const wire = bin.subarray(at + 2, at + 2 + bin[at + 1]!).toString('latin1');
    // RunAsNode, CookieEncryption, NODE_OPTIONS, --inspect, asar integrity, only asar, V8 snapshot, file:// privileges
    expect(wire).toBe('11001100');
  });

  it('carries the update folder and the generic provider in app-update.yml', () => {
    const yml = readFileSync(join(resources, 'app-update.yml'), 'utf8');
    expect(yml).toMatch(/^provider: generic$/m);
    expect(yml).toMatch(/^url: http:\/\/updates\.city\.lan\/madoguchi\/$/m);
  });

  it('runs: the packed CLI sets up a terminal, issues a ticket and passes doctor', () => {
    const app = join(dir, 'extracted');
    asar.extractAll(join(resources, 'app.asar'), app);
    const cliMain = join(app, 'dist-main', 'node', 'cli', 'main.js');
    const data = join(dir, 'data');
    const run = (...args: string[]) => spawnSync(process.execPath, [cliMain, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const init = run('terminal', 'init', '--data', data, '--role', 'kiosk', '--terminal', 'kiosk-east-1', '--station', 'east', '--printer', 'file:printer/ticket');
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain(join(app, 'fixtures', 'config', 'demo.json'));
    const ticket = run('ticket', 'issue', '--data', data, '--event', 'moving-in');
    expect(ticket.status, ticket.stderr).toBe(0);
    expect(JSON.parse(ticket.stdout.trim())).toMatchObject({ number: 1001, station: 'east' });
    const doctor = run('doctor', '--data', data);
    expect(doctor.status, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/OK {4}catalog: procedure catalog in .*extracted\/fixtures\/catalog is valid/);
  });
});
