import { writeFileSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import { isIsoDate } from '../../../common/dates/isoDate';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { auditBetween, auditCsv, verifyAudit, writeAudit } from '../../residents/audit';
import { claimedOperatorNote, cliReader } from '../../residents/cliReader';
import { dbPath, defaultDataDir } from '../../terminal/dataFolder';
import { formatFlag, requiredFlag, stringFlag, type CliCommand } from '../command';
import { withResidents } from './residents';

export const commands: CliCommand[] = [
  {
    name: 'audit export',
    summary: 'Export the audit log of resident-data reads and prints between two dates (local business dates)',
    usage: 'audit export --from YYYY-MM-DD --to YYYY-MM-DD [--data DIR] [--format csv|json] [--out FILE]',
    options: { from: { type: 'string' }, to: { type: 'string' }, data: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    async run(args, io) {
      const from = requiredFlag(args, 'from');
      const to = requiredFlag(args, 'to');
      for (const [k, v] of [['from', from], ['to', to]] as const) if (!isIsoDate(v)) throw new AppError('bad-input', `--${k} must be a date (YYYY-MM-DD), got "${v}"`, { field: k });
      if (from > to) throw new AppError('bad-input', `--from ${from} is after --to ${to}`, { field: 'from' });
      const format = formatFlag(args, ['csv', 'json'], 'csv');
      const out = stringFlag(args, 'out');
      return withResidents(args, io, (r, t) => {
        const records = auditBetween(t.store, from, to, t.config.timeZone);
        const text = format === 'json' ? JSON.stringify(records) + '\n' : auditCsv(records);
        // Exporting the log is itself a use of it.
        writeAudit(t.store, cliReader(t.config), [{ action: 'audit-export', purpose: 'CLI: audit export', detail: [`${from}..${to}, ${records.length} records`, claimedOperatorNote()].filter(Boolean).join('; ') }]);
        if (out) {
          writeFileSync(out, text);
          io.err(`wrote ${records.length} audit records to ${out}`);
        } else process.stdout.write(text);
        return 0;
      });
    },
  },
  {
    name: 'audit verify',
    summary: 'Check the audit log hash chain from its first line; exits 1 naming the first broken line',
    usage: 'audit verify [--data DIR] [--file DB]',
    options: { data: { type: 'string' }, file: { type: 'string' } },
    async run(args, io) {
      const file = stringFlag(args, 'file') ?? dbPath(stringFlag(args, 'data') ?? defaultDataDir());
      if (!existsSync(file)) throw new AppError('not-found', `no database at ${file}`, { field: 'data' });
      // Read-only: verifying never seals or writes anything.
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const v = verifyAudit(db);
        if (!v.ok) {
          io.err(`audit log BROKEN at line ${v.broken!.id}: ${v.broken!.reason} (${v.rows} lines read)`);
          return 1;
        }
        io.out(`audit log ok: ${v.rows} lines, chain head ${v.head}`);
        return 0;
      } finally {
        db.close();
      }
    },
  },
];
