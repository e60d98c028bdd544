import { hostname, networkInterfaces } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Browser mode's front door: which Host names it answers to, which Origins may call it, and
 * which peers count as loopback. Pure functions over the request, so the hostile tests can aim
 * at them one by one.
 */

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** `Host` header → lower-case host name without port or brackets, and the port (or null). */
export function splitHost(value: string): { name: string; port: number | null } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  const name = m[1]!.toLowerCase().replace(/^\[|\]$/g, '');
  return { name, port: m[2] === undefined ? null : Number(m[2]) };
}

/**
 * The names a host bound to `bind` answers to. Loopback binds: the loopback names only. A wildcard
 * bind (0.0.0.0, ::): this machine's host name and its addresses, plus any configured names. A
 * specific address: that address plus configured names. Anything else in `Host` is refused,
 * which defeats DNS rebinding (a hostile name that resolves to this host).
 */
export function allowedHostNames(bind: string, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(extra.map((n) => n.toLowerCase()));
  const b = bind.toLowerCase().replace(/^\[|\]$/g, '');
  if (b === 'localhost' || isLoopbackAddress(b)) {
    for (const n of ['localhost', '127.0.0.1', '::1']) names.add(n);
    return names;
  }
  if (b === '0.0.0.0' || b === '::' || b === '') {
    names.add(hostname().toLowerCase());
    for (const n of ['localhost', '127.0.0.1', '::1']) names.add(n);
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address.toLowerCase());
    return names;
  }
  names.add(b);
  return names;
}

export function isLoopbackBind(bind: string): boolean {
  const b = bind.toLowerCase().replace(/^\[|\]$/g, '');
  return b === 'localhost' || isLoopbackAddress(b);
}

export type Refusal = { status: number; code: 'forbidden' | 'bad-input'; message: string; field?: string };

export function checkHost(req: IncomingMessage, names: Set<string>, port: number): Refusal | null {
  const raw = req.headers.host;
  const h = typeof raw === 'string' ? splitHost(raw) : null;
  if (!h) return { status: 400, code: 'bad-input', message: 'a Host header is required', field: 'host' };
  if (!names.has(h.name) || (h.port !== null && h.port !== port)) {
    return { status: 421, code: 'forbidden', message: `this host does not answer to "${String(raw).slice(0, 100)}" (add the name with --name if it is yours)`, field: 'host' };
  }
  return null;
}

/**
 * Same-origin only. A browser always sends `Origin` on a POST and on a cross-site EventSource; it
 * must be this very host (`http://<Host>`). Fetch metadata (`Sec-Fetch-Site`) must not say
 * cross-site or same-site either. Requests with neither header come from programs, not from a
 * page on another site, and pass to the next checks (pairing, session).
 */
export function checkOrigin(req: IncomingMessage): Refusal | null {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return { status: 403, code: 'forbidden', message: `cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 40)})`, field: 'origin' };
  }
  if (origin === undefined) return null;
  const host = req.headers.host ?? '';
  const o = typeof origin === 'string' ? origin.toLowerCase() : '';
  if (o !== `http://${host.toLowerCase()}` && o !== `https://${host.toLowerCase()}`) {
    return { status: 403, code: 'forbidden', message: `cross-site request refused (Origin: ${String(origin).slice(0, 100)})`, field: 'origin' };
  }
  return null;
}

/** `application/json` (any charset parameter); form posts and `text/plain` are refused. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || k in out) continue;
    out[k] = part.slice(i + 1).trim();
  }
  return out;
}

export function peerAddress(req: IncomingMessage): string {
  const a = req.socket?.remoteAddress ?? '';
  return isIP(a) ? a : 'unknown';
}
