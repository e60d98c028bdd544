import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { businessDate } from '../../../common/dates/businessDay';
import { fiscalYearOf, parseFiscalYear, parseReportDate } from '../../../common/reports/fiscalYear';
import type { KpiReport } from '../../../common/reports/kpi';
import { KIND_LABELS, kpiDetail } from '../../../common/reports/tables';
import { defaultDataDir, openTerminal } from '../../terminal/dataFolder';
import { exportDaily, parseFormat } from '../../reports/export';
import { kpiReport } from '../../reports/source';
import { loadKpiTargets } from '../../reports/targets';
import { applyRetention } from '../../reports/retention';
import { BOM } from '../../reports/csv';
import { CITIZEN_SURVEY_EVENT, parseCitizenSurveyCsv } from '../../../common/reports/citizenSurvey';
import { writeAudit } from '../../residents/audit';
import { cliReader } from '../../residents/cliReader';
import { requiredFlag, stringFlag, intFlag, type CliCommand } from '../command';

function fmt(v: number | null, digits = 2): string {
  return v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

export function kpiText(k: KpiReport): string {
  const lines = [`${k.label} (FY${k.fiscalYear}) ${k.from} – ${k.asOf}, ${k.days} day(s) with records`];
  for (const x of k.kpis) {
    const progress = x.progress === null ? '' : `  ${(x.progress * 100).toFixed(0)}%${x.met ? ' 達成' : ''}`;
    const detail = x.detail ? `  (${kpiDetail(x.detail)})` : '';
    lines.push(`  ${x.name} [${KIND_LABELS[x.kind] ?? x.kind}]: ${fmt(x.value)} ${x.unit} / 目標 ${fmt(x.target)}${progress}${detail}`);
  }
  return lines.join('\n');
}

export function kpiCsv(k: KpiReport): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [['id', '指標', '種別', '年度累計', '目標', '達成率', '単位', '分子', '分母', '年度', '集計期間', '内訳']];
  for (const x of k.kpis) {
    const detail = kpiDetail(x.detail);
    rows.push([x.id, x.name, KIND_LABELS[x.kind] ?? x.kind, x.value === null ? '' : String(x.value), x.target === null ? '' : String(x.target), x.progress === null ? '' : String(x.progress), x.unit, String(x.basis.numerator), x.basis.denominator === null ? '' : String(x.basis.denominator), k.label, `${k.from}..${k.asOf}`, detail]);
  }
  return BOM + rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}

