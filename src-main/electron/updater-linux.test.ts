import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { parseConfig } from '../common/config/schema';
import { tempDir } from '../../tests/support/tmp';
import { startUpdater, verifyDetachedSignature, verifyLinuxPackage, type UpdaterLike } from './updater';

const hasGpg = (() => {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    execFileSync('gpgv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasGpg) console.log('Linux update signature tests skipped: gpg/gpgv not installed (apt install gnupg).');

/** Real GnuPG: a throw-away signing key, its public keyring, and a second unrelated key. */
const t = tempDir('madoguchi-gpg-');
const home = join(t.dir, 'gnupg');
const gpg = (args: string[], homedir = home) => execFileSync('gpg', ['--homedir', homedir, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
const pkg = join(t.dir, 'madoguchi-1.4.0-amd64.deb');
const keyring = join(t.dir, 'city.gpg');
const otherKeyring = join(t.dir, 'other.gpg');
let server: Server;
let url: string;
const files = new Map<string, Buffer>();

beforeAll(async () => {
  if (!hasGpg) return;
  execFileSync('mkdir', ['-m', '700', '-p', home, join(t.dir, 'other')]);
  execFileSync('chmod', ['700', join(t.dir, 'other')]);
  gpg(['--quick-gen-key', 'Isesaki City Updates <updates@city.example>', 'ed25519', 'sign', 'never']);
  gpg(['--quick-gen-key', 'Somebody Else <else@example.org>', 'ed25519', 'sign', 'never'], join(t.dir, 'other'));
  writeFileSync(keyring, gpg(['--export', 'updates@city.example']));
  writeFileSync(otherKeyring, gpg(['--export', 'else@example.org'], join(t.dir, 'other')));
  writeFileSync(pkg, Buffer.from('pretend this is a .deb package '.repeat(100)));
  gpg(['--local-user', 'updates@city.example', '--armor', '--detach-sign', pkg]);
  server = createServer((req, res) => {
    const f = files.get(decodeURIComponent(req.url ?? ''));
    res.writeHead(f ? 200 : 404);
    res.end(f ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/madoguchi/`;
}, 60_000);
afterAll(async () => {
  if (server) await new Promise<void>((r) => server.close(() => r()));
  for (const h of [home, join(t.dir, 'other')]) {
    try {
      execFileSync('gpgconf', ['--homedir', h, '--kill', 'gpg-agent']);
    } catch {
      /* no agent */
    }
  }
  t.cleanup();
});

describe.skipIf(!hasGpg)('Linux update signatures (real gpgv)', () => {
  it('accepts the package signed by the configured key only', async () => {
    expect(await verifyDetachedSignature(pkg, `${pkg}.asc`, keyring)).toMatchObject({ ok: true, signer: expect.stringContaining('Isesaki City Updates') });
    expect((await verifyDetachedSignature(pkg, `${pkg}.asc`, otherKeyring)).ok).toBe(false);
    const tampered = join(t.dir, 'tampered.deb');
    writeFileSync(tampered, Buffer.concat([readFileSync(pkg), Buffer.from('x')]));
    expect((await verifyDetachedSignature(tampered, `${pkg}.asc`, keyring)).ok).toBe(false);
  });

  it('fetches <package>.asc from the update folder and checks the download against it', async () => {
    const { dir, cleanup } = tempDir('madoguchi-dl-');
    try {
      const downloaded = join(dir, 'madoguchi-1.4.0-amd64.deb');
      copyFileSync(pkg, downloaded);
      const info = { version: '1.4.0', downloadedFile: downloaded, files: [{ url: 'madoguchi-1.4.0-amd64.deb' }] };
      expect(await verifyLinuxPackage(info, url, keyring)).toMatchObject({ ok: false, message: expect.stringContaining('no signature') });
      files.set('/madoguchi/madoguchi-1.4.0-amd64.deb.asc', readFileSync(`${pkg}.asc`));
      expect(await verifyLinuxPackage(info, url, keyring)).toMatchObject({ ok: true });
      expect(await verifyLinuxPackage(info, url, otherKeyring)).toMatchObject({ ok: false, message: expect.stringContaining('bad signature') });
    } finally {
      files.clear();
      cleanup();
    }
  });

  it('installs on quit only after the signature checks out', async () => {
    const { dir, cleanup } = tempDir('madoguchi-dl-');
    try {
      const downloaded = join(dir, 'madoguchi-1.4.0-amd64.deb');
      copyFileSync(pkg, downloaded);
      const handlers = new Map<string, (...a: any[]) => void>();
      const fake = { autoDownload: false, autoInstallOnAppQuit: false, allowDowngrade: true, allowPrerelease: true, updateConfigPath: null as string | null, isUserWithinRollout: (() => true) as UpdaterLike['isUserWithinRollout'], setFeedURL: vi.fn(), checkForUpdates: vi.fn(async () => null), on: vi.fn((e: string, h: (...a: any[]) => void) => handlers.set(e, h)) };
      const lines: string[] = [];
      const run = async (keyringFile: string) => {
        const config = parseConfig({ node: { id: 'd1' }, terminals: [{ id: 'd1', role: 'display' }], updates: { url, gpgKeyring: keyringFile } });
        startUpdater({ updater: fake, config, terminal: { terminalId: 'd1', role: 'display' }, packaged: true, platform: 'linux', resourcesPath: dir, stateDir: join(dir, 'updates'), log: (l) => lines.push(l) }).stop();
        expect(fake.autoInstallOnAppQuit).toBe(true);
        handlers.get('update-downloaded')!({ version: '1.4.0', downloadedFile: downloaded, files: [{ url: 'madoguchi-1.4.0-amd64.deb' }] });
        expect(fake.autoInstallOnAppQuit).toBe(false);
        const deadline = Date.now() + 10_000;
        while (!lines.some((l) => /1\.4\.0 (downloaded, signed|NOT installed)/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      };
      files.set('/madoguchi/madoguchi-1.4.0-amd64.deb.asc', readFileSync(`${pkg}.asc`));
      await run(keyring);
      expect(fake.autoInstallOnAppQuit).toBe(true);
      expect(lines.join('\n')).toMatch(/1\.4\.0 downloaded, signed by Isesaki City Updates/);
      lines.length = 0;
      await run(otherKeyring);
      expect(fake.autoInstallOnAppQuit).toBe(false);
      expect(lines.join('\n')).toMatch(/1\.4\.0 NOT installed: bad signature/);
    } finally {
      files.clear();
      cleanup();
    }
  });
});
