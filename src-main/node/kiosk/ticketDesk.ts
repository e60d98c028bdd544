import { AppError } from '../../common/errors';
import { catalogText } from '../../common/catalog/texts';
import { stripRuby } from '../../common/i18n/ruby';
import type { Catalog } from '../../common/catalog/types';
import type { CatalogSource } from '../catalog/active';
import type { TerminalProfile } from '../../common/config/schema';
import type { IssuedTicket, PrintOutcome } from '../../common/contract/kiosk';
import { guideFacts, visitRoute, type GuidanceItem } from '../../common/guidance';
import { validateFacts } from '../../common/guidance/facts';
import type { Actor, ListAdjustment, VisitItemSeed } from '../../common/visit/events';
import type { VisitState } from '../../common/visit/state';
import { encodeTicketQr } from '../../common/visit/ticketQr';
import type { PushHub } from '../app/push';
import { translator } from '../i18n/texts';
import { PrintJobs, type OpenTransport } from '../printer/jobs';
import { renderTicket, type TicketPrint } from '../printer/ticketLayout';
import { openTransport } from '../printer/transport';
import { resolvePrinterSpec, type Terminal } from '../terminal/dataFolder';
import { terminalWaits } from '../wait/terminalWaits';

export interface IssueRequest {
  lang: string;
  priority: boolean;
  facts: Record<string, unknown>;
  adjustments: ListAdjustment[];
  source: 'kiosk' | 'guide-qr';
}

function seedOf(it: GuidanceItem): VisitItemSeed {
  return {
    id: it.id,
    department: it.department,
    route: it.route as VisitItemSeed['route'],
    delivery: it.delivery,
    need: it.status,
    members: it.members,
    ...(it.fee !== undefined ? { fee: it.fee } : {}),
    ...(it.external ? { external: true } : {}),
  };
}

/**
 * The concierge's desk: facts → the engine's list (with the concierge's recorded adjustments) →
 * a stored visit with its number → a stored print job → the printer. The number exists before a
 * byte is printed; a failed print leaves the job for a reprint.
 */
export class TicketDesk {
  readonly jobs: PrintJobs;

  private readonly source: { catalog(): Catalog; stamp?(): { version: number; hash: string } };

  /** `catalog`: a fixed catalog, or the terminal's active one (read at each use, so a published version is served without a restart). */
  constructor(
    private readonly terminal: Terminal,
    catalog: Catalog | CatalogSource,
    private readonly push?: PushHub,
    private readonly open: OpenTransport = openTransport,
  ) {
    this.jobs = new PrintJobs(terminal.store.db);
    // A fixed catalog (tests, tools) has no published version to record.
    this.source = 'stamp' in catalog ? catalog : { catalog: () => catalog };
  }

  private get catalog(): Catalog {
    return this.source.catalog();
  }

  /**
   * The engine's list for these facts, after the concierge's additions and removals. An added
   * procedure keeps the catalog's own department, route and delivery.
   */
  listFor(rawFacts: Record<string, unknown>, adjustments: ListAdjustment[]): { facts: { events: string[] }; items: VisitItemSeed[]; guidance: GuidanceItem[]; warnings: string[] } {
    const date = this.terminal.visits.today();
    const { facts, warnings } = validateFacts({ date, ...rawFacts }, { today: date });
    const guidance = guideFacts(facts, this.catalog, { lang: 'ja', closedDays: this.terminal.config.closedDays ?? [] });
    let items = guidance.map(seedOf);
    for (const [i, adj] of adjustments.entries()) {
      const field = `adjustments[${i}].itemId`;
      if (adj.action === 'removed') {
        if (!items.some((x) => x.id === adj.itemId)) throw new AppError('bad-input', `"${adj.itemId}" is not on the list, so it cannot be removed`, { field });
        items = items.filter((x) => x.id !== adj.itemId);
      } else if (!items.some((x) => x.id === adj.itemId)) {
        const p = this.catalog.procedures[this.catalog.procedureIndex[adj.itemId] ?? -1];
        if (!p) throw new AppError('bad-input', `unknown procedure "${adj.itemId}"`, { field });
        items = [...items, { id: p.id, department: p.department, route: p.route as VisitItemSeed['route'], delivery: p.delivery, need: 'required', ...(p.fee !== undefined ? { fee: p.fee } : {}) }];
      }
    }
    return { facts: facts as unknown as { events: string[] }, items, guidance, warnings };
  }

  async issue(req: IssueRequest, profile: TerminalProfile, by: Actor): Promise<IssuedTicket> {
    if (!profile.station) throw new AppError('bad-config', `terminal "${profile.id}" has no station to issue tickets from`, { field: 'station' });
    const stamp = this.source.stamp?.();
    const { facts, items } = this.listFor(req.facts, req.adjustments);
    const route = visitRoute(items, this.catalog);
    // The visit and its print job commit together: a kiosk killed at any moment leaves no ticket
    // without a job (a job never sent is marked interrupted at start and offered for reprint).
    const { visit, waitingAhead, estimatedWaitMinutes, job } = this.terminal.store.tx(() => {
      const v = this.terminal.visits.issue(
        { station: profile.station!, lang: req.lang, priority: req.priority, events: facts.events, facts, items, route, adjustments: req.adjustments, source: req.source, ...(stamp ? { catalog: stamp } : {}) },
        by,
      );
      const first = v.route[0];
      const ahead = first ? this.terminal.visits.waitingAhead(first, v) : 0;
      const est = this.estimate(v);
      return { visit: v, waitingAhead: ahead, estimatedWaitMinutes: est, job: this.enqueueTicket(v, profile, ahead, false, est) };
    });
    const print = job ? await this.sendTicket(job, profile) : null;
    return { visit, number: visit.number, station: visit.station, waitingAhead, ...(estimatedWaitMinutes !== undefined ? { estimatedWaitMinutes } : {}), print };
  }

