import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IssuedTicket, PrintOutcome } from '../../../src-main/common/contract/kiosk';
import { LIFE_EVENTS, type LifeEvent } from '../../../src-main/common/guidance/facts';
import type { Answers, MemberAnswer } from '../../../src-main/common/questions';
import { LANGUAGES } from '../../../src-main/common/config/schema';
import { call } from '../../api/client';
import { useErrorText } from '../../app/errorText';
import { useTerminal } from '../../app/TerminalContext';
import { GuidanceList } from '../../guidance/GuidanceList';
import { Ruby } from '../../guidance/Ruby';
import { Interview } from '../../guidance/Interview';
import { useTerminalCatalog } from '../../guidance/useCatalog';
import { useCatalogText } from '../../guidance/useCatalogText';
import { useGuidance } from '../../guidance/useGuidance';
import { LANGUAGE_NAMES } from '../../i18n';
import { AddProcedure } from './AddProcedure';
import { PrintListButton } from './PrintListButton';
import { HandoverInput } from './HandoverInput';
import { RemoveDialog } from './RemoveDialog';
import { WaitEstimate } from '../wait/WaitEstimate';
import { ReturnedVisitor } from './ReturnedVisitor';

interface Adjustment {
  itemId: string;
  action: 'added' | 'removed';
  reason: string;
}

/**
 * The concierge (総合案内): why the visitor came, a few questions, the full list, then one ticket
 * whose number serves the visitor at every counter on the route.
 */
