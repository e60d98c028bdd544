import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors';
import { formatWareki } from '../../../common/wareki';
import { cliReader } from '../../residents/cliReader';
import { decodeLinkage, Residents } from '../../residents/residents';
import { defaultDataDir, ensureDemoSetup, openTerminal } from '../../terminal/dataFolder';
import { formatFlag, intFlag, requiredFlag, stringFlag, type CliCommand, type CliIO, type CommandArgs } from '../command';

/** Opens the data folder (setting up the demo terminal in an empty one, as `web` does). */
export async function withResidents<T>(args: CommandArgs, io: CliIO, fn: (r: Residents, t: ReturnType<typeof openTerminal>) => T | Promise<T>): Promise<T> {
  const dataDir = stringFlag(args, 'data') ?? defaultDataDir();
  if (ensureDemoSetup(dataDir).created) io.err(`set up the demo terminal in ${dataDir} (config.json from fixtures/config/demo.json)`);
  const t = openTerminal(dataDir);
  try {
    return await fn(new Residents(t.store, t.config), t);
  } finally {
    t.close();
  }
}

const data = { type: 'string' } as const;
const purposeOpt = { type: 'string' } as const;

export const commands: CliCommand[] = [
  {
    name: 'residents import',
    summary: 'Import linkage data (CSV or JSON, full or delta) in one transaction; a bad row imports nothing',
    usage: 'residents import FILE [--data DIR] [--format text|json] [--allow-empty-full]',
    options: { data, format: { type: 'string' }, 'allow-empty-full': { type: 'boolean' } },
    allowPositionals: true,
    async run(args, io) {
      const file = args.positionals[0];
      if (!file || args.positionals.length > 1) throw new AppError('bad-input', 'give exactly one FILE to import', { field: 'file' });
      const format = formatFlag(args, ['text', 'json'], 'text');
      let buf: Buffer;
      try {
        buf = readFileSync(file);
      } catch (e) {
        throw new AppError('bad-input', `cannot read ${file}: ${(e as Error).message}`, { field: 'file' });
      }
      return withResidents(args, io, (r, t) => {
        const report = r.import(decodeLinkage(buf), basename(file), cliReader(t.config), { allowEmptyFull: args.values['allow-empty-full'] === true });
        io.out(format === 'json' ? JSON.stringify(report) : `imported ${basename(file)} (${report.kind}): ${report.rows} rows, ${report.inserted} new, ${report.updated} updated, ${report.retired} retired; ${report.households} households on this terminal`);
        return 0;
      });
    },
  },
  {
    name: 'residents list',
    summary: 'List households with their members’ ids (audited)',
    usage: 'residents list [--data DIR] [--limit N] [--format json|text] [--purpose WHY]',
    options: { data, limit: { type: 'string' }, format: { type: 'string' }, purpose: purposeOpt },
    async run(args, io) {
      const format = formatFlag(args, ['text', 'json'], 'text');
      const limit = intFlag(args, 'limit', 50, 1);
      return withResidents(args, io, (r, t) => {
        const list = r.listHouseholds(cliReader(t.config), limit, { purpose: stringFlag(args, 'purpose') ?? 'CLI: residents list' });
        if (format === 'json') io.out(JSON.stringify(list));
        else for (const h of list) io.out(`${h.householdId}  ${h.headName}  ${h.address}${h.addressExtra ? ' ' + h.addressExtra : ''}  [${h.memberIds.join(', ')}]`);
        return 0;
      });
    },
  },
  {
    name: 'residents show',
    summary: 'Show one resident as the forms use it (audited)',
    usage: 'residents show ID [--data DIR] [--format json|text] [--purpose WHY]',
    options: { data, format: { type: 'string' }, purpose: purposeOpt },
    allowPositionals: true,
    async run(args, io) {
      const id = args.positionals[0];
      if (!id || args.positionals.length > 1) throw new AppError('bad-input', 'give exactly one resident ID', { field: 'id' });
      const format = formatFlag(args, ['text', 'json'], 'text');
      return withResidents(args, io, (r, t) => {
        const res = r.get(cliReader(t.config), id, { purpose: stringFlag(args, 'purpose') ?? 'CLI: residents show' });
        const shown = { ...res, birthDateWareki: formatWareki(res.birthDate) };
        if (format === 'json') io.out(JSON.stringify(shown));
        else for (const [k, v] of Object.entries(shown)) io.out(`${k.padEnd(16)} ${Array.isArray(v) ? v.join(', ') : String(v)}`);
        return 0;
      });
    },
  },
  {
    name: 'residents search',
    summary: 'Find residents by kana name, birth date or household number (audited)',
    usage: 'residents search [--kana KANA] [--birth YYYY-MM-DD] [--household ID] [--limit N] [--data DIR] [--format json|text]',
    options: { data, kana: { type: 'string' }, birth: { type: 'string' }, household: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' }, purpose: purposeOpt },
    async run(args, io) {
      const format = formatFlag(args, ['text', 'json'], 'text');
      const q = { kana: stringFlag(args, 'kana'), birthDate: stringFlag(args, 'birth'), householdId: stringFlag(args, 'household'), limit: intFlag(args, 'limit', 50, 1) };
      if (q.birthDate && !/^\d{4}-\d{2}-\d{2}$/.test(q.birthDate)) throw new AppError('bad-input', `--birth must be YYYY-MM-DD, got "${q.birthDate}"`, { field: 'birth' });
      return withResidents(args, io, (r, t) => {
        const hits = r.search(cliReader(t.config), q, { purpose: stringFlag(args, 'purpose') ?? 'CLI: residents search' });
        if (format === 'json') io.out(JSON.stringify(hits));
        else for (const h of hits) io.out(`${h.id}  ${h.householdId}  ${h.name}（${h.kana}） ${formatWareki(h.birthDate)}  ${h.relationship}`);
        return 0;
      });
    },
  },
  {
    name: 'residents purge',
    summary: 'Delete resident data older than residentAccess.ttlHours now (it is also purged before every read)',
    usage: 'residents purge [--data DIR]',
    options: { data },
    async run(args, io) {
      return withResidents(args, io, (r, t) => {
        const n = r.purgeExpired(cliReader(t.config));
        io.out(`purged ${n} resident record${n === 1 ? '' : 's'}`);
        return 0;
      });
    },
  },
];

export { requiredFlag };
