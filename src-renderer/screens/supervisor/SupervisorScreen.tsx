import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DailyReport } from '../../../src-main/common/reports/daily';
import type { KpiReport, KpiValue } from '../../../src-main/common/reports/kpi';
import { stationLabeller, type SitedStation } from '../../../src-main/common/reports/stationLabel';
import { call, setStaffSession } from '../../api/client';
import { SignIn } from '../counter/SignIn';
import { useLive } from '../../api/hooks';
import { useTerminal } from '../../app/TerminalContext';
import { HourChart, RouteChart, WaitChart } from './charts';
import { useDepartmentName, useSupervisorFormat, type SupervisorFormat } from './format';
import './supervisor.css';
import { useErrorText } from '../../app/errorText';
import { DateField } from '../../app/DateField';
import { todayLocal } from '../../../src-main/common/dates/isoDate';
import { WaitColumnHeader, WaitEstimate } from '../wait/WaitEstimate';
import { DevicePairing } from './DevicePairing';
import { CatalogBehind } from './CatalogBehind';

/**
 * 監督者画面: live queues per department, today's figures with charts, the fiscal-year KPIs, the
 * day's exports and the visits still unfinished. Everything is read from the event log through
 * the reports methods and re-read on every new event (and every 30 s, since waits grow by
 * themselves).
 */
export default function SupervisorScreen() {
  const { t } = useTranslation('supervisor');
  const info = useTerminal();
  const [staff, setStaff] = useState<SignedInStaff | null>(info.staff ?? null);
  // The screen and its exports need a supervisor or administrator session (sign-in is audited).
  if (!staff) return <SignIn title={t('title')} onSignedIn={(s) => setStaff(s.staff)} />;
  return <SupervisorBoard staff={staff} onSignedOut={() => setStaff(null)} />;
}

type SignedInStaff = { id: string; name: string; role?: string };

function SupervisorBoard({ staff, onSignedOut }: { staff: SignedInStaff; onSignedOut: () => void }) {
  const { t } = useTranslation('supervisor');
  const tc = useTranslation('counter').t;
  const errText = useErrorText();
  const info = useTerminal();
  const fmt = useSupervisorFormat(info.timeZone);
  const live = useLive('supervisor.live', {});
  const today = useLive('report.daily', {});
  const kpi = useLive('report.kpi', {});
  useEffect(() => {
    const timer = setInterval(() => void live.reload(), 30_000);
    return () => clearInterval(timer);
  }, [live]);
  const signOut = async () => {
    await call('staff.signOut', {}).catch(() => undefined);
    setStaffSession(undefined);
    onSignedOut();
  };
  // A session that ended (expired, signed out elsewhere, device unpaired) returns to the sign-in.
  const ended = [live.error, today.error, kpi.error].some((e) => e?.code === 'unauthenticated');
  useEffect(() => {
    if (ended) {
      setStaffSession(undefined);
      onSignedOut();
    }
  }, [ended, onSignedOut]);
  const names = today.data?.departmentNames ?? live.data?.departmentNames ?? {};
  const report = today.data?.report;
  // Stations by (site, station): where the day holds two sites, each station is named with its site.
  const station = report
    ? stationLabeller([...report.byStation, ...report.unfinishedVisits], {
        stationNames: today.data?.stationNames ?? {},
        siteNames: today.data?.siteNames ?? {},
        format: (name, site) => t('today.atSite', { name, site }),
      })
    : (s: SitedStation) => s.station;
  return (
    <main className="supervisor" data-testid="supervisor">
      <header className="row">
        <h1>{t('title')}</h1>
        <span className="muted" data-testid="updated">
          {live.data ? t('updated', { date: fmt.date(live.data.businessDate), time: fmt.clock(live.data.at) }) : t('loading')}
        </span>
        <span data-testid="staff-name">{tc('signIn.signedInAs', { name: staff.name, id: staff.id })}</span>
        <button type="button" onClick={() => void signOut()} data-testid="sign-out">
          {tc('signIn.signOut')}
        </button>
      </header>
      {(live.error || today.error) && (
        <p className="alert" role="alert">
          {errText(live.error ?? today.error)}
        </p>
      )}
      <LiveSection names={names} data={live.data} fmt={fmt} />
      <CatalogBehind />
      {report && <TodaySection report={report} names={names} station={station} fmt={fmt} />}
      <ExportSection defaultDate={report?.date ?? live.data?.businessDate ?? ''} fmt={fmt} />
      {kpi.data && <KpiSection kpi={kpi.data} fmt={fmt} />}
      {report && <UnfinishedSection report={report} names={names} station={station} fmt={fmt} />}
      {staff.role === 'admin' && <DevicePairing fmt={fmt} />}
    </main>
  );
}

type Live = ReturnType<typeof useLive<'supervisor.live'>>['data'];

