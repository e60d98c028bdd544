import { AppError } from '../../../common/errors';
import type { TerminalProfile } from '../../../common/config/schema';
import { LANGUAGES } from '../../../common/config/schema';
import { readFileSync } from 'node:fs';
import { ActiveCatalog, baseCatalogDir } from '../../catalog/active';
import { TicketDesk } from '../../kiosk/ticketDesk';
import { parsePrinterSpec } from '../../printer/spec';
import { defaultDataDir, ensureDemoSetup, openTerminal } from '../../terminal/dataFolder';
import { intFlag, stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'ticket issue',
    summary: 'Issue numbered tickets from a kiosk station, store them and print them',
    usage: 'ticket issue [--data DIR] [--config FILE] [--station ID] [--printer SPEC] --event E… [--facts FILE] [--lang L] [--priority] [--count N]',
    options: {
      data: { type: 'string' },
      config: { type: 'string' },
      station: { type: 'string' },
      printer: { type: 'string' },
      event: { type: 'string', multiple: true },
      facts: { type: 'string' },
      lang: { type: 'string' },
      priority: { type: 'boolean' },
      count: { type: 'string' },
    },
    async run(args, io) {
      const dataDir = stringFlag(args, 'data') ?? defaultDataDir();
      const configFile = stringFlag(args, 'config');
      if (!configFile && ensureDemoSetup(dataDir).created) io.err(`set up the demo terminal in ${dataDir}`);
      const terminal = openTerminal(dataDir, configFile ? { configFile } : {});
      try {
        const lang = stringFlag(args, 'lang') ?? terminal.config.defaultLanguage;
        if (!(LANGUAGES as readonly string[]).includes(lang)) throw new AppError('bad-input', `unknown language "${lang}" (one of ${LANGUAGES.join(', ')})`, { field: 'lang' });
        const count = intFlag(args, 'count', 1, 1);
        const events = (args.values.event as string[] | undefined) ?? [];
        const factsFile = stringFlag(args, 'facts');
        let facts: Record<string, unknown> = {};
        if (factsFile) {
          try {
            facts = JSON.parse(readFileSync(factsFile, 'utf8')) as Record<string, unknown>;
          } catch (e) {
            throw new AppError('bad-facts', `${factsFile}: ${(e as Error).message}`, { field: 'facts' });
          }
        }
        if (events.length) facts = { ...facts, events };
        if (!Array.isArray(facts.events) || facts.events.length === 0) throw new AppError('bad-input', 'give at least one --event (e.g. --event moving-in) or --facts FILE', { field: 'event' });
        const profile = kioskProfile(terminal.config.terminals, terminal.config.stations.map((s) => s.id), stringFlag(args, 'station'), stringFlag(args, 'printer'));
        // The terminal's active catalog version (issue 19); each visit records it.
        const desk = new TicketDesk(terminal, new ActiveCatalog(terminal.store, baseCatalogDir(terminal.dataDir), () => terminal.visits.today(), true));
        let failed = 0;
        for (let i = 0; i < count; i++) {
          const t = await desk.issue({ lang, priority: args.values.priority === true, facts, adjustments: [], source: 'kiosk' }, profile, { terminal: profile.id });
          io.out(JSON.stringify({ number: t.number, visitId: t.visit.id, station: t.station, estimatedWaitMinutes: t.estimatedWaitMinutes ?? null, ...(t.print ? { print: t.print.state, ...(t.print.message ? { printError: t.print.message } : {}) } : {}) }));
          if (t.print?.state === 'failed') failed++;
        }
        if (failed) io.err(`${failed} ticket(s) were stored but did not print; reprint them from the kiosk or with the job list.`);
        return failed ? 1 : 0;
      } finally {
        terminal.close();
      }
    },
  },
];

/** The kiosk profile to issue from: the config's kiosk for that station, with an optional printer override. */
function kioskProfile(terminals: TerminalProfile[], stations: string[], station: string | undefined, printer: string | undefined): TerminalProfile {
  const kiosks = terminals.filter((t) => t.role === 'kiosk');
  let profile = station ? kiosks.find((t) => t.station === station) : kiosks[0];
  if (!profile) {
    if (!station) throw new AppError('bad-config', 'this config has no kiosk terminal; pass --station ID', { field: 'station' });
    if (!stations.includes(station)) throw new AppError('bad-input', `unknown station "${station}" (known: ${stations.join(', ')})`, { field: 'station' });
    profile = { id: `cli-${station}`, role: 'kiosk', station, printers: {}, kioskMode: false };
  }
  if (printer) {
    parsePrinterSpec(printer);
    profile = { ...profile, printers: { ...profile.printers, ticket: printer } };
  }
  return profile;
}
