import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { parseConfig } from '../common/config/schema';
import { tempDir } from '../../tests/support/tmp';
import { appUpdateYml, fetchRollout, parseRollout, readBuiltInPublisher, rolloutBucket, rolloutDecision, startUpdater, updaterSettings, type UpdaterLike } from './updater';

const kiosk = { terminalId: 'kiosk-east-1', role: 'kiosk' as const };

describe('rolloutDecision', () => {
  it('takes everything without a rollout.json, or when it is about another version', () => {
    expect(rolloutDecision(null, kiosk, '1.2.0').take).toBe(true);
    expect(rolloutDecision({ version: '1.1.0', percent: 0 }, kiosk, '1.2.0').take).toBe(true);
  });
  it('stages by terminal id, role and percent; hold stops it', () => {
    expect(rolloutDecision({ terminals: ['kiosk-east-1'], percent: 0 }, kiosk, '1.2.0').take).toBe(true);
    expect(rolloutDecision({ terminals: ['kiosk-west-1'] }, kiosk, '1.2.0').take).toBe(false);
    expect(rolloutDecision({ roles: ['display'] }, kiosk, '1.2.0').take).toBe(false);
    expect(rolloutDecision({ roles: ['kiosk', 'display'] }, kiosk, '1.2.0').take).toBe(true);
    expect(rolloutDecision({ percent: 100 }, kiosk, '1.2.0').take).toBe(true);
    expect(rolloutDecision({ percent: 0 }, kiosk, '1.2.0').take).toBe(false);
    expect(rolloutDecision({ hold: true, terminals: ['kiosk-east-1'] }, kiosk, '1.2.0').take).toBe(false);
    const b = rolloutBucket('kiosk-east-1', '1.2.0');
    expect(rolloutDecision({ percent: b + 1 }, kiosk, '1.2.0').take).toBe(true);
    expect(rolloutDecision({ percent: b }, kiosk, '1.2.0').take).toBe(false);
  });
  it('spreads terminals evenly: 25% takes about a quarter of 2,000 terminals', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `counter-${i}`);
    const taken = ids.filter((id) => rolloutDecision({ percent: 25 }, { terminalId: id, role: 'counter' }, '2.0.0').take).length;
    expect(taken).toBeGreaterThan(400);
    expect(taken).toBeLessThan(600);
    // A terminal's answer is stable for a version.
    expect(rolloutBucket('counter-7', '2.0.0')).toBe(rolloutBucket('counter-7', '2.0.0'));
  });
  it('rejects a malformed rollout.json naming the field', () => {
    expect(() => parseRollout({ percent: 150 })).toThrow(/percent/);
    expect(() => parseRollout({ roles: ['janitor'] })).toThrow(/roles\[0\]/);
    expect(() => parseRollout({ precent: 10 })).toThrow();
  });
});

