import { writeFileSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import { isIsoDate } from '../../../common/dates/isoDate';
import { auditBetween, auditCsv, writeAudit } from '../../residents/audit';
import { cliReader } from '../../residents/cliReader';
import { requiredFlag, stringFlag, type CliCommand } from '../command';
import { formatFlag, withResidents } from './residents';

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
        writeAudit(t.store, cliReader(t.config), [{ action: 'audit-export', purpose: 'CLI: audit export', detail: `${from}..${to}, ${records.length} records` }]);
        if (out) {
          writeFileSync(out, text);
          io.err(`wrote ${records.length} audit records to ${out}`);
        } else process.stdout.write(text);
        return 0;
      });
    },
  },
];
