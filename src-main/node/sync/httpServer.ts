import { jsonDepth } from '../../common/json/depth';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../common/errors';
import { LIMITS, NOW_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, SUPPORTED_PROTOCOLS, type StreamNotice, type SyncErrorBody } from '../../common/sync/protocol';
import { SyncError, SyncServerStore, protocolError, type EnrolledTerminal } from './serverStore';

export interface SyncServerOptions {
  /** The server's SQLite file. */
  file: string;
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
  store: SyncServerStore;
  server: Server;
  /** Resolves with the bound port and base URL. */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  streamClients(): number;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
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
export function createSyncServer(opts: SyncServerOptions): SyncServer {
  const store = SyncServerStore.open({ file: opts.file, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.log ? { log: opts.log } : {}) });
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const streams = new Set<{ who: EnrolledTerminal; res: ServerResponse }>();
  const heartbeatMs = opts.heartbeatMs ?? 15_000;

  store.on('stored', (ev: { origin: string; site: string; have: number }) => {
    for (const s of streams) {
      if (!store.canSee(s.who, ev.site)) continue;
      const notice: StreamNotice = { vv: { [ev.origin]: ev.have } };
      s.res.write(`event: events\ndata: ${JSON.stringify(notice)}\n\n`);
    }
  });

  /** Ends every open stream whose token was revoked or replaced: at once in this process, within tokenCheckMs from the CLI. */
  const closeRevokedStreams = () => {
    for (const s of [...streams]) {
      if (s.who.tokenHash && store.tokenValid(s.who.tokenHash)) continue;
      streams.delete(s);
      s.res.end(`event: revoked\ndata: ${JSON.stringify({ message: `the token of terminal "${s.who.id}" is no longer valid` })}\n\n`);
      s.res.socket?.destroySoon?.();
    }
  };
  store.on('tokens', () => safely(closeRevokedStreams));
  let seenVersion = store.dataVersion();
  const tokenCheck = setInterval(() => {
    if (!streams.size || !store.db.open) return;
    safely(() => {
      const v = store.dataVersion();
      if (v === seenVersion) return;
      seenVersion = v;
      closeRevokedStreams();
    });
  }, opts.tokenCheckMs ?? 1000);
  tokenCheck.unref();
  function safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      log(`[sync] stream token check failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sync.local');
    try {
      if (url.pathname === '/health') {
        if (req.method !== 'GET') throw new SyncError(405, 'method', 'use GET');
        // Anyone may ask; it names no terminal and counts nothing: only whether the service and its database answer.
        let db = 'ok';
        try {
          store.db.prepare('SELECT 1').get();
        } catch {
          db = 'unavailable';
        }
        return sendJson(res, db === 'ok' ? 200 : 503, { ok: db === 'ok', service: 'madoguchi-sync', version: opts.version ?? 'unknown', protocol: PROTOCOL_VERSION, supported: SUPPORTED_PROTOCOLS, db });
      }
      if (url.pathname === '/metrics') {
        if (req.method !== 'GET') throw new SyncError(405, 'method', 'use GET');
        store.authenticateMetrics(header(req, 'authorization'));
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
        res.end(metricsText(store, streams.size));
        return;
      }
      if (url.pathname === '/sync/push' || url.pathname === '/sync/pull' || url.pathname === '/sync/stream') {
        const wantMethod = url.pathname === '/sync/push' ? 'POST' : 'GET';
        if (req.method !== wantMethod) throw new SyncError(405, 'method', `use ${wantMethod} for ${url.pathname}`);
        checkProtocol(req);
        const who = store.authenticate(header(req, 'authorization'));
        if (url.pathname === '/sync/push') {
          const body = await readJson(req, LIMITS.maxBodyBytes);
          const nowHeader = header(req, NOW_HEADER);
          const terminalNow = nowHeader && /^\d{1,15}$/.test(nowHeader) ? Number(nowHeader) : undefined;
          return sendJson(res, 200, store.push(who, body, terminalNow));
        }
        if (url.pathname === '/sync/pull') {
          if ((req.url ?? '').length > LIMITS.maxQueryBytes + 256) throw new SyncError(413, 'too-large', `the pull query is longer than ${LIMITS.maxQueryBytes} bytes`);
          const query: Record<string, string> = {};
          for (const [k, v] of url.searchParams) {
            if (k in query) throw new SyncError(400, 'bad-input', `query parameter "${k}" is given twice`, undefined, k);
            query[k] = v;
          }
          return sendJson(res, 200, store.pull(who, query));
        }
        return openStream(who, req, res);
      }
      throw new SyncError(404, 'not-found', `no route ${url.pathname}; the sync service serves /sync/push, /sync/pull, /sync/stream, /health and /metrics`);
    } catch (e) {
      if (e instanceof SyncError) {
        store.reject(e.code);
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
        store.reject('unavailable');
        return sendJson(res, 503, { ok: false, error: { code: 'unavailable', message: e.message }, protocol: PROTOCOL_VERSION });
      }
      store.reject('internal');
      log(`[sync] ${req.method} ${url.pathname} failed: ${(e as Error)?.stack ?? String(e)}`);
      sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'internal error; the details are in the sync server log' }, protocol: PROTOCOL_VERSION });
    }
  };

  function openStream(who: EnrolledTerminal, req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    });
    const entry = { who, res };
    streams.add(entry);
    res.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ vv: store.visibleVv(who) } satisfies StreamNotice)}\n\n`);
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
    store.reject('malformed-http');
    try {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    } catch {
      /* the socket is gone already */
    }
  });
  server.on('tlsClientError', () => store.reject('tls-handshake'));
  server.on('connection', (socket) => socket.on('error', () => undefined));

  return {
    store,
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
      return new Promise((ok) => {
        for (const s of streams) s.res.end();
        streams.clear();
        server.close(() => {
          store.close();
          ok();
        });
        server.closeAllConnections();
      });
    },
  };
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition (version 0.0.4). */
export function metricsText(store: SyncServerStore, streamClients: number): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Record<string, string>, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(v) ? v : 0}`);
    }
  };
  const c = store.counters;
  metric('madoguchi_sync_events_stored', 'gauge', 'Events held by the sync server.', [[{}, store.eventCount()]]);
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
  metric('madoguchi_sync_stream_clients', 'gauge', 'Open /sync/stream connections.', [[{}, streamClients]]);
  const terms = store.terminals();
  metric(
    'madoguchi_sync_terminal_last_seen_timestamp_seconds',
    'gauge',
    'When each terminal last pushed or pulled.',
    terms.filter((t) => t.lastSeenAt).map((t) => [{ terminal: t.id, site: t.site }, Math.round(Date.parse(t.lastSeenAt!) / 1000)]),
  );
  metric(
    'madoguchi_sync_terminal_clock_skew_seconds',
    'gauge',
    'Terminal clock minus server clock at its last push.',
    terms.filter((t) => t.skewMs !== null).map((t) => [{ terminal: t.id }, t.skewMs! / 1000]),
  );
  metric('madoguchi_sync_terminal_clock_flagged', 'gauge', '1 when the terminal clock is off by more than 2 minutes.', terms.map((t) => [{ terminal: t.id }, t.skewFlagged ? 1 : 0]));
  metric('madoguchi_sync_terminal_revoked', 'gauge', '1 when the terminal token was revoked.', terms.map((t) => [{ terminal: t.id }, t.revoked ? 1 : 0]));
  metric('madoguchi_sync_station_claims', 'gauge', 'Stations claimed by kiosks.', store.claims().map((x) => [{ station: x.station, terminal: x.terminal }, 1]));
  return lines.join('\n') + '\n';
}
