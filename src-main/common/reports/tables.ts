import type { DailyReport } from './daily';
import type { KpiReport } from './kpi';
import { fiscalYearLabel } from './fiscalYear';
import { departmentLabel, LIFE_EVENT_LABELS, OUTCOME_LABELS, PAYMENT_LABELS, ROUTE_LABELS, STATUS_LABELS, SURVEY_LABELS, weekdayJa } from './labels';
import { formatWareki } from '../dates/wareki';
import { OUTCOMES } from './daily';
import { stationLabeller } from './stationLabel';

/**
 * The daily report as tables: the one layout every export format writes (CSV: one file per table;
 * XLSX: one sheet per table; PDF: the same figures with charts). docs/report-layout.md describes it.
 */
export type CellKind = 'text' | 'int' | 'number' | 'yen' | 'percent' | 'duration' | 'time' | 'auto';
export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** duration: seconds; percent: a fraction (0.08 = 8 %); time: an ISO instant shown in local time. */
  kind: CellKind;
}

export interface ReportTable {
  /** File and sheet id: `01-summary` … */
  id: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
}

export interface TableOptions {
  departmentNames?: Readonly<Record<string, string>>;
  stationNames?: Readonly<Record<string, string>>;
  /** Site names (config `siteNames`): where the report holds two sites, each station names its site. */
  siteNames?: Readonly<Record<string, string>>;
  kpi?: KpiReport;
  cityName?: string;
}

export const EMPTY_DAY_MESSAGE = 'この日の来庁記録はありません (No visits were recorded on this day.)';

export function dateHeading(date: string): string {
  return `${date} (${weekdayJa(date)}) ${formatWareki(date)}`;
}

