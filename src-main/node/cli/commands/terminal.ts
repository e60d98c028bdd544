import { resolve } from 'node:path';
import { defaultDataDir } from '../../terminal/dataFolder';
import { initTerminal, pullConfig } from '../../provision/terminalConfig';
import { requiredFlag, stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'terminal init',
    summary: 'Set up this terminal: write a validated config.json into its data folder',
    usage:
      'terminal init [--data DIR] --role kiosk|counter|display|supervisor|admin --terminal ID [--station S] [--department D] [--counter N] [--printer SPEC] [--form-printer FORM[:overlay]=SPEC …] [--language L] [--server URL --token T [--ca FILE]] [--from-central DIR] [--no-kiosk] [--force]',
    options: {
      data: { type: 'string' },
      role: { type: 'string' },
      terminal: { type: 'string' },
      station: { type: 'string' },
      department: { type: 'string' },
      counter: { type: 'string' },
      printer: { type: 'string' },
      'form-printer': { type: 'string', multiple: true },
      language: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      ca: { type: 'string' },
      'from-central': { type: 'string' },
      'no-kiosk': { type: 'boolean' },
      force: { type: 'boolean' },
    },
    async run(args, io) {
      const dataDir = resolve(stringFlag(args, 'data') ?? defaultDataDir());
      const opt = (name: string) => stringFlag(args, name);
      const r = initTerminal({
        dataDir,
        role: requiredFlag(args, 'role'),
        terminalId: requiredFlag(args, 'terminal'),
        ...optional('station', opt('station')),
        ...optional('department', opt('department')),
        ...optional('counter', opt('counter')),
        ...optional('printer', opt('printer')),
        ...((args.values['form-printer'] as string[] | undefined)?.length ? { formPrinters: args.values['form-printer'] as string[] } : {}),
        ...optional('language', opt('language')),
        ...optional('server', opt('server')),
        ...optional('token', opt('token')),
        ...optional('ca', opt('ca')),
        ...optional('fromCentral', opt('from-central')),
        ...(args.values['no-kiosk'] ? { kioskMode: false } : {}),
        force: args.values.force === true,
      });
      const t = r.config.terminals[0]!;
      io.out(`wrote ${r.file}: terminal "${t.id}" (${t.role}${t.station ? `, station ${t.station}` : ''}${t.department ? `, ${t.department} counter ${t.counter}` : ''}), stations from ${r.source}`);
      for (const [form, fp] of Object.entries(t.formPrinters ?? {})) io.out(`form ${form} prints on ${fp.printer} (${fp.mode === 'overlay' ? 'overlay: the data on the city\'s own form' : 'the whole A4 form'})`);
      if (r.backup) io.out(`kept the previous config as ${r.backup}`);
      io.out(`next: npm run -s madoguchi -- doctor --data ${dataDir}`);
      return 0;
    },
  },
  {
    name: 'terminal pull-config',
    summary: "Replace this terminal's config with the one in a central folder (validated first; the old one is kept)",
    usage: 'terminal pull-config --from DIR [--data DIR]',
    options: { data: { type: 'string' }, from: { type: 'string' } },
    async run(args, io) {
      const dataDir = resolve(stringFlag(args, 'data') ?? defaultDataDir());
      const r = pullConfig(dataDir, resolve(requiredFlag(args, 'from')));
      if (!r.changed) io.out(`${r.file} already matches ${r.source}: nothing to do`);
      else io.out(`updated ${r.file} from ${r.source}${r.backup ? `; the previous config is kept as ${r.backup}` : ''}. Restart the app to use it.`);
      return 0;
    },
  },
];

function optional<K extends string>(key: K, v: string | undefined): Partial<Record<K, string>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, string>);
}
