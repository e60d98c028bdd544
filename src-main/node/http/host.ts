import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { AppError, toErrorData } from '../../common/errors';
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

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new AppError('bad-input', 'request body is larger than 1 MB');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('bad-input', 'request body is not JSON');
  }
}

/**
 * Browser mode: the same handler registry over HTTP (`POST /api/call/<method>`) plus a
 * server-sent event stream (`GET /api/stream`) for pushes, and the built renderer as static files.
 */
export function createHost(app: App, opts: { staticDir: string; extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean> }): Server {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      if (opts.extraRoutes && (await opts.extraRoutes(req, res))) return;
      if (url.pathname === '/api/health') return send(res, 200, { ok: true, node: app.terminal.config.node.id });
      if (url.pathname.startsWith('/api/call/')) {
        if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'bad-input', message: 'use POST' } });
        const method = decodeURIComponent(url.pathname.slice('/api/call/'.length));
        let body: unknown;
        try {
          body = await readBody(req);
        } catch (e) {
          return send(res, 400, { ok: false, error: toErrorData(e) });
        }
        let ctx;
        try {
          ctx = app.context(header(req, 'x-madoguchi-terminal'), 'http', header(req, 'x-madoguchi-session'));
        } catch (e) {
          return send(res, 400, { ok: false, error: toErrorData(e) });
        }
        return send(res, 200, await app.registry.call(method, body, ctx));
      }
      if (url.pathname === '/api/stream') return stream(app, req, res);
      if (url.pathname.startsWith('/api/')) return send(res, 404, { ok: false, error: { code: 'not-found', message: `no route ${url.pathname}` } });
      return serveStatic(opts.staticDir, url.pathname, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, { ok: false, error: toErrorData(e) });
      else res.end();
    }
  });
  server.on('close', () => undefined);
  return server;
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