export function reportTables(r: DailyReport, opts: TableOptions = {}): ReportTable[] {
  const dept = (d: string | null) => (d === null ? '' : departmentLabel(d, opts.departmentNames));
  const station = stationLabeller([...r.byStation, ...r.unfinishedVisits], opts);
  const v = r.visits;
  const overall = r.times.find((t) => t.department === '*');

  const summary: ReportTable = {
    id: '01-summary',
    title: '概要',
    columns: [
      { key: 'item', label: '項目', kind: 'text' },
      { key: 'value', label: '値', kind: 'auto' },
    ],
    rows: [
      ['日付', dateHeading(r.date)],
      ['年度', fiscalYearLabel(r.fiscalYear)],
      ...(r.empty ? [['記録', EMPTY_DAY_MESSAGE] as Cell[]] : []),
      ['発券数', v.issued],
      ['完了', v.completed],
      ['取消', v.cancelled],
      ['不在 (呼出に応答なし)', v.noShow],
      ['閉庁時未完了', v.unfinished],
      // Workflow integrity: finishes that left procedures 未着手・受付 (reports stored before it: blank).
      ['未完了のまま完了 (理由あり)', r.leftOpen?.confirmed ?? null],
      ['未完了のまま完了 (他端末・未確認)', r.leftOpen?.unconfirmed ?? null],
      ['未完了のまま残った手続き', r.leftOpen?.items ?? null],
      ['優先案内', v.priority],
      ['不在から再受付', v.reactivated],
      ['ガイドQRからの発券', v.fromGuideQr],
      ['平均待ち時間 (秒)', overall?.wait.mean ?? null],
      ['平均滞在時間 (秒)', overall?.stay.mean ?? null],
      ['決済件数', r.cashless.payments],
      ['キャッシュレス決済件数', r.cashless.count],
      ['キャッシュレス決済率 (%)', r.cashless.rate === null ? null : round(r.cashless.rate * 100, 2)],
      ['手数料収入 (円)', r.cashless.totalAmount],
      ['アンケート回答数', r.survey.responses],
      ['オンラインガイド利用', r.guide.total],
    ],
  };

  const byStation: ReportTable = {
    id: '02-by-station',
    title: '発券所別',
    columns: [
      { key: 'station', label: '発券所', kind: 'text' },
      { key: 'issued', label: '発券数', kind: 'int' },
    ],
    rows: r.byStation.map((s) => [station(s), s.issued]),
  };

  const byEvent: ReportTable = {
    id: '03-by-life-event',
    title: 'ライフイベント別',
    columns: [
      { key: 'event', label: 'ライフイベント', kind: 'text' },
      { key: 'visits', label: '来庁数', kind: 'int' },
    ],
    rows: r.byLifeEvent.map((e) => [LIFE_EVENT_LABELS[e.event] ?? e.event, e.visits]),
  };

  const byHour: ReportTable = {
    id: '04-by-hour',
    title: '時間帯別',
    columns: [
      { key: 'hour', label: '時間帯', kind: 'text' },
      { key: 'issued', label: '発券', kind: 'int' },
      { key: 'completed', label: '完了', kind: 'int' },
    ],
    rows: r.byHour.map((h) => [`${String(h.hour).padStart(2, '0')}:00-${String(h.hour + 1).padStart(2, '0')}:00`, h.issued, h.completed]),
  };

  const times: ReportTable = {
    id: '05-times',
    title: '所要時間',
    columns: [
      { key: 'department', label: '課', kind: 'text' },
      { key: 'waitCount', label: '待ち 件数', kind: 'int' },
      { key: 'waitMean', label: '待ち 平均', kind: 'duration' },
      { key: 'waitMedian', label: '待ち 中央値', kind: 'duration' },
      { key: 'waitP90', label: '待ち 90%値', kind: 'duration' },
      { key: 'serviceCount', label: '対応 件数', kind: 'int' },
      { key: 'serviceMean', label: '対応 平均', kind: 'duration' },
      { key: 'serviceMedian', label: '対応 中央値', kind: 'duration' },
      { key: 'serviceP90', label: '対応 90%値', kind: 'duration' },
      { key: 'stayCount', label: '滞在 件数', kind: 'int' },
      { key: 'stayMean', label: '滞在 平均', kind: 'duration' },
      { key: 'stayMedian', label: '滞在 中央値', kind: 'duration' },
      { key: 'stayP90', label: '滞在 90%値', kind: 'duration' },
    ],
    rows: r.times.map((t) => [
      dept(t.department),
      t.wait.count,
      t.wait.mean,
      t.wait.median,
      t.wait.p90,
      t.service.count,
      t.service.mean,
      t.service.median,
      t.service.p90,
      t.stay.count,
      t.stay.mean,
      t.stay.median,
      t.stay.p90,
    ]),
  };

  const procedures: ReportTable = {
    id: '06-procedures',
    title: '手続き (課・振り分け・結果)',
    columns: [
      { key: 'department', label: '課', kind: 'text' },
      { key: 'route', label: '振り分け', kind: 'text' },
      { key: 'outcome', label: '結果', kind: 'text' },
      { key: 'count', label: '件数', kind: 'int' },
    ],
    rows: r.procedures.map((p) => [dept(p.department), ROUTE_LABELS[p.route] ?? p.route, OUTCOME_LABELS[p.outcome] ?? p.outcome, p.count]),
  };

  const outcomeCols = OUTCOMES.map((o) => ({ key: o, label: OUTCOME_LABELS[o] ?? o, kind: 'int' as const }));
  const byDept: ReportTable = {
    id: '07-procedures-by-department',
    title: '手続き (課別)',
    columns: [{ key: 'department', label: '課', kind: 'text' }, { key: 'total', label: '計', kind: 'int' }, ...outcomeCols],
    rows: r.proceduresByDepartment.map((p) => [dept(p.department), p.total, ...OUTCOMES.map((o) => p[o])]),
  };
  const byRoute: ReportTable = {
    id: '08-procedures-by-route',
    title: '手続き (振り分け別)',
    columns: [{ key: 'route', label: '振り分け', kind: 'text' }, { key: 'total', label: '計', kind: 'int' }, ...outcomeCols],
    rows: r.proceduresByRoute.map((p) => [ROUTE_LABELS[p.route] ?? p.route, p.total, ...OUTCOMES.map((o) => p[o])]),
  };

  const payments: ReportTable = {
    id: '09-payments',
    title: '決済',
    columns: [
      { key: 'method', label: '決済方法', kind: 'text' },
      { key: 'count', label: '件数', kind: 'int' },
      { key: 'amount', label: '金額 (円)', kind: 'yen' },
      { key: 'share', label: '件数の割合', kind: 'percent' },
    ],
    rows: [
      ...r.payments.map((p): Cell[] => [PAYMENT_LABELS[p.method] ?? p.method, p.count, p.amount, r.cashless.payments ? p.count / r.cashless.payments : null]),
      ['キャッシュレス計', r.cashless.count, r.cashless.amount, r.cashless.rate],
      ['合計', r.cashless.payments, r.cashless.totalAmount, r.cashless.payments ? 1 : null],
    ],
  };

  const survey: ReportTable = {
    id: '10-survey',
    title: 'アンケート',
    columns: [
      { key: 'question', label: '設問', kind: 'text' },
      { key: 'responses', label: '回答数', kind: 'int' },
      { key: 'mean', label: '平均 (5点満点)', kind: 'number' },
    ],
    rows: [['回答者数', r.survey.responses, null], ...r.survey.questions.map((q): Cell[] => [SURVEY_LABELS[q.question] ?? q.question, q.responses, q.mean === null ? null : round(q.mean, 3)])],
  };

  const guide: ReportTable = {
    id: '11-guide',
    title: 'オンライン手続きガイド',
    columns: [
      { key: 'kind', label: '区分', kind: 'text' },
      { key: 'count', label: '件数', kind: 'int' },
    ],
    rows: [
      ['オンラインガイド完了', r.guide.onlineUses],
      // A use handed over at the kiosk was counted when the guide finished: one of the completions.
      ['キオスクでのQR引継ぎ (うち数)', r.guide.qrHandovers],
      ['計', r.guide.total],
    ],
  };

  const kpi: ReportTable = {
    id: '12-kpi',
    title: opts.kpi ? `KPI 進捗 (${opts.kpi.label} ${opts.kpi.from}〜${opts.kpi.asOf})` : 'KPI 進捗',
    columns: [
      { key: 'name', label: '指標', kind: 'text' },
      { key: 'kind', label: '種別', kind: 'text' },
      { key: 'value', label: '年度累計', kind: 'number' },
      { key: 'target', label: '目標', kind: 'number' },
      { key: 'progress', label: '達成率', kind: 'percent' },
      { key: 'unit', label: '単位', kind: 'text' },
      { key: 'detail', label: '内訳', kind: 'text' },
    ],
    rows: (opts.kpi?.kpis ?? []).map((k) => [k.name, KIND_LABELS[k.kind] ?? k.kind, k.value === null ? null : round(k.value, 2), k.target, k.progress, k.unit, kpiDetail(k.detail)]),
  };

  const unfinished: ReportTable = {
    id: '13-unfinished',
    title: '閉庁時未完了の来庁',
    columns: [
      { key: 'number', label: '番号', kind: 'int' },
      { key: 'station', label: '発券所', kind: 'text' },
      { key: 'status', label: '状態', kind: 'text' },
      { key: 'department', label: '現在の課', kind: 'text' },
      { key: 'issuedAt', label: '発券時刻', kind: 'time' },
      { key: 'remaining', label: '残りの課', kind: 'text' },
      { key: 'openItems', label: '未処理の手続き', kind: 'int' },
    ],
    rows: r.unfinishedVisits.map((u) => [u.number, station(u), STATUS_LABELS[u.status] ?? u.status, dept(u.department), u.issuedAt, u.remaining.map((d) => dept(d)).join(' → '), u.openItems]),
  };

  return [summary, byStation, byEvent, byHour, times, procedures, byDept, byRoute, payments, survey, guide, kpi, unfinished];
}

const DETAIL_LABELS: Readonly<Record<string, string>> = { procedures: '受付手続数', qrHandovers: 'うちQR引継ぎ', respondents: '回答者数' };

/** KPI② shows its procedure count beside the visits; the guide its hand-overs; the survey its respondents. */
export function kpiDetail(detail: Record<string, number> | undefined): string {
  return detail ? Object.entries(detail).map(([k, v]) => `${DETAIL_LABELS[k] ?? k} ${v}`).join(' / ') : '';
}

export const KIND_LABELS: Readonly<Record<string, string>> = { output: 'アウトプット', outcome: 'アウトカム', measure: '計測' };

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** 1:05:07 style, for CSV and the PDF (XLSX stores durations as real time values). */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}
