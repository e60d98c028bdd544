/**
 * Sync figures, measured on loopback in one run:
 * - catch-up: a fresh terminal pulls 50,000 events (12,500 visits from 4 origins) over real HTTP,
 *   ingesting and folding them into its projections on a real file (synchronous=FULL). The server
 *   is the `madoguchi sync-server` process on the same database, as in production: the terminal's
 *   time is not charged with the server's work, which runs beside it (the wire-only figure pulls
 *   from the same process). The first catch-up is the figure; it is repeated twice more, each
 *   into a fresh file, on the now warm process (V8 has optimised its code): the spread of the
 *   three, and the warm-up's share of the first, are printed beside it;
 * - call latency: a counter calls a visit (append, push on the local write) until the display
 *   terminal holds it (stream notice, pull, ingest) — p50/p95/p99 over 400 calls after 20 warm-up
 *   calls, each made once the previous visit's finish reached the display;
 * - PouchDB (benchmark-only dev dependency): the same number of documents replicated between two
 *   LevelDB databases, local to local, and the ratio of the two times.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type TerminalConfig } from '../../src-main/common/config/schema';
import type { StoredEvent } from '../../src-main/common/sync/event';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { createSyncServer } from '../../src-main/node/sync/httpServer';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { VisitService } from '../../src-main/node/visits/service';
import { spawnSyncServer, type ServerProcess } from '../integration/sync-support';
import { summarize } from './stats';

const EVENTS = 50_000;
const ORIGINS = 4;
/** Calls measured for call → display, after CALL_WARMUP calls that are not (JIT, caches, sockets). */
const CALLS = 400;
const CALL_WARMUP = 20;
/** Pause after a finished visit reached the display, before the next call. */
const CALL_QUIET_MS = 15;
/** The 500,000-event run: the 50,000 events ten times over, under ten times the origins. */
const BIG_COPIES = 10;
/** Timed catch-ups of the 50,000 events, each into a fresh file: the first (the figure) and repeats on the warm process. */
const CATCH_UP_TRIALS = 3;

/**
 * A server holding `copies` × the events of `sourceFile`, each copy under other origins and visit
 * ids (the same visits, issued at other halls), and a fresh terminal's catch-up of all of it over
 * HTTP. Building the server is setup (bulk SQL), not timed.
 */
export async function catchUpAtScale(scratch: string, disk: string, sourceFile: string, copies: number): Promise<{ events: number; ms: number }> {
  const bigDir = join(scratch, 'server-big');
  mkdirSync(bigDir, { recursive: true });
  const big = createSyncServer({ file: join(bigDir, SERVER_DB_FILE), log: () => undefined });
  let proc: ServerProcess | null = null;
  try {
    const db = big.store.db;
    db.prepare('ATTACH DATABASE ? AS src').run(sourceFile);
    db.transaction(() => {
      for (let k = 0; k < copies; k++) {
        // hlc = wall(15).logical(6).origin; a copy's origin is q<k>-<origin>, its visit ids start q<k>.
        db.prepare(
          `INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at)
           SELECT @tag || '-' || origin, seq, substr(hlc, 1, 22) || '.' || @tag || '-' || origin, type, site,
                  CASE WHEN visit_id IS NULL THEN NULL ELSE @tag || substr(visit_id, 3) END,
                  CASE WHEN visit_id IS NULL THEN payload ELSE replace(payload, visit_id, @tag || substr(visit_id, 3)) END,
                  received_at
           FROM src.events`,
        ).run({ tag: `q${k}` });
        db.prepare(`INSERT INTO origins (origin, site, max_seq) SELECT @tag || '-' || origin, site, max_seq FROM src.origins`).run({ tag: `q${k}` });
      }
    })();
    db.prepare('DETACH DATABASE src').run();
    const events = big.store.eventCount();
    const { token } = big.store.enroll('fresh-big', 'display', 'honcho');
    // Served by its own process, like the 50,000-event catch-up.
    proc = await spawnSyncServer(bigDir);
    const url = proc.url;
    const store = Store.open({ file: join(disk, 'fresh-big.sqlite'), nodeId: 'fresh-big', site: 'honcho' });
    const client = new SyncClient({ store, transport: new HttpTransport({ server: url, token }), pageSize: 2000 });
    const t0 = performance.now();
    const r = await client.syncOnce();
    const ms = performance.now() - t0;
    await client.stop();
    const visits = (store.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;
    store.close();
    if (r.pulled !== events || visits !== events / 4) throw new Error(`500k catch-up pulled ${r.pulled} of ${events} events, ${visits} visits`);
    return { events, ms };
  } finally {
    if (proc) await stopServer(proc);
    await big.close();
  }
}

/**
 * MADOGUCHI_BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of `work` alone (open it in Chrome's
 * DevTools), so a profile of the catch-up is not drowned by the bench's setup. Unset: `work` only.
 */
async function profiled<T>(work: () => Promise<T>): Promise<T> {
  const file = process.env.MADOGUCHI_BENCH_PROFILE;
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.error(`CPU profile of the catch-up written to ${file}`);
  }
}

