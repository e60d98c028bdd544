/**
 * A fresh terminal's catch-up as its own process, for memory.bench.ts (its peak RSS is measured
 * apart from the bench's):
 *
 *   node --import tsx tests/bench/memoryClient.ts STORE_FILE NODE_ID SERVER_URL TOKEN
 *
 * Prints one JSON line: what was pulled and folded, how long it took, and this process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import { Store } from '../../src-main/node/store/store';
import { SyncClient } from '../../src-main/node/sync/client';
import { quarantineCount } from '../../src-main/node/sync/quarantine';
import { HttpTransport } from '../../src-main/node/sync/transport';

function statusKiB(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  const [file, nodeId, server, token] = process.argv.slice(2);
  if (!file || !nodeId || !server || !token) throw new Error('usage: memoryClient.ts STORE_FILE NODE_ID SERVER_URL TOKEN');
  const store = Store.open({ file, nodeId, site: 'honcho' });
  const idleKiB = statusKiB('VmRSS');
  process.stdout.write(`ready ${JSON.stringify({ idleKiB })}\n`);
  const client = new SyncClient({ store, transport: new HttpTransport({ server, token, timeoutMs: 120_000 }), stream: false });
  let biggestIngest = 0;
  store.on('events', (evs: unknown[]) => (biggestIngest = Math.max(biggestIngest, evs.length)));
  const t0 = performance.now();
  const r = await client.syncOnce({ push: false });
  const ms = performance.now() - t0;
  await client.stop();
  const visits = (store.db.prepare('SELECT COUNT(*) AS n FROM visits').get() as { n: number }).n;
  const quarantined = quarantineCount(store.db);
  const events = store.eventCount();
  store.close();
  process.stdout.write(`done ${JSON.stringify({ pulled: r.pulled, events, visits, quarantined, ms, biggestIngest, idleKiB, hwmKiB: statusKiB('VmHWM') })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
