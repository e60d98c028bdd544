import { jsonDepth } from '../../common/json/depth';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { toErrorData } from '../../common/errors';
import type { Result } from '../../common/contract';
import { ANY_TERMINAL, DEVICE_COOKIE, DeviceRegistry, type Device } from './devices';
import { allowedHostNames, checkHost, checkOrigin, isJsonContentType, isLoopbackAddress, isLoopbackBind, parseCookies, peerAddress, type Refusal } from './guard';
import type { App } from '../app/app';

const MAX_BODY = 1024 * 1024;
/** Content types of what the hosts serve (the renderer, the online guide). */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.webmanifest': 'application/manifest+json',
};
/**
 * Same policy as the Electron shell: nothing but our own origin. `frame-src blob:` is the one
 * exception, for the counter's form preview: the PDF comes from our own API and is shown in an
 * <iframe> from a blob: URL the page itself created (a blob: URL can only be made by script running
 * on this origin, which script-src already limits to our files). Without it frame-src falls back to
 * default-src 'self' and the browser refuses the preview. data: stays out (top-level data: PDFs are
 * blocked by Chromium anyway) and object-src stays 'none' (no <object>/<embed> plugins).
 */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** Resolves a URL path inside `root`, or null when it would leave it (path traversal). */
export function safeJoin(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(root, '.' + normalize('/' + decoded));
  const base = resolve(root);
  return full === base || full.startsWith(base + sep) ? full : null;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, r: Refusal, headers: Record<string, string> = {}): void {
  send(res, r.status, { ok: false, error: { code: r.code, message: r.message, ...(r.field ? { field: r.field } : {}) } }, headers);
}

