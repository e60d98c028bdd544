import type { TerminalConfig } from '../../common/config/schema';
import { AppError } from '../../common/errors';
import { catalogText } from '../../common/catalog/texts';
import type { DailyReport } from '../../common/reports/daily';
import type { KpiReport, KpiTargets } from '../../common/reports/kpi';
import { fiscalYearOf } from '../../common/reports/fiscalYear';
import { reportTables, type TableOptions } from '../../common/reports/tables';
import { defaultCatalog } from '../catalog/load';
import type { Store } from '../store/store';
import { tablesToCsvZip } from './csv';
import { renderDailyPdf } from './pdf';
import { dailyReport, kpiReport } from './source';
import { loadKpiTargets } from './targets';
import { tablesToXlsx } from './xlsx';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const MIME: Record<ReportFormat, string> = {
  csv: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export interface ExportedReport {
  filename: string;
  mime: string;
  bytes: Buffer;
  report: DailyReport;
  kpi: KpiReport;
}

/** Department names as the city's catalog spells them (the catalog may rename a department). */
export function departmentNames(): Record<string, string> {
  try {
    const c = defaultCatalog();
    return Object.fromEntries(Object.keys(c.departments).map((id) => [id, catalogText(c, `department.${id}`, 'ja')]));
  } catch {
    return {};
  }
}

export function tableOptions(config: TerminalConfig, kpi?: KpiReport): TableOptions {
  return {
    departmentNames: departmentNames(),
    stationNames: Object.fromEntries(config.stations.map((s) => [s.id, s.name])),
    ...(config.siteNames ? { siteNames: config.siteNames } : {}),
    cityName: config.cityName,
    ...(kpi ? { kpi } : {}),
  };
}

export function parseFormat(raw: unknown): ReportFormat {
  if (typeof raw === 'string' && (REPORT_FORMATS as readonly string[]).includes(raw)) return raw as ReportFormat;
  throw new AppError('bad-input', `format must be one of ${REPORT_FORMATS.join(', ')}; got ${JSON.stringify(raw)}`, { field: 'format' });
}

/** The day's report in one format, with the fiscal-year-to-date KPIs as of that day. */
export async function exportDaily(
  store: Store,
  config: TerminalConfig,
  date: string,
  format: ReportFormat,
  opts: { targets?: KpiTargets; dataDir?: string; generatedAt?: Date } = {},
): Promise<ExportedReport> {
  const report = dailyReport(store, config, date);
  const kpi = kpiReport(store, config, fiscalYearOf(date), opts.targets ?? loadKpiTargets(opts.dataDir), { asOf: date });
  const tables = reportTables(report, tableOptions(config, kpi));
  const base = `nippo-${date}`;
  let bytes: Buffer;
  if (format === 'csv') bytes = Buffer.from(tablesToCsvZip(tables, config.timeZone, date));
  else if (format === 'xlsx') bytes = await tablesToXlsx(tables, { timeZone: config.timeZone, title: `日報 ${date}`, created: opts.generatedAt ?? new Date(`${date}T00:00:00Z`) });
  else bytes = await renderDailyPdf(report, { ...tableOptions(config, kpi), cityName: config.cityName, kpi, ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}) });
  return { filename: `${base}.${format === 'csv' ? 'zip' : format}`, mime: MIME[format], bytes, report, kpi };
}
