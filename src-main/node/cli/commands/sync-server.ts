import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { createSyncServer } from '../../sync/httpServer';
import { StatusPublisher, checkPublishUrl } from '../../sync/publish';
import { checkPublishKey } from '../../statusRelay/signature';
import { chooseDatabase, openSyncStorage, SERVER_DB_FILE } from '../../sync/openStorage';
import { redactUrl } from '../../sync/pgStore';
import { SqliteSyncStorage, type SyncStorage } from '../../sync/storage';
import { loggedIO, type LoggedIO } from '../../logs/appLog';
import { intFlag, requiredFlag, stringFlag, type CliCommand } from '../command';

export { SERVER_DB_FILE };

/** --data DIR (SQLite) or --db postgres://… / MADOGUCHI_DB; --tenant only means something on PostgreSQL. */
const DB_OPTIONS = { data: { type: 'string' }, db: { type: 'string' }, tenant: { type: 'string' } } as const;

async function withStorage<T>(args: Parameters<CliCommand['run']>[0], create: boolean, fn: (s: SyncStorage, tenant: string | undefined) => Promise<T>): Promise<T> {
  const db = stringFlag(args, 'db');
  const data = stringFlag(args, 'data');
  const s = await openSyncStorage({ ...(db ? { db } : {}), ...(data ? { data } : {}), create });
  try {
    return await fn(s, stringFlag(args, 'tenant'));
  } finally {
    await s.close();
  }
}

