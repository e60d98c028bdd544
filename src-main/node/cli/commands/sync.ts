import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { announceActive } from '../../catalog/refs';
import type { SyncStatus } from '../../../common/sync/protocol';
import { SyncClient, stationClaimsOf } from '../../sync/client';
import { dropQuarantine, listQuarantine } from '../../sync/quarantine';
import { HttpTransport } from '../../sync/transport';
import { defaultDataDir, openTerminal, type Terminal } from '../../terminal/dataFolder';
import { loggedIO } from '../../logs/appLog';
import { intFlag, stringFlag, type CliCommand, type CliIO, type CommandArgs } from '../command';

const options = {
  data: { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  ca: { type: 'string' },
  interval: { type: 'string' },
} as const;

function clientFor(args: CommandArgs): { terminal: Terminal; client: SyncClient } {
  const terminal = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
  try {
    const cfg = terminal.config;
    const server = stringFlag(args, 'server') ?? cfg.sync?.server;
    const token = stringFlag(args, 'token') ?? cfg.sync?.token;
    if (!server) throw new AppError('bad-input', 'no sync server: pass --server URL or set "sync.server" in config.json', { field: 'server' });
    if (!token) throw new AppError('bad-input', 'no token: pass --token T (from "madoguchi sync-server enroll") or set "sync.token" in config.json', { field: 'token' });
    const caOpt = stringFlag(args, 'ca') ?? (cfg.sync?.ca ? (isAbsolute(cfg.sync.ca) ? cfg.sync.ca : join(terminal.dataDir, cfg.sync.ca)) : undefined);
    const transport = new HttpTransport({ server, token, ...(caOpt ? { caFile: caOpt } : {}) });
    const client = new SyncClient({ store: terminal.store, transport, stations: stationClaimsOf(cfg), serverLabel: new URL(server).origin, intervalMs: intFlag(args, 'interval', 5000, 100) });
    return { terminal, client };
  } catch (e) {
    terminal.close();
    throw e;
  }
}

function describe(s: SyncStatus): string {
  return `${s.state}${s.lastSyncAt ? `, last sync ${s.lastSyncAt}` : ''}, outbox ${s.outbox}${s.message ? ` — ${s.message}` : ''}`;
}

/** Says which catalog version serves when it changed (a version received, or its date come); never stops the sync. */
function announce(terminal: Terminal, io: CliIO): void {
  try {
    const a = announceActive(terminal);
    if (a.recorded) io.out(`catalog: this terminal now serves version ${a.version}`);
  } catch (e) {
    io.err(`catalog: cannot read the active catalog version: ${(e as Error).message}`);
  }
}

export const commands: CliCommand[] = [
  {
    name: 'sync once',
    summary: "Push this terminal's new events to the sync server and pull what it lacks, once",
    usage: 'sync once [--data DIR] [--server URL --token T] [--ca FILE]   (server and token default to config.sync)',
    options,
    async run(args, io) {
      const { terminal, client } = clientFor(args);
      try {
        const r = await client.syncOnce().catch(() => null);
        const s = client.status();
        if (!r) {
          io.err(`madoguchi sync once: ${describe(s)}`);
          return 1;
        }
        io.out(`pushed ${r.pushed}, pulled ${r.pulled}, duplicates ${r.duplicates}; ${describe(s)}`);
        // A version received (or its date come): this terminal switches and says so (catalog.activated), pushed on the next sync.
        announce(terminal, io);
        if (s.skew?.flagged || s.conflicts?.length) io.err(`warning: ${s.message ?? ''}`);
        return 0;
      } finally {
        await client.stop();
        terminal.close();
      }
    },
  },
  {
    name: 'sync run',
    summary: 'Keep this terminal in sync in the background (stream, backoff) until stopped',
    usage: 'sync run [--data DIR] [--server URL --token T] [--ca FILE] [--interval MS]',
    options,
    async run(args, io) {
      const { terminal, client } = clientFor(args);
      const lio = loggedIO(io, terminal.dataDir, 'sync run');
      io = lio;
      let last = '';
      client.on('state', (s: SyncStatus) => {
        if (s.state !== 'error') announce(terminal, io);
        const line = describe({ ...s, lastSyncAt: undefined } as SyncStatus);
        if (line !== last) {
          last = line;
          (s.state === 'error' ? io.err : io.out)(`[sync] ${describe(s)}`);
        }
      });
      client.run();
      return new Promise<number>((done) => {
        const stop = () => {
          void client.stop().then(() => {
            terminal.close();
            const code = client.status().state === 'error' ? 1 : 0;
            lio.stop(code);
            done(code);
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    },
  },
  {
    name: 'sync quarantine list',
    summary: 'Events sync set aside on this terminal (refused for good, or unreadable when pulled), with why',
    usage: 'sync quarantine list [--data DIR] [--format text|json]',
    options: { data: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const terminal = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const rows = listQuarantine(terminal.store.db);
        if (stringFlag(args, 'format') === 'json') {
          io.out(JSON.stringify(rows.map((r) => ({ ...r, raw: safeJson(r.raw) }))));
          return 0;
        }
        if (!rows.length) io.out('no events in quarantine');
        for (const r of rows) {
          const dir = r.direction === 'in' ? 'pulled' : 'own   ';
          io.out(`#${r.id} ${dir} ${r.origin ?? '?'}#${r.seq ?? '?'} ${r.type ?? '?'} at ${r.at}${r.field ? ` [${r.field}]` : ''}: ${r.reason}`);
        }
        return 0;
      } finally {
        terminal.close();
      }
    },
  },
  {
    name: 'sync quarantine drop',
    summary: 'Remove quarantined events from the list (the log keeps its placeholder; own events stay in the local log)',
    usage: 'sync quarantine drop [--data DIR] (--id N | --all)',
    options: { data: { type: 'string' }, id: { type: 'string' }, all: { type: 'boolean' } },
    async run(args, io) {
      const terminal = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        if (args.values.all !== true && stringFlag(args, 'id') === undefined) throw new AppError('bad-input', 'give --id N (from "sync quarantine list") or --all', { field: 'id' });
        const n = args.values.all === true ? dropQuarantine(terminal.store.db, { all: true }) : dropQuarantine(terminal.store.db, { id: intFlag(args, 'id', 0, 1) });
        if (n === 0 && args.values.all !== true) throw new AppError('not-found', `no quarantined event #${stringFlag(args, 'id')}`, { field: 'id' });
        io.out(`removed ${n} quarantined event(s)`);
        return 0;
      } finally {
        terminal.close();
      }
    },
  },
];

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