/** Deeper than this is not a request any screen makes: refused before parsing (400, never a 500). */
export const MAX_JSON_DEPTH = 32;

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) throw new BodyError(413, 'request body is larger than 1 MB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new BodyError(413, 'request body is larger than 1 MB');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  const text = Buffer.concat(chunks).toString('utf8');
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new BodyError(400, `request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'request body is not JSON');
  }
}

/** HTTP status for a refused call: the body says the same as over IPC; the status lets proxies and tests see it. */
function statusOf(r: Result<unknown>): number {
  if (r.ok) return 200;
  if (r.error.code === 'unauthenticated') return 401;
  if (r.error.code === 'forbidden') return 403;
  if (r.error.code === 'locked-out') return 429;
  return 200;
}

export interface HostOptions {
  staticDir: string;
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** Extra host names this host answers to (besides its bind address; see http/guard.ts). */
  names?: readonly string[];
  /**
   * Whether loopback browsers pair by themselves. Default: only when the host is bound to loopback
   * alone. `false` makes a loopback host behave like a LAN host (every browser pairs), for tests.
   */
  pairLoopback?: boolean;
}

/**
 * Browser mode: the same handler registry over HTTP (`POST /api/call/<method>`) plus a
 * server-sent event stream (`GET /api/stream`) for pushes, and the built renderer as static files.
 *
 * Every request passes, in order: the Host check (only this host's own names: no DNS rebinding),
 * then for the API the Origin check (same origin only), `application/json` bodies of at most
 * 1 MB and 32 levels, the device check (a paired browser, see http/devices.ts; on a host bound
 * only to loopback, loopback browsers pair by themselves), and then the registry's own checks
 * (terminal role, staff session bound to terminal and device, input schema).
 */
export function createHost(app: App, opts: HostOptions): Server {
  const devices = new DeviceRegistry(app.terminal.store.db, () => app.terminal.store.now());
  let names: Set<string> | null = null;
  let bindAddr = '127.0.0.1';
  let port = 0;
  const server = createServer(async (req, res) => {
    try {
      if (!names) {
        const a = server.address();
        bindAddr = typeof a === 'object' && a ? a.address : '127.0.0.1';
        port = typeof a === 'object' && a ? a.port : 0;
        names = allowedHostNames(bindAddr, opts.names ?? []);
      }
      const hostRefusal = checkHost(req, names, port);
      if (hostRefusal) return refuse(res, hostRefusal, { connection: 'close' });
      const url = new URL(req.url ?? '/', 'http://local');
      if (opts.extraRoutes && (await opts.extraRoutes(req, res))) return;
      const remote = peerAddress(req);
      const loopback = (opts.pairLoopback ?? isLoopbackBind(bindAddr)) && isLoopbackAddress(remote);
      if (url.pathname === '/api/health') return send(res, 200, loopback ? { ok: true, node: app.terminal.config.node.id } : { ok: true });
      if (!url.pathname.startsWith('/api/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, error: { code: 'bad-input', message: 'pages are read with GET' } }, { allow: 'GET, HEAD' });
        return serveStatic(opts.staticDir, url.pathname, res);
      }

      const originRefusal = checkOrigin(req);
      if (originRefusal) return refuse(res, originRefusal);
      const cookie = parseCookies(req.headers.cookie)[DEVICE_COOKIE];
      const device = devices.byToken(cookie);
      if (url.pathname === '/api/pair') return pair(req, res, device, remote, loopback);

      // Which device this is, and which terminals it may act as.
      let deviceId: string;
      let paired: string | null; // '*' = any terminal
      if (device?.status === 'approved') {
        deviceId = device.id;
        paired = device.terminal;
      } else if (loopback && device?.status !== 'revoked') {
        deviceId = 'loopback';
        paired = ANY_TERMINAL;
      } else {
        return send(res, 401, { ok: false, error: { code: 'unauthenticated', field: 'device', message: device?.status === 'pending' ? `this browser waits for an administrator to approve pairing code ${device.code}` : device?.status === 'revoked' ? 'this browser was unpaired by an administrator; request pairing again' : 'this browser is not paired with this host: request pairing (an administrator approves it once)', details: { pairing: device?.status ?? 'none', ...(device?.status === 'pending' ? { code: device.code } : {}) } } });
      }
      const claimed = header(req, 'x-madoguchi-terminal');
      if (paired !== ANY_TERMINAL && claimed !== undefined && claimed !== paired) {
        return send(res, 403, { ok: false, error: { code: 'forbidden', field: 'terminal', message: `this browser is paired as terminal ${paired}, not ${claimed.slice(0, 80)}` } });
      }
      const terminalId = paired === ANY_TERMINAL ? claimed : (paired ?? undefined);

      if (url.pathname.startsWith('/api/call/')) {
        if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'bad-input', message: 'use POST' } }, { allow: 'POST' });
        if (!isJsonContentType(req.headers['content-type'])) {
          req.resume();
          return send(res, 415, { ok: false, error: { code: 'bad-input', field: 'content-type', message: 'send the body as application/json' } }, { connection: 'close' });
        }
        const method = safeDecode(url.pathname.slice('/api/call/'.length));
        let body: unknown;
        try {
          body = await readBody(req);
        } catch (e) {
          const status = e instanceof BodyError ? e.status : 400;
          return send(res, status, { ok: false, error: { code: 'bad-input', message: e instanceof BodyError ? e.message : 'the request body could not be read' } }, { connection: 'close' });
        }
        let ctx;
        try {
          ctx = { ...app.context(terminalId, 'http', header(req, 'x-madoguchi-session')), device: deviceId, remote };
        } catch (e) {
          return send(res, 400, { ok: false, error: toErrorData(e) });
        }
        if (deviceId !== 'loopback') devices.seen(deviceId);
        const result = await app.registry.call(method ?? '', body, ctx);
        return send(res, statusOf(result), result);
      }
      if (url.pathname === '/api/stream') {
        if (req.method !== 'GET') return send(res, 405, { ok: false, error: { code: 'bad-input', message: 'use GET' } }, { allow: 'GET' });
        return stream(app, req, res);
      }
      return send(res, 404, { ok: false, error: { code: 'not-found', message: `no route ${url.pathname.slice(0, 200)}` } });
    } catch (e) {
      process.stderr.write(`[host] ${req.method} ${String(req.url).slice(0, 200)} failed: ${(e as Error)?.stack ?? String(e)}\n`);
      if (!res.headersSent) send(res, 500, { ok: false, error: toErrorData(e) });
      else res.end();
    }
  });
  // Slow clients (slowloris) are cut off: headers within 20 s, the whole request within 30 s.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_err, socket) => {
    // A broken request line or body: answer 400 unless a response already went out on this socket.
    if (socket.writable && !(socket as unknown as { _httpMessage?: unknown })._httpMessage) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  /** `GET /api/pair`: this browser's pairing state. `POST /api/pair` {terminal?, label?}: ask to be paired. */
  async function pair(req: IncomingMessage, res: ServerResponse, device: Device | undefined, remote: string, loopback: boolean): Promise<void> {
    if (req.method === 'GET') {
      return send(res, 200, { ok: true, value: device ? { status: device.status, terminal: device.terminal, ...(device.status === 'pending' ? { code: device.code } : {}) } : { status: loopback ? 'loopback' : 'none' } });
    }
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'bad-input', message: 'use GET or POST' } }, { allow: 'GET, POST' });
    if (!isJsonContentType(req.headers['content-type'])) {
      req.resume();
      return send(res, 415, { ok: false, error: { code: 'bad-input', field: 'content-type', message: 'send the body as application/json' } }, { connection: 'close' });
    }
    let body: unknown;
    try {
      body = await readBody(req);
    } catch (e) {
      return send(res, e instanceof BodyError ? e.status : 400, { ok: false, error: { code: 'bad-input', message: e instanceof BodyError ? e.message : 'the request body could not be read' } }, { connection: 'close' });
    }
    const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as { terminal?: unknown; label?: unknown };
    const terminal = typeof b.terminal === 'string' && b.terminal ? b.terminal : null;
    if (terminal !== null && !app.terminal.config.terminals.some((t) => t.id === terminal)) {
      return send(res, 400, { ok: false, error: { code: 'bad-input', field: 'terminal', message: `no terminal "${terminal.slice(0, 80)}" in this config` } });
    }
    if (device && device.status !== 'revoked') return send(res, 200, { ok: true, value: { status: device.status, terminal: device.terminal, ...(device.status === 'pending' ? { code: device.code } : {}) } });
    const label = typeof b.label === 'string' ? b.label.replace(/[\u0000-\u001f]/g, ' ').trim() || 'browser' : String(req.headers['user-agent'] ?? 'browser').slice(0, 80);
    let r;
    try {
      r = devices.request(label, remote, terminal);
    } catch (e) {
      return send(res, 503, { ok: false, error: toErrorData(e) });
    }
    return send(res, 200, { ok: true, value: { status: r.device.status, terminal, code: r.device.code } }, { 'set-cookie': `${DEVICE_COOKIE}=${r.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000` });
  }
  return server;
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v ? v : undefined;
}

function stream(app: App, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 1000\n\n');
  const unsubscribe = app.push.subscribe((msg) => res.write(`event: ${msg.name}\ndata: ${JSON.stringify(msg.data)}\n\n`));
  const beat = setInterval(() => res.write(': beat\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(beat);
    unsubscribe();
  });
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  let file = safeJoin(root, pathname);
  if (!file) {
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('forbidden');
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Screens are client routes: fall back to the app shell, but never for a missing asset.
    if (extname(pathname)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The screens are not built yet: run "npm run build:renderer" (npm run web does it for you).');
      return;
    }
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  createReadStream(file).pipe(res);
}
