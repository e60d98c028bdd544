import { resolve } from 'node:path';
import { formatCheck, runDoctor } from '../../doctor/checks';
import { defaultDataDir } from '../../terminal/dataFolder';
import { intFlag, stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'doctor',
    summary: 'Check this terminal: config, catalog, database, printers, sync server and token, clock, disk',
    usage: 'doctor [--data DIR] [--config FILE] [--printer-timeout MS] [--json]',
    options: { data: { type: 'string' }, config: { type: 'string' }, 'printer-timeout': { type: 'string' }, json: { type: 'boolean' } },
    async run(args, io) {
      const dataDir = resolve(stringFlag(args, 'data') ?? defaultDataDir());
      const configFile = stringFlag(args, 'config');
      const results = await runDoctor(dataDir, { ...(configFile ? { configFile } : {}), printerTimeoutMs: intFlag(args, 'printer-timeout', 2000, 100), recordCatalog: true });
      if (args.values.json) io.out(JSON.stringify(results));
      else for (const r of results) io.out(formatCheck(r));
      const failed = results.filter((r) => r.status === 'fail').length;
      if (!args.values.json) io.out(failed ? `${failed} problem(s) found on ${dataDir}.` : `all checks passed on ${dataDir}.`);
      return failed ? 1 : 0;
    },
  },
];
