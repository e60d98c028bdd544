import { resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { defaultDataDir, openTerminal } from '../../terminal/dataFolder';
import { formatFlag, stringFlag, type CliCommand } from '../command';
import { writeAudit } from '../../residents/audit';
import { claimedOperatorNote, cliReader } from '../../residents/cliReader';
import { readVisitSitesOn } from '../../reports/source';

export const commands: CliCommand[] = [
  {
    name: 'visits list',
    summary: "List the visits this terminal's database holds for a business day",
    usage: 'visits list [--data DIR] [--date YYYY-MM-DD] [--format text|json]',
    options: { data: { type: 'string' }, date: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const format = formatFlag(args, ['text', 'json'], 'text');
      const date = stringFlag(args, 'date');
      if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new AppError('bad-input', `--date must be YYYY-MM-DD, got "${date}"`, { field: 'date' });
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const day = date ?? t.visits.today();
        const visits = t.visits.visitsOn(day).sort((a, b) => a.number - b.number || (a.id < b.id ? -1 : 1));
        // Visits with resident data attached (ids, facts from the register) are an audited read.
        const withResidents = visits.filter((v) => v.residentIds.length > 0);
        if (withResidents.length > 0) {
          const note = claimedOperatorNote();
          writeAudit(
            t.store,
            cliReader(t.config),
            withResidents.map((v) => ({ action: 'list' as const, visitId: v.id, purpose: 'CLI: visits list', detail: [`${day} #${v.number}: residents ${v.residentIds.join(' ')}`, note].filter(Boolean).join('; ') })),
          );
        }
        // A supervisor's database holds every site, and two sites may both number station "east": each
        // visit's site is where its ticket was issued (this terminal's own site for a visit whose issue it lacks).
        const sites = readVisitSitesOn(t.store, day);
        if (format === 'json') {
          io.out(JSON.stringify(visits.map((v) => ({ ...v, site: sites.get(v.id) ?? t.config.site }))));
          return 0;
        }
        io.out(`${day}: ${visits.length} visit(s) on ${t.config.node.id}`);
        const manySites = new Set(sites.values()).size > 1;
        for (const v of visits) {
          const here = v.route[v.stop] ?? '-';
          const call = v.call ? ` counter ${v.call.counter}` : '';
          const conflicts = v.conflicts.length ? `  conflicts: ${v.conflicts.map((c) => c.message).join(' | ')}` : '';
          const station = manySites ? `${sites.get(v.id) ?? t.config.site}/${v.station}` : v.station;
          io.out(`#${String(v.number).padStart(5)} ${station.padEnd(10)} ${v.status.padEnd(10)} ${here.padEnd(14)}${call}${conflicts}`);
        }
        return 0;
      } finally {
        t.close();
      }
    },
  },
];
