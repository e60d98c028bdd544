/**
 * A counter terminal as its own process, for status-board.test.ts: pulls from the sync server,
 * calls one number at its counter, pushes the call, and prints `called <number> <counter>`.
 *
 *   node --import tsx tests/integration/status-counter-proc.ts DATA_DIR NUMBER
 */
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';

const [dataDir, numberArg] = process.argv.slice(2);
const t = openTerminal(dataDir!);
const me = t.config.terminals[0]!;
const client = new SyncClient({ store: t.store, transport: new HttpTransport({ server: t.config.sync!.server, token: t.config.sync!.token, timeoutMs: 10_000 }), stations: stationClaimsOf(t.config) });

async function main(): Promise<number> {
  try {
    await client.syncOnce();
    const v = t.visits.callNumber(Number(numberArg), me.department!, me.counter!, { terminal: me.id, staff: 'test-clerk' });
    await client.syncOnce();
    process.stdout.write(`called ${v.number} ${v.call?.counter}\n`);
    return 0;
  } finally {
    await client.stop();
    t.close();
  }
}
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
