import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase, checkDatabaseFile, restoreDatabase } from '../../src-main/node/backup/backup';
import { initTerminal } from '../../src-main/node/provision/terminalConfig';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { cli, issueTickets, ROOT } from './it-support';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function kiosk(): string {
  const { dir, cleanup } = tempDir('madoguchi-backup-');
  cleanups.push(cleanup);
  initTerminal({ dataDir: dir, role: 'kiosk', terminalId: 'kiosk-east-1', station: 'east', printer: 'file:printer/ticket' });
  return dir;
}

/** Another process issuing tickets in a loop; `committed` holds every ticket it reported. */
function issuer(dataDir: string): { proc: ChildProcess; committed: Map<string, number>; waitFor(n: number): Promise<void>; stop(): Promise<void> } {
  const proc = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'it-issue-loop.ts'), dataDir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const committed = new Map<string, number>();
  let buf = '';
  let exited = false;
  const exit = new Promise<void>((r) => proc.on('exit', () => ((exited = true), r())));
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const m = /^(\S+) (\d+)$/.exec(l);
      if (m) committed.set(m[1]!, Number(m[2]));
    }
  });
  return {
    proc,
    committed,
    async waitFor(n) {
      const deadline = Date.now() + 30_000;
      while (committed.size < n) {
        if (exited) throw new Error('the issuing process exited early');
        if (Date.now() > deadline) throw new Error(`only ${committed.size} tickets issued in 30 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      if (!exited) proc.stdin!.end();
      await exit;
    },
  };
}

function visitIds(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    return new Set((db.prepare('SELECT id FROM visits').all() as Array<{ id: string }>).map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('backup and restore', () => {
  it('a backup taken while another process issues tickets restores to a sound database holding every ticket committed before it began', async () => {
    const dir = kiosk();
    issueTickets(dir, 1); // the database exists before the issuer starts
    const loop = issuer(dir);
    cleanups.push(() => loop.stop());
    await loop.waitFor(100);
    const before = new Map(loop.committed);
    const backup = await backupDatabase(dir, { to: join(dir, 'backups', 'during-issuing.sqlite') });
    await loop.waitFor(before.size + 50); // it kept issuing during and after the backup
    // Restore somewhere else while the live terminal keeps going.
    const { dir: other, cleanup } = tempDir('madoguchi-restore-');
    cleanups.push(cleanup);
    const r = restoreDatabase(other, backup.file);
    expect(r.kept).toBeUndefined();
    const check = checkDatabaseFile(join(other, 'madoguchi.sqlite'));
    expect(check).toMatchObject({ ok: true, problems: [] });
    const restored = visitIds(join(other, 'madoguchi.sqlite'));
    const missing = [...before.keys()].filter((id) => !restored.has(id));
    expect(missing).toEqual([]);
    expect(restored.size).toBeGreaterThanOrEqual(before.size + 1);
    // The issuer really was writing around the backup: later tickets are not in it.
    expect(restored.size).toBeLessThan(loop.committed.size + 1);
    expect(backup.events).toBe(restored.size);
    // The restored database opens in the app and keeps numbering after its last ticket.
    writeFileSync(join(other, 'config.json'), JSON.stringify({ node: { id: 'kiosk-east-1' }, stations: [{ id: 'east', name: '東口', range: { from: 1001, to: 1999 } }], terminals: [{ id: 'kiosk-east-1', role: 'kiosk', station: 'east' }] }));
    const t = openTerminal(other);
    try {
      const max = Math.max(...[...before.values()]);
      const next = t.visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['birth'], facts: {}, items: [], route: [] }, { terminal: 'kiosk-east-1' });
      expect(next.number).toBeGreaterThan(max);
    } finally {
      t.close();
    }
  });

  it('restore refuses while another process has the database open, and changes nothing', async () => {
    const dir = kiosk();
    issueTickets(dir, 3);
    const backup = await backupDatabase(dir);
    expect(backup.file.startsWith(join(dir, 'backups'))).toBe(true);
    const loop = issuer(dir);
    cleanups.push(() => loop.stop());
    await loop.waitFor(10);
    const r = await cli(['restore', '--data', dir, '--from', backup.file]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/is in use by another process \(the Madoguchi app or a command\)\. Close the app on this terminal, then run restore again\. Nothing was changed\./);
    await loop.stop();
    expect(readdirSync(dir).filter((f) => f.includes('replaced') || f.endsWith('.restoring'))).toEqual([]);
    expect(visitIds(join(dir, 'madoguchi.sqlite')).size).toBeGreaterThanOrEqual(13);
  });

  it('restore with the app closed swaps the file and keeps the replaced one', async () => {
    const dir = kiosk();
    issueTickets(dir, 3);
    const b = await cli(['backup', '--data', dir, '--to', join(dir, 'b1.sqlite')]);
    expect(b.code, b.err.join('\n')).toBe(0);
    expect(b.out[0]).toMatch(/^backup written: .*b1\.sqlite \(3 events, schema \d+, \d+ bytes, integrity ok\)$/);
    issueTickets(dir, 4);
    const r = await cli(['restore', '--data', dir, '--from', join(dir, 'b1.sqlite')]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out[1]).toMatch(/the database it replaced is kept as .*madoguchi\.replaced-\d{8}-\d{6}Z\.sqlite/);
    const kept = join(dir, readdirSync(dir).find((f) => f.startsWith('madoguchi.replaced-'))!);
    expect(visitIds(join(dir, 'madoguchi.sqlite')).size).toBe(3);
    expect(visitIds(kept).size).toBe(7);
    expect(checkDatabaseFile(kept).ok).toBe(true);
    expect(existsSync(join(dir, 'madoguchi.sqlite.restoring'))).toBe(false);
  });

  it('refuses a damaged or foreign backup before touching anything', async () => {
    const dir = kiosk();
    issueTickets(dir, 2);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, Buffer.alloc(10_000, 0x42));
    const r = await cli(['restore', '--data', dir, '--from', junk]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^madoguchi restore: from: .*junk\.sqlite is not a usable backup: .*Nothing was changed\./);
    const foreign = join(dir, 'foreign.sqlite');
    const db = new Database(foreign);
    db.exec('CREATE TABLE t(x)');
    db.close();
    const f = await cli(['restore', '--data', dir, '--from', foreign]);
    expect(f.code).toBe(2);
    expect(f.err[0]).toMatch(/not a Madoguchi database/);
    expect(visitIds(join(dir, 'madoguchi.sqlite')).size).toBe(2);
    const none = await cli(['backup', '--data', join(dir, 'nowhere')]);
    expect(none.code).toBe(1);
    expect(none.err[0]).toMatch(/no database at .*nothing to back up/);
  });
});
