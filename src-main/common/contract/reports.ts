import { z } from 'zod';
import type { DailyReport, UnfinishedVisit } from '../reports/daily';
import type { KpiReport } from '../reports/kpi';
import type { LiveBoard } from '../reports/live';
import { method } from './define';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const supervisor = { roles: ['supervisor', 'admin'] as const };

export interface DailyView {
  report: DailyReport;
  departmentNames: Record<string, string>;
  stationNames: Record<string, string>;
  /** Config `siteNames`: where the day holds two sites, each station is named with its site. */
  siteNames?: Record<string, string>;
}

export interface ExportedFile {
  filename: string;
  mime: string;
  /** The file's bytes, base64 (the renderer turns it into a download). */
  base64: string;
  size: number;
}

/** The supervisor screen (監督者画面): live queues, the day's figures, KPIs, exports. */
export const reportsMethods = {
  /** `waitEstimates`: per department, minutes a visitor joining the line now would wait. */
  // With several sites (departments carry `site`): `siteWaitEstimates[site][department]` instead, and `siteNames` from the config.
  'supervisor.live': method<LiveBoard & { departmentNames: Record<string, string>; waitEstimates?: Record<string, number>; siteWaitEstimates?: Record<string, Record<string, number>>; siteNames?: Record<string, string> }>()(z.object({}), supervisor),
  'report.daily': method<DailyView>()(z.object({ date: date.optional() }), supervisor),
  'report.kpi': method<KpiReport>()(z.object({ fy: z.number().int().min(2000).max(2100).optional(), asOf: date.optional() }), supervisor),
  'report.export': method<ExportedFile>()(z.object({ date: date.optional(), format: z.enum(['csv', 'xlsx', 'pdf']) }), supervisor),
  'report.unfinished': method<UnfinishedVisit[]>()(z.object({ date: date.optional() }), supervisor),
};
