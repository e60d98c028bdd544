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

export function httpConnection(identity: () => Identity, base = ''): Connection {
  const pushListeners = new Set<(m: PushMessage) => void>();
  const linkListeners = new Set<(up: boolean) => void>();
  let source: EventSource | null = null;
  let up = false;
  const setUp = (v: boolean) => {
    if (v === up) return;
    up = v;
    linkListeners.forEach((l) => l(v));
  };
  const ensureStream = () => {
    if (source) return;
    source = new EventSource(`${base}/api/stream`);
    source.onopen = () => setUp(true);
    // EventSource reconnects by itself (retry: 1000); we only report the link state.
    source.onerror = () => setUp(false);
    for (const name of PUSH_NAMES) {
      source.addEventListener(name, (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data);
        pushListeners.forEach((l) => l({ name, data } as PushMessage));
      });
    }
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
