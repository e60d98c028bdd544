/**
 * Memory (issue 15): a sync server holding a city-year of events (2,000,000) stays under 300 MB
 * RSS, and a fresh terminal's catch-up of that year streams without holding it all in memory.
 *
 * - fill: the server's SQLite store is filled in bulk (tests/integration/sync-fill.ts: a seed of
 *   real VisitService events from 4 halls, copied under 80 origins over a year); timed;
 * - a real `madoguchi sync-server --insecure-http` process on loopback serves it;
 * - a fresh terminal (its own process, tests/bench/memoryClient.ts) catches up the whole year
 *   through the real SyncClient over HTTP, folding into its own database on disk;
 * - both processes' RSS is sampled from /proc/PID/status every 100 ms; their peaks are VmHWM
 *   (read at the end, so no spike between samples is missed).
 *
 * Both processes run TypeScript through tsx (as the CLI does in development); their idle RSS is
 * printed too, so the part that the catch-up adds is visible.
 *
 * MADOGUCHI_BENCH_MEMORY_EVENTS=200000 runs a smaller year; MADOGUCHI_BENCH_MEMORY_DIR keeps the
 * filled server (and reuses it on the next run: the fill time is then not measured again).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_DB_FILE } from '../../src-main/node/sync/openStorage';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { checkSample, fillServerStore } from '../integration/sync-fill';
import { REPO, spawnSyncServer } from '../integration/sync-support';

const EVENTS = Number(process.env.MADOGUCHI_BENCH_MEMORY_EVENTS ?? 2_000_000);
const SERVER_BUDGET_MB = 300;

function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

const mb = (kib: number) => Math.round((kib / 1024) * 10) / 10;

export async function benchMemory(): Promise<Record<string, number | string>> {
  const keep = process.env.MADOGUCHI_BENCH_MEMORY_DIR;
  const root = keep ?? mkdtempSync(join(tmpdir(), 'madoguchi-bench-memory-'));
  const serverDir = join(root, 'server');
  const out: Record<string, number | string> = {};
  mkdirSync(serverDir, { recursive: true });
  const clientFile = join(root, `fresh-${process.pid}.sqlite`);
  try {
    // ---- fill (or reuse) the server's store -------------------------------------------------
    const file = join(serverDir, SERVER_DB_FILE);
    const marker = join(serverDir, `filled-${EVENTS}`);
    let store = SyncServerStore.open({ file, log: () => undefined });
    let held: number;
    let origins: number;
    try {
      if (!existsSync(marker)) {
        store.close();
        for (const x of ['', '-wal', '-shm']) rmSync(file + x, { force: true });
        store = SyncServerStore.open({ file, log: () => undefined });
        const f = fillServerStore(store, { events: EVENTS, scratch: root });
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        out['fill: events'] = f.events;
        out['fill: seed events (VisitService, 4 halls)'] = f.seedEvents;
        out['fill: seed (s)'] = f.seedMs / 1000;
        out['fill: bulk copies (s)'] = f.copyMs / 1000;
        out['fill: total (s)'] = (f.seedMs + f.copyMs) / 1000;
        if (keep) writeFileSync(marker, '');
      } else out['fill: total (s)'] = 'reused (MADOGUCHI_BENCH_MEMORY_DIR)';
      held = store.eventCount();
      origins = (store.db.prepare('SELECT COUNT(*) AS n FROM origins').get() as { n: number }).n;
      const problems = checkSample(store, 2000);
      if (problems.length) throw new Error(`filled events fail the push checks: ${problems.slice(0, 3).join('; ')}`);
      out['server: events held'] = held;
      out['server: origins'] = origins;
      out['server: database file (MB)'] = Math.round(statSync(file).size / 1024 / 1024);
    } finally {
      store.close();
    }
    const enrol = SyncServerStore.open({ file, log: () => undefined });
    const nodeId = `fresh-${process.pid}`;
    const { token } = enrol.enroll(nodeId, 'supervisor', 'honcho');
    enrol.close();

    // ---- the server process, and the fresh terminal's catch-up -------------------------------
    const srv = await spawnSyncServer(serverDir, 0);
    try {
      await new Promise((ok) => setTimeout(ok, 500));
      const serverIdleKiB = statusKiB(srv.proc.pid!, 'VmRSS');
      const client = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'memoryClient.ts'), clientFile, nodeId, srv.url, token], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      client.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      client.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const samples = { server: [] as number[], client: [] as number[] };
      let clientHwm = NaN;
      const sampler = setInterval(() => {
        samples.server.push(statusKiB(srv.proc.pid!, 'VmRSS'));
        const c = statusKiB(client.pid!, 'VmRSS');
        if (Number.isFinite(c)) samples.client.push(c);
        const h = statusKiB(client.pid!, 'VmHWM');
        if (Number.isFinite(h)) clientHwm = h;
      }, 100);
      const code = await new Promise<number | null>((ok) => client.once('exit', ok));
      clearInterval(sampler);
      const serverHwmKiB = statusKiB(srv.proc.pid!, 'VmHWM');
      const serverNowKiB = statusKiB(srv.proc.pid!, 'VmRSS');
      const done = /^done (.*)$/m.exec(stdout);
      if (code !== 0 || !done) throw new Error(`the catch-up process failed (${code}): ${stderr.slice(-2000)}`);
      const r = JSON.parse(done[1]!) as { pulled: number; events: number; visits: number; quarantined: number; ms: number; biggestIngest: number; idleKiB: number; hwmKiB: number };
      if (r.pulled !== held || r.events !== held) throw new Error(`the fresh terminal pulled ${r.pulled} and holds ${r.events} of ${held} events`);
      if (r.quarantined !== 0) throw new Error(`${r.quarantined} events were quarantined: the fill made invalid events`);
      if (r.visits !== held / 4) throw new Error(`the fresh terminal folded ${r.visits} visits, expected ${held / 4}`);
      const serverPeakMb = mb(serverHwmKiB);
      out['catch-up: events pulled and folded'] = r.pulled;
      out['catch-up: visits folded'] = r.visits;
      out['catch-up: time (s)'] = r.ms / 1000;
      out['catch-up: events/s'] = Math.round(r.pulled / (r.ms / 1000));
      out['catch-up: largest ingest (events)'] = r.biggestIngest;
      out['server RSS idle, 2M held (MB)'.replace('2M', held.toLocaleString('en-US'))] = mb(serverIdleKiB);
      out['server RSS peak (VmHWM) during catch-up (MB)'] = serverPeakMb;
      out['server RSS after catch-up (MB)'] = mb(serverNowKiB);
      out['server RSS max sampled (MB)'] = mb(Math.max(...samples.server.filter(Number.isFinite)));
      out[`server under ${SERVER_BUDGET_MB} MB`] = serverPeakMb < SERVER_BUDGET_MB ? 'yes' : 'NO';
      out['client RSS idle, store open (MB)'] = mb(r.idleKiB);
      out['client RSS peak (VmHWM) (MB)'] = mb(Math.max(r.hwmKiB, Number.isFinite(clientHwm) ? clientHwm : 0));
      out['load average (1 min) at the end'] = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    } finally {
      srv.proc.kill('SIGTERM');
      await srv.exited;
    }
    return out;
  } finally {
    for (const x of ['', '-wal', '-shm']) rmSync(clientFile + x, { force: true });
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}
