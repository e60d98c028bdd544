import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { createSyncServer } from '../../sync/httpServer';
import { StatusPublisher, checkPublishUrl } from '../../sync/publish';
import { checkPublishKey } from '../../statusRelay/signature';
import { SyncServerStore } from '../../sync/serverStore';
import { intFlag, requiredFlag, stringFlag, type CliCommand } from '../command';

export const SERVER_DB_FILE = 'sync-server.sqlite';

function serverFile(dataDir: string, create: boolean): string {
  const dir = resolve(dataDir);
  if (create) mkdirSync(dir, { recursive: true });
  else if (!existsSync(join(dir, SERVER_DB_FILE))) throw new AppError('not-found', `no sync server database in ${dir} (expected ${SERVER_DB_FILE}); enroll a terminal or start the server there first`, { field: 'data' });
  return join(dir, SERVER_DB_FILE);
}

export const commands: CliCommand[] = [
  {
    name: 'sync-server',
    summary: 'Run the central sync service (push/pull/stream, /health, /metrics)',
    usage: 'sync-server --port N --data DIR [--host ADDR] [--tls-cert FILE --tls-key FILE] [--publish URL --publish-key K [--publish-interval S]]',
    options: { port: { type: 'string' }, data: { type: 'string' }, host: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, publish: { type: 'string' }, 'publish-key': { type: 'string' }, 'publish-interval': { type: 'string' } },
    async run(args, io) {
      const dataDir = requiredFlag(args, 'data');
      const port = intFlag(args, 'port', 7400, 0);
      const host = stringFlag(args, 'host') ?? '127.0.0.1';
      const cert = stringFlag(args, 'tls-cert');
      const key = stringFlag(args, 'tls-key');
      if (!!cert !== !!key) throw new AppError('bad-input', 'HTTPS needs both --tls-cert and --tls-key', { field: cert ? 'tls-key' : 'tls-cert' });
      for (const [flag, f] of [['tls-cert', cert], ['tls-key', key]] as const) {
        if (f && !existsSync(f)) throw new AppError('bad-input', `no such file: ${f}`, { field: flag });
      }
      // The public wait board (issue 18): one-way, outbound, signed snapshots.
      const publishUrl = stringFlag(args, 'publish');
      const publishKey = stringFlag(args, 'publish-key');
      if (!!publishUrl !== !!publishKey) throw new AppError('bad-input', 'publishing needs both --publish URL and --publish-key K', { field: publishUrl ? 'publish-key' : 'publish' });
      if (publishUrl) checkPublishUrl(publishUrl);
      if (publishKey) checkPublishKey(publishKey, 'publish-key');
      const publishEvery = intFlag(args, 'publish-interval', 5, 1);
      const srv = createSyncServer({ file: serverFile(dataDir, true), ...(cert && key ? { tls: { cert, key } } : {}), log: (l) => io.err(l) });
      const { url } = await srv.listen(port, host);
      io.out(`Madoguchi sync server: ${url}  (data: ${resolve(dataDir)}, events: ${srv.store.eventCount()})`);
      const publisher = publishUrl && publishKey ? new StatusPublisher({ db: srv.store.db, url: publishUrl, key: publishKey, intervalMs: publishEvery * 1000, log: (l) => io.err(l) }) : undefined;
      if (publisher) {
        publisher.start();
        io.out(`publishing the wait board to ${publishUrl} every ${publishEvery} s`);
      }
      return new Promise<number>((done) => {
        const stop = () => {
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
    usage: 'sync-server enroll --data DIR --terminal ID --role kiosk|counter|display|supervisor|admin [--site S] [--format text|json]',
    options: { data: { type: 'string' }, terminal: { type: 'string' }, role: { type: 'string' }, site: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const store = SyncServerStore.open({ file: serverFile(requiredFlag(args, 'data'), true) });
      try {
        const { token, terminal } = store.enroll(requiredFlag(args, 'terminal'), requiredFlag(args, 'role'), stringFlag(args, 'site') ?? 'honcho');
        if (stringFlag(args, 'format') === 'json') {
          io.out(JSON.stringify({ ...terminal, token }));
        } else {
          io.out(`enrolled terminal "${terminal.id}" (role ${terminal.role}, site ${terminal.site}). Its token, shown only now:`);
          io.out(token);
          io.out(`Put it in that terminal's config.json as "sync": { "server": "<url>", "token": "<token>" }; its node.id must be "${terminal.id}".`);
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
  {
    name: 'sync-server revoke',
    summary: "Revoke a terminal's token (and release its station claims)",
    usage: 'sync-server revoke --data DIR --terminal ID',
    options: { data: { type: 'string' }, terminal: { type: 'string' } },
    async run(args, io) {
      const store = SyncServerStore.open({ file: serverFile(requiredFlag(args, 'data'), false) });
      try {
        const id = requiredFlag(args, 'terminal');
        const { released } = store.revoke(id);
        io.out(`revoked terminal "${id}"${released.length ? `; released stations ${released.join(', ')}` : ''}`);
        return 0;
      } finally {
        store.close();
      }
    },
  },
  {
    name: 'sync-server terminals',
    summary: 'List enrolled terminals, their last contact, clock skew and station claims',
    usage: 'sync-server terminals --data DIR [--format text|json]',
    options: { data: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const store = SyncServerStore.open({ file: serverFile(requiredFlag(args, 'data'), false) });
      try {
        const terms = store.terminals();
        const claims = store.claims();
        if (stringFlag(args, 'format') === 'json') {
          io.out(JSON.stringify({ terminals: terms, claims }, null, 2));
          return 0;
        }
        for (const t of terms) {
          const st = claims.filter((c) => c.terminal === t.id).map((c) => `${c.station} ${c.from}–${c.to}`);
          io.out(
            `${t.id.padEnd(24)} ${t.role.padEnd(10)} ${t.site.padEnd(10)} ${t.revoked ? 'REVOKED ' : ''}last seen ${t.lastSeenAt ?? 'never'}` +
              `${t.skewFlagged ? `  CLOCK OFF ${Math.round((t.skewMs ?? 0) / 1000)} s` : ''}${st.length ? `  stations: ${st.join(', ')}` : ''}`,
          );
        }
        return 0;
      } finally {
        store.close();
      }
    },
  },
];