function LiveSection({ data, names, fmt }: { data: Live; names: Record<string, string>; fmt: SupervisorFormat }) {
  const { t } = useTranslation('supervisor');
  const department = useDepartmentName(names);
  const late = t('live.late');
  return (
    <section aria-labelledby="sv-live">
      <h2 id="sv-live">{t('live.title')}</h2>
      {data && (
        <>
          <p className="muted" data-testid="live-summary">
            {t('live.summary', { issued: fmt.count(data.issued), completed: fmt.count(data.completed), inProgress: fmt.count(data.inProgress) })}
          </p>
          <table className="sv-table" data-testid="live-table">
            <caption className="sr-only">{t('live.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('live.col.department')}</th>
                <th scope="col">{t('live.col.waiting')}</th>
                <th scope="col">{t('live.col.called')}</th>
                <th scope="col">{t('live.col.serving')}</th>
                <th scope="col">{t('live.col.noShow')}</th>
                <th scope="col">{t('live.col.longestWait')}</th>
                <th scope="col">{t('live.col.meanWait')}</th>
                <th scope="col">{t('live.col.recentWait')}</th>
                <WaitColumnHeader />
                <th scope="col">{t('live.col.counters')}</th>
              </tr>
            </thead>
            <tbody>
              {data.departments.map((d) => {
                const isLate = d.longestWait !== null && d.longestWait > 30 * 60;
                // Several sites: each site's line is its own row, named with its site.
                const estimate = d.site === undefined ? data.waitEstimates?.[d.department] : data.siteWaitEstimates?.[d.site]?.[d.department];
                return (
                  <tr key={`${d.site ?? ''}/${d.department}`} data-department={d.department} {...(d.site !== undefined ? { 'data-site': d.site } : {})}>
                    <th scope="row">{d.site === undefined ? department(d.department) : t('today.atSite', { name: department(d.department), site: data.siteNames?.[d.site] ?? d.site })}</th>
                    <td>{fmt.count(d.waiting)}</td>
                    <td>{fmt.count(d.called)}</td>
                    <td>{fmt.count(d.serving)}</td>
                    <td>{fmt.count(d.noShow)}</td>
                    <td className={isLate ? 'sv-late' : ''} title={isLate ? late : undefined}>
                      {fmt.minutes(d.longestWait)}
                    </td>
                    <td>{fmt.minutes(d.meanWait)}</td>
                    <td>{fmt.minutes(d.recentWait)}</td>
                    <td data-testid="sv-wait-estimate">
                      <WaitEstimate minutes={estimate} />
                    </td>
                    <td
                      title={d.counters
                        .map((c) =>
                          c.status === 'idle' || c.number === null
                            ? t('live.counterIdle', { counter: c.counter })
                            : t('live.counterBusy', { counter: c.counter, status: t(`status.${c.status}`, { defaultValue: c.status }), number: c.number }),
                        )
                        .join('\n')}
                    >
                      {t('live.openCounters', { open: fmt.count(d.openCounters), total: fmt.count(d.counters.length) })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function TodaySection({ report, names, station, fmt }: { report: DailyReport; names: Record<string, string>; station: (s: SitedStation) => string; fmt: SupervisorFormat }) {
  const { t } = useTranslation('supervisor');
  const overall = report.times.find((x) => x.department === '*');
  const tiles: Array<[key: string, value: string]> = [
    ['issued', fmt.count(report.visits.issued)],
    ['completed', fmt.count(report.visits.completed)],
    ['cancelled', fmt.count(report.visits.cancelled)],
    ['noShow', fmt.count(report.visits.noShow)],
    ['unfinished', fmt.count(report.visits.unfinished)],
    // Finishes that left procedures 未着手・受付 (with a reason or unconfirmed): workflow integrity.
    ['leftOpen', fmt.count((report.leftOpen?.confirmed ?? 0) + (report.leftOpen?.unconfirmed ?? 0))],
    ['meanWait', fmt.minutes(overall?.wait.mean)],
    ['p90Wait', fmt.minutes(overall?.wait.p90)],
    ['meanStay', fmt.minutes(overall?.stay.mean)],
    ['cashlessRate', fmt.percent(report.cashless.rate)],
    ['surveyResponses', fmt.count(report.survey.responses)],
  ];
  return (
    <section aria-labelledby="sv-today">
      <h2 id="sv-today">{t('today.title', { date: fmt.date(report.date) })}</h2>
      {report.empty && <p className="notice">{t('today.empty')}</p>}
      <dl className="sv-tiles" data-testid="today-tiles">
        {tiles.map(([k, v]) => (
          <div key={k} data-tile={k}>
            <dt>{t(`today.${k}`)}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="sv-charts">
        <HourChart report={report} />
        <WaitChart report={report} names={names} />
        <RouteChart report={report} />
      </div>
      {report.byStation.length > 0 && (
        <p className="muted" data-testid="by-station">
          {t('today.byStation', {
            list: report.byStation.map((s) => t('today.stationCount', { station: station(s), count: fmt.count(s.issued) })).join(t('today.listSeparator')),
          })}
        </p>
      )}
    </section>
  );
}

function ExportSection({ defaultDate, fmt }: { defaultDate: string; fmt: SupervisorFormat }) {
  const { t, i18n } = useTranslation('supervisor');
  const errText = useErrorText();
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
      setMessage({ kind: 'ok', text: t('export.saved', { filename: f.filename, size: fmt.count(Math.max(1, Math.round(f.size / 1024))) }) });
    } catch (e) {
      setMessage({ kind: 'error', text: errText(e) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="sv-export">
      <h2 id="sv-export">{t('export.title')}</h2>
      <div className="row">
        <label htmlFor="sv-date">{t('export.date')}</label>
        <DateField id="sv-date" label={t('export.date')} lang={i18n.language} value={date || undefined} onChange={(v) => setDate(v ?? '')} minYear={Number(defaultDate.slice(0, 4)) - 10} max={defaultDate > todayLocal() ? defaultDate : todayLocal()} testId="export-date" />
        {(['pdf', 'xlsx', 'csv'] as const).map((f) => (
          <button key={f} type="button" className={f === 'pdf' ? 'primary' : ''} disabled={busy !== null || !date} onClick={() => void download(f)} data-testid={`export-${f}`}>
            {busy === f ? t('export.busy') : t(`export.${f}`)}
          </button>
        ))}
      </div>
      {message && (
        <p className={message.kind === 'ok' ? 'notice' : 'alert'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="export-message">
          {message.text}
        </p>
      )}
    </section>
  );
}

/** The KPI units of KPI_DEFS, as unit texts of this namespace. */
const UNIT_KINDS: Readonly<Record<string, string>> = { 件: 'count', '%': 'percent', 点: 'points', 分: 'minutes' };

function KpiSection({ kpi, fmt }: { kpi: KpiReport; fmt: SupervisorFormat }) {
  const { t } = useTranslation('supervisor');
  const number = (v: number) => (Number.isInteger(v) ? fmt.count(v) : fmt.decimal(v, 2));
  const withUnit = (k: KpiValue, v: number | null) => {
    if (v === null) return t('none');
    const kind = UNIT_KINDS[k.unit];
    return kind ? t(`kpi.unit.${kind}`, { value: number(v) }) : `${number(v)} ${k.unit}`;
  };
  const fiscalYear = t('kpi.fiscalYear', { label: kpi.label, year: kpi.fiscalYear });
  return (
    <section aria-labelledby="sv-kpi">
      <h2 id="sv-kpi">{t('kpi.title', { fiscalYear, from: fmt.day(kpi.from), to: fmt.day(kpi.asOf) })}</h2>
      <table className="sv-table" data-testid="kpi-table">
        <caption className="sr-only">{t('kpi.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('kpi.col.name')}</th>
            <th scope="col">{t('kpi.col.value')}</th>
            <th scope="col">{t('kpi.col.target')}</th>
            <th scope="col">{t('kpi.col.progress')}</th>
          </tr>
        </thead>
        <tbody>
          {kpi.kpis.map((k) => {
            const name = t(`kpi.name.${k.id}`, { defaultValue: k.name });
            return (
              <tr key={k.id} data-kpi={k.id}>
                <th scope="row">{name}</th>
                <td>
                  {withUnit(k, k.value)}
                  {k.detail &&
                    Object.entries(k.detail).map(([key, v]) => (
                      <span key={key} className="muted sv-kpi-detail" data-detail={key}>
                        {' '}
                        {t(`kpi.detail.${key}`, { value: number(v), defaultValue: `(${key} ${number(v)})` })}
                      </span>
                    ))}
                </td>
                <td>{withUnit(k, k.target)}</td>
                <td>
                  {k.progress === null ? (
                    t('none')
                  ) : (
                    <span className={k.met ? 'sv-met' : ''}>
                      <meter min={0} max={1} value={Math.min(1, k.progress)} aria-label={t('kpi.progressOf', { name })} /> {fmt.percent(k.progress, 0)}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function UnfinishedSection({ report, names, station, fmt }: { report: DailyReport; names: Record<string, string>; station: (s: SitedStation) => string; fmt: SupervisorFormat }) {
  const { t } = useTranslation('supervisor');
  const department = useDepartmentName(names);
  const list = report.unfinishedVisits;
  return (
    <section aria-labelledby="sv-unfinished">
      <h2 id="sv-unfinished">{t('unfinished.title', { count: list.length })}</h2>
      <p className="muted">{t('unfinished.help')}</p>
      {list.length > 0 && (
        <table className="sv-table" data-testid="unfinished-table">
          <thead>
            <tr>
              <th scope="col">{t('unfinished.col.number')}</th>
              <th scope="col">{t('unfinished.col.station')}</th>
              <th scope="col">{t('unfinished.col.status')}</th>
              <th scope="col">{t('unfinished.col.department')}</th>
              <th scope="col">{t('unfinished.col.issuedAt')}</th>
              <th scope="col">{t('unfinished.col.remaining')}</th>
              <th scope="col">{t('unfinished.col.openItems')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((u) => (
              <tr key={u.visitId} data-visit={u.visitId}>
                <th scope="row">{u.number}</th>
                <td>{station(u)}</td>
                <td>{t(`status.${u.status}`, { defaultValue: u.status })}</td>
                <td>{u.department ? department(u.department) : t('none')}</td>
                <td>{fmt.clock(u.issuedAt)}</td>
                <td>{u.remaining.map(department).join(t('unfinished.arrow'))}</td>
                <td>{fmt.count(u.openItems)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
