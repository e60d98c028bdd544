import { z } from 'zod';
import { AppError, formatPath } from '../errors';
import { fiscalYearLabel, fiscalYearRange } from './fiscalYear';
import { addParts, meanOf, type MeanParts } from './stats';
import type { KpiInputs } from './daily';
import type { CitizenSurveyImport } from './citizenSurvey';

/**
 * The plan's KPIs (第5章 3), fiscal-year-to-date, against the year's target. Values are folded from
 * the days' KpiInputs, which are themselves folded from events; targets are configuration
 * (fixtures/kpi/targets.json, overridable per data folder).
 */

export const KPI_IDS = [
  'guideUses',
  'oneStopAccepted',
  'cashlessRate',
  'cashlessSatisfaction',
  'citizenSurvey',
  'guideSatisfaction',
  'averageVisitMinutes',
  'citizenWaitMinutes',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

export const KPI_DEFS: Readonly<Record<KpiId, { name: string; kind: 'output' | 'outcome' | 'measure'; unit: string; higherIsBetter: boolean }>> = {
  guideUses: { name: 'オンライン手続きガイドサービスの利用件数', kind: 'output', unit: '件', higherIsBetter: true },
  oneStopAccepted: { name: '総合窓口支援システムを利用した受付件数', kind: 'output', unit: '件', higherIsBetter: true },
  cashlessRate: { name: 'キャッシュレス決済率', kind: 'output', unit: '%', higherIsBetter: true },
  cashlessSatisfaction: { name: 'キャッシュレス決済に係る利用者満足度', kind: 'outcome', unit: '点', higherIsBetter: true },
  citizenSurvey: { name: '総合窓口支援サービスに係る市民アンケート平均値', kind: 'outcome', unit: '点', higherIsBetter: true },
  guideSatisfaction: { name: 'オンライン手続きガイドサービス利用満足度', kind: 'outcome', unit: '点', higherIsBetter: true },
  averageVisitMinutes: { name: '総合窓口を利用した手続きに要する平均時間', kind: 'measure', unit: '分', higherIsBetter: false },
  citizenWaitMinutes: { name: '市民課手続き待ち時間平均値', kind: 'measure', unit: '分', higherIsBetter: false },
};

const target = z.number().nonnegative().nullable();
const yearTargets = z.object(Object.fromEntries(KPI_IDS.map((k) => [k, target.optional()])) as Record<KpiId, z.ZodOptional<typeof target>>).strict();

export const kpiTargetsSchema = z.object({
  note: z.string().optional(),
  /** The department whose average wait is 市民課手続き待ち時間. */
  waitDepartment: z.string().min(1).default('shimin'),
  years: z.record(z.string().regex(/^\d{4}$/, 'fiscal years are keyed by the starting year, e.g. "2026"'), yearTargets),
});
export type KpiTargets = z.infer<typeof kpiTargetsSchema>;

export function parseKpiTargets(raw: unknown, source = 'targets'): KpiTargets {
  const r = kpiTargetsSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = formatPath(issue.path);
    throw new AppError('bad-config', `${source}: ${field || '(root)'}: ${issue.message}`, { field });
  }
  return r.data;
}

/** A data folder's file overrides the shipped targets year by year and KPI by KPI. */
export function mergeKpiTargets(base: KpiTargets, over: KpiTargets | undefined): KpiTargets {
  if (!over) return base;
  const years: KpiTargets['years'] = { ...base.years };
  for (const [y, t] of Object.entries(over.years)) years[y] = { ...(base.years[y] ?? {}), ...t };
  return { waitDepartment: over.waitDepartment ?? base.waitDepartment, years };
}

export interface KpiValue {
  id: KpiId;
  name: string;
  kind: 'output' | 'outcome' | 'measure';
  unit: string;
  /** Fiscal-year-to-date value; null when there is nothing to measure yet. */
  value: number | null;
  target: number | null;
  /** value ÷ target (or target ÷ value for times): 1 means the target is reached. */
  progress: number | null;
  met: boolean | null;
  /** What the value is computed from, for the auditor. */
  basis: { numerator: number; denominator: number | null };
  /** Figures shown beside the value (KPI②: the procedures those visits accepted; guide: QR hand-overs; the survey's respondents). */
  detail?: Record<string, number>;
}

export interface KpiReport {
  fiscalYear: number;
  label: string;
  from: string;
  /** Last day included (the fiscal year's end, or the day asked for). */
  asOf: string;
  days: number;
  kpis: KpiValue[];
}

export function emptyKpiInputs(): KpiInputs {
  return {
    guideOnlineUses: 0,
    guideQrHandovers: 0,
    oneStopAccepted: 0,
    oneStopVisits: 0,
    payments: 0,
    cashlessPayments: 0,
    cashlessSatisfaction: { sum: 0, n: 0 },
    citizenSurvey: { sum: 0, n: 0 },
    guideSatisfaction: { sum: 0, n: 0 },
    visitStay: { sum: 0, n: 0 },
    departmentWait: {},
  };
}

