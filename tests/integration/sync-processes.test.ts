import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { PgSyncStorage } from '../../src-main/node/sync/pgStore';
import { REPO, Relay, runCliProcess, spawnSyncServer, terminalConfig, tsxProcess, type ServerProcess, type TerminalDef } from './sync-support';
import { until } from '../support/until';

const SCRIPT = resolve(REPO, 'tests/integration/sync-terminal-proc.ts');

interface TermProc {
  def: TerminalDef;
  dir: string;
  proc: ChildProcess;
  lines: string[];
  err: string[];
  exited: Promise<number | null>;
}

function readDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const pgMissing = postgresMissing();
if (pgMissing) console.log(`sync processes on PostgreSQL: skipped, ${pgMissing}`);

processesSuite('sqlite');
processesSuite('postgresql');

/** The same kill -9 run with the server on each store. */
function processesSuite(kind: 'sqlite' | 'postgresql'): void {
  describe.skipIf(kind === 'postgresql' && !!pgMissing)(`real processes: a sync server and three terminals, with kill -9 on both sides (${kind})`, () => {
    const tmp = tempDir('madoguchi-sync-proc-');
    const procs: ChildProcess[] = [];
    const relay = new Relay();
    let cluster: PgCluster | undefined;
    let pgStore: PgSyncStorage | undefined;
    afterAll(async () => {
      for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
      relay.close();
      await pgStore?.close();
      cluster?.stop();
      tmp.cleanup();
    });

    it('loses nothing and converges after the server dies mid-push and a kiosk dies mid-write', { timeout: 150_000 }, async () => {
      const serverDir = join(tmp.dir, 'server');
      const defs: TerminalDef[] = [
        { id: 'kiosk-a', role: 'kiosk', site: 'honcho', station: 'east' },
        { id: 'counter-b', role: 'counter', site: 'honcho', department: 'shimin', counter: '1' },
        { id: 'display-c', role: 'display', site: 'honcho' },
      ];
      // Enrollment through the CLI, as an administrator would do it.
      let db: string | undefined;
      if (kind === 'postgresql') {
        cluster = startPgCluster();
        db = await cluster.createDatabase('processes');
        pgStore = await PgSyncStorage.open({ url: db, log: () => undefined });
      }
      const where = db ? ['--db', db] : ['--data', serverDir];
      const serverCount = async () => (pgStore ? pgStore.eventCount() : readDb(join(serverDir, 'sync-server.sqlite'), (x) => (x.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n));
      const enrolled = await Promise.all(defs.map((d) => runCliProcess(['sync-server', 'enroll', ...where, '--terminal', d.id, '--role', d.role, '--site', d.site, '--format', 'json'])));
      const tokens: Record<string, string> = {};
      enrolled.forEach((r, i) => {
        expect(r.code, r.err).toBe(0);
        tokens[defs[i]!.id] = (JSON.parse(r.out) as { token: string }).token;
      });

      let server: ServerProcess = await spawnSyncServer(serverDir, 0, db ? { db } : {});
      procs.push(server.proc);
      relay.target = server.port;
      const relayUrl = `http://127.0.0.1:${await relay.listen()}`;

      const stations = [{ id: 'east', from: 1001, to: 1999 }];
      const dirs: Record<string, string> = {};
      for (const d of defs) {
        const dir = join(tmp.dir, d.id);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'config.json'), JSON.stringify(terminalConfig(d, stations, { server: relayUrl, token: tokens[d.id]! })));
        dirs[d.id] = dir;
      }
      const TICKETS = 80;
      const FINISHED = 30;
      const start = (d: TerminalDef): TermProc => {
        const target = d.role === 'kiosk' ? TICKETS : d.role === 'counter' ? FINISHED : 0;
        const proc = tsxProcess([SCRIPT, dirs[d.id]!, d.role, String(target)]);
        procs.push(proc);
        const t: TermProc = { def: d, dir: dirs[d.id]!, proc, lines: [], err: [], exited: new Promise((ok) => proc.once('exit', (c) => ok(c))) };
        let buf = '';
        proc.stdout!.setEncoding('utf8').on('data', (s: string) => {
          buf += s;
          const parts = buf.split('\n');
          buf = parts.pop()!;
          t.lines.push(...parts);
        });
        proc.stderr!.setEncoding('utf8').on('data', (s: string) => t.err.push(s));
        return t;
      };
      const kioskLines: string[] = [];
      let kiosk = start(defs[0]!);
      const counter = start(defs[1]!);
      const display = start(defs[2]!);
      const issued = () => [...kioskLines, ...kiosk.lines].filter((l) => l.startsWith('issued ')).length;
      const tail = (t: TermProc) => `${t.def.id}: ${t.lines.slice(-3).join(' | ')} ${t.err.join('').slice(-600)}`;

      await until('the kiosk to issue 15 tickets', () => issued() >= 15, { timeoutMs: 45_000, everyMs: 50, detail: () => tail(kiosk) });
      // Under load the kiosk may issue its first tickets before its first push lands: wait for one.
      await until('the server to hold some of the kiosk\'s events', async () => (await serverCount()) > 0, { timeoutMs: 45_000, everyMs: 50, detail: () => tail(kiosk) });
      const serverEventsBefore = await serverCount();
      expect(serverEventsBefore).toBeGreaterThan(0);

      // kill -9 the server while the kiosk's push is half-way through its body.
      await relay.armCut(tokens['kiosk-a']!);
      server.proc.kill('SIGKILL');
      expect(await server.exited).toBeNull();
      expect(relay.cutPushes).toBe(1);

      // The terminals work on, offline; then kill -9 the kiosk in the middle of its writes.
      const at = issued();
      await until('the kiosk to write while the server is down', () => issued() >= at + 10, { timeoutMs: 45_000, everyMs: 50, detail: () => tail(kiosk) });
      kiosk.proc.kill('SIGKILL');
      await kiosk.exited;
      kioskLines.push(...kiosk.lines);
      const kioskOffline = readDb(join(dirs['kiosk-a']!, 'madoguchi.sqlite'), (db) => db.pragma('integrity_check', { simple: true }));
      expect(kioskOffline).toBe('ok');

      // Restart both (the server on whatever port is free; the relay follows it).
      server = await spawnSyncServer(serverDir, 0, db ? { db } : {});
      procs.push(server.proc);
      relay.target = server.port;
      kiosk = start(defs[0]!);

      await until('the kiosk to finish its tickets', () => kiosk.lines.includes('done'), { timeoutMs: 60_000, everyMs: 50, detail: () => tail(kiosk) });
      await until('the counter to finish its visits', () => counter.lines.includes('done'), { timeoutMs: 60_000, everyMs: 50, detail: () => tail(counter) });

      // Convergence: the server holds every origin's whole log; every terminal holds all of it.
      const counts = async () => {
        const own = Object.fromEntries(
          defs.map((d) => [d.id, readDb(join(dirs[d.id]!, 'madoguchi.sqlite'), (db) => (db.prepare('SELECT COUNT(*) AS n FROM events WHERE origin = ?').get(d.id) as { n: number }).n)]),
        );
        const held = defs.map((d) => readDb(join(dirs[d.id]!, 'madoguchi.sqlite'), (db) => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n));
        const srv = await serverCount();
        return { own, held, srv, total: Object.values(own).reduce((a, b) => a + b, 0) };
      };
      let last: unknown;
      await until('all three terminals and the server to converge', async () => {
        const c = await counts();
        last = c;
        return c.srv === c.total && c.held.every((h) => h === c.total);
      }, { timeoutMs: 60_000, everyMs: 50, detail: () => `${JSON.stringify(last)}\n${tail(display)}\n${tail(counter)}` });

      for (const t of [kiosk, counter, display]) t.proc.kill('SIGTERM');
      await Promise.all([kiosk.exited, counter.exited, display.exited]);

      const lists = await Promise.all(defs.map((d) => runCliProcess(['visits', 'list', '--data', dirs[d.id]!, '--format', 'json'])));
      for (const l of lists) expect(l.code, l.err).toBe(0);
      const [a, b, c] = lists.map((l) => JSON.parse(l.out) as Array<{ number: number; status: string; id: string }>);
      // The kiosk and the display hold the queue; the personal details reach them redacted or not
      // at all (the authorisation table), so the queue is what must agree everywhere.
      const queue = (xs: Array<{ number: number; status: string; id: string }>) => xs.map((v) => ({ id: v.id, number: v.number, status: v.status }));
      expect(queue(a!)).toEqual(queue(b!));
      expect(queue(c!)).toEqual(queue(b!));
      expect(a!.length).toBe(TICKETS);
      const numbers = a!.map((v) => v.number);
      expect(new Set(numbers).size).toBe(numbers.length);
      // Every ticket the kiosk reported (after its commit) exists everywhere, even across kill -9.
      const reported = [...kioskLines, ...kiosk.lines].filter((l) => l.startsWith('issued ')).map((l) => Number(l.slice(7)));
      for (const n of reported) expect(numbers).toContain(n);
      const finished = counter.lines.filter((l) => l.startsWith('finished ')).map((l) => Number(l.slice(9)));
      expect(finished.length).toBeGreaterThanOrEqual(FINISHED);
      for (const n of finished) expect(a!.find((v) => v.number === n)?.status).toBe('done');

      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toMatchObject({ ok: true, db: 'ok' });
      const end = await counts();
      expect(end.srv).toBe(end.total);
      if (kind === 'sqlite') expect(readDb(join(serverDir, 'sync-server.sqlite'), (x) => x.pragma('integrity_check', { simple: true }))).toBe('ok');
      server.proc.kill('SIGTERM');
      await server.exited;
    });
  });
}
