import { openSync, readFileSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src-main/node/doctor/checks';
import { initTerminal } from '../../src-main/node/provision/terminalConfig';
import { ensureDemoSetup } from '../../src-main/node/terminal/dataFolder';
import { createSyncServer, type SyncServer } from '../../src-main/node/sync/httpServer';
import { startPtyPair, type PtyPair } from '../support/pty';
import { tempDir } from '../support/tmp';
import { cli, cliProcess, closedPort, issueTickets } from './it-support';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function kioskFolder(extra: Partial<Parameters<typeof initTerminal>[0]> = {}): string {
  const { dir, cleanup } = tempDir('madoguchi-doctor-');
  cleanups.push(cleanup);
  initTerminal({ dataDir: dir, role: 'kiosk', terminalId: 'kiosk-east-1', station: 'east', printer: 'file:printer/ticket', ...extra });
  return dir;
}

function setConfig(dir: string, patch: (c: any) => void): void {
  const file = join(dir, 'config.json');
  const c = JSON.parse(readFileSync(file, 'utf8'));
  patch(c);
  writeFileSync(file, JSON.stringify(c, null, 2));
}

const line = (out: string[], check: string) => out.find((l) => l.slice(6).startsWith(`${check}:`) || l.slice(6).startsWith(`${check} `)) ?? '';

describe('madoguchi doctor', () => {
  it('passes on a healthy demo terminal (file printer, tickets in the database, no sync): exit 0', async () => {
    const dir = kioskFolder();
    issueTickets(dir, 5);
    const r = await cliProcess(['doctor', '--data', dir]);
    const out = r.stdout.trim().split('\n');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(line(out, 'config')).toMatch(/^OK {4}config: .* is valid: node kiosk-east-1/);
    expect(line(out, 'catalog')).toMatch(/^OK/);
    expect(line(out, 'database')).toMatch(/^OK {4}database: .*integrity ok, 5 events, migrations up to date/);
    expect(line(out, 'printer')).toMatch(/^OK {4}printer kiosk-east-1 ticket: folder .*printer\/ticket: online/);
    expect(line(out, 'sync')).toBe('OK    sync: not configured: this terminal works stand-alone');
    expect(line(out, 'clock')).toMatch(/^OK {4}clock: not configured/);
    expect(line(out, 'updates')).toBe('OK    updates: not configured: this terminal is updated by hand');
    expect(line(out, 'disk')).toMatch(/^OK {4}disk: \d+ MB free/);
    expect(out.at(-1)).toMatch(/all checks passed/);
  });

  it('passes on the fresh demo data folder npm start sets up (every demo terminal, file printers)', async () => {
    const { dir, cleanup } = tempDir('madoguchi-doctor-demo-');
    cleanups.push(cleanup);
    ensureDemoSetup(dir);
    const r = await cli(['doctor', '--data', dir]);
    expect(r.code, r.out.join('\n')).toBe(0);
    const printers = r.out.filter((l) => l.slice(6).startsWith('printer '));
    expect(printers.length).toBeGreaterThanOrEqual(6);
    expect(printers.every((l) => l.startsWith('OK  '))).toBe(true);
    expect(line(r.out, 'printer kiosk-east')).toMatch(/printer kiosk-east ticket: folder .*printer\/kiosk-east: online/);
  });

  it('a broken config: its own line naming the field and what to do, exit 1', async () => {
    const dir = kioskFolder();
    setConfig(dir, (c) => (c.stations[1].range = { from: 1500, to: 2500 }));
    const r = await cliProcess(['doctor', '--data', dir]);
    expect(r.code).toBe(1);
    const out = r.stdout.split('\n');
    expect(line(out, 'config')).toMatch(/^FAIL {2}config: .*stations "east" \(1001–1999\) and "west" \(1500–2500\) have overlapping ticket ranges → fix the field "stations\[1\]\.range"/);
    expect(line(out, 'database')).toMatch(/^OK/);
    expect(r.stdout).toMatch(/problem\(s\) found/);
  });

  it('a corrupt database file: integrity check fails with a restore hint, exit 1', async () => {
    const dir = kioskFolder();
    issueTickets(dir, 200);
    const db = join(dir, 'madoguchi.sqlite');
    // Scribble over a page in the middle of the file (from its b-tree header on), as a failing disk would.
    const size = statSync(db).size;
    const pageSize = readFileSync(db).readUInt16BE(16);
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(size / 2 / pageSize) * pageSize);
    closeSync(fd);
    const r = await cli(['doctor', '--data', dir]);
    expect(r.code).toBe(1);
    expect(line(r.out, 'database')).toMatch(/^FAIL {2}database: .*madoguchi\.sqlite failed its integrity check: .+ → restore the latest backup: "madoguchi restore --data /);
    expect(line(r.out, 'config')).toMatch(/^OK/);
  });

  it('a garbage database file is reported the same way', async () => {
    const dir = kioskFolder();
    writeFileSync(join(dir, 'madoguchi.sqlite'), Buffer.alloc(20_000, 0x41));
    const r = await cli(['doctor', '--data', dir]);
    expect(r.code).toBe(1);
    expect(line(r.out, 'database')).toMatch(/^FAIL {2}database: .*failed its integrity check: .*not a database/);
  });

  it('a serial printer that does not answer DLE EOT (a PTY nobody reads): its own line, exit 1', async () => {
    const pty: PtyPair = await startPtyPair();
    cleanups.push(() => pty.kill());
    const dir = kioskFolder({ printer: `serial:${pty.a}?baud=38400` });
    const r = await cli(['doctor', '--data', dir, '--printer-timeout', '500']);
    expect(r.code).toBe(1);
    expect(line(r.out, 'printer')).toMatch(new RegExp(`^FAIL {2}printer kiosk-east-1 ticket: serial port ${pty.a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no answer within 500 ms → .*switched on`));
    expect(r.out.filter((l) => l.startsWith('FAIL'))).toHaveLength(1);
  });

  it('an unreachable sync server (closed port): its own line, exit 1', async () => {
    const port = await closedPort();
    const dir = kioskFolder({ server: `http://127.0.0.1:${port}/`, token: 'a-token-of-some-length' });
    const r = await cli(['doctor', '--data', dir]);
    expect(r.code).toBe(1);
    expect(line(r.out, 'sync')).toMatch(new RegExp(`^FAIL {2}sync: cannot reach the sync server http://127.0.0.1:${port}/: ECONNREFUSED → check that the sync service runs`));
    expect(line(r.out, 'clock')).toMatch(/^FAIL {2}clock: not checked/);
  });

  describe('against the real sync server', () => {
    async function server(clock?: () => number): Promise<{ sync: SyncServer; url: string; token: string }> {
      const { dir, cleanup } = tempDir('madoguchi-syncsrv-');
      const sync = createSyncServer({ file: join(dir, 'sync.sqlite'), ...(clock ? { clock } : {}) });
      const { url } = await sync.listen(0, '127.0.0.1');
      cleanups.push(cleanup, () => sync.close());
      const { token } = sync.store.enroll('kiosk-east-1', 'kiosk');
      return { sync, url, token };
    }

    it('reaches it and the token is accepted; the clock agrees', async () => {
      const s = await server();
      const dir = kioskFolder({ server: s.url, token: s.token });
      const r = await cli(['doctor', '--data', dir]);
      expect(r.code, r.out.join('\n')).toBe(0);
      expect(line(r.out, 'sync')).toMatch(/^OK {4}sync: sync server .* reached and the token is accepted/);
      expect(line(r.out, 'clock')).toMatch(/^OK {4}clock: clock within \d+\.\d s of the sync server/);
    });

    it('a wrong token: its own line, exit 1', async () => {
      const s = await server();
      const dir = kioskFolder({ server: s.url, token: 'not-the-enrolled-token' });
      const r = await cli(['doctor', '--data', dir]);
      expect(r.code).toBe(1);
      expect(line(r.out, 'sync')).toMatch(/^FAIL {2}sync: the sync server .* refused this terminal's token \(HTTP 401\) → enrol the terminal on the sync server again/);
      expect(r.out.filter((l) => l.startsWith('FAIL'))).toHaveLength(1);
    });

    it('a clock ten minutes off: its own line, exit 1', async () => {
      const s = await server(() => Date.now() + 10 * 60_000);
      const dir = kioskFolder({ server: s.url, token: s.token });
      const r = await cli(['doctor', '--data', dir]);
      expect(r.code).toBe(1);
      expect(line(r.out, 'clock')).toMatch(/^FAIL {2}clock: this PC's clock is 60\d\.\d s behind the sync server's → set the PC to the city's time server/);
    });
  });

  it('a plain HTTP server that 401s the token check is read the same way (no sync code on the far side)', async () => {
    const srv: Server = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      } else {
        res.writeHead(req.headers.authorization === 'Bearer right-token-123' ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false }));
      }
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const bad = await cli(['doctor', '--data', kioskFolder({ server: url, token: 'wrong-token-123' })]);
    expect(bad.code).toBe(1);
    expect(line(bad.out, 'sync')).toMatch(/refused this terminal's token \(HTTP 401\)/);
    // Date header only (no time in the body): the clock is still measured.
    expect(line(bad.out, 'clock')).toMatch(/^OK {4}clock: clock within/);
    const good = await cli(['doctor', '--data', kioskFolder({ server: url, token: 'right-token-123' })]);
    expect(good.code, good.out.join('\n')).toBe(0);
  });

  describe('the update folder', () => {
    async function folder(files: Record<string, string>): Promise<string> {
      const srv = createServer((req, res) => {
        const body = files[req.url ?? ''];
        res.writeHead(body === undefined ? 404 : 200);
        res.end(body ?? '');
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
      return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/madoguchi/`;
    }
    function withUpdates(url: string, extra: Record<string, unknown> = {}): string {
      const dir = kioskFolder();
      writeFileSync(join(dir, 'updates.gpg'), 'public keyring');
      setConfig(dir, (c) => (c.updates = { url, gpgKeyring: join(dir, 'updates.gpg'), ...extra }));
      return dir;
    }
    const latest = "version: 1.4.0\nfiles:\n  - url: madoguchi-1.4.0-amd64.deb\npath: madoguchi-1.4.0-amd64.deb\n";

    it('reports the latest release and whether rollout.json lets this terminal take it', async () => {
      const url = await folder({ '/madoguchi/latest-linux.yml': latest, '/madoguchi/rollout.json': JSON.stringify({ version: '1.4.0', roles: ['display'] }) });
      const r = await cli(['doctor', '--data', withUpdates(url)]);
      expect(r.code, r.out.join('\n')).toBe(0);
      expect(line(r.out, 'updates')).toBe(`OK    updates: update folder ${url}: latest 1.4.0; this terminal waits (role kiosk is not in display)`);
      const open = await folder({ '/madoguchi/latest-linux.yml': latest });
      expect(line((await cli(['doctor', '--data', withUpdates(open)])).out, 'updates')).toMatch(/latest 1\.4\.0; this terminal takes it \(no rollout\.json/);
    });

    it('a long rollout.json is read whole, as the updater reads it; an endless answer ends the check with its own line', async () => {
      // 400 terminals listed (about 7 KB, where the check read 4 KB of it): this one last.
      const listed = [...Array.from({ length: 399 }, (_, i) => `kiosk-hall-${String(i).padStart(3, '0')}`), 'kiosk-east-1'];
      const url = await folder({ '/madoguchi/latest-linux.yml': latest, '/madoguchi/rollout.json': JSON.stringify({ version: '1.4.0', terminals: listed, percent: 0 }) });
      expect(JSON.stringify({ terminals: listed }).length).toBeGreaterThan(6000);
      const dir = withUpdates(url);
      const me = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { terminals: Array<{ id: string }> }).terminals[0]!.id;
      expect(me).toBe('kiosk-east-1');
      const r = await cli(['doctor', '--data', dir]);
      expect(line(r.out, 'updates')).toBe(`OK    updates: update folder ${url}: latest 1.4.0; this terminal takes it (terminal kiosk-east-1 is listed)`);
      // latest-linux.yml that never ends (a wrong address serving a stream): refused at 1 MiB.
      const endless = createServer((req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      await new Promise<void>((ok) => endless.listen(0, '127.0.0.1', () => ok()));
      cleanups.push(() => new Promise<void>((ok) => endless.close(() => ok())));
      const e = await cli(['doctor', '--data', withUpdates(`http://127.0.0.1:${(endless.address() as AddressInfo).port}/madoguchi/`)]);
      expect(e.code).toBe(1);
      expect(line(e.out, 'updates')).toMatch(/^FAIL {2}updates: cannot reach the update folder .*: http:\/\/127\.0\.0\.1:\d+\/madoguchi\/latest-linux\.yml answered with more than 1048576 bytes/);
    });

    it('a broken rollout.json, an unreachable folder or a missing keyring: their own line, exit 1', async () => {
      const broken = await folder({ '/madoguchi/latest-linux.yml': latest, '/madoguchi/rollout.json': JSON.stringify({ percent: 250 }) });
      const a = await cli(['doctor', '--data', withUpdates(broken)]);
      expect(a.code).toBe(1);
      expect(line(a.out, 'updates')).toMatch(/^FAIL {2}updates: .*rollout\.json cannot be used \(rollout\.json: percent: .*\): every terminal holds the update → fix or remove rollout\.json/);
      const port = await closedPort();
      const b = await cli(['doctor', '--data', withUpdates(`http://127.0.0.1:${port}/madoguchi/`)]);
      expect(b.code).toBe(1);
      expect(line(b.out, 'updates')).toMatch(/^FAIL {2}updates: cannot reach the update folder .*ECONNREFUSED/);
      const c = await cli(['doctor', '--data', withUpdates(broken, { gpgKeyring: '/nonexistent/updates.gpg' })]);
      expect(line(c.out, 'updates')).toMatch(/^FAIL {2}updates: the update signing keyring \/nonexistent\/updates\.gpg does not exist/);
      // A Windows terminal reads latest.yml and needs a publisher name to check signatures against.
      const win = await folder({ '/madoguchi/latest.yml': latest });
      const w = (await runDoctor(withUpdates(win), { platform: 'win32' })).find((x) => x.check === 'updates')!;
      expect(w).toMatchObject({ status: 'warn', message: expect.stringContaining('publisherName is not set') });
      const signed = (await runDoctor(withUpdates(win, { publisherName: ['Isesaki City'] }), { platform: 'win32' })).find((x) => x.check === 'updates')!;
      expect(signed).toMatchObject({ status: 'ok', message: expect.stringContaining('latest 1.4.0; this terminal takes it') });
      const off = await cli(['doctor', '--data', withUpdates(broken, { enabled: false })]);
      expect(off.code).toBe(0);
      expect(line(off.out, 'updates')).toMatch(/^OK {4}updates: switched off/);
    });
  });

  it('--json gives the same checks for scripts', async () => {
    const dir = kioskFolder();
    const r = await cli(['doctor', '--data', dir, '--json']);
    const checks = JSON.parse(r.out[0]!) as Array<{ check: string; status: string }>;
    expect(checks.map((c) => c.check)).toEqual(['config', 'catalog', 'database', 'catalog version', 'printer kiosk-east-1 ticket', 'sync', 'clock', 'updates', 'disk']);
    expect(r.code).toBe(checks.some((c) => c.status === 'fail') ? 1 : 0);
  });
});
