import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket, type Server } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { parseConfig, type TerminalConfig } from '../../src-main/common/config/schema';
import type { VersionVector } from '../../src-main/common/sync/event';
import type { PullResponse, PushRequest, PushResponse } from '../../src-main/common/sync/protocol';
import { SyncError } from '../../src-main/node/sync/serverStore';
import type { SyncStorage } from '../../src-main/node/sync/storage';
import { PageBytes } from '../../src-main/node/sync/pageBytes';
import { SyncRemoteError, type SyncTransport } from '../../src-main/node/sync/transport';
import { mulberry32 } from '../../src-main/common/guidance/generate';

/** The simulation replays exactly from its seed. */
export const rng = mulberry32;

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export function shuffle<T>(r: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export interface StationDef {
  id: string;
  from: number;
  to: number;
}

export interface TerminalDef {
  id: string;
  role: 'kiosk' | 'counter' | 'display' | 'supervisor' | 'admin';
  site: string;
  station?: string;
  department?: string;
  counter?: string;
}

/** A terminal's own config: node.id is its enrolled terminal id; it lists its site's stations. */
export function terminalConfig(t: TerminalDef, stations: readonly StationDef[], sync?: { server: string; token: string }): TerminalConfig {
  return parseConfig(
    {
      site: t.site,
      node: { id: t.id },
      stations: stations.map((s) => ({ id: s.id, name: s.id, range: { from: s.from, to: s.to } })),
      terminals: [
        {
          id: t.id,
          role: t.role,
          ...(t.station ? { station: t.station } : {}),
          ...(t.department ? { department: t.department } : {}),
          ...(t.counter ? { counter: t.counter } : {}),
        },
      ],
      ...(sync ? { sync } : {}),
    },
    `${t.id} config`,
  );
}

export interface NetFaults {
  online: boolean;
  /** Probability the request never reaches the server. */
  dropRequest: number;
  /** Probability the server applies a push but its answer is lost (as if killed mid-answer). */
  loseAnswer: number;
  /** Probability a push is delivered twice. */
  duplicate: number;
  /** Probability a pull page arrives shuffled, with holes and repeats. */
  mangle: number;
}

/**
 * The protocol without HTTP, for the deterministic simulation: every message goes through a JSON
 * round trip (what the wire would do) into the same storage the HTTP server uses (SQLite or
 * PostgreSQL), with seeded faults on the way in and out.
 */
export class DirectTransport implements SyncTransport {
  constructor(
    private readonly server: { current: SyncStorage },
    private readonly token: string,
    readonly net: NetFaults,
    private readonly r: () => number,
  ) {}

  private gate(): void {
    if (!this.net.online) throw new Error('network unreachable (partition)');
    if (this.r() < this.net.dropRequest) throw new Error('connection refused (dropped request)');
  }

  private async call<T>(fn: (s: SyncStorage) => Promise<T>): Promise<T> {
    try {
      return await fn(this.server.current);
    } catch (e) {
      if (e instanceof SyncError) throw new SyncRemoteError(e.status, e.code, e.message, e.details);
      throw e;
    }
  }

  async push(body: PushRequest, now: number): Promise<PushResponse> {
    this.gate();
    const wire = JSON.parse(JSON.stringify(body)) as unknown;
    const res = await this.call(async (s) => s.push(await s.authenticate(`Bearer ${this.token}`), wire, now));
    if (this.r() < this.net.duplicate) await this.call(async (s) => s.push(await s.authenticate(`Bearer ${this.token}`), JSON.parse(JSON.stringify(body)) as unknown, now));
    if (this.r() < this.net.loseAnswer) throw new Error('connection reset before the answer arrived');
    return JSON.parse(JSON.stringify(res)) as PushResponse;
  }

  async pull(vv: VersionVector, limit: number): Promise<PullResponse> {
    this.gate();
    // The text the HTTP server sends (pullPage.ts), as the wire would carry it.
    const text = await this.call(async (s) => (await s.pullInto(await s.authenticate(`Bearer ${this.token}`), { protocol: '1', vv: JSON.stringify(vv), limit: String(limit) }, new PageBytes())).text());
    const out = JSON.parse(text) as PullResponse;
    if (out.events.length > 1 && this.r() < this.net.mangle) {
      // Reordered, partly lost and partly repeated delivery.
      const kept = out.events.filter(() => this.r() > 0.25);
      const repeats = out.events.filter(() => this.r() < 0.2);
      out.events = shuffle(this.r, [...kept, ...repeats]);
      out.more = true;
    }
    return out;
  }
}

export type VisitRow = { id: string; status: string; department: string | null; state: string };

// ---- real processes --------------------------------------------------------------------------


export const REPO = resolvePath(__dirname, '..', '..');
export const CLI = resolvePath(REPO, 'src-main/node/cli/main.ts');

/** `node --import tsx …`: one process, so kill -9 hits the process that holds the database. */
export function tsxProcess(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...(process.env.SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.SERVER_PROF] : []), '--import', 'tsx', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  stderr: string[];
  exited: Promise<number | null>;
}

