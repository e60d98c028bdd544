import type { Protocol } from 'electron';
import { existsSync, promises as fsp, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { CSP, safeJoin } from '../node/http/host';
import { APP_HOST, APP_SCHEME } from './channels';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.webmanifest': 'application/manifest+json',
};

/** Must run before `app.ready`: `app://` behaves like https (secure, standard, fetch). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

export type AppResource = { status: 200; file: string; type: string } | { status: 403 | 404 | 503; message: string };

/**
 * Maps an `app://madoguchi/<path>` URL to a file of the built renderer. Anything else — another
 * host, `..` or encoded traversal, NUL bytes — never reaches the file system.
 */
export function resolveAppRequest(url: string, root: string): AppResource {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 404, message: 'bad URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { status: 404, message: `not ours: ${u.protocol}//${u.host}` };
  // pathname is still percent-encoded: safeJoin decodes it once and keeps the result inside root.
  let file = safeJoin(root, u.pathname || '/');
  if (!file) return { status: 403, message: 'forbidden' };
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Screens are client routes: serve the app shell, but never for a missing asset.
    if (extname(u.pathname)) return { status: 404, message: 'not found' };
    file = join(root, 'index.html');
    if (!existsSync(file)) return { status: 503, message: 'the screens are not built (dist-renderer/index.html is missing)' };
  }
  return { status: 200, file, type: TYPES[extname(file)] ?? 'application/octet-stream' };
}

const HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };

export async function serveAppRequest(url: string, root: string): Promise<Response> {
  const r = resolveAppRequest(url, root);
  if (r.status !== 200) return new Response(r.message, { status: r.status, headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
  const body = await fsp.readFile(r.file);
  return new Response(body, { status: 200, headers: { ...HEADERS, 'content-type': r.type } });
}

/** After `app.ready`: serves the built renderer (a folder inside the asar) on `app://madoguchi/`. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, root));
}