async function stopServer(p: ServerProcess): Promise<void> {
  p.proc.kill('SIGTERM');
  await p.exited;
}

const SERVER_DB_FILE = 'sync-server.sqlite';

interface CatchUpTrial {
  ms: number;
  /** The trial's CPU, scheduling and page-fault figures, by bench line. */
  figures: Record<string, number>;
}

/** One fresh terminal's catch-up of the server's EVENTS events into `file`, timed, with where its time went. */
async function catchUpTrial(served: ServerProcess, token: string, file: string): Promise<CatchUpTrial> {
  const fresh = Store.open({ file, nodeId: 'fresh-display', site: 'honcho' });
  const fc = new SyncClient({ store: fresh, transport: new HttpTransport({ server: served.url, token }), pageSize: 2000 });
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const server0 = processCpuMs(served.proc.pid);
  const faults0 = [minorFaults('self'), minorFaults(served.proc.pid)];
  const sched0 = mainThreadSchedNs();
  const t0 = performance.now();
  const r = await profiled(() => fc.syncOnce());
  const ms = performance.now() - t0;
  const sched1 = mainThreadSchedNs();
  const cpu = process.cpuUsage(cpu0);
  const mainCpu = main0 === null ? null : mainThreadCpuMs()! - main0;
  const server1 = processCpuMs(served.proc.pid);
  const [terminalFaults1, serverFaults1] = [minorFaults('self'), minorFaults(served.proc.pid)];
  const terminalFaults = terminalFaults1 === null || faults0[0] === null ? null : terminalFaults1 - faults0[0]!;
  const serverFaults = serverFaults1 === null || faults0[1] === null ? null : serverFaults1 - faults0[1]!;
  const serverCpu = server0 === null || server1 === null ? null : server1 - server0;
  await fc.stop();
  const visitsHeld = (fresh.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;
  if (r.pulled !== EVENTS || visitsHeld !== EVENTS / 4) throw new Error(`catch-up pulled ${r.pulled} events, ${visitsHeld} visits`);
  const visitWrites = fresh.work.visitWrites;
  fresh.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const out: Record<string, number> = {};
  // CPU time of the terminal's process (all its threads: the WAL checkpoints run on one of their
  // own), and of its main thread alone where Linux says: far less sensitive than wall time to a
  // busy machine. The server's CPU is not in it.
  out['catch-up: terminal CPU, all threads (s)'] = (cpu.user + cpu.system) / 1e6;
  if (mainCpu !== null) out['catch-up: terminal CPU, main thread (s)'] = mainCpu / 1000;
  // Where the main thread's wall time went: on a CPU, waiting for one (both cores busy with the
  // server, the checkpoint worker, V8's GC helpers or anything else), or idle (waiting for a page).
  if (sched0 && sched1) {
    const running = (sched1.running - sched0.running) / 1e9;
    const waiting = (sched1.waiting - sched0.waiting) / 1e9;
    out['catch-up: main thread on a CPU (s)'] = running;
    out['catch-up: main thread, no CPU free (s)'] = waiting;
    out['catch-up: main thread idle (s)'] = Math.max(0, ms / 1000 - running - waiting);
  }
  // The server process shares this machine's two cores: the catch-up cannot take less than the
  // CPU of both sides over two cores, however it overlaps.
  if (serverCpu !== null) out['catch-up: sync server CPU (s)'] = serverCpu / 1000;
  if (terminalFaults !== null) out['catch-up: terminal minor page faults'] = terminalFaults;
  if (serverFaults !== null) out['catch-up: sync server minor page faults'] = serverFaults;
  out['catch-up: visit rows written (batched fold)'] = visitWrites;
  return { ms, figures: out };
}

/** CPU time of this process's main thread (ms, 10 ms steps), where /proc has it (Linux); else null. */
function mainThreadCpuMs(): number | null {
  return procCpuMs(`/proc/self/task/${process.pid}/stat`);
}

/** CPU time (user + system) of another process (the sync server's), where Linux says. */
function processCpuMs(pid: number | undefined): number | null {
  return pid === undefined ? null : procCpuMs(`/proc/${pid}/stat`);
}

function procCpuMs(statFile: string): number | null {
  const f = procStat(statFile);
  return f ? (Number(f[11]) + Number(f[12])) * (1000 / 100) : null;
}

/**
 * The main thread's scheduler times so far (Linux /proc schedstat, ns): on a CPU, and runnable but
 * waiting for one (another thread or process held both cores). Null where there is no such file.
 */
function mainThreadSchedNs(): { running: number; waiting: number } | null {
  try {
    const [running, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return Number.isFinite(running) && Number.isFinite(waiting) ? { running: running!, waiting: waiting! } : null;
  } catch {
    return null;
  }
}

/**
 * Minor page faults of a process so far (Linux): each is a page of memory touched for the first
 * time, which costs about 11 µs on these virtual machines, so fresh allocations show here.
 */
function minorFaults(pid: number | 'self' | undefined): number | null {
  const f = pid === undefined ? null : procStat(`/proc/${pid}/stat`);
  return f ? Number(f[7]) : null;
}

/** The fields of a /proc stat file after the command name (state first). */
function procStat(statFile: string): string[] | null {
  try {
    const stat = readFileSync(statFile, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function config(id: string, station: { id: string; from: number; to: number }, role: 'kiosk' | 'counter' | 'display'): TerminalConfig {
  return parseConfig({
    site: 'honcho',
    node: { id },
    stations: [{ id: station.id, name: station.id, range: { from: station.from, to: station.to } }],
    terminals: [role === 'kiosk' ? { id, role, station: station.id } : role === 'counter' ? { id, role, department: 'shimin', counter: '1' } : { id, role }],
  });
}

function issue(visits: VisitService, station: string, by: string) {
  return visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }], route: ['shimin'] }, { terminal: by });
}

/**
 * Call → display latency on loopback: a counter calls a visit (append, committed, push on the
 * local write) until the display terminal holds it (stream notice, pull, ingest, fold, notify).
 */
async function callLatency(scratch: string, disk: string, closers: Array<() => unknown>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  // ---- call → display latency on loopback ------------------------------------------------
  const lat = createSyncServer({ file: join(scratch, 'latency.sqlite'), log: () => undefined });
  closers.push(() => lat.close());
  const { url: latUrl } = await lat.listen(0);
  const kioskStore = Store.open({ file: join(disk, 'kiosk.sqlite'), nodeId: 'kiosk-1', site: 'honcho' });
  const kioskVisits = new VisitService(kioskStore, config('kiosk-1', { id: 'east', from: 1001, to: 1999 }, 'kiosk'));
  kioskStore.tx(() => {
    for (let i = 0; i < CALL_WARMUP + CALLS; i++) issue(kioskVisits, 'east', 'kiosk-1');
  });
  const kc = new SyncClient({ store: kioskStore, transport: new HttpTransport({ server: latUrl, token: lat.store.enroll('kiosk-1', 'kiosk', 'honcho').token }) });
  await kc.syncOnce();
  await kc.stop();
  kioskStore.close();

  const a = Store.open({ file: join(disk, 'counter.sqlite'), nodeId: 'counter-1', site: 'honcho' });
  const b = Store.open({ file: join(disk, 'display.sqlite'), nodeId: 'display-1', site: 'honcho' });
  closers.push(() => a.close(), () => b.close());
  const aVisits = new VisitService(a, config('counter-1', { id: 'east', from: 1001, to: 1999 }, 'counter'));
  const ca = new SyncClient({ store: a, transport: new HttpTransport({ server: latUrl, token: lat.store.enroll('counter-1', 'counter', 'honcho').token }), intervalMs: 60_000 });
  const cb = new SyncClient({ store: b, transport: new HttpTransport({ server: latUrl, token: lat.store.enroll('display-1', 'display', 'honcho').token }), intervalMs: 60_000 });
  await ca.syncOnce();
  await cb.syncOnce();
  ca.run();
  cb.run();
  closers.unshift(() => ca.stop(), () => cb.stop());
  await new Promise((ok) => setTimeout(ok, 300)); // streams open
  // The display holds an event of the counter's: resolves when its store says so (after the
  // ingest's commit, when a screen is notified).
  const displayHolds = (type: string, what: string) => {
    let off = () => undefined as void;
    let visitId: string | null = null;
    const held = new Promise<number>((ok, fail) => {
      const on = (evs: StoredEvent[]) => {
        if (evs.some((e) => e.type === type && e.origin === 'counter-1' && e.visitId === visitId)) ok(performance.now());
      };
      b.on('events', on);
      const t = setTimeout(() => fail(new Error(`${what} did not reach the display within 10 s`)), 10_000);
      off = () => {
        b.off('events', on);
        clearTimeout(t);
      };
    });
    // The visit is named once the counter's (synchronous) write returns: the display cannot hold it before.
    return { held, off: () => off(), of: (id: string) => void (visitId = id) };
  };
  const samples: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < CALL_WARMUP + CALLS; i++) {
    if (i === CALL_WARMUP) cpu0 = process.cpuUsage();
    const called = displayHolds('visit.called', `call ${i}`);
    const start = performance.now();
    const v = aVisits.callNext('shimin', '1', { terminal: 'counter-1' });
    if (!v) throw new Error('nothing left to call');
    called.of(v.id);
    const ms = (await called.held.finally(called.off)) - start;
    if (i >= CALL_WARMUP) samples.push(ms);
    // The clerk finishes the visit; the next call comes once the display holds that too and the
    // sync loops are quiet (a person never calls within milliseconds of finishing), so each sample
    // is one call's path alone, not the tail of the previous visit's traffic.
    const finished = displayHolds('visit.finishedHere', `the finish of call ${i}`);
    aVisits.finishHere(v.id, '1', { terminal: 'counter-1' }, { leftOpenReason: 'bench' });
    finished.of(v.id);
    await finished.held.finally(finished.off);
    await new Promise((ok) => setTimeout(ok, CALL_QUIET_MS));
  }
  // The process's CPU time (counter, server and display are all in it) per measured call and its
  // finish: the work on the path, much less sensitive than wall time to a busy machine.
  const cpu = process.cpuUsage(cpu0);
  const s = summarize(samples);
  out['call → display: calls (after warm-up)'] = s.n;
  out['call → display: p50 (ms)'] = s.p50;
  out['call → display: p95 (ms)'] = s.p95;
  out['call → display: p99 (ms)'] = s.p99;
  out['call → display: CPU per call + finish (ms)'] = (cpu.user + cpu.system) / 1000 / CALLS;

  return out;
}

