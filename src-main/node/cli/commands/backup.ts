import { resolve } from 'node:path';
import { backupDatabase, restoreDatabase } from '../../backup/backup';
import { defaultDataDir } from '../../terminal/dataFolder';
import { requiredFlag, stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'backup',
    summary: "Copy this terminal's database while the app keeps running (checked after copying)",
    usage: 'backup [--data DIR] [--to FILE]',
    options: { data: { type: 'string' }, to: { type: 'string' } },
    async run(args, io) {
      const dataDir = resolve(stringFlag(args, 'data') ?? defaultDataDir());
      const to = stringFlag(args, 'to');
      const r = await backupDatabase(dataDir, to ? { to } : {});
      io.out(`backup written: ${r.file} (${r.events} events, schema ${r.userVersion}, ${r.bytes} bytes, integrity ok)`);
      return 0;
    },
  },
  {
    name: 'restore',
    summary: "Put a backup in place of this terminal's database (app closed; the replaced file is kept)",
    usage: 'restore --from FILE [--data DIR]',
    options: { data: { type: 'string' }, from: { type: 'string' } },
    async run(args, io) {
      const dataDir = resolve(stringFlag(args, 'data') ?? defaultDataDir());
      const r = restoreDatabase(dataDir, requiredFlag(args, 'from'));
      io.out(`restored ${r.restored} from ${r.from} (${r.events} events)`);
      if (r.kept) io.out(`the database it replaced is kept as ${r.kept}`);
      io.out(`audit: the restore is recorded; ${r.audit?.carriedOver ?? 0} audit lines of the replaced database carried over`);
      return 0;
    },
  },
];