export function addKpiInputs(a: KpiInputs, b: KpiInputs): KpiInputs {
  const departmentWait: Record<string, MeanParts> = { ...a.departmentWait };
  for (const [d, p] of Object.entries(b.departmentWait)) departmentWait[d] = addParts(departmentWait[d] ?? { sum: 0, n: 0 }, p);
  return {
    guideOnlineUses: a.guideOnlineUses + b.guideOnlineUses,
    guideQrHandovers: a.guideQrHandovers + b.guideQrHandovers,
    oneStopAccepted: a.oneStopAccepted + b.oneStopAccepted,
    // Days stored before KPI② counted visits carry no oneStopVisits.
    oneStopVisits: (a.oneStopVisits ?? 0) + (b.oneStopVisits ?? 0),
    payments: a.payments + b.payments,
    cashlessPayments: a.cashlessPayments + b.cashlessPayments,
    cashlessSatisfaction: addParts(a.cashlessSatisfaction, b.cashlessSatisfaction),
    citizenSurvey: addParts(a.citizenSurvey, b.citizenSurvey),
    guideSatisfaction: addParts(a.guideSatisfaction, b.guideSatisfaction),
    visitStay: addParts(a.visitStay, b.visitStay),
    departmentWait,
  };
}

/**
 * The KPI values from the fiscal year's summed day inputs (pure: the node layer may sum the days
 * incrementally or fold them at once). Definitions (docs/report-layout.md):
 * - guideUses: uses of the online guide = its completions; a use later handed over at the kiosk was
 *   already counted when the guide finished (the QR code appears only then), so hand-overs are a detail.
 * - oneStopAccepted (KPI②): visits in which the one-stop counter accepted at least one procedure on
 *   behalf of another department; the procedures they accepted are the detail.
 * - citizenSurvey: the city's annual random-sample survey, imported (null until imported), never the kiosk survey.
 * - guideSatisfaction: only the guide users' own ratings (sent with the guide's completion).
 * - averageVisitMinutes: stays of completed visits, certificate-only visits left out.
 */
export function computeKpis(fy: number, asOf: string, days: number, sum: KpiInputs, targets: KpiTargets, opts: { citizenSurvey?: CitizenSurveyImport | null } = {}): KpiReport {
  const t = targets.years[String(fy)] ?? {};
  const wait = sum.departmentWait[targets.waitDepartment] ?? { sum: 0, n: 0 };
  const survey = opts.citizenSurvey?.all ?? { sum: 0, n: 0 };
  const oneStopVisits = sum.oneStopVisits ?? 0;
  const raw: Record<KpiId, { value: number | null; numerator: number; denominator: number | null; detail?: Record<string, number> }> = {
    guideUses: { value: sum.guideOnlineUses, numerator: sum.guideOnlineUses, denominator: null, detail: { qrHandovers: sum.guideQrHandovers } },
    oneStopAccepted: { value: oneStopVisits, numerator: oneStopVisits, denominator: null, detail: { procedures: sum.oneStopAccepted } },
    cashlessRate: { value: sum.payments ? (100 * sum.cashlessPayments) / sum.payments : null, numerator: sum.cashlessPayments, denominator: sum.payments },
    cashlessSatisfaction: { value: meanOf(sum.cashlessSatisfaction), numerator: sum.cashlessSatisfaction.sum, denominator: sum.cashlessSatisfaction.n },
    citizenSurvey: { value: meanOf(survey), numerator: survey.sum, denominator: survey.n, ...(opts.citizenSurvey ? { detail: { respondents: opts.citizenSurvey.responses } } : {}) },
    guideSatisfaction: { value: meanOf(sum.guideSatisfaction), numerator: sum.guideSatisfaction.sum, denominator: sum.guideSatisfaction.n },
    averageVisitMinutes: { value: sum.visitStay.n ? sum.visitStay.sum / sum.visitStay.n / 60 : null, numerator: sum.visitStay.sum / 60, denominator: sum.visitStay.n },
    citizenWaitMinutes: { value: wait.n ? wait.sum / wait.n / 60 : null, numerator: wait.sum / 60, denominator: wait.n },
  };
  const kpis = KPI_IDS.map((id): KpiValue => {
    const def = KPI_DEFS[id];
    const r = raw[id];
    const tg = t[id] ?? null;
    let progress: number | null = null;
    if (r.value !== null && tg !== null) {
      if (def.higherIsBetter) progress = tg === 0 ? 1 : r.value / tg;
      else progress = r.value === 0 ? 1 : tg / r.value;
    }
    return {
      id,
      name: def.name,
      kind: def.kind,
      unit: def.unit,
      value: r.value,
      target: tg,
      progress,
      met: progress === null ? null : progress >= 1,
      basis: { numerator: r.numerator, denominator: r.denominator },
      ...(r.detail ? { detail: r.detail } : {}),
    };
  });
  return { fiscalYear: fy, label: fiscalYearLabel(fy), from: fiscalYearRange(fy).from, asOf, days, kpis };
}
