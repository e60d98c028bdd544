/**
 * One terminal as its own process, for sync-processes.test.ts: it keeps writing (a kiosk issues
 * tickets, a counter calls and finishes them) while its sync loop runs, and prints each write
 * only after it is committed, so the test can check that nothing acknowledged is ever lost.
 *
 *   node --import tsx tests/integration/sync-terminal-proc.ts DATA_DIR kiosk|counter|display TARGET
 */
import { AppError } from '../../src-main/common/errors';
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { HttpTransport } from '../../src-main/node/sync/transport';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';
import type { SyncStatus } from '../../src-main/common/sync/protocol';

const [dataDir, role, targetArg] = process.argv.slice(2);
const target = Number(targetArg ?? 0);
const t = openTerminal(dataDir!);
const me = t.config.terminals[0]!;
const client = new SyncClient({
  store: t.store,
  transport: new HttpTransport({ server: t.config.sync!.server, token: t.config.sync!.token, timeoutMs: 5000 }),
  stations: stationClaimsOf(t.config),
  intervalMs: 200,
  backoffMinMs: 50,
  backoffMaxMs: 500,
});
client.on('state', (s: SyncStatus) => process.stderr.write(`state ${JSON.stringify(s)}\n`));
client.run();

const by = { terminal: me.id };
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function work(): Promise<void> {
  if (role === 'kiosk') {
    for (;;) {
      const mine = (t.store.db.prepare('SELECT COUNT(*) AS n FROM visits WHERE station = ?').get(me.station) as { n: number }).n;
      if (mine >= target) break;
      const v = t.visits.issue({ station: me.station!, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, by);
      process.stdout.write(`issued ${v.number}\n`);
      await sleep(10);
    }
  } else if (role === 'counter') {
    for (;;) {
      const done = (t.store.db.prepare(`SELECT COUNT(*) AS n FROM visits WHERE status = 'done'`).get() as { n: number }).n;
      if (done >= target) break;
      try {
        const v = t.visits.callNext(me.department!, me.counter!, by);
        if (!v) {
          await sleep(20);
          continue;
        }
        t.visits.start(v.id, me.counter!, by);
        t.visits.finishHere(v.id, me.counter!, by);
        process.stdout.write(`finished ${v.number}\n`);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
      }
      await sleep(5);
    }
  }
  process.stdout.write('done\n');
}

const stop = () => {
  void client.stop().then(() => {
    t.close();
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
work().catch((e) => {
  process.stderr.write(`terminal ${me.id} failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
