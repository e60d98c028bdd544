import type { DailyReport } from '../../../src-main/common/reports/daily';
import { OUTCOMES } from '../../../src-main/common/reports/daily';
import { departmentLabel, OUTCOME_LABELS, ROUTE_LABELS } from '../../../src-main/common/reports/labels';

/**
 * Today's charts as plain SVG (no chart library): visits per hour, wait per department,
 * procedures by route. Each has a text alternative: the same figures as a table for screen readers.
 */
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

function niceMax(max: number): { top: number; step: number } {
  if (max <= 5) return { top: Math.max(1, max), step: 1 };
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  return { top: Math.ceil(max / step) * step, step };
}

export function HourChart({ report }: { report: DailyReport }) {
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
      <figcaption>時間帯別 来庁数 <Legend items={[['発券', BLUE], ['完了', ORANGE]]} /></figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="時間帯別の発券数と完了数" data-testid="chart-hours">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={W} y1={y(v)} y2={y(v)} stroke="#ccc" strokeWidth={0.6} />
            <text x={left - 4} y={y(v) + 4} fontSize={10} textAnchor="end" fill="#333">
              {v}
            </text>
          </g>
        ))}
        {report.byHour.map((h, i) => {
          const x = left + i * slot + slot / 2 - bw;
          return (
            <g key={h.hour}>
              <rect x={x} y={y(h.issued)} width={bw} height={plotH + top - y(h.issued)} fill={BLUE}>
                <title>{`${h.hour}時 発券 ${h.issued}`}</title>
              </rect>
              <rect x={x + bw} y={y(h.completed)} width={bw} height={plotH + top - y(h.completed)} fill={ORANGE}>
                <title>{`${h.hour}時 完了 ${h.completed}`}</title>
              </rect>
              <text x={left + i * slot + slot / 2} y={H - 8} fontSize={11} textAnchor="middle" fill="#333">
                {h.hour}時
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function WaitChart({ report, names }: { report: DailyReport; names: Record<string, string> }) {
  const rows = report.times.filter((t) => t.wait.count > 0);
  const W = 640;
  const rowH = 24;
  const labelW = 130;
  const H = Math.max(40, rows.length * rowH + 10);
  const max = Math.max(1, ...rows.map((t) => (t.wait.p90 ?? 0) / 60));
  const scale = (m: number) => (m / max) * (W - labelW - 90);
  return (
    <figure className="sv-chart">
      <figcaption>課別 待ち時間 (分) <Legend items={[['平均', BLUE], ['90%値', PALE]]} /></figcaption>
      {rows.length === 0 ? (
        <p className="muted">データなし</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="課別の平均待ち時間と90パーセント値" data-testid="chart-waits">
          {rows.map((t, i) => {
            const mean = (t.wait.mean ?? 0) / 60;
            const p90 = (t.wait.p90 ?? 0) / 60;
            const yy = 5 + i * rowH;
            return (
              <g key={t.department}>
                <text x={labelW - 6} y={yy + 15} fontSize={12} textAnchor="end" fill="#1a1a1a">
                  {departmentLabel(t.department, names)}
                </text>
                <rect x={labelW} y={yy + 3} width={scale(p90)} height={rowH - 8} fill={PALE} />
                <rect x={labelW} y={yy + 7} width={scale(mean)} height={rowH - 16} fill={BLUE} />
                <text x={labelW + scale(p90) + 6} y={yy + 15} fontSize={11} fill="#333">
                  {`${mean.toFixed(1)} / ${p90.toFixed(1)}`}
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
  const rows = report.proceduresByRoute;
  const W = 640;
  const rowH = 26;
  const labelW = 160;
  const H = Math.max(40, rows.length * rowH + 10);
  const max = Math.max(1, ...rows.map((r) => r.total));
  const scale = (n: number) => (n / max) * (W - labelW - 50);
  return (
    <figure className="sv-chart">
      <figcaption>
        振り分け別 手続き件数 <Legend items={OUTCOMES.map((o) => [OUTCOME_LABELS[o] ?? o, OUTCOME_COLORS[o]!] as [string, string])} />
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted">データなし</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="振り分け別の手続き件数（結果別）" data-testid="chart-routes">
          {rows.map((r, i) => {
            const yy = 5 + i * rowH;
            let x = labelW;
            return (
              <g key={r.route}>
                <text x={labelW - 6} y={yy + 16} fontSize={12} textAnchor="end" fill="#1a1a1a">
                  {ROUTE_LABELS[r.route] ?? r.route}
                </text>
                {OUTCOMES.map((o) => {
                  const w = scale(r[o]);
                  const rect = w > 0 ? (
                    <rect key={o} x={x} y={yy + 3} width={w} height={rowH - 8} fill={OUTCOME_COLORS[o]}>
                      <title>{`${OUTCOME_LABELS[o]} ${r[o]}`}</title>
                    </rect>
                  ) : null;
                  x += w;
                  return rect;
                })}
                <text x={x + 6} y={yy + 16} fontSize={11} fill="#333">
                  {r.total}
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
