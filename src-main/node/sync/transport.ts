import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AppError } from '../../common/errors';
import type { VersionVector } from '../../common/sync/event';
import { LIMITS, NOW_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, type PullResponse, type PushRequest, type PushResponse, type StreamNotice } from '../../common/sync/protocol';
import { PageBytesPool } from './pageBytes';
import { parseAnswerJson } from './pullAnswerJson';

/** An answer from the server that refused the request (4xx/5xx), with its code and message. */
export class SyncRemoteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'SyncRemoteError';
  }
}

/** How a client reaches the server; HTTP in production, a direct call in the simulation. */
export interface SyncTransport {
  push(body: PushRequest, now: number): Promise<PushResponse>;
  pull(vv: VersionVector, limit: number): Promise<PullResponse>;
  /** Opens the live stream; returns a closer. `onNotice` fires for each announcement. */
  stream?(handlers: { onNotice(n: StreamNotice): void; onOpen?(): void; onClose(err?: Error): void }): () => void;
  close?(): void;
}

export interface HttpTransportOptions {
  server: string;
  token: string;
  /** PEM file of a private CA for an https server. */
  caFile?: string;
  timeoutMs?: number;
}

/** The sync protocol over HTTP(S) with keep-alive connections. */
export class HttpTransport implements SyncTransport {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  /** Answers are received into buffers kept from one to the next (a catch-up's pages are about 800 KB each). */
  private readonly bodies = new PageBytesPool(2);
  private readonly ca?: Buffer;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(private readonly opts: HttpTransportOptions) {
    let u: URL;
    try {
      u = new URL(opts.server);
    } catch {
      throw new AppError('bad-config', `sync server "${opts.server}" is not a URL (e.g. http://sync.local:7400)`, { field: 'sync.server' });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('bad-config', `sync server must be http:// or https://, got ${u.protocol}`, { field: 'sync.server' });
    this.base = u;
    if (opts.caFile) {
      try {
        this.ca = readFileSync(opts.caFile);
      } catch (e) {
        throw new AppError('bad-config', `cannot read the CA file ${opts.caFile}: ${(e as Error).message}`, { field: 'sync.ca' });
      }
    }
    this.agent = u.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 4, ...(this.ca ? { ca: this.ca } : {}) }) : new HttpAgent({ keepAlive: true, maxSockets: 4 });
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base : new URL(this.base.href + '/'));
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    if (this.closed) throw new Error('the sync client was stopped');
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    try {
      return await this.attempt<T>(method, path, payload, extraHeaders);
    } catch (e) {
      // A kept-alive socket the server closed while this terminal was busy (a long fold blocks the
      // event loop past the server's keep-alive timeout) fails before anything was answered. Push
      // and pull are idempotent: send it again, once, on a fresh socket.
      if (!(e instanceof StaleSocketError) || this.closed) throw e instanceof StaleSocketError ? e.cause : e;
      return this.attempt<T>(method, path, payload, extraHeaders).catch((e2: unknown) => {
        throw e2 instanceof StaleSocketError ? e2.cause : e2;
      });
    }
  }

  private attempt<T>(method: 'GET' | 'POST', path: string, payload: Buffer | undefined, extraHeaders: Record<string, string>): Promise<T> {
    const url = this.url(path);
    const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const r = req(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.opts.token}`,
            [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...extraHeaders,
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const json = (bytes: Buffer): unknown => {
            try {
              return parseAnswerJson(bytes);
            } catch {
              throw new SyncRemoteError(res.statusCode ?? 0, 'bad-response', `the sync server answered ${res.statusCode} with something that is not JSON`);
            }
          };
          readAll(res, this.bodies, url.origin, json).then((data) => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(data as T);
            const err = (data as { error?: { code?: string; message?: string; details?: unknown } }).error;
            reject(new SyncRemoteError(status, err?.code ?? 'http', err?.message ?? `HTTP ${status}`, err?.details));
          }, reject);
        },
      );
      r.on('timeout', () => r.destroy(new Error(`no answer from ${url.origin} within ${this.timeoutMs} ms`)));
      let answered = false;
      r.on('response', () => (answered = true));
      r.on('error', (e: NodeJS.ErrnoException) => reject(r.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE') ? new StaleSocketError(e) : e));
      // The socket timeout measures idleness; this bounds the whole exchange.
      const deadline = setTimeout(() => r.destroy(new Error(`no complete answer from ${url.origin} within ${2 * this.timeoutMs} ms`)), 2 * this.timeoutMs);
      deadline.unref();
      r.on('close', () => clearTimeout(deadline));
      r.end(payload);
    });
  }

  push(body: PushRequest, now: number): Promise<PushResponse> {
    return this.send<PushResponse>('POST', '/sync/push', body, { [NOW_HEADER]: String(Math.round(now)) });
  }

  pull(vv: VersionVector, limit: number): Promise<PullResponse> {
    const q = new URLSearchParams({ protocol: String(PROTOCOL_VERSION), vv: JSON.stringify(vv), limit: String(limit) });
    return this.send<PullResponse>('GET', `/sync/pull?${q.toString()}`);
  }

  stream(handlers: { onNotice(n: StreamNotice): void; onOpen?(): void; onClose(err?: Error): void }): () => void {
    const url = this.url('/sync/stream');
    const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let ended = false;
    const finish = (err?: Error) => {
      if (ended) return;
      ended = true;
      handlers.onClose(err);
    };
    const r = req(url, {
      method: 'GET',
      // Its own socket: a long-lived stream must not hold one of the pooled request sockets.
      agent: false,
      ...(this.ca ? { ca: this.ca } : {}),
      headers: { authorization: `Bearer ${this.opts.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), accept: 'text/event-stream' },
    } as Parameters<typeof httpRequest>[1]);
    r.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        readAll(res, this.bodies, this.base.origin, (b) => b.toString('utf8')).then(
          (t) => finish(new SyncRemoteError(res.statusCode ?? 0, 'stream', `stream refused (${res.statusCode}): ${t.slice(0, 300)}`)),
          (e: Error) => finish(e),
        );
        return;
      }
      handlers.onOpen?.();
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if ((event === 'events' || event === 'hello') && data) {
            try {
              handlers.onNotice(JSON.parse(data) as StreamNotice);
            } catch {
              /* a malformed notice only costs a pull on the next tick */
            }
          }
        }
        // A notice names at most a few hundred origins: a block that never ends is not one.
        if (buf.length > MAX_NOTICE_CHARS) {
          const e = new SyncRemoteError(200, 'stream', `the live stream from ${this.base.origin} sent ${buf.length} characters without ending a notice (at most ${MAX_NOTICE_CHARS}): closed`);
          res.destroy();
          finish(e);
        }
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e));
    });
    r.on('error', (e) => finish(e));
    r.end();
    return () => {
      r.destroy();
      finish();
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
  }
}

