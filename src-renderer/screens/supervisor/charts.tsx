import type { DailyReport } from '../../../src-main/common/reports/daily';
import { OUTCOMES } from '../../../src-main/common/reports/daily';
import { useTranslation } from 'react-i18next';
import { useDepartmentName, useSupervisorFormat } from './format';

/**
 * Today's charts as plain SVG (no chart library): visits per hour, wait per department,
 * procedures by route. Each has a text alternative: the same figures as a table for screen readers.
 */
/** The charts show counts and minutes, never clock times (hours come from the report already local). */
const CHART_TZ = 'UTC';
const BLUE = '#0b4f8a';
const ORANGE = '#b85c00';
const PALE = '#b9cfe6';
const OUTCOME_COLORS: Record<string, string> = {
  accepted: '#0b4f8a',
  proxy: '#2e7d32',
  referred: '#b85c00',
  declined: '#6b6b6b',
  'awaiting-delivery': '#6a3d9a',
  'to-confirm': '#8d6e00',
  pending: '#a3101a',
};

/**
 * Room for the row labels: SVG text cannot wrap and its width is not known before layout, so
 * estimate it (CJK glyphs are square, Latin ones about 0.6 em) to keep English names whole.
 */
export function labelWidth(labels: readonly string[], fontSize: number, min: number, max: number): number {
  const width = (s: string) => [...s].reduce((w, c) => w + (c.codePointAt(0)! >= 0x2e80 ? fontSize : 0.6 * fontSize), 0);
  return Math.round(Math.min(max, Math.max(min, ...labels.map(width)) + 10));
}

function niceMax(max: number): { top: number; step: number } {
  if (max <= 5) return { top: Math.max(1, max), step: 1 };
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  return { top: Math.ceil(max / step) * step, step };
}