  /** Minutes until the visit is called at its current stop; undefined when it is not waiting. */
  estimate(visit: VisitState): number | undefined {
    if (visit.status !== 'waiting') return undefined;
    return terminalWaits(this.terminal.visits).forVisit(visit)?.minutes;
  }

  async reprint(visitId: string, profile: TerminalProfile): Promise<PrintOutcome> {
    const visit = this.terminal.visits.get(visitId);
    const last = this.terminal.store.db.prepare(`SELECT id FROM print_jobs WHERE kind = 'ticket' AND ref = ? ORDER BY created_at DESC LIMIT 1`).get(visitId) as { id: string } | undefined;
    if (last) {
      const job = await this.jobs.reprint(last.id, this.open);
      return this.outcome(job, profile);
    }
    const first = visit.route[visit.stop];
    const out = await this.printTicket(visit, profile, first ? this.terminal.visits.waitingAhead(first, visit) : 0, true, this.estimate(visit));
    if (!out) throw new AppError('bad-config', `terminal "${profile.id}" has no ticket printer configured`, { field: 'printers.ticket' });
    return out;
  }

  ticketFor(visit: VisitState, waitingAhead: number, reprint: boolean, estimatedWaitMinutes?: number): TicketPrint {
    const { config } = this.terminal;
    const place = (dept: string, lang: string) => catalogText(this.catalog, `department.${dept}`, lang);
    const first = visit.route[0];
    const firstDept = first ? this.catalog.departments[first] : undefined;
    const station = config.stations.find((s) => s.id === visit.station);
    const t = translator(visit.lang, 'kiosk');
    const counterLabel = (n: string | undefined, lang: string) => (n ? translator(lang, 'kiosk')('ticket.counter', { counter: n }) : '');
    return {
      cityName: config.cityName,
      title: '総合窓口',
      number: visit.number,
      stationName: station?.name ?? visit.station,
      issuedAt: visit.issuedAt,
      firstStop: first ? { name: place(first, 'ja'), counter: counterLabel(firstDept?.counter, 'ja'), ...(firstDept?.floor ? { floor: firstDept.floor } : {}) } : { name: '—' },
      laterStops: visit.route.slice(1).map((d) => `${place(d, 'ja')} ${counterLabel(this.catalog.departments[d]?.counter, 'ja')}`.trim()),
      waitingAhead,
      ...(estimatedWaitMinutes !== undefined ? { estimatedWaitMin: estimatedWaitMinutes } : {}),
      ...(config.statusBoard ? { statusUrl: statusPageUrl(config.statusBoard.url, config.site, visit.number, visit.lang) } : {}),
      qrPayload: encodeTicketQr({ visitId: visit.id, businessDate: visit.businessDate, number: visit.number, procedures: visit.items.map((i) => i.id) }),
      lang: visit.lang,
      ...(visit.lang !== 'ja'
        ? {
            // Paper has no ruby: やさしい日本語's {漢字|かんじ} marks print as plain text.
            localized: {
              heading: stripRuby(t('ticket.heading', { number: visit.number })),
              firstStopLine: first ? stripRuby(t('ticket.firstStop', { place: place(first, visit.lang), counter: firstDept?.counter ?? '', floor: firstDept?.floor ?? '' })) : '',
              note: stripRuby(t('ticket.note')),
            },
          }
        : {}),
      ...(reprint ? { reprint: true } : {}),
    };
  }

  private async printTicket(visit: VisitState, profile: TerminalProfile, waitingAhead: number, reprint: boolean, estimatedWaitMinutes?: number): Promise<PrintOutcome | null> {
    const job = this.enqueueTicket(visit, profile, waitingAhead, reprint, estimatedWaitMinutes);
    return job ? this.sendTicket(job, profile) : null;
  }

  private enqueueTicket(visit: VisitState, profile: TerminalProfile, waitingAhead: number, reprint: boolean, estimatedWaitMinutes?: number): { id: string; printer: string } | null {
    const spec = profile.printers.ticket;
    if (!spec) return null;
    const printer = resolvePrinterSpec(spec, this.terminal.dataDir);
    const bytes = renderTicket(this.ticketFor(visit, waitingAhead, reprint, estimatedWaitMinutes));
    const job = this.jobs.enqueue({ kind: 'ticket', ref: visit.id, printer, bytes });
    return { id: job.id, printer };
  }

  private async sendTicket(job: { id: string; printer: string }, profile: TerminalProfile): Promise<PrintOutcome> {
    this.push?.publish('printer', { terminal: profile.id, printer: job.printer, state: 'printing', jobId: job.id });
    const done = await this.jobs.send(job.id, this.open);
    return this.outcome(done, profile);
  }

  private outcome(job: { id: string; status: string; printer: string; lastError: string | null }, profile: TerminalProfile): PrintOutcome {
    const ok = job.status === 'printed';
    this.push?.publish('printer', { terminal: profile.id, printer: job.printer, state: ok ? 'printed' : 'failed', jobId: job.id, ...(job.lastError ? { message: job.lastError } : {}) });
    return { jobId: job.id, state: ok ? 'printed' : 'failed', printer: job.printer, ...(job.lastError ? { message: job.lastError } : {}) };
  }
}

/** The phone page of one ticket on the status relay (the ticket's status QR). */
export function statusPageUrl(base: string, site: string, number: number, lang: string): string {
  return `${base.replace(/\/+$/, '')}/s/${encodeURIComponent(site)}/${number}?lang=${encodeURIComponent(lang)}`;
}
