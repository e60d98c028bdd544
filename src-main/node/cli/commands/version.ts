import type { CliCommand } from '../command';
import pkg from '../../../../package.json';

export const commands: CliCommand[] = [
  {
    name: 'version',
    summary: 'Print the app version',
    usage: 'version',
    async run(_args, io) {
      io.out(pkg.version);
      return 0;
    },
  },
];
