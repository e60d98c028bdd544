/**
 * One counter terminal in its own process: opens the App on the shared data folder, signs in,
 * waits for the start signal, then calls next and finishes, round after round. After its first
 * round it waits until every peer has done its first round too, so the workers' windows overlap
 * however the machine schedules them. Prints one JSON line per round: {round, number|null, at}.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createApp } from '../../src-main/node/app/app';

const [dir, terminal, staffId, roundsArg, goFile, peersArg = '1'] = process.argv.slice(2);
if (!dir || !terminal || !staffId || !roundsArg || !goFile) throw new Error('usage: worker DIR TERMINAL STAFF ROUNDS GOFILE');

async function main() {
  const app = createApp(dir!);
  const signed = await app.registry.call('staff.signIn', { staffId, pin: '2468' }, app.context(terminal, 'test'));
  if (!signed.ok) throw new Error(signed.error.message);
  const ctx = app.context(terminal, 'test', (signed.value as { token: string }).token);
  process.stdout.write('ready\n');
  while (!existsSync(goFile!)) await new Promise((r) => setTimeout(r, 2));
  for (let round = 0; round < Number(roundsArg); round++) {
    const r = await app.registry.call('counter.callNext', {}, ctx);
    if (!r.ok) throw new Error(`round ${round}: ${r.error.code} ${r.error.message}`);
    const v = (r.value as { visit: { id: string; number: number } | null }).visit;
    process.stdout.write(JSON.stringify({ round, number: v?.number ?? null, at: Date.now() }) + '\n');
    if (v) {
      const f = await app.registry.call('counter.finish', { visitId: v.id, leftOpenReason: 'load test' }, ctx);
      if (!f.ok) throw new Error(`finish ${v.number}: ${f.error.message}`);
    }
    if (round === 0) {
      const prefix = `${basename(goFile!)}.started.`;
      writeFileSync(`${goFile}.started.${terminal}`, '');
      while (readdirSync(dirname(goFile!)).filter((f) => f.startsWith(prefix)).length < Number(peersArg)) await new Promise((r) => setTimeout(r, 2));
    }
  }
  app.close();
}

main().catch((e) => {
  process.stderr.write(String((e as Error)?.stack ?? e) + '\n');
  process.exit(1);
});
