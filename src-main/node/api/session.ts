import type { App } from '../app/app';
import pkg from '../../../package.json';

export function registerSession(app: App): void {
  const { config } = app.terminal;
  app.registry.register('terminal.info', (_input, ctx) => ({
    terminal: ctx.terminal,
    cityName: config.cityName,
    site: config.site,
    timeZone: config.timeZone,
    defaultLanguage: ctx.terminal.language ?? config.defaultLanguage,
    businessDate: app.terminal.visits.today(),
    stations: config.stations.map((s) => ({ id: s.id, name: s.name, range: s.range })),
    terminals: config.terminals.map((t) => ({ id: t.id, role: t.role, ...(t.station ? { station: t.station } : {}), ...(t.department ? { department: t.department } : {}), ...(t.counter ? { counter: t.counter } : {}) })),
    ...(ctx.staff ? { staff: { id: ctx.staff.id, name: ctx.staff.name, role: ctx.staff.role, department: ctx.staff.department } } : {}),
    version: pkg.version,
  }));
}
