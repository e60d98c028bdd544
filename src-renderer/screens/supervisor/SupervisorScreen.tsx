import { useEffect, useState } from 'react';
import type { DailyReport } from '../../../src-main/common/reports/daily';
import type { KpiReport } from '../../../src-main/common/reports/kpi';
import { departmentLabel, STATUS_LABELS } from '../../../src-main/common/reports/labels';
import { ApiError, call } from '../../api/client';
import { useLive } from '../../api/hooks';
import { HourChart, RouteChart, WaitChart } from './charts';
import './supervisor.css';

/**
 * 監督者画面: live queues per department, today's figures with charts, the fiscal-year KPIs, the
 * day's exports and the visits still unfinished. Everything is read from the event log through
 * the reports methods and re-read on every new event (and every 30 s, since waits grow by
 * themselves).
 */
export default function SupervisorScreen() {
  const live = useLive('supervisor.live', {});
  const today = useLive('report.daily', {});
  const kpi = useLive('report.kpi', {});
  useEffect(() => {
    const timer = setInterval(() => void live.reload(), 30_000);
    return () => clearInterval(timer);
  }, [live]);
  const names = today.data?.departmentNames ?? live.data?.departmentNames ?? {};
  const report = today.data?.report;
  return (
    <main className="supervisor" data-testid="supervisor">
      <header className="row">
        <h1>監督者画面</h1>
        <span className="muted">{live.data ? `${live.data.businessDate} ${clock(live.data.at)} 更新` : '読み込み中…'}</span>
      </header>
      {(live.error || today.error) && <p className="alert" role="alert">{(live.error ?? today.error)!.message}</p>}
      <LiveSection names={names} data={live.data} />
      {report && <TodaySection report={report} names={names} stationNames={today.data!.stationNames} />}
      <ExportSection defaultDate={report?.date ?? live.data?.businessDate ?? ''} />
      {kpi.data && <KpiSection kpi={kpi.data} />}
      {report && <UnfinishedSection report={report} names={names} stationNames={today.data!.stationNames} />}
    </main>
  );
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function minutes(s: number | null | undefined): string {
  return s === null || s === undefined ? '—' : `${(s / 60).toFixed(1)}分`;
}

type Live = ReturnType<typeof useLive<'supervisor.live'>>['data'];

function LiveSection({ data, names }: { data: Live; names: Record<string, string> }) {
  return (
    <section aria-labelledby="sv-live">
      <h2 id="sv-live">現在の状況</h2>
      {data && (
        <>
          <p className="muted">
            本日の発券 {data.issued} 件・完了 {data.completed} 件・対応待ち/対応中 {data.inProgress} 件
          </p>
          <table className="sv-table" data-testid="live-table">
            <thead>
              <tr>
                <th scope="col">課</th>
                <th scope="col">待ち</th>
                <th scope="col">呼出中</th>
                <th scope="col">対応中</th>
                <th scope="col">不在</th>
                <th scope="col">最長待ち</th>
                <th scope="col">平均待ち (現在)</th>
                <th scope="col">直近1時間の待ち</th>
                <th scope="col">開いている窓口</th>
              </tr>
            </thead>
            <tbody>
              {data.departments.map((d) => (
                <tr key={d.department} data-department={d.department}>
                  <th scope="row">{departmentLabel(d.department, names)}</th>
                  <td>{d.waiting}</td>
                  <td>{d.called}</td>
                  <td>{d.serving}</td>
                  <td>{d.noShow}</td>
                  <td className={d.longestWait !== null && d.longestWait > 30 * 60 ? 'sv-late' : ''}>{minutes(d.longestWait)}</td>
                  <td>{minutes(d.meanWait)}</td>
                  <td>{minutes(d.recentWait)}</td>
                  <td title={d.counters.map((c) => `${c.counter}: ${c.status === 'idle' ? '空き' : `${STATUS_LABELS[c.status]} #${c.number}`}`).join('\n')}>
                    {d.openCounters} / {d.counters.length}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function TodaySection({ report, names, stationNames }: { report: DailyReport; names: Record<string, string>; stationNames: Record<string, string> }) {
  const overall = report.times.find((t) => t.department === '*');
  const tiles: Array<[string, string]> = [
    ['発券数', String(report.visits.issued)],
    ['完了', String(report.visits.completed)],
    ['取消', String(report.visits.cancelled)],
    ['不在', String(report.visits.noShow)],
    ['未完了', String(report.visits.unfinished)],
    ['平均待ち', minutes(overall?.wait.mean)],
    ['90%値の待ち', minutes(overall?.wait.p90)],
    ['平均滞在', minutes(overall?.stay.mean)],
    ['キャッシュレス率', report.cashless.rate === null ? '—' : `${(report.cashless.rate * 100).toFixed(1)}%`],
    ['アンケート回答', String(report.survey.responses)],
  ];
  return (
    <section aria-labelledby="sv-today">
      <h2 id="sv-today">本日の集計 ({report.date})</h2>
      {report.empty && <p className="notice">この日の来庁記録はまだありません。</p>}
      <dl className="sv-tiles" data-testid="today-tiles">
        {tiles.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="sv-charts">
        <HourChart report={report} />
        <WaitChart report={report} names={names} />
        <RouteChart report={report} />
      </div>
      <p className="muted">
        発券所別: {report.byStation.map((s) => `${stationNames[s.station] ?? s.station} ${s.issued}`).join('・')}
      </p>
    </section>
  );
}

function ExportSection({ defaultDate }: { defaultDate: string }) {
  const [date, setDate] = useState(defaultDate);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  useEffect(() => {
    if (!date && defaultDate) setDate(defaultDate);
  }, [defaultDate, date]);
  const download = async (format: 'csv' | 'xlsx' | 'pdf') => {
    setBusy(format);
    setMessage(null);
    try {
      const f = await call('report.export', { date: date || undefined, format });
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: f.mime }));
      const a = document.createElement('a');
      a.href = url;
      a.download = f.filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMessage({ kind: 'ok', text: `${f.filename} (${Math.round(f.size / 1024)} KB) を保存しました` });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? `${e.field ? `${e.field}: ` : ''}${e.message}` : String(e) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="sv-export">
      <h2 id="sv-export">日報の出力</h2>
      <div className="row">
        <label htmlFor="sv-date">日付</label>
        <input id="sv-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        {(['pdf', 'xlsx', 'csv'] as const).map((f) => (
          <button key={f} type="button" className={f === 'pdf' ? 'primary' : ''} disabled={busy !== null} onClick={() => void download(f)} data-testid={`export-${f}`}>
            {busy === f ? '作成中…' : { pdf: 'PDF (印刷用)', xlsx: 'Excel (XLSX)', csv: 'CSV (ZIP)' }[f]}
          </button>
        ))}
      </div>
      {message && (
        <p className={message.kind === 'ok' ? 'notice' : 'alert'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function KpiSection({ kpi }: { kpi: KpiReport }) {
  const fmt = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('ja-JP') : v.toFixed(2));
  return (
    <section aria-labelledby="sv-kpi">
      <h2 id="sv-kpi">
        KPI ({kpi.label} {kpi.from}〜{kpi.asOf})
      </h2>
      <table className="sv-table" data-testid="kpi-table">
        <thead>
          <tr>
            <th scope="col">指標</th>
            <th scope="col">年度累計</th>
            <th scope="col">目標</th>
            <th scope="col">達成率</th>
          </tr>
        </thead>
        <tbody>
          {kpi.kpis.map((k) => (
            <tr key={k.id}>
              <th scope="row">{k.name}</th>
              <td>
                {fmt(k.value)} {k.unit}
              </td>
              <td>{k.target === null ? '—' : `${fmt(k.target)} ${k.unit}`}</td>
              <td>
                {k.progress === null ? '—' : (
                  <span className={k.met ? 'sv-met' : ''}>
                    <meter min={0} max={1} value={Math.min(1, k.progress)} aria-label={`${k.name} 達成率`} /> {(k.progress * 100).toFixed(0)}%
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function UnfinishedSection({ report, names, stationNames }: { report: DailyReport; names: Record<string, string>; stationNames: Record<string, string> }) {
  const list = report.unfinishedVisits;
  return (
    <section aria-labelledby="sv-unfinished">
      <h2 id="sv-unfinished">未完了の来庁 ({list.length}件)</h2>
      <p className="muted">閉庁後の対応のため、完了も取消もされていない来庁です。</p>
      {list.length > 0 && (
        <table className="sv-table" data-testid="unfinished-table">
          <thead>
            <tr>
              <th scope="col">番号</th>
              <th scope="col">発券所</th>
              <th scope="col">状態</th>
              <th scope="col">現在の課</th>
              <th scope="col">発券時刻</th>
              <th scope="col">残りの課</th>
              <th scope="col">未処理の手続き</th>
            </tr>
          </thead>
          <tbody>
            {list.map((u) => (
              <tr key={u.visitId}>
                <th scope="row">{u.number}</th>
                <td>{stationNames[u.station] ?? u.station}</td>
                <td>{STATUS_LABELS[u.status] ?? u.status}</td>
                <td>{u.department ? departmentLabel(u.department, names) : '—'}</td>
                <td>{clock(u.issuedAt)}</td>
                <td>{u.remaining.map((d) => departmentLabel(d, names)).join(' → ')}</td>
                <td>{u.openItems}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