/**
 * Starts `madoguchi sync-server` and waits for its "listening" line. Loopback tests run it over
 * plain http (--insecure-http, which it warns about); `tls: true` lets it make its certificate.
 */
export function spawnSyncServer(dataDir: string, port = 0, opts: { tls?: boolean; db?: string } = {}): Promise<ServerProcess> {
  const proc = tsxProcess([CLI, 'sync-server', '--port', String(port), '--data', dataDir, ...(opts.db ? ['--db', opts.db] : []), ...(opts.tls ? [] : ['--insecure-http'])]);
  const stderr: string[] = [];
  const exited = new Promise<number | null>((ok) => proc.once('exit', (code) => ok(code)));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`sync-server did not start: ${stderr.join('')}`)), 30_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /sync server: (https?:\/\/[\d.]+:(\d+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ proc, url: m[1]!, port: Number(m[2]), stderr, exited });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`sync-server exited with ${code}: ${stderr.join('')}`));
    });
  });
}

export function runCliProcess(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = tsxProcess([CLI, ...args]);
  let out = '';
  let err = '';
  p.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  p.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((ok) => p.once('exit', (code) => ok({ code, out, err })));
}

/**
 * A TCP relay between the terminals and the server. It lets the test cut a push in the middle of
 * its body (the server has the headers and part of the JSON) before kill -9, and point the
 * terminals at a restarted server on a new port without touching their configs.
 */
export class Relay {
  target = 0;
  private armed: { token: string; fire: () => void } | null = null;
  private readonly sockets = new Set<Socket>();
  readonly server: Server;
  cutPushes = 0;

  constructor() {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      let cutting = false;
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('data', (chunk: Buffer) => {
        const a = this.armed;
        if (a && chunk.includes('POST /sync/push') && chunk.includes(a.token)) cutting = true;
        if (cutting && a) {
          const headEnd = chunk.indexOf('\r\n\r\n');
          const hasBody = headEnd < 0 || headEnd + 4 < chunk.length;
          if (!hasBody || chunk.length < 20) {
            upstream.write(chunk);
            return;
          }
          // All but the tail of the body: the server is now waiting, mid-push, for the rest.
          this.armed = null;
          this.cutPushes++;
          upstream.write(chunk.subarray(0, chunk.length - 10), () => setTimeout(a.fire, 50));
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (d: Buffer) => client.write(d));
      for (const s of [client, upstream]) {
        s.on('close', close);
        s.on('error', close);
      }
    });
  }

  listen(): Promise<number> {
    return new Promise((ok) => this.server.listen(0, '127.0.0.1', () => ok((this.server.address() as { port: number }).port)));
  }

  /** Calls `fire` once a push carrying `token` is half-way through to the server. */
  armCut(token: string): Promise<void> {
    return new Promise((ok) => {
      this.armed = { token, fire: ok };
    });
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}


/** A well-formed visit.issued payload (the fuzz mutates from valid events). */
export function issuedPayload(visitId: string, number: number, terminal: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    visitId,
    businessDate: '2026-11-27',
    station: 'east',
    number,
    lang: 'ja',
    priority: false,
    events: ['moving-in'],
    facts: {},
    items: [],
    route: ['shimin'],
    adjustments: [],
    source: 'kiosk',
    at: '2026-11-27T00:30:00.000Z',
    by: { terminal },
    ...over,
  };
}
