import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statusSnapshotSchema, ticketStatus, type StatusSnapshot } from '../../common/wait/snapshot';
import { STATUS_SERVICE_WORKER, statusPage } from './page';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature';

/**
 * `madoguchi status-relay`: the public side of the wait board. It accepts a snapshot only when the
 * sync service's key signed it and its timestamp is fresh and newer than the last one, keeps only
 * the latest snapshot per site (in memory), answers one number at a time in one shape whether the
 * number exists or not, rate-limits every client, bounds every body, and serves the phone page.
 */
export interface StatusRelayOptions {
  key: string;
  clock?: () => number;
  /** A snapshot older than this is not shown (the hall's service stopped publishing). Default 120 s. */
  staleSeconds?: number;
  /** How far a snapshot's timestamp may be from the relay's clock. Default 60 s. */
  maxSkewSeconds?: number;
  maxBodyBytes?: number;
  /** Requests per client: a bucket of `burst`, refilled at `perSecond`. */
  rateLimit?: { burst: number; perSecond: number };
  maxSites?: number;
  /**
   * Behind a reverse proxy every phone arrives from the proxy's address: take the client from the
   * last X-Forwarded-For entry (the one the proxy itself added) instead. Only behind a proxy.
   */
  trustProxy?: boolean;
  log?: (line: string) => void;
}

export interface StatusRelay {
  server: Server;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  latest(site: string): StatusSnapshot | undefined;
  counters: { accepted: number; refused: Map<string, number>; limited: number };
}

const SITE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const NUMBER = /^\d{1,5}$/;
const MAX_CLIENTS = 10_000;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createStatusRelay(opts: StatusRelayOptions): StatusRelay {
  const clock = opts.clock ?? Date.now;
  const staleMs = (opts.staleSeconds ?? 120) * 1000;
  const skewMs = (opts.maxSkewSeconds ?? 60) * 1000;
  const maxBody = opts.maxBodyBytes ?? 512 * 1024;
  const { burst, perSecond } = opts.rateLimit ?? { burst: 60, perSecond: 2 };
  const maxSites = opts.maxSites ?? 64;
  const log = opts.log ?? (() => {});
  const snapshots = new Map<string, StatusSnapshot>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const counters = { accepted: 0, refused: new Map<string, number>(), limited: 0 };
  let html: string | undefined;

  function allow(client: string): boolean {
    const now = clock();
    let b = buckets.get(client);
    if (!b) {
      if (buckets.size >= MAX_CLIENTS) buckets.delete(buckets.keys().next().value!);
      b = { tokens: burst, at: now };
      buckets.set(client, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    if (res.headersSent) return void res.end();
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': '*',
      ...extra,
    });
    res.end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBody) throw new Refusal(413, 'too-large', `the snapshot is ${declared} bytes; the limit is ${maxBody}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxBody) throw new Refusal(413, 'too-large', `the snapshot is larger than ${maxBody} bytes`);
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function publish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tsHeader = req.headers[TIMESTAMP_HEADER];
    const sig = req.headers[SIGNATURE_HEADER];
    // Refuse unsigned requests before reading a byte of their body.
    if (typeof tsHeader !== 'string' || !/^\d{1,15}$/.test(tsHeader)) throw new Refusal(401, 'unsigned', `missing or bad ${TIMESTAMP_HEADER}`);
    if (typeof sig !== 'string') throw new Refusal(401, 'unsigned', `missing ${SIGNATURE_HEADER}`);
    const body = await readBody(req);
    const ts = Number(tsHeader);
    if (!verifySignature(opts.key, ts, body, sig)) throw new Refusal(401, 'bad-signature', 'the signature does not match the publish key');
    if (Math.abs(clock() - ts) > skewMs) throw new Refusal(409, 'stale', `the snapshot's time is more than ${skewMs / 1000} s from the relay's clock`);
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch {
      throw new Refusal(400, 'bad-input', 'the snapshot is not JSON');
    }
    const parsed = statusSnapshotSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Refusal(400, 'bad-input', `snapshot.${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    const snap = parsed.data;
    if (snap.generatedAt !== ts) throw new Refusal(400, 'bad-input', `snapshot.generatedAt must equal ${TIMESTAMP_HEADER}`);
    const last = snapshots.get(snap.site);
    if (last && snap.generatedAt <= last.generatedAt) throw new Refusal(409, 'replayed', 'a snapshot as new or newer was already accepted for this site');
    if (!last && snapshots.size >= maxSites) throw new Refusal(507, 'too-many-sites', `the relay keeps at most ${maxSites} sites`);
    snapshots.set(snap.site, snap);
    counters.accepted++;
    send(res, 200, { ok: true, site: snap.site, tickets: snap.tickets.length });
  }

  const page = (): string => (html ??= statusPage());

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const forwarded = opts.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : '';
    const client = (forwarded || req.socket.remoteAddress || 'unknown').slice(0, 64);
    if (!allow(client)) {
      counters.limited++;
      return send(res, 429, { ok: false, error: { code: 'rate-limited', message: 'too many requests; try again in a few seconds' } }, { 'retry-after': String(Math.ceil(1 / perSecond)) });
    }
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > 256) throw new Refusal(414, 'too-long', 'the address is too long');
    const path = rawUrl.split('?')[0]!;
    if (path === '/publish') {
      if (req.method !== 'POST') throw new Refusal(405, 'method', 'use POST');
      return publish(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'method', 'use GET');
    if (path === '/health') return send(res, 200, { ok: true, service: 'madoguchi-status-relay', sites: snapshots.size });
    const m = /^\/status\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (m) {
      const [, site, num] = m as unknown as [string, string, string];
      if (!SITE.test(site) || !NUMBER.test(num)) throw new Refusal(404, 'not-found', 'no such status address');
      const snap = snapshots.get(site);
      const fresh = !!snap && clock() - snap.generatedAt <= staleMs;
      return send(res, 200, ticketStatus(snap, site, Number(num), fresh));
    }
    if (path === '/sw.js') {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; connect-src 'self'",
      });
      res.end(req.method === 'HEAD' ? undefined : STATUS_SERVICE_WORKER);
      return;
    }
    const s = /^\/s\/([^/]+)\/([^/]+)$/.exec(path);
    if (path === '/' || (s && SITE.test(s[1]!) && NUMBER.test(s[2]!))) {
      const body = page();
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    throw new Refusal(404, 'not-found', 'no such address');
  };

  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (e instanceof Refusal) {
        counters.refused.set(e.code, (counters.refused.get(e.code) ?? 0) + 1);
        send(res, e.status, { ok: false, error: { code: e.code, message: e.message } }, e.status === 413 ? { connection: 'close' } : {});
        if (e.status === 413) {
          req.resume();
          setTimeout(() => req.socket.destroy(), 1000).unref();
        }
        return;
      }
      log(`[status-relay] ${req.method} ${req.url} failed: ${(e as Error)?.stack ?? String(e)}`);
      send(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return {
    server,
    counters,
    latest: (site) => snapshots.get(site),
    listen(port, host = '127.0.0.1') {
      return new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port, host, () => {
          server.off('error', fail);
          const p = (server.address() as AddressInfo).port;
          ok({ port: p, url: `http://${host.includes(':') ? `[${host}]` : host}:${p}` });
        });
      });
    },
    close() {
      return new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