export const commands: CliCommand[] = [
  {
    name: 'sync-server',
    summary: 'Run the central sync service (push/pull/stream, /health, /metrics)',
    usage: 'sync-server --port N (--data DIR | --db postgres://USER:PASS@HOST/DB) [--host ADDR] [--tls-cert FILE --tls-key FILE | --insecure-http] [--publish URL --publish-key K [--publish-interval S]]   (without a certificate or --insecure-http, a self-signed certificate is made in DIR/tls/)',
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      db: { type: 'string' },
      host: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'insecure-http': { type: 'boolean' },
      publish: { type: 'string' },
      'publish-key': { type: 'string' },
      'publish-interval': { type: 'string' },
    },
    async run(args, io) {
      const where = chooseDatabase({ ...(stringFlag(args, 'db') ? { db: stringFlag(args, 'db')! } : {}), ...(stringFlag(args, 'data') ? { data: stringFlag(args, 'data')! } : {}) });
      const dataDir = stringFlag(args, 'data');
      const port = intFlag(args, 'port', 7400, 0);
      const host = stringFlag(args, 'host') ?? '127.0.0.1';
      let cert = stringFlag(args, 'tls-cert');
      let key = stringFlag(args, 'tls-key');
      const insecure = args.values['insecure-http'] === true;
      if (!!cert !== !!key) throw new AppError('bad-input', 'HTTPS needs both --tls-cert and --tls-key', { field: cert ? 'tls-key' : 'tls-cert' });
      if (insecure && cert) throw new AppError('bad-input', '--insecure-http and --tls-cert/--tls-key exclude each other', { field: 'insecure-http' });
      for (const [flag, f] of [['tls-cert', cert], ['tls-key', key]] as const) {
        if (f && !existsSync(f)) throw new AppError('bad-input', `no such file: ${f}`, { field: flag });
      }
      if (insecure) {
        io.err('');
        io.err('*** WARNING: the sync server runs over PLAIN HTTP (--insecure-http). ***');
        io.err('*** Tokens and visit data cross the network unencrypted. Use it only on loopback or in a test; ***');
        io.err('*** a city hall LAN needs --tls-cert/--tls-key (or the self-signed certificate made without --insecure-http). ***');
        io.err('');
      } else if (!cert) {
        if (!dataDir) throw new AppError('bad-input', 'HTTPS needs a certificate: give --tls-cert FILE --tls-key FILE (behind a load balancer, its certificate), or --data DIR for a self-signed one', { field: 'tls-cert' });
        const made = selfSignedCertificate(resolve(dataDir), host);
        cert = made.cert;
        key = made.key;
        io.out(`TLS: ${made.created ? 'made a self-signed certificate' : 'using the self-signed certificate'} ${made.cert} (SHA-256 ${made.fingerprint}).`);
        io.out(`     Copy it to each terminal and set "sync": { "ca": "<that file>" } in its config.json (terminal init --ca FILE).`);
      }
      if (dataDir) io = loggedIO(io, dataDir, 'sync-server');
      // The public wait board (issue 18): one-way, outbound, signed snapshots.
      const publishUrl = stringFlag(args, 'publish');
      const publishKey = stringFlag(args, 'publish-key');
      if (!!publishUrl !== !!publishKey) throw new AppError('bad-input', 'publishing needs both --publish URL and --publish-key K', { field: publishUrl ? 'publish-key' : 'publish' });
      if (publishUrl) checkPublishUrl(publishUrl);
      if (publishKey) checkPublishKey(publishKey, 'publish-key');
      if (publishUrl && where.kind !== 'sqlite') {
        // A wait board is one municipality's, sent to that city's relay with that city's key; a
        // PostgreSQL service holds many municipalities (and runs as several processes).
        throw new AppError(
          'bad-input',
          "--publish: the public wait board belongs to one municipality (its own status-relay URL and key), and a sync service on PostgreSQL (--db) holds many, so it does not publish one; this version keeps no relay per tenant. Leave --publish out with --db (the terminals' own displays are not affected), or publish from a SQLite sync service (--data DIR).",
          { field: 'publish' },
        );
      }
      const publishEvery = intFlag(args, 'publish-interval', 5, 1);
      const log = (l: string) => io.err(l);
      const storage = await openSyncStorage({ ...(where.kind === 'postgresql' ? { db: where.url } : { data: where.dir }), create: true, listen: true, log });
      const srv = createSyncServer({ storage, ...(cert && key ? { tls: { cert, key } } : {}), log, version: appVersion() });
      const { url } = await srv.listen(port, host);
      const place = where.kind === 'postgresql' ? `db: ${redactUrl(where.url)}` : `data: ${where.dir}`;
      io.out(`Madoguchi sync server: ${url}  (${place}, events: ${await storage.eventCount()}, pid ${process.pid})`);
      const sqlite = storage instanceof SqliteSyncStorage ? storage.store : undefined;
      const publisher = publishUrl && publishKey && sqlite ? new StatusPublisher({ db: sqlite.db, url: publishUrl, key: publishKey, intervalMs: publishEvery * 1000, log: (l) => io.err(l) }) : undefined;
      if (publisher) {
        publisher.start();
        io.out(`publishing the wait board to ${publishUrl} every ${publishEvery} s`);
      }
      return new Promise<number>((done) => {
        const stop = () => {
          void srv.close().then(() => {
            if (dataDir) (io as LoggedIO).stop(0);
            done(0);
          });
          void (publisher?.stop() ?? Promise.resolve()).then(() => srv.close()).then(() => done(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    },
  },
  {
    name: 'sync-server enroll',
    summary: 'Enroll a terminal and print its token (once; only a hash is stored)',
    usage: 'sync-server enroll (--data DIR | --db postgres://…) [--tenant T] --terminal ID --role kiosk|counter|display|supervisor|admin [--site S] [--station ID …] [--format text|json]   (--station: the stations a kiosk may claim; --tenant: the municipality, default "default")',
    options: { ...DB_OPTIONS, terminal: { type: 'string' }, role: { type: 'string' }, site: { type: 'string' }, station: { type: 'string', multiple: true }, format: { type: 'string' } },
    async run(args, io) {
      return withStorage(args, true, async (store, tenant) => {
        const stations = (args.values.station as string[] | undefined) ?? [];
        const { token, terminal } = await store.enroll(requiredFlag(args, 'terminal'), requiredFlag(args, 'role'), { site: stringFlag(args, 'site') ?? 'honcho', stations, ...(tenant ? { tenant } : {}) });
        if (stringFlag(args, 'format') === 'json') {
          io.out(JSON.stringify({ ...terminal, token }));
        } else {
          io.out(`enrolled terminal "${terminal.id}" (tenant ${terminal.tenant}, role ${terminal.role}, site ${terminal.site}). Its token, shown only now:`);
          io.out(token);
          io.out(`Put it in that terminal's config.json as "sync": { "server": "<url>", "token": "<token>" }; its node.id must be "${terminal.id}".`);
        }
        return 0;
      });
    },
  },
  {
    name: 'sync-server revoke',
    summary: "Revoke a terminal's token (and release its station claims)",
    usage: 'sync-server revoke (--data DIR | --db postgres://…) [--tenant T] --terminal ID',
    options: { ...DB_OPTIONS, terminal: { type: 'string' } },
    async run(args, io) {
      return withStorage(args, false, async (store, tenant) => {
        const id = requiredFlag(args, 'terminal');
        const { released } = await store.revoke(id, tenant);
        io.out(`revoked terminal "${id}"${released.length ? `; released stations ${released.join(', ')}` : ''}`);
        return 0;
      });
    },
  },
  {
    name: 'sync-server terminals',
    summary: 'List enrolled terminals, their last contact, clock skew and station claims',
    usage: 'sync-server terminals (--data DIR | --db postgres://…) [--tenant T] [--format text|json]',
    options: { ...DB_OPTIONS, format: { type: 'string' } },
    async run(args, io) {
      return withStorage(args, false, async (store, tenant) => {
        const terms = await store.terminals(tenant);
        const claims = await store.claims(tenant);
        if (stringFlag(args, 'format') === 'json') {
          io.out(JSON.stringify({ terminals: terms, claims }, null, 2));
          return 0;
        }
        for (const t of terms) {
          const st = claims.filter((c) => c.terminal === t.id && c.tenant === t.tenant).map((c) => `${c.station} ${c.from}–${c.to}`);
          io.out(
            `${t.tenant === 'default' ? '' : `${t.tenant}/`}${t.id.padEnd(24)} ${t.role.padEnd(10)} ${t.site.padEnd(10)} ${t.revoked ? 'REVOKED ' : ''}last seen ${t.lastSeenAt ?? 'never'}` +
              `${t.skewFlagged ? `  CLOCK OFF ${Math.round((t.skewMs ?? 0) / 1000)} s` : ''}${st.length ? `  stations: ${st.join(', ')}` : ''}`,
          );
        }
        return 0;
      });
    },
  },
  {
    name: 'sync-server metrics-token',
    summary: 'Make (or replace) the token that may read /metrics; printed once, only its hash is kept',
    usage: 'sync-server metrics-token (--data DIR | --db postgres://…)   (then: curl -H "Authorization: Bearer <token>" https://HOST:PORT/metrics)',
    options: { data: { type: 'string' }, db: { type: 'string' } },
    async run(args, io) {
      return withStorage(args, true, async (store) => {
        io.out(await store.createMetricsToken());
        return 0;
      });
    },
  },
  {
    name: 'sync-server check-events',
    summary: 'List stored events that fail validation (stored by an older server, or a damaged file)',
    usage: 'sync-server check-events (--data DIR | --db postgres://…) [--tenant T] [--format text|json]',
    options: { ...DB_OPTIONS, format: { type: 'string' } },
    async run(args, io) {
      return withStorage(args, false, async (store, tenant) => {
        const bad = (await store.invalidEvents(1000, tenant)).map(({ tenant: _t, ...b }) => b);
        if (stringFlag(args, 'format') === 'json') io.out(JSON.stringify(bad));
        else if (!bad.length) io.out('every stored event passes validation');
        else for (const b of bad) io.out(`${b.origin} ${b.seq} ${b.type}: ${b.problem}   (remove: sync-server purge-event --origin ${b.origin} --seq ${b.seq})`);
        return bad.length ? 1 : 0;
      });
    },
  },
  {
    name: 'sync-server purge-event',
    summary: 'Take a bad stored event out of circulation (kept aside; a placeholder holds its place so sync carries on)',
    usage: 'sync-server purge-event (--data DIR | --db postgres://…) [--tenant T] (--origin ID --seq N | --all-invalid) [--reason TEXT]',
    options: { ...DB_OPTIONS, origin: { type: 'string' }, seq: { type: 'string' }, 'all-invalid': { type: 'boolean' }, reason: { type: 'string' } },
    async run(args, io) {
      return withStorage(args, false, async (store, tenant) => {
        const reason = stringFlag(args, 'reason') ?? 'invalid event removed by an operator';
        const targets =
          args.values['all-invalid'] === true
            ? (await store.invalidEvents(100_000, tenant)).map((b) => ({ origin: b.origin, seq: b.seq, tenant: b.tenant }))
            : [{ origin: requiredFlag(args, 'origin'), seq: intFlag(args, 'seq', 0, 1), tenant }];
        if (targets.length === 1 && targets[0]!.seq === 0) throw new AppError('bad-input', '--seq is required (the event\'s sequence number)', { field: 'seq' });
        for (const t of targets) {
          const r = await store.purgeEvent(t.origin, t.seq, reason, t.tenant);
          io.out(`purged ${t.origin} #${t.seq} (${r.type}); a sync.skipped placeholder holds its place, the original is kept in purged_events`);
        }
        if (!targets.length) io.out('no invalid events stored; nothing purged');
        return 0;
      });
    },
  },
];

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * TLS by default: a self-signed certificate for the server's address (and localhost), made once
 * with openssl in DIR/tls/ and reused. Terminals trust it by its file (config sync.ca).
 */
export function selfSignedCertificate(dataDir: string, host: string): { cert: string; key: string; fingerprint: string; created: boolean } {
  const dir = join(dataDir, 'tls');
  const cert = join(dir, 'sync-server.crt');
  const key = join(dir, 'sync-server.key');
  let created = false;
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const isIp = /^[\d.]+$|:/.test(host);
    const names = new Set(['DNS:localhost', 'IP:127.0.0.1', host === '0.0.0.0' || host === '::' ? '' : isIp ? `IP:${host}` : `DNS:${host}`].filter(Boolean));
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '825', '-subj', '/CN=madoguchi-sync', '-addext', `subjectAltName=${[...names].join(',')}`],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) {
      throw new AppError(
        'unavailable',
        `cannot make a TLS certificate with openssl (${(r.error?.message ?? r.stderr ?? '').trim().slice(0, 200)}). Give --tls-cert FILE --tls-key FILE, or --insecure-http for a loopback test only.`,
        { field: 'tls-cert' },
      );
    }
    created = true;
  }
  const fingerprint = new X509Certificate(readFileSync(cert)).fingerprint256;
  return { cert, key, fingerprint, created };
}
