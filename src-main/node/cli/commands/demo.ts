import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseReportDate } from '../../../common/reports/fiscalYear';
import { defaultCatalog } from '../../catalog/load';
import { configPath, defaultDataDir, ensureDemoSetup, openTerminal, readConfigFile } from '../../terminal/dataFolder';
import { SimClock, localInstant } from '../../simulate/clock';
import { simulateDay } from '../../simulate/day';
import { intFlag, requiredFlag, stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'demo simulate',
    summary: 'Simulate a business day at the counter through the real visit operations (events only)',
    usage: 'demo simulate [--data DIR] --date YYYY-MM-DD [--visitors N] [--seed S] [--format text|json]',
    options: { data: { type: 'string' }, date: { type: 'string' }, visitors: { type: 'string' }, seed: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const dir = resolve(stringFlag(args, 'data') ?? defaultDataDir());
      const date = parseReportDate(requiredFlag(args, 'date'), 'date');
      const visitors = intFlag(args, 'visitors', 150, 0);
      const seed = intFlag(args, 'seed', 1, 0);
      if (!existsSync(configPath(dir))) {
        ensureDemoSetup(dir);
        io.err(`no config in ${dir}: set up with the demo config`);
      }
      const config = readConfigFile(configPath(dir));
      const clock = new SimClock(localInstant(date, '07:00', config.timeZone));
      const t = openTerminal(dir, { clock: clock.read });
      try {
        const r = simulateDay(t, defaultCatalog(), clock, { date, visitors, seed });
        if (stringFlag(args, 'format') === 'json') {
          io.out(JSON.stringify(r, null, 2));
        } else {
          io.out(`${date} (seed ${seed}): ${r.issued} visit(s) issued${r.turnedAway ? `, ${r.turnedAway} turned away (ranges used up)` : ''}, ${r.events} event(s)`);
          io.out(`  status: ${Object.entries(r.status).map(([k, v]) => `${k} ${v}`).join(', ')}`);
          io.out(`  payments ${r.payments}, surveys ${r.surveys}`);
          io.out(`  counters: ${Object.entries(r.counters).map(([d, cs]) => `${d} ${cs.length}`).join(', ')}`);
          if (r.anomalies.length) io.out(`  refused operations: ${r.anomalies.length} (first: ${r.anomalies[0]})`);
        }
        return r.anomalies.length ? 1 : 0;
      } finally {
        t.close();
      }
    },
  },
];
