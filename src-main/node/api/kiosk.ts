import { AppError } from '../../common/errors';
import type { App } from '../app/app';
import { TicketDesk } from '../kiosk/ticketDesk';
import { parsePrinterSpec } from '../printer/spec';
import { openTransport } from '../printer/transport';
import { resolvePrinterSpec } from '../terminal/dataFolder';

export function registerKiosk(app: App): void {
  const desk = new TicketDesk(app.terminal, app.activeCatalog, app.push);
  // Jobs a stopped app left half-sent show as failed, so the kiosk offers their reprint.
  desk.jobs.markInterrupted();

  app.registry.register('catalog.bundle', () => app.catalogBundle());

  app.registry.register('ticket.issue', (input, ctx) =>
    desk.issue({ lang: input.lang, priority: input.priority, facts: input.facts, adjustments: input.adjustments, source: input.source }, ctx.terminal, {
      terminal: ctx.terminal.id,
      ...(ctx.staff ? { staff: ctx.staff.id } : {}),
    }),
  );

  app.registry.register('ticket.reprint', (input, ctx) => desk.reprint(input.visitId, ctx.terminal));

  app.registry.register('ticket.reactivate', (input, ctx) => {
    const visits = app.terminal.visits;
    const found = visits.findByNumber(input.number);
    const v = visits.reactivate(found.id, { terminal: ctx.terminal.id, ...(ctx.staff ? { staff: ctx.staff.id } : {}) });
    const est = desk.estimate(v);
    return { number: v.number, status: v.status, department: v.route[v.stop] ?? null, ...(est !== undefined ? { estimatedWaitMinutes: est } : {}) };
  });

  app.registry.register('printer.status', async (_input, ctx) => {
    const spec = ctx.terminal.printers.ticket ?? ctx.terminal.printers.forms;
    const failedJobs = desk.jobs.listFailed().slice(0, 20).map((j) => ({ id: j.id, ref: j.ref ?? '', error: j.lastError ?? '' }));
    if (!spec) return { printer: null, state: 'none', failedJobs };
    const printer = resolvePrinterSpec(spec, app.terminal.dataDir);
    const transport = openTransport(parsePrinterSpec(printer));
    try {
      const s = await transport.status(1500);
      const state = s.state === 'online' ? (s.paper === 'near-end' ? 'paper-near-end' : 'online') : s.paper === 'out' ? 'paper-out' : s.coverOpen ? 'cover-open' : s.state;
      app.push.publish('printer', { terminal: ctx.terminal.id, printer, state, message: s.summary });
      return { printer, state, message: s.summary, failedJobs };
    } catch (e) {
      const message = e instanceof AppError ? e.message : String(e);
      app.push.publish('printer', { terminal: ctx.terminal.id, printer, state: 'offline', message });
      return { printer, state: 'offline', message, failedJobs };
    } finally {
      await transport.close().catch(() => undefined);
    }
  });
}
