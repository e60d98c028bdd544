import { jsonDepth } from '../../common/json/depth';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../common/errors';
import { LIMITS, NOW_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, SUPPORTED_PROTOCOLS, type StreamNotice, type SyncErrorBody } from '../../common/sync/protocol';
import { SyncError, SyncServerStore, protocolError, type EnrolledTerminal } from './serverStore';
import { PageBytesPool } from './pageBytes';
import { SqliteSyncStorage, canSee, type MetricsScope, type StoredNotice, type SyncStorage } from './storage';

export interface SyncServerOptions {
  tls?: { cert: string; key: string };
  clock?: () => number;
  log?: (line: string) => void;
  /** SSE heartbeat; keeps proxies and dead-peer detection honest. */
  heartbeatMs?: number;
  /** A request's headers must arrive within this (slowloris); default 10 s. */
  headersTimeoutMs?: number;
  /** A whole request (headers and body) must arrive within this; default 30 s. */
  requestTimeoutMs?: number;
  /** How often open streams re-check their tokens against the database (revocations by the CLI); default 1 s. */
  tokenCheckMs?: number;
  /** Reported by /health. */
  version?: string;
}

/** Nesting deeper than this is refused before parsing (nothing the protocol sends nests beyond ~10). */
export const MAX_JSON_DEPTH = 64;

export interface SyncServer {
  /** The database behind the service (SQLite or PostgreSQL). */
  storage: SyncStorage;
  server: Server;
  /** Resolves with the bound port and base URL. */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  streamClients(): number;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  sendJsonText(res, status, JSON.stringify(body), extra);
}

function sendJsonText(res: ServerResponse, status: number, text: string | Buffer, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), ...extra });
  res.end(text);
}

function errorBody(e: SyncError): SyncErrorBody {
  return {
    ok: false,
    error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...(e.details !== undefined ? { details: e.details } : {}) },
    protocol: PROTOCOL_VERSION,
    ...(e.status === 426 ? { supported: SUPPORTED_PROTOCOLS } : {}),
  };
}

