import { isAbsolute, join } from 'node:path';
import type { SyncStatus } from '../../common/sync/protocol';
import type { App } from '../app/app';
import { SyncClient, stationClaimsOf } from './client';
import { quarantineCount } from './quarantine';
import { HttpTransport } from './transport';

const clients = new WeakMap<App, SyncClient>();

/** The sync client running for an app, if any. */
export function syncClientOf(app: App): SyncClient | undefined {
  return clients.get(app);
}

/** State for the UI: the running client's, or 'disabled' with the local outbox when sync is not configured. */
export function syncStatusOf(app: App): SyncStatus {
  const c = clients.get(app);
  if (c) return c.status();
  const { store } = app.terminal;
  const acked = Number(store.meta('sync.acked') ?? 0);
  const outbox = (store.db.prepare('SELECT COUNT(*) AS n FROM events WHERE origin = ? AND seq > ?').get(store.nodeId, acked) as { n: number }).n;
  const last = store.meta('sync.lastSyncAt');
  const quarantined = quarantineCount(store.db);
  return { state: 'disabled', outbox, ...(quarantined ? { quarantined } : {}), ...(last ? { lastSyncAt: last } : {}), message: 'no sync server configured (config.sync)' };
}

/**
 * Starts the background sync loop from `config.sync` and publishes every state change as the
 * `sync` push. Without `config.sync` it publishes 'disabled' and returns null. Stopped on app close.
 */
export function startSyncForApp(app: App, opts: { intervalMs?: number } = {}): SyncClient | null {
  const existing = clients.get(app);
  if (existing) return existing;
  const cfg = app.terminal.config;
  if (!cfg.sync) {
    const s = syncStatusOf(app);
    app.push.publish('sync', { state: s.state, outbox: s.outbox, ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}), ...(s.message ? { message: s.message } : {}) });
    return null;
  }
  const caFile = cfg.sync.ca ? (isAbsolute(cfg.sync.ca) ? cfg.sync.ca : join(app.terminal.dataDir, cfg.sync.ca)) : undefined;
  const transport = new HttpTransport({ server: cfg.sync.server, token: cfg.sync.token, ...(caFile ? { caFile } : {}) });
  const client = new SyncClient({
    store: app.terminal.store,
    transport,
    stations: stationClaimsOf(cfg),
    serverLabel: new URL(cfg.sync.server).origin,
    ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
  });
  client.on('state', (s: SyncStatus) => {
    app.push.publish('sync', { state: s.state, outbox: s.outbox, ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}), ...(s.message ? { message: s.message } : {}), ...(s.quarantined ? { quarantined: s.quarantined } : {}) });
  });
  clients.set(app, client);
  // onClose hooks are synchronous: stop() ends the loop and aborts requests; the store closes after.
  app.onClose(() => {
    void client.stop();
    clients.delete(app);
  });
  client.run();
  return client;
}
