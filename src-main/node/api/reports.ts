import { fiscalYearOf } from '../../common/reports/fiscalYear';
import { liveBoardBySite } from '../../common/reports/live';
import type { VisitState } from '../../common/visit/state';
import type { App } from '../app/app';
import { siteWaits, terminalWaits } from '../wait/terminalWaits';
import { departmentNames, exportDaily } from '../reports/export';
import { applyRetention } from '../reports/retention';
import { dailyReport, kpiReport, readVisitSitesOn, readVisitsOn } from '../reports/source';
import { loadKpiTargets } from '../reports/targets';

const RETENTION_EVERY_MS = 6 * 60 * 60_000;

export function registerReports(app: App): void {
  const { store, config, dataDir, visits } = app.terminal;
  const names = departmentNames();
  const stationNames = Object.fromEntries(config.stations.map((s) => [s.id, s.name]));
  const counters = config.terminals.filter((t) => t.role === 'counter' && t.department && t.counter).map((t) => ({ department: t.department!, counter: t.counter! }));

  app.registry.register('supervisor.live', () => {
    const date = visits.today();
    const today = readVisitsOn(store, date);
    const sites = readVisitSitesOn(store, date);
    const siteOf = (v: VisitState) => sites.get(v.id) ?? config.site;
    const board = liveBoardBySite(today, siteOf, { businessDate: date, now: store.now(), configuredCounters: counters, ownSite: config.site });
    if (!board.departments.some((d) => d.site !== undefined)) {
      const waits = terminalWaits(visits);
      const waitEstimates = Object.fromEntries(board.departments.map((d) => [d.department, waits.department(d.department).estimateMinutes]));
      return { ...board, departmentNames: names, waitEstimates };
    }
    // Several sites: each site's line is estimated on its own visits and counters.
    const siteWaitEstimates: Record<string, Record<string, number>> = {};
    for (const site of new Set(board.departments.map((d) => d.site!))) {
      const waits = siteWaits(visits, today.filter((v) => siteOf(v) === site), site === config.site);
      siteWaitEstimates[site] = Object.fromEntries(board.departments.filter((d) => d.site === site).map((d) => [d.department, waits.department(d.department).estimateMinutes]));
    }
    return { ...board, departmentNames: names, siteWaitEstimates, ...(config.siteNames ? { siteNames: config.siteNames } : {}) };
  });
  app.registry.register('report.daily', (input) => ({ report: dailyReport(store, config, input.date ?? visits.today()), departmentNames: names, stationNames, ...(config.siteNames ? { siteNames: config.siteNames } : {}) }));
  app.registry.register('report.kpi', (input) => {
    const fy = input.fy ?? fiscalYearOf(input.asOf ?? visits.today());
    return kpiReport(store, config, fy, loadKpiTargets(dataDir), input.asOf ? { asOf: input.asOf } : {});
  });
  app.registry.register('report.export', async (input) => {
    const r = await exportDaily(store, config, input.date ?? visits.today(), input.format, { dataDir });
    return { filename: r.filename, mime: r.mime, base64: r.bytes.toString('base64'), size: r.bytes.length };
  });
  app.registry.register('report.unfinished', (input) => dailyReport(store, config, input.date ?? visits.today()).unfinishedVisits);

  // Retention runs where the data lives: at start and every few hours while the app is up.
  if (config.retention) {
    const run = () => {
      try {
        applyRetention(store, config);
      } catch (e) {
        process.stderr.write(`[reports] retention failed: ${(e as Error)?.message ?? String(e)}\n`);
      }
    };
    run();
    const timer = setInterval(run, RETENTION_EVERY_MS);
    timer.unref();
    app.onClose(() => clearInterval(timer));
  }
}