/** Reads a JSON body up to the limit; 413 beyond it (declared or chunked), 400 for anything that is not JSON. */
function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new SyncError(413, 'too-large', `the message is ${declared} bytes; the limit is ${limit}`));
  return new Promise((ok, fail) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return; // drained and dropped: the answer (413) is already on its way
      size += c.length;
      if (size > limit) {
        over = true;
        chunks = [];
        fail(new SyncError(413, 'too-large', `the message is larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      if (size === 0) return fail(new SyncError(400, 'bad-input', 'the message is empty'));
      const text = Buffer.concat(chunks).toString('utf8');
      chunks = [];
      const depth = jsonDepth(text, MAX_JSON_DEPTH);
      if (depth > MAX_JSON_DEPTH) return fail(new SyncError(400, 'too-deep', `the message nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep; nothing was stored`));
      try {
        ok(JSON.parse(text) as unknown);
      } catch (e) {
        fail(new SyncError(400, 'bad-input', `the message is not JSON (${String((e as Error)?.message ?? e).slice(0, 120)})`));
      }
    });
    req.on('error', () => fail(new SyncError(400, 'bad-input', 'the message was cut off')));
    req.on('close', () => fail(new SyncError(400, 'bad-input', 'the connection closed before the message was complete')));
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function checkProtocol(req: IncomingMessage): void {
  const v = header(req, PROTOCOL_HEADER);
  if (v === undefined || !/^\d{1,6}$/.test(v) || !SUPPORTED_PROTOCOLS.includes(Number(v))) throw protocolError(v);
}

/**
 * The sync service over HTTP(S): `POST /sync/push`, `GET /sync/pull`, `GET /sync/stream` (server-
 * sent events announcing new events), `GET /health` and `GET /metrics` (Prometheus text).
 * Every failure is answered as JSON with a status; nothing a client sends can take the process down.
 */
/** A sync server on a SQLite file; `store` is that file's store (for tests and tools in the same process). */
export type SqliteSyncServer = SyncServer & { store: SyncServerStore };

export function createSyncServer(opts: SyncServerOptions & { file: string }): SqliteSyncServer;
export function createSyncServer(opts: SyncServerOptions & { storage: SyncStorage }): SyncServer;
export function createSyncServer(opts: SyncServerOptions & ({ file: string } | { storage: SyncStorage })): SyncServer & { store?: SyncServerStore } {
  if ('file' in opts) {
    const store = SyncServerStore.open({ file: opts.file, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.log ? { log: opts.log } : {}) });
    return { ...serveSync(new SqliteSyncStorage(store), opts), store };
  }
  return serveSync(opts.storage, opts);
}

/** The HTTP service over any SyncStorage; closing it closes the storage. */
function serveSync(store: SyncStorage, opts: SyncServerOptions): SyncServer {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const streams = new Set<{ who: EnrolledTerminal; res: ServerResponse }>();
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  // Pull answers are written into buffers kept from one answer to the next (pageBytes.ts).
  const pages = new PageBytesPool();

  store.on('stored', (ev: StoredNotice) => {
    for (const s of streams) {
      if (!canSee(s.who, ev)) continue;
      const notice: StreamNotice = { vv: { [ev.origin]: ev.have } };
      s.res.write(`event: events\ndata: ${JSON.stringify(notice)}\n\n`);
    }
  });

  /** Ends every open stream whose token was revoked or replaced: at once in this process, within tokenCheckMs from the CLI. */
  const closeRevokedStreams = async () => {
    for (const s of [...streams]) {
      if (s.who.tokenHash && (await store.tokenValid(s.who.tokenHash))) continue;
      if (!streams.has(s)) continue;
      streams.delete(s);
      s.res.end(`event: revoked\ndata: ${JSON.stringify({ message: `the token of terminal "${s.who.id}" is no longer valid` })}\n\n`);
      s.res.socket?.destroySoon?.();
    }
  };
  store.on('tokens', () => safely(closeRevokedStreams));
  let seenVersion: number | undefined;
  let checking = false;
  let closed = false;
  const tokenCheck = setInterval(() => {
    if (!streams.size || checking || closed) return;
    checking = true;
    safely(async () => {
      const v = await store.changeVersion();
      if (v === seenVersion) return;
      const first = seenVersion === undefined;
      seenVersion = v;
      if (!first) await closeRevokedStreams();
    }).finally(() => (checking = false));
  }, opts.tokenCheckMs ?? 1000);
  tokenCheck.unref();
  void store.changeVersion().then((v) => (seenVersion ??= v), () => undefined);
  function safely(fn: () => Promise<void>): Promise<void> {
    return fn().catch((e: unknown) => log(`[sync] stream token check failed: ${(e as Error)?.message ?? String(e)}`));
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sync.local');
    try {
      if (url.pathname === '/health') {
        if (req.method !== 'GET') throw new SyncError(405, 'method', 'use GET');
        // Anyone may ask; it names no terminal and counts nothing: only whether the service and its database answer.
        const h = await store.health();
        const db = h.ok ? 'ok' : 'unavailable';
        if (!h.ok) log(`[sync] health: the ${store.kind} database does not answer: ${h.detail ?? ''}`);
        return sendJson(res, h.ok ? 200 : 503, {
          ok: h.ok,
          service: 'madoguchi-sync',
          version: opts.version ?? 'unknown',
          protocol: PROTOCOL_VERSION,
          supported: SUPPORTED_PROTOCOLS,
          db,
          database: { kind: store.kind, ok: h.ok, ms: Math.round(h.ms * 10) / 10 },
        });
      }
      if (url.pathname === '/metrics') {
        if (req.method !== 'GET') throw new SyncError(405, 'method', 'use GET');
        const scope = await store.authenticateMetrics(header(req, 'authorization'));
        const text = await metricsText(store, streams.size, scope);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
        res.end(text);
        return;
      }
      if (url.pathname === '/sync/push' || url.pathname === '/sync/pull' || url.pathname === '/sync/stream') {
        const wantMethod = url.pathname === '/sync/push' ? 'POST' : 'GET';
        if (req.method !== wantMethod) throw new SyncError(405, 'method', `use ${wantMethod} for ${url.pathname}`);
        checkProtocol(req);
        const who = await store.authenticate(header(req, 'authorization'));
        if (url.pathname === '/sync/push') {
          const body = await readJson(req, LIMITS.maxBodyBytes);
          const nowHeader = header(req, NOW_HEADER);
          const terminalNow = nowHeader && /^\d{1,15}$/.test(nowHeader) ? Number(nowHeader) : undefined;
          return sendJson(res, 200, await store.push(who, body, terminalNow));
        }
        if (url.pathname === '/sync/pull') {
          if ((req.url ?? '').length > LIMITS.maxQueryBytes + 256) throw new SyncError(413, 'too-large', `the pull query is longer than ${LIMITS.maxQueryBytes} bytes`);
          const query: Record<string, string> = {};
          for (const [k, v] of url.searchParams) {
            if (k in query) throw new SyncError(400, 'bad-input', `query parameter "${k}" is given twice`, undefined, k);
            query[k] = v;
          }
          const page = pages.take();
          let body: Buffer;
          try {
            body = (await store.pullInto(who, query, page)).bytes();
          } catch (e) {
            pages.give(page);
            throw e;
          }
          // Lent until the socket has taken the last byte; a response cut short keeps it.
          res.once('finish', () => pages.give(page));
          return sendJsonText(res, 200, body, { 'content-length': String(body.length) });
        }
        return await openStream(who, req, res);
      }
      throw new SyncError(404, 'not-found', `no route ${url.pathname}; the sync service serves /sync/push, /sync/pull, /sync/stream, /health and /metrics`);
    } catch (e) {
      if (e instanceof SyncError) {
        store.counters.reject(e.code);
        const extra: Record<string, string> = e.status === 413 ? { connection: 'close' } : {};
        sendJson(res, e.status, errorBody(e), extra);
        if (e.status === 413) {
          // Do not keep an oversized body: drain what comes, give the client a moment to see the
          // answer, then hang up. The socket is taken now: by then req.socket may be null.
          const socket = req.socket ?? res.socket;
          req.resume();
          setTimeout(() => socket?.destroy(), 2000).unref();
        }
        return;
      }
      if (e instanceof AppError && e.code === 'unavailable') {
        store.counters.reject('unavailable');
        return sendJson(res, 503, { ok: false, error: { code: 'unavailable', message: e.message }, protocol: PROTOCOL_VERSION });
      }
      if (store.isUnavailable?.(e)) {
        // The database is down, restarting or failing over: the terminal retries, nothing was stored.
        store.counters.reject('unavailable');
        log(`[sync] ${req.method} ${url.pathname}: the ${store.kind} database does not answer: ${(e as Error).message}`);
        return sendJson(res, 503, { ok: false, error: { code: 'unavailable', message: `the sync service's database does not answer (${(e as Error).message}); retry shortly (a push is safe to send again)` }, protocol: PROTOCOL_VERSION });
      }
      store.counters.reject('internal');
      log(`[sync] ${req.method} ${url.pathname} failed: ${(e as Error)?.stack ?? String(e)}`);
      sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'internal error; the details are in the sync server log' }, protocol: PROTOCOL_VERSION });
    }
  };

  async function openStream(who: EnrolledTerminal, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const vv = await store.visibleVv(who);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    });
    const entry = { who, res };
    streams.add(entry);
    res.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ vv } satisfies StreamNotice)}\n\n`);
    const beat = setInterval(() => res.write(': beat\n\n'), heartbeatMs);
    beat.unref();
    const done = () => {
      clearInterval(beat);
      streams.delete(entry);
    };
    req.on('close', done);
    res.on('error', done);
  }

  /**
   * The server-level guard: whatever happens in one request (a peer that vanishes mid-body, a
   * socket already gone, a bug), it is logged and answered, and never reaches the process.
   */
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    let running: Promise<void>;
    try {
      running = handler(req, res);
    } catch (e) {
      running = Promise.reject(e);
    }
    running.catch((e: unknown) => {
      try {
        log(`[sync] request failed outside the handler: ${(e as Error)?.stack ?? String(e)}`);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' }, protocol: PROTOCOL_VERSION });
        else res.end();
      } catch {
        res.socket?.destroy();
      }
    });
  };
  // Checked every second (Node's default is 30 s), so the header and request timeouts below bite.
  const serverOptions = { connectionsCheckingInterval: 1000 };
  const server: Server = opts.tls
    ? (createHttpsServer({ ...serverOptions, cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }, listener) as unknown as Server)
    : createHttpServer(serverOptions, listener);
  // Slow or stalled senders (slowloris) are cut off; a stream's long answer is not affected.
  server.headersTimeout = opts.headersTimeoutMs ?? 10_000;
  server.requestTimeout = opts.requestTimeoutMs ?? 30_000;
  server.maxHeadersCount = 64;
  server.on('clientError', (_err, socket) => {
    store.counters.reject('malformed-http');
    try {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    } catch {
      /* the socket is gone already */
    }
  });
  server.on('tlsClientError', () => store.counters.reject('tls-handshake'));
  server.on('connection', (socket) => socket.on('error', () => undefined));

  return {
    storage: store,
    server,
    streamClients: () => streams.size,
    listen(port, host = '127.0.0.1') {
      return new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port, host, () => {
          server.off('error', fail);
          const p = (server.address() as AddressInfo).port;
          ok({ port: p, url: `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${p}` });
        });
      });
    },
    close() {
      clearInterval(tokenCheck);
      closed = true;
      return new Promise((ok) => {
        for (const s of streams) s.res.end();
        streams.clear();
        server.close(() => {
          store.close().then(ok, (e: unknown) => {
            log(`[sync] closing the database failed: ${(e as Error)?.message ?? String(e)}`);
            ok();
          });
        });
        server.closeAllConnections();
      });
    },
  };
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Prometheus text exposition (version 0.0.4). The operator's metrics token sees every tenant; an
 * admin terminal's token sees its own tenant only.
 */
export async function metricsText(store: SyncStorage, streamClients: number, scope: MetricsScope = { tenant: null }): Promise<string> {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(v) ? v : 0}`);
    }
  };
  const mine = <T extends { tenant: string }>(xs: T[]) => (scope.tenant === null ? xs : xs.filter((x) => x.tenant === scope.tenant));
  const c = store.counters;
  const tenants = mine(await store.tenantCounts());
  const allTenants = scope.tenant === null;
  const total = tenants.reduce((n, t) => n + t.events, 0);
  metric('madoguchi_sync_events_stored', 'gauge', 'Events held by the sync server.', [[{}, total]]);
  if (allTenants) {
    metric('madoguchi_sync_pushes_total', 'counter', 'Accepted pushes.', [[{}, c.pushes]]);
    metric('madoguchi_sync_pulls_total', 'counter', 'Answered pulls.', [[{}, c.pulls]]);
    metric('madoguchi_sync_events_accepted_total', 'counter', 'Events newly stored by pushes.', [[{}, c.eventsAccepted]]);
    metric('madoguchi_sync_duplicate_events_total', 'counter', 'Events resent that the server already held (idempotent).', [[{}, c.duplicates]]);
    metric(
      'madoguchi_sync_rejections_total',
      'counter',
      'Refused requests by reason.',
      [...c.rejections.entries()].sort().map(([code, n]) => [{ reason: code }, n]),
    );
    metric('madoguchi_sync_stream_clients', 'gauge', 'Open /sync/stream connections (this process).', [[{}, streamClients]]);
  }
  metric('madoguchi_sync_tenant_events_stored', 'gauge', 'Events held, per tenant (municipality).', tenants.map((t) => [{ tenant: t.tenant }, t.events]));
  metric('madoguchi_sync_tenant_origins', 'gauge', 'Terminals that pushed events, per tenant.', tenants.map((t) => [{ tenant: t.tenant }, t.origins]));
  metric('madoguchi_sync_tenant_terminals', 'gauge', 'Enrolled terminals with a valid token, per tenant.', tenants.map((t) => [{ tenant: t.tenant }, t.terminals]));
  metric('madoguchi_sync_tenant_station_claims', 'gauge', 'Stations claimed by kiosks, per tenant.', tenants.map((t) => [{ tenant: t.tenant }, t.claims]));
  const per = [...c.byTenant.entries()].filter(([t]) => allTenants || t === scope.tenant).sort();
  metric('madoguchi_sync_tenant_pushes_total', 'counter', 'Accepted pushes per tenant (this process).', per.map(([t, x]) => [{ tenant: t }, x.pushes]));
  metric('madoguchi_sync_tenant_pulls_total', 'counter', 'Answered pulls per tenant (this process).', per.map(([t, x]) => [{ tenant: t }, x.pulls]));
  metric('madoguchi_sync_tenant_events_accepted_total', 'counter', 'Events newly stored per tenant (this process).', per.map(([t, x]) => [{ tenant: t }, x.eventsAccepted]));
  const terms = scope.tenant === null ? await store.terminals() : await store.terminals(scope.tenant);
  // Terminal labels keep their old shape for the default tenant; others add the tenant.
  const who = (t: { id: string; tenant: string }): Record<string, string> => (t.tenant === 'default' ? { terminal: t.id } : { tenant: t.tenant, terminal: t.id });
  metric(
    'madoguchi_sync_terminal_last_seen_timestamp_seconds',
    'gauge',
    'When each terminal last pushed or pulled.',
    terms.filter((t) => t.lastSeenAt).map((t) => [{ ...who(t), site: t.site }, Math.round(Date.parse(t.lastSeenAt!) / 1000)]),
  );
  metric(
    'madoguchi_sync_terminal_clock_skew_seconds',
    'gauge',
    'Terminal clock minus server clock at its last push.',
    terms.filter((t) => t.skewMs !== null).map((t) => [who(t), t.skewMs! / 1000]),
  );
  metric('madoguchi_sync_terminal_clock_flagged', 'gauge', '1 when the terminal clock is off by more than 2 minutes.', terms.map((t) => [who(t), t.skewFlagged ? 1 : 0]));
  metric('madoguchi_sync_terminal_revoked', 'gauge', '1 when the terminal token was revoked.', terms.map((t) => [who(t), t.revoked ? 1 : 0]));
  const claims = scope.tenant === null ? await store.claims() : await store.claims(scope.tenant);
  metric('madoguchi_sync_station_claims', 'gauge', 'Stations claimed by kiosks.', claims.map((x) => [{ ...(x.tenant === 'default' ? {} : { tenant: x.tenant }), site: x.site, station: x.station, terminal: x.terminal }, 1]));
  return lines.join('\n') + '\n';
}