export async function benchSync(): Promise<Record<string, number | string>> {
  const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'madoguchi-bench-sync-'));
  const disk = mkdtempSync(join(tmpdir(), 'madoguchi-bench-sync-'));
  const out: Record<string, number | string> = {};
  // MADOGUCHI_BENCH_SYNC=call runs only the call → display latency (for profiling it alone).
  if (process.env.MADOGUCHI_BENCH_SYNC === 'call') {
    const closers: Array<() => unknown> = [];
    try {
      return await callLatency(scratch, disk, closers);
    } finally {
      for (const c of closers) await c();
      rmSync(scratch, { recursive: true, force: true });
      rmSync(disk, { recursive: true, force: true });
    }
  }
  const serverDir = join(scratch, 'server');
  mkdirSync(serverDir);
  const srv = createSyncServer({ file: join(serverDir, SERVER_DB_FILE), log: () => undefined });
  const closers: Array<() => unknown> = [];
  try {
    const { url } = await srv.listen(0);

    // ---- 50,000 events from 4 origins, pushed to the server (setup, not timed) -------------
    const perOrigin = EVENTS / ORIGINS;
    for (let o = 0; o < ORIGINS; o++) {
      const id = `hall-${o + 1}`;
      const st = { id: `st${o + 1}`, from: (o + 1) * 10_000, to: (o + 1) * 10_000 + 9_999 };
      const store = Store.open({ file: join(scratch, `${id}.sqlite`), nodeId: id, site: 'honcho' });
      const visits = new VisitService(store, config(id, st, 'kiosk'));
      const counter = { terminal: id };
      // One database serving a kiosk and a counter (as browser mode can): issue, call, start, finish.
      for (let done = 0; done < perOrigin; ) {
        store.tx(() => {
          for (let k = 0; k < 250 && done < perOrigin; k++) {
            const v = issue(visits, st.id, id);
            visits.callNumber(v.number, 'shimin', '1', counter);
            visits.start(v.id, '1', counter);
            visits.finishHere(v.id, '1', counter, { leftOpenReason: 'bench' });
            done += 4;
          }
        });
      }
      // The database issues (kiosk) and calls (counter): only an admin token may push both.
      const { token } = srv.store.enroll(id, 'admin', 'honcho');
      const c = new SyncClient({ store, transport: new HttpTransport({ server: url, token }), pushBatch: 2000 });
      await c.syncOnce({ push: true });
      await c.stop();
      store.close();
    }
    if (srv.store.eventCount() !== EVENTS) throw new Error(`server holds ${srv.store.eventCount()} events, expected ${EVENTS}`);

    // ---- catch-up of a fresh terminal over HTTP --------------------------------------------
    const { token: freshToken } = srv.store.enroll('fresh-display', 'display', 'honcho');
    // The server process on the same database (the in-process one above only took the pushes).
    const served = await spawnSyncServer(serverDir);
    closers.push(() => stopServer(served));
    // The wire alone (pull pages, parse, no ingest): how much of catch-up is sync, how much folding.
    const wire = new HttpTransport({ server: served.url, token: freshToken });
    const w0 = performance.now();
    const vv: Record<string, number> = {};
    let wired = 0;
    for (;;) {
      const page = await wire.pull(vv, 2000);
      for (const e of page.events) vv[e.origin] = Math.max(vv[e.origin] ?? 0, e.seq);
      wired += page.events.length;
      if (!page.more) break;
    }
    const wireMs = performance.now() - w0;
    wire.close();
    if (wired !== EVENTS) throw new Error(`wire pull got ${wired} events`);
    // A fresh terminal's catch-up: the first trial (its code not yet optimised by V8, as in a
    // terminal just installed). It is repeated on the now warm process into fresh files, to show
    // how much of it was the warm-up; its figures are the first trial's.
    const trials: CatchUpTrial[] = [];
    const profiling = Boolean(process.env.MADOGUCHI_BENCH_PROFILE);
    for (let i = 0; i < (profiling ? 1 : CATCH_UP_TRIALS); i++) trials.push(await catchUpTrial(served, freshToken, join(disk, `fresh-${i}.sqlite`)));
    const catchUpMs = trials[0]!.ms;
    out['catch-up: events'] = EVENTS;
    out['catch-up: visits folded'] = EVENTS / 4;
    out['catch-up: time (s)'] = catchUpMs / 1000;
    out['catch-up: events/s'] = Math.round(EVENTS / (catchUpMs / 1000));
    out['catch-up: wire only, no folding (s)'] = wireMs / 1000;
    Object.assign(out, trials[0]!.figures);
    if (trials.length > 1) {
      out['catch-up: repeated on the warm process (s)'] = trials.slice(1).map((t) => (t.ms / 1000).toFixed(3)).join(' / ');
      out['catch-up: repeated, terminal CPU, all threads (s)'] = trials.slice(1).map((t) => t.figures['catch-up: terminal CPU, all threads (s)']!.toFixed(3)).join(' / ');
    }

    // MADOGUCHI_BENCH_SYNC=catch-up stops here (for profiling the 50,000-event catch-up alone).
    if (process.env.MADOGUCHI_BENCH_SYNC === 'catch-up') return out;
    await stopServer(served);
    closers.pop();

    // ---- 500,000 events (a busy quarter): does the catch-up scale linearly? ------------------
    const big = await catchUpAtScale(scratch, disk, srv.store.file, BIG_COPIES);
    out['catch-up 500k: events'] = big.events;
    out['catch-up 500k: time (s)'] = big.ms / 1000;
    out['catch-up 500k: events/s'] = Math.round(big.events / (big.ms / 1000));
    out['ratio per-event time 500k / 50k (1 = linear)'] = big.ms / big.events / (catchUpMs / EVENTS);

    Object.assign(out, await callLatency(scratch, disk, closers));

    // ---- PouchDB: the same number of documents, local to local ------------------------------
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const PouchDB = require('pouchdb') as new (name: string) => {
      bulkDocs(docs: object[]): Promise<unknown>;
      info(): Promise<{ doc_count: number }>;
      close(): Promise<void>;
    } & { replicate: { to(target: unknown): Promise<{ docs_written: number }> } };
    const src = new PouchDB(join(scratch, 'pouch-src'));
    const dst = new PouchDB(join(disk, 'pouch-dst'));
    const sample = srv.store.db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events ORDER BY origin, seq').all() as Array<Record<string, unknown>>;
    for (let i = 0; i < sample.length; i += 5000) {
      await src.bulkDocs(sample.slice(i, i + 5000).map((e) => ({ _id: `${e.origin}:${String(e.seq).padStart(9, '0')}`, ...e })));
    }
    const p0 = performance.now();
    const rep = await src.replicate.to(dst);
    const pouchMs = performance.now() - p0;
    const info = await dst.info();
    await src.close();
    await dst.close();
    if (info.doc_count !== EVENTS) throw new Error(`PouchDB replicated ${info.doc_count} documents, expected ${EVENTS}`);
    out['PouchDB local replicate: docs'] = rep.docs_written;
    out['PouchDB local replicate: time (s)'] = pouchMs / 1000;
    out['ratio PouchDB time / Madoguchi catch-up time'] = pouchMs / catchUpMs;
    out['ratio PouchDB time / Madoguchi wire-only time'] = pouchMs / wireMs;
    return out;
  } finally {
    for (const c of closers) await c();
    await srv.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(disk, { recursive: true, force: true });
  }
}