describe('update folder over HTTP', () => {
  let server: Server;
  let url: string;
  const files = new Map<string, { status: number; body: string }>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const f = files.get(req.url ?? '');
      const body = f?.body ?? '';
      res.writeHead(f?.status ?? 404, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/madoguchi/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads rollout.json; 404 means no staging; a broken file holds the update', async () => {
    expect(await fetchRollout(url)).toBeNull();
    files.set('/madoguchi/rollout.json', { status: 200, body: JSON.stringify({ version: '1.3.0', roles: ['display'], percent: 50 }) });
    expect(await fetchRollout(url)).toEqual({ version: '1.3.0', roles: ['display'], percent: 50 });
    files.set('/madoguchi/rollout.json', { status: 200, body: '{not json' });
    await expect(fetchRollout(url)).rejects.toThrow(/not valid JSON/);
    files.set('/madoguchi/rollout.json', { status: 500, body: '' });
    await expect(fetchRollout(url)).rejects.toThrow(/HTTP 500/);
  });

  it('a rollout.json larger than 1 MiB is refused (holding the update) without being read whole', async () => {
    // Declared too long: refused before its body.
    files.set('/madoguchi/rollout.json', { status: 200, body: JSON.stringify({ terminals: Array.from({ length: 60_000 }, (_, i) => `kiosk-${i}`.padEnd(20, 'x')) }) });
    await expect(fetchRollout(url)).rejects.toThrow(/rollout\.json is \d+ bytes long; rollout\.json is at most 1048576 bytes/);
    // No length given and no end: cut off at the limit.
    let written = 0;
    const endless = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"terminals":[');
      const chunk = Buffer.from('"kiosk-east-1",'.repeat(4000));
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', () => r()));
    try {
      const at = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/`;
      await expect(fetchRollout(at)).rejects.toThrow(/rollout\.json is longer than that; rollout\.json is at most 1048576 bytes/);
      expect(written).toBeLessThan(64 * 1024 * 1024);
      // A long but lawful one (1,000 terminals) is read whole.
      files.set('/madoguchi/rollout.json', { status: 200, body: JSON.stringify({ terminals: Array.from({ length: 1000 }, (_, i) => `kiosk-${i}`) }) });
      expect((await fetchRollout(url))?.terminals).toHaveLength(1000);
    } finally {
      endless.closeAllConnections();
      await new Promise<void>((r) => endless.close(() => r()));
    }
  });

  it('wires electron-updater: generic provider, publisher check file, rollout gate', async () => {
    const { dir, cleanup } = tempDir('madoguchi-upd-');
    try {
      const config = parseConfig({ node: { id: 'kiosk-east-1' }, stations: [{ id: 'east', name: '東口', range: { from: 1, to: 9 } }], terminals: [{ id: 'kiosk-east-1', role: 'kiosk', station: 'east' }], updates: { url, publisherName: ['CN=Isesaki City'] } });
      const fake = { autoDownload: false, autoInstallOnAppQuit: false, allowDowngrade: true, allowPrerelease: true, updateConfigPath: null as string | null, isUserWithinRollout: (() => true) as UpdaterLike['isUserWithinRollout'], setFeedURL: vi.fn(), checkForUpdates: vi.fn(async () => null), on: vi.fn() };
      const lines: string[] = [];
      const u = startUpdater({ updater: fake, config, terminal: kiosk, packaged: true, platform: 'win32', resourcesPath: join(dir, 'resources'), stateDir: join(dir, 'updates'), log: (l) => lines.push(l) });
      u.stop();
      expect(u.settings).toMatchObject({ enabled: true, url, publisherName: ['CN=Isesaki City'] });
      expect(fake.setFeedURL).toHaveBeenCalledWith(expect.objectContaining({ provider: 'generic', url }));
      expect(fake.allowDowngrade).toBe(false);
      expect(fake.checkForUpdates).toHaveBeenCalled();
      const yml = readFileSync(fake.updateConfigPath!, 'utf8');
      expect(yml).toContain('provider: generic');
      expect(readBuiltInPublisher(join(dir, 'updates'))).toEqual(['CN=Isesaki City']);
      files.set('/madoguchi/rollout.json', { status: 200, body: JSON.stringify({ version: '1.4.0', roles: ['display'] }) });
      expect(await fake.isUserWithinRollout({ version: '1.4.0' })).toBe(false);
      files.set('/madoguchi/rollout.json', { status: 200, body: JSON.stringify({ version: '1.4.0', terminals: ['kiosk-east-1'] }) });
      expect(await fake.isUserWithinRollout({ version: '1.4.0' })).toBe(true);
      files.set('/madoguchi/rollout.json', { status: 503, body: '' });
      expect(await fake.isUserWithinRollout({ version: '1.4.0' })).toBe(false);
      expect(lines.join('\n')).toMatch(/holding 1.4.0/);
    } finally {
      cleanup();
    }
  });
});

describe('updaterSettings', () => {
  const base = { node: { id: 'd1' }, terminals: [{ id: 'd1', role: 'display' }] };
  const env = { packaged: true, platform: 'linux' as const };
  it('is off unless configured, switched on, installed and able to check who signed the update', () => {
    expect(updaterSettings(parseConfig(base), env)).toMatchObject({ enabled: false, reason: expect.stringContaining('no "updates"') });
    const on = parseConfig({ ...base, updates: { url: 'http://updates.lan/madoguchi', gpgKeyring: '/etc/madoguchi/updates.gpg' } });
    expect(updaterSettings(on, env)).toMatchObject({ enabled: true, url: 'http://updates.lan/madoguchi/', gpgKeyring: '/etc/madoguchi/updates.gpg', intervalMs: 3_600_000 });
    expect(updaterSettings(parseConfig({ ...base, updates: { url: 'http://updates.lan/' } }), env)).toMatchObject({ enabled: false, reason: expect.stringContaining('updates.gpgKeyring') });
    expect(updaterSettings(parseConfig({ ...base, updates: { url: 'http://u.lan/', enabled: false } }), env)).toMatchObject({ enabled: false, reason: expect.stringContaining('enabled is false') });
    expect(updaterSettings(on, { ...env, disabledByEnv: true }).enabled).toBe(false);
    expect(updaterSettings(on, { ...env, packaged: false }).enabled).toBe(false);
    expect(updaterSettings(on, { ...env, platform: 'win32' })).toMatchObject({ enabled: false, reason: expect.stringContaining('publisher') });
    expect(updaterSettings(on, { ...env, platform: 'win32', builtInPublisher: ['Isesaki City'] })).toMatchObject({ enabled: true, publisherName: ['Isesaki City'] });
  });
  it('rejects a bad updates section naming the field', () => {
    expect(() => parseConfig({ ...base, updates: { url: 'not a url' } })).toThrow(/updates\.url/);
  });
  it('reads the publisher name electron-builder writes into app-update.yml', () => {
    const { dir, cleanup } = tempDir('madoguchi-yml-');
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'app-update.yml'), 'provider: generic\nurl: http://x/\npublisherName:\n  - Isesaki City\n  - "CN=Isesaki, O=City"\nupdaterCacheDirName: madoguchi-updater\n');
      expect(readBuiltInPublisher(dir)).toEqual(['Isesaki City', 'CN=Isesaki, O=City']);
      expect(appUpdateYml('http://x/', [])).not.toContain('publisherName');
    } finally {
      cleanup();
    }
  });
});