/** A request that failed on a reused keep-alive socket before any answer (sent again once). */
class StaleSocketError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** The longest live-stream notice read (its version vector over LIMITS.maxOrigins origins is about 30,000 characters). */
const MAX_NOTICE_CHARS = 256 * 1024;

/**
 * The answer, read by `read` from its bytes (valid only during the call), received into a buffer of `bodies` (kept for the next answer: pageBytes.ts).
 * An answer longer than LIMITS.maxPullAnswerBytes (by its Content-Length, or as it arrives) is
 * refused and its connection closed: a wrong address or a broken proxy cannot fill this
 * terminal's memory.
 */
function readAll<T>(res: IncomingMessage, bodies: PageBytesPool, from: string, read: (bytes: Buffer) => T): Promise<T> {
  return new Promise((ok, fail) => {
    const max = LIMITS.maxPullAnswerBytes;
    let ended = false;
    const tooLong = (what: string) => {
      ended = true;
      res.destroy();
      fail(new SyncRemoteError(res.statusCode ?? 0, 'answer-too-large', `the answer from ${from} is ${what}; a sync answer is at most ${max} bytes: refused`));
    };
    const declared = Number(res.headers['content-length']);
    if (declared > max) return tooLong(`${declared} bytes long (Content-Length)`);
    const body = bodies.take();
    res.on('data', (c: Buffer) => {
      if (ended) return;
      if (body.length + c.length > max) return tooLong('longer than that');
      body.append(c);
    });
    res.on('end', () => {
      if (ended) return;
      ended = true;
      try {
        ok(read(body.bytes()));
      } catch (e) {
        fail(e);
      } finally {
        bodies.give(body);
      }
    });
    res.on('error', (e) => {
      if (!ended) fail(e);
    });
    // A peer killed mid-answer may only close the socket: never wait forever for 'end'.
    res.on('close', () => {
      if (!ended) fail(new Error('the connection closed before the answer was complete'));
    });
  });
}
