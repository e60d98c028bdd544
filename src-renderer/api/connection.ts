import type { PushMessage, Result } from '../../src-main/common/contract';

/**
 * The renderer's one pipe to main. Electron's preload exposes `window.madoguchi`; in browser mode
 * the same calls go over HTTP and pushes over server-sent events.
 */
export interface Connection {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  onPush(listener: (msg: PushMessage) => void): () => void;
  onLink(listener: (up: boolean) => void): () => void;
}

interface Preload {
  call(method: string, input: unknown, session?: string): Promise<Result<unknown>>;
  onPush(listener: (msg: PushMessage) => void): () => void;
}

declare global {
  interface Window {
    madoguchi?: Preload;
  }
}

export interface Identity {
  terminal?: string;
  session?: string;
}

/** Electron: main fixes the terminal profile; the page passes only the staff session token. */
export function ipcConnection(p: Preload, identity: () => Identity): Connection {
  return { call: (m, i) => p.call(m, i, identity().session), onPush: (l) => p.onPush(l), onLink: (l) => (l(true), () => undefined) };
}

const PUSH_NAMES = ['events', 'printer', 'sync', 'call'] as const;

/**
 * Sent to every screen when a stream (re)opens: whatever happened while no stream was open (a
 * reconnect, or the gap while the stream moves to another tab) was never pushed, so every screen
 * re-reads what it shows. No types means "anything may have changed".
 */
export const RESYNC: PushMessage = { name: 'events', data: { types: [], visitIds: [] } };

/** What one tab tells the others about the shared stream. */
type LiveMessage = { kind: 'push'; msg: PushMessage } | { kind: 'link'; up: boolean } | { kind: 'hello' };

/**
 * One live stream per browser, shared by every screen (tab) of this origin. A browser keeps only
 * six HTTP/1.1 connections per host, and each server-sent event stream holds one for good, so a
 * seventh screen would never load. The tab holding the Web Lock `madoguchi-live` (the leader)
 * opens the one EventSource and relays each push and the link state over a BroadcastChannel;
 * the others listen. When the leader closes, the lock passes to a waiting tab, which opens the
 * stream in turn. Without Web Locks or BroadcastChannel each tab opens its own stream.
 */
export function sharedStream(base: string, deliver: (m: PushMessage) => void, link: (up: boolean) => void): void {
  const own = () => {
    const source = new EventSource(`${base}/api/stream`);
    source.onopen = () => {
      link(true);
      deliver(RESYNC);
    };
    // EventSource reconnects by itself (retry: 1000); we only report the link state.
    source.onerror = () => link(false);
    for (const name of PUSH_NAMES) {
      source.addEventListener(name, (e) => deliver({ name, data: JSON.parse((e as MessageEvent<string>).data) } as PushMessage));
    }
    return source;
  };
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (!locks || typeof BroadcastChannel === 'undefined') {
    own();
    return;
  }
  const channel = new BroadcastChannel(`madoguchi-live:${base || location.origin}`);
  let leading = false;
  let up = false;
  const post = (m: LiveMessage) => channel.postMessage(m);
  channel.onmessage = (e: MessageEvent<LiveMessage>) => {
    const m = e.data;
    if (m.kind === 'hello') {
      if (leading) post({ kind: 'link', up });
    } else if (!leading) {
      if (m.kind === 'push') deliver(m.msg);
      else link(m.up);
    }
  };
  post({ kind: 'hello' });
  void locks.request('madoguchi-live', () => {
    leading = true;
    const source = own();
    // The leader's own listeners are wrapped to relay to the other tabs.
    source.addEventListener('open', () => {
      up = true;
      post({ kind: 'link', up });
      post({ kind: 'push', msg: RESYNC });
    });
    source.addEventListener('error', () => ((up = false), post({ kind: 'link', up })));
    for (const name of PUSH_NAMES) {
      source.addEventListener(name, (e) => post({ kind: 'push', msg: { name, data: JSON.parse((e as MessageEvent<string>).data) } as PushMessage }));
    }
    // Held until the tab goes away; the browser then releases the lock to the next tab.
    return new Promise<never>(() => undefined);
  });
}

export function httpConnection(identity: () => Identity, base = ''): Connection {
  const pushListeners = new Set<(m: PushMessage) => void>();
  const linkListeners = new Set<(up: boolean) => void>();
  let started = false;
  let up = false;
  const setUp = (v: boolean) => {
    if (v === up) return;
    up = v;
    linkListeners.forEach((l) => l(v));
  };
  const ensureStream = () => {
    if (started) return;
    started = true;
    sharedStream(base, (m) => pushListeners.forEach((l) => l(m)), setUp);
  };
  return {
    async call(method, input) {
      const id = identity();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (id.terminal) headers['x-madoguchi-terminal'] = id.terminal;
      if (id.session) headers['x-madoguchi-session'] = id.session;
      try {
        const res = await fetch(`${base}/api/call/${encodeURIComponent(method)}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
        return (await res.json()) as Result<unknown>;
      } catch {
        setUp(false);
        return { ok: false, error: { code: 'unavailable', message: 'The terminal service does not answer. Reconnecting…' } };
      }
    },
    onPush(l) {
      ensureStream();
      pushListeners.add(l);
      return () => pushListeners.delete(l);
    },
    onLink(l) {
      ensureStream();
      linkListeners.add(l);
      l(up);
      return () => linkListeners.delete(l);
    },
  };
}