export default function KioskScreen() {
  const { t, i18n } = useTranslation('kiosk');
  const info = useTerminal();
  const { catalog, error: catalogError } = useTerminalCatalog();
  const ct = useCatalogText();
  const errText = useErrorText();
  const [events, setEvents] = useState<LifeEvent[]>([]);
  const [answers, setAnswers] = useState<Answers>({});
  const [visitorLang, setVisitorLang] = useState<string>(info.defaultLanguage);
  const [priority, setPriority] = useState(false);
  const [detail, setDetail] = useState(false);
  const [adjustments, setAdjustments] = useState<Adjustment[]>([]);
  const [source, setSource] = useState<'kiosk' | 'guide-qr'>('kiosk');
  const [removing, setRemoving] = useState<string | null>(null);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<IssuedTicket | null>(null);
  const [print, setPrint] = useState<PrintOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** A fresh interview (its open questions and summary) for each visitor. */
  const [visitKey, setVisitKey] = useState(0);

  const g = useGuidance(catalog, events, answers, { date: info.businessDate, detail, lang: i18n.language, closedDays: info.closedDays });
  const removed = new Set(adjustments.filter((a) => a.action === 'removed').map((r) => r.itemId));
  const added = adjustments.filter((a) => a.action === 'added');
  const items = (g.result?.procedures ?? []).filter((p) => !removed.has(p.id));
  const listed = new Set([...items.map((i) => i.id), ...added.map((a) => a.itemId)]);

  const reset = () => {
    setVisitKey((k) => k + 1);
    setEvents([]);
    setAnswers({});
    setPriority(false);
    setDetail(false);
    setAdjustments([]);
    setIssued(null);
    setPrint(null);
    setError(null);
    setVisitorLang(info.defaultLanguage);
    setSource('kiosk');
  };

  const issue = useCallback(async () => {
    if (!g.facts || issuing) return;
    setIssuing(true);
    setError(null);
    try {
      const r = await call('ticket.issue', {
        lang: visitorLang as (typeof LANGUAGES)[number],
        priority,
        facts: g.facts as unknown as Record<string, unknown>,
        adjustments,
        source,
      });
      setIssued(r);
      setPrint(r.print);
    } catch (e) {
      setError(errText(e));
    } finally {
      setIssuing(false);
    }
  }, [g.facts, issuing, visitorLang, priority, adjustments, source]);

  const reprint = async () => {
    if (!issued) return;
    setError(null);
    try {
      setPrint(await call('ticket.reprint', { visitId: issued.visit.id }));
    } catch (e) {
      setError(errText(e));
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key === 'Enter' && !issued) void issue();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [issue, issued]);

  if (catalogError) return <main className="fatal" role="alert">{t('catalogError', { message: catalogError })}</main>;
  if (!catalog) return <main className="loading">{t('loading')}</main>;
  const station = info.stations.find((s) => s.id === info.terminal.station);

  if (issued) {
    const first = issued.visit.route[0];
    return (
      <main className="kiosk-done">
        <section className="ticket-issued" aria-labelledby="issued-title" data-testid="ticket-issued">
          <h1 id="issued-title">{t('issued.title')}</h1>
          <div className="ticket-number" data-testid="ticket-number">
            {issued.number}
          </div>
          {first && <p className="lead">{t('issued.firstStop', { place: ct.plain(`department.${first}`), counter: catalog.departments[first]?.counter ?? '' })}</p>}
          {issued.visit.route.length > 1 && (
            <p>
              {t('issued.then')} {issued.visit.route.slice(1).map((d) => ct.plain(`department.${d}`)).join(' → ')}
            </p>
          )}
          <p>{t('issued.waiting', { n: issued.waitingAhead })}</p>
          <p>
            <WaitEstimate minutes={issued.estimatedWaitMinutes} variant="issued" />
          </p>
          <div role="status" data-testid="print-status" className={print?.state === 'failed' ? 'alert' : 'notice'}>
            {print === null ? t('print.none') : print.state === 'printed' ? t('print.printed') : t('print.failed', { message: print.message ?? '' })}
          </div>
          <div className="row" style={{ justifyContent: 'center' }}>
            <PrintListButton visitId={issued.visit.id} number={issued.number} lang={issued.visit.lang} />
            {print && (
              <button type="button" onClick={reprint} data-testid="reprint">
                {t('print.reprint')}
              </button>
            )}
            <button type="button" className="primary" onClick={reset} autoFocus data-testid="next-visitor">
              {t('issued.next')}
            </button>
          </div>
          {error && (
            <p className="alert" role="alert">
              {error}
            </p>
          )}
        </section>
      </main>
    );
  }

  return (
    <main className="kiosk">
      <section aria-labelledby="kiosk-title">
        <div className="row">
          <h1 id="kiosk-title">
            {t('title')} {station ? `· ${station.name}` : ''}
          </h1>
          <span className="spacer" />
          <label htmlFor="ui-lang">{t('uiLanguage')}</label>
          <select id="ui-lang" value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </div>
        <HandoverInput onHandover={(ev, a, _f, lang) => (setVisitKey((k) => k + 1), setEvents(ev), setAnswers(a), setAdjustments([]), setSource('guide-qr'), lang && setVisitorLang(lang))} />
        <ReturnedVisitor />

        <fieldset>
          <legend>{t('purpose')}</legend>
          <div className="grid-buttons" role="group" aria-label={t('purpose')}>
            {LIFE_EVENTS.map((e) => (
              <button
                type="button"
                key={e}
                data-event={e}
                aria-pressed={events.includes(e)}
                onClick={() => {
                  setEvents((cur) => (cur.includes(e) ? cur.filter((x) => x !== e) : [...cur, e]));
                  setAdjustments([]);
                }}
              >
                <Ruby text={ct(`event.${e}`)} />
              </button>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('visitor')}</legend>
          <div className="row">
            <label htmlFor="visitor-lang">{t('visitorLanguage')}</label>
            <select id="visitor-lang" value={visitorLang} onChange={(e) => setVisitorLang(e.target.value)} data-testid="visitor-lang">
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
            <button type="button" aria-pressed={priority} onClick={() => setPriority((p) => !p)} data-testid="priority">
              {t('priority')}
            </button>
          </div>
        </fieldset>

        {events.length > 0 && (
          <>
            <Interview
              key={visitKey}
              questions={g.questions}
              answers={answers}
              onChange={setAnswers}
              lang={i18n.language}
              members={(answers.members as MemberAnswer[] | undefined) ?? []}
              events={events}
              asksMembers={g.asksMembers}
            />
            <button type="button" aria-pressed={detail} onClick={() => setDetail((d) => !d)}>
              {t('moreDetail')}
            </button>
          </>
        )}
      </section>

      <aside aria-labelledby="list-title">
        <h2 id="list-title">{t('listTitle', { n: items.length + added.length })}</h2>
        {g.error && (
          <p className="alert" role="alert" data-testid="facts-error">
            {g.error.field ? `${g.error.field}: ` : ''}
            {g.error.message}
          </p>
        )}
        {events.length === 0 ? <p className="muted">{t('chooseEvent')}</p> : <GuidanceList items={items} lang={i18n.language} onRemove={(id) => setRemoving(id)} />}
        {events.length > 0 && <AddProcedure catalog={catalog} listed={listed} onAdd={(itemId, reason) => setAdjustments((cur) => [...cur, { itemId, action: 'added', reason }])} />}
        {adjustments.length > 0 && (
          <div className="notice" data-testid="adjustments">
            {t('adjustedTitle')}
            <ul>
              {adjustments.map((r) => (
                <li key={r.itemId}>
                  {t(`adjusted.${r.action}`)}: <Ruby text={ct(`procedure.${r.itemId}`)} /> — {r.reason}{' '}
                  <button type="button" onClick={() => setAdjustments((cur) => cur.filter((x) => x.itemId !== r.itemId))}>
                    {t('undoRemove')}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {removing && (
          <RemoveDialog
            name={ct.plain(`procedure.${removing}`)}
            onCancel={() => setRemoving(null)}
            onConfirm={(reason) => {
              setAdjustments((cur) => [...cur, { itemId: removing, action: 'removed', reason }]);
              setRemoving(null);
            }}
          />
        )}
        {error && (
          <p className="alert" role="alert" data-testid="issue-error">
            {error}
          </p>
        )}
        <button type="button" className="primary" style={{ width: '100%', minHeight: 72, fontSize: '1.4rem', marginTop: '1rem' }} disabled={!g.facts || issuing || events.length === 0} onClick={issue} data-testid="issue-ticket">
          {issuing ? t('issuing') : t('issue')}
          <kbd>Ctrl+Enter</kbd>
        </button>
      </aside>
    </main>
  );
}