export function HourChart({ report }: { report: DailyReport }) {
  const { t } = useTranslation('supervisor');
  const fmt = useSupervisorFormat(CHART_TZ);
  const W = 640;
  const H = 220;
  const left = 36;
  const bottom = 24;
  const top = 10;
  const max = Math.max(0, ...report.byHour.map((h) => Math.max(h.issued, h.completed)));
  const { top: ceil, step } = niceMax(max);
  const plotH = H - top - bottom;
  const slot = (W - left) / Math.max(1, report.byHour.length);
  const bw = Math.min(18, slot / 3);
  const y = (v: number) => top + plotH - (v / ceil) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= ceil; v += step) ticks.push(v);
  return (
    <figure className="sv-chart">
      <figcaption>
        {t('chart.hours.caption')} <Legend items={[[t('chart.hours.issued'), BLUE], [t('chart.hours.completed'), ORANGE]]} />
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('chart.hours.label')} data-testid="chart-hours">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={W} y1={y(v)} y2={y(v)} stroke="#ccc" strokeWidth={0.6} />
            <text x={left - 4} y={y(v) + 4} fontSize={11} textAnchor="end" fill="#333">
              {fmt.count(v)}
            </text>
          </g>
        ))}
        {report.byHour.map((h, i) => {
          const x = left + i * slot + slot / 2 - bw;
          return (
            <g key={h.hour}>
              <rect x={x} y={y(h.issued)} width={bw} height={plotH + top - y(h.issued)} fill={BLUE}>
                <title>{t('chart.hours.bar', { hour: h.hour, series: t('chart.hours.issued'), count: fmt.count(h.issued) })}</title>
              </rect>
              <rect x={x + bw} y={y(h.completed)} width={bw} height={plotH + top - y(h.completed)} fill={ORANGE}>
                <title>{t('chart.hours.bar', { hour: h.hour, series: t('chart.hours.completed'), count: fmt.count(h.completed) })}</title>
              </rect>
              <text x={left + i * slot + slot / 2} y={H - 7} fontSize={12} textAnchor="middle" fill="#333">
                {t('chart.hours.hour', { hour: h.hour })}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function WaitChart({ report, names }: { report: DailyReport; names: Record<string, string> }) {
  const { t } = useTranslation('supervisor');
  const fmt = useSupervisorFormat(CHART_TZ);
  const department = useDepartmentName(names);
  const rows = report.times.filter((row) => row.wait.count > 0);
  const W = 640;
  const rowH = 24;
  const labelW = labelWidth(rows.map((row) => department(row.department)), 13, 80, 260);
  const H = Math.max(40, rows.length * rowH + 10);
  const max = Math.max(1, ...rows.map((row) => (row.wait.p90 ?? 0) / 60));
  const scale = (m: number) => (m / max) * (W - labelW - 90);
  return (
    <figure className="sv-chart">
      <figcaption>
        {t('chart.waits.caption')} <Legend items={[[t('chart.waits.mean'), BLUE], [t('chart.waits.p90'), PALE]]} />
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted">{t('chart.noData')}</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('chart.waits.label')} data-testid="chart-waits">
          {rows.map((row, i) => {
            const mean = (row.wait.mean ?? 0) / 60;
            const p90 = (row.wait.p90 ?? 0) / 60;
            const yy = 5 + i * rowH;
            return (
              <g key={row.department}>
                <text x={labelW - 6} y={yy + 16} fontSize={13} textAnchor="end" fill="#1a1a1a">
                  {department(row.department)}
                </text>
                <rect x={labelW} y={yy + 3} width={scale(p90)} height={rowH - 8} fill={PALE} />
                <rect x={labelW} y={yy + 7} width={scale(mean)} height={rowH - 16} fill={BLUE} />
                <text x={labelW + scale(p90) + 6} y={yy + 16} fontSize={12} fill="#333">
                  {`${fmt.decimal(mean, 1)} / ${fmt.decimal(p90, 1)}`}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

export function RouteChart({ report }: { report: DailyReport }) {
  const { t } = useTranslation('supervisor');
  const fmt = useSupervisorFormat(CHART_TZ);
  const outcome = (o: string) => t(`outcome.${o}`, { defaultValue: o });
  const rows = report.proceduresByRoute;
  const W = 640;
  const rowH = 26;
  const route = (r: string) => t(`route.${r}`, { defaultValue: r });
  const labelW = labelWidth(rows.map((r) => route(r.route)), 13, 80, 300);
  const H = Math.max(40, rows.length * rowH + 10);
  const max = Math.max(1, ...rows.map((r) => r.total));
  const scale = (n: number) => (n / max) * (W - labelW - 50);
  return (
    <figure className="sv-chart">
      <figcaption>
        {t('chart.routes.caption')} <Legend items={OUTCOMES.map((o) => [outcome(o), OUTCOME_COLORS[o]!] as [string, string])} />
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted">{t('chart.noData')}</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('chart.routes.label')} data-testid="chart-routes">
          {rows.map((r, i) => {
            const yy = 5 + i * rowH;
            let x = labelW;
            return (
              <g key={r.route}>
                <text x={labelW - 6} y={yy + 17} fontSize={13} textAnchor="end" fill="#1a1a1a">
                  {route(r.route)}
                </text>
                {OUTCOMES.map((o) => {
                  const w = scale(r[o]);
                  const rect = w > 0 ? (
                    <rect key={o} x={x} y={yy + 3} width={w} height={rowH - 8} fill={OUTCOME_COLORS[o]}>
                      <title>{t('chart.routes.bar', { outcome: outcome(o), count: fmt.count(r[o]) })}</title>
                    </rect>
                  ) : null;
                  x += w;
                  return rect;
                })}
                <text x={x + 6} y={yy + 17} fontSize={12} fill="#333">
                  {fmt.count(r.total)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

function Legend({ items }: { items: Array<[string, string]> }) {
  return (
    <span className="sv-legend">
      {items.map(([label, color]) => (
        <span key={label}>
          <span className="sv-swatch" style={{ background: color }} aria-hidden="true" />
          {label}
        </span>
      ))}
    </span>
  );
}