export const commands: CliCommand[] = [
  {
    name: 'report daily',
    summary: 'Export the daily report (日報) of a business day as CSV (zip), XLSX or PDF',
    usage: 'report daily [--data DIR] [--date YYYY-MM-DD] --format csv|xlsx|pdf --out PATH',
    options: { data: { type: 'string' }, date: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    async run(args, io) {
      const format = parseFormat(requiredFlag(args, 'format'));
      const out = resolve(requiredFlag(args, 'out'));
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const d = stringFlag(args, 'date');
        const date = d === undefined ? t.visits.today() : parseReportDate(d, 'date');
        const r = await exportDaily(t.store, t.config, date, format, { dataDir: t.dataDir });
        const file = existsSync(out) && statSync(out).isDirectory() ? join(out, r.filename) : out;
        writeFileSync(file, r.bytes);
        const v = r.report.visits;
        io.out(`${file} (${r.bytes.length} bytes): ${date}${r.report.empty ? ' — no visits recorded' : `: ${v.issued} issued, ${v.completed} completed, ${v.cancelled} cancelled, ${v.noShow} no-show, ${v.unfinished} unfinished`}`);
        return 0;
      } finally {
        t.close();
      }
    },
  },
  {
    name: 'report kpi',
    summary: "The plan's KPIs, fiscal year to date, against the year's targets",
    usage: 'report kpi [--data DIR] [--fy 2026] [--as-of YYYY-MM-DD] [--format text|json|csv] [--out PATH]',
    options: { data: { type: 'string' }, fy: { type: 'string' }, 'as-of': { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    async run(args, io) {
      const format = stringFlag(args, 'format') ?? 'text';
      if (!['text', 'json', 'csv'].includes(format)) throw new AppError('bad-input', `--format must be text, json or csv, got "${format}"`, { field: 'format' });
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const fyRaw = stringFlag(args, 'fy');
        const fy = fyRaw === undefined ? fiscalYearOf(businessDate(t.store.now(), t.config.timeZone)) : parseFiscalYear(fyRaw, 'fy');
        const asOfRaw = stringFlag(args, 'as-of');
        const k = kpiReport(t.store, t.config, fy, loadKpiTargets(t.dataDir), asOfRaw === undefined ? {} : { asOf: parseReportDate(asOfRaw, 'as-of') });
        const text = format === 'json' ? JSON.stringify(k, null, 2) : format === 'csv' ? kpiCsv(k) : kpiText(k);
        const out = stringFlag(args, 'out');
        if (out) {
          writeFileSync(resolve(out), text);
          io.out(resolve(out));
        } else io.out(text.replace(/\r\n$/, '').replace(/\n$/, ''));
        return 0;
      } finally {
        t.close();
      }
    },
  },
  {
    name: 'report survey-import',
    summary: "Import the city's annual 市民アンケート (random-sample survey) results CSV for a fiscal year's KPI (audited)",
    usage: 'report survey-import [--data DIR] --fy 2026 --file RESULTS.csv',
    options: { data: { type: 'string' }, fy: { type: 'string' }, file: { type: 'string' } },
    async run(args, io) {
      const fy = parseFiscalYear(requiredFlag(args, 'fy'), 'fy');
      const file = resolve(requiredFlag(args, 'file'));
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new AppError('bad-input', `cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { field: 'file' });
      }
      // Checked in full before anything is recorded: a bad cell names its line and column.
      const parsed = parseCitizenSurveyCsv(bytes.toString('utf8'), fy, file.split(/[\\/]/).pop() ?? file);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const payload = { ...parsed, sha256 };
        t.store.tx(() => {
          t.store.append(CITIZEN_SURVEY_EVENT, payload);
          writeAudit(t.store, cliReader(t.config), [{ action: 'import', purpose: 'CLI: 市民アンケート結果の取込 (KPI)', detail: `FY${fy} ${payload.source} sha256=${sha256} respondents=${parsed.responses} scores=${parsed.all.n}` }]);
        });
        const mean = parsed.all.n ? (parsed.all.sum / parsed.all.n).toFixed(2) : '—';
        io.out(`citizen survey FY${fy}: ${parsed.responses} respondent(s), ${parsed.all.n} score(s), mean ${mean} (from ${payload.source}, sha256 ${sha256.slice(0, 12)}…)`);
        return 0;
      } finally {
        t.close();
      }
    },
  },
  {
    name: 'report retention',
    summary: 'Erase personal details of visits older than the retention period (keeps the anonymous statistics)',
    usage: 'report retention [--data DIR] [--days N]',
    options: { data: { type: 'string' }, days: { type: 'string' } },
    async run(args, io) {
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const days = stringFlag(args, 'days') === undefined ? undefined : intFlag(args, 'days', 0, 1);
        if (days === undefined && !t.config.retention) {
          throw new AppError('bad-config', 'no retention period: set "retention": {"personalDetailsDays": N} in config.json, or pass --days N', { field: 'retention.personalDetailsDays' });
        }
        const r = applyRetention(t.store, t.config, days === undefined ? {} : { days });
        io.out(`retention: personal details kept from ${r.cutoff}; erased ${r.days.length} day(s)`);
        for (const d of r.days) io.out(`  ${d.date}: ${d.visits} visit(s), ${d.events} event(s) erased`);
        return 0;
      } finally {
        t.close();
      }
    },
  },
];
