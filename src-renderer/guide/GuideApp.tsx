import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { businessDate } from '../../src-main/common/dates/businessDay';
import { LIFE_EVENTS, type LifeEvent } from '../../src-main/common/guidance/facts';
import { visitBring, visitRoute } from '../../src-main/common/guidance/guide';
import { answersFromFacts, encodeHandover, HandoverError, readHandover } from '../../src-main/common/handover';
import type { Answers, MemberAnswer } from '../../src-main/common/questions';
import { GuidanceList } from '../guidance/GuidanceList';
import { QuestionForm } from '../guidance/QuestionForm';
import { Ruby } from '../guidance/Ruby';
import { useCatalogText } from '../guidance/useCatalogText';
import { useGuidance } from '../guidance/useGuidance';
import { loadGuideCatalog } from './catalog';
import { sendCompletion } from './completion';
import { guideConfig } from './config';
import { HandoverQr } from './HandoverQr';
import { switchLanguage } from './i18n';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from './languages';
import { download, listAsText } from './saveList';

/** `#facts=<hand-over code>&lang=<language>`: opens a saved code (and lets tests reach every case). */
function readHash(): { code?: string; lang?: string } {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { code: p.get('facts') ?? undefined, lang: p.get('lang') ?? undefined };
}

/**
 * 行かない窓口: the resident's side of the concierge. The same question flow, engine, catalog and
 * list component as the kiosk; nothing leaves the phone but the QR code the resident shows.
 */
export function GuideApp({ offlineReady }: { offlineReady: Promise<boolean> }) {
  const { t, i18n } = useTranslation('guide');
  const lang = i18n.language;
  const tl = useMemo(() => i18n.getFixedT(lang, 'guidance'), [i18n, lang]);
  const ct = useCatalogText(lang);
  const [{ catalog, error: catalogError }] = useState(loadGuideCatalog);
  const [events, setEvents] = useState<LifeEvent[]>([]);
  const [answers, setAnswers] = useState<Answers>({});
  const [detail, setDetail] = useState(false);
  const [date, setDate] = useState(() => businessDate(new Date(), guideConfig.timeZone));
  const [done, setDone] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'notice' | 'alert'; key: string; message?: string } | null>(null);
  const [offline, setOffline] = useState(false);
  const qrHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // On opening, and when another saved link is opened in the same tab.
    const apply = () => {
      const { code, lang: l } = readHash();
      if (l && isLanguage(l)) void switchLanguage(l);
      if (!code) return;
      try {
        const { facts, lang: codeLang } = readHandover(code);
        if (!l && codeLang) void switchLanguage(codeLang);
        setEvents(facts.events);
        setAnswers(answersFromFacts(facts));
        setDate(facts.date);
        setDone(false);
        setNotice({ kind: 'notice', key: 'loaded' });
      } catch (e) {
        const problem = e instanceof HandoverError ? e.problem : 'damaged';
        setNotice({ kind: 'alert', key: `handover.problem.${problem}`, message: (e as Error).message });
      }
    };
    apply();
    window.addEventListener('hashchange', apply);
    return () => window.removeEventListener('hashchange', apply);
  }, []);

  useEffect(() => {
    let live = true;
    void offlineReady.then((ok) => live && setOffline(ok));
    return () => {
      live = false;
    };
  }, [offlineReady]);

  const g = useGuidance(catalog, events, answers, { date, detail, lang, closedDays: guideConfig.closedDays });
  const items = g.result?.procedures ?? [];
  const code = useMemo(() => {
    if (!g.facts) return null;
    try {
      return encodeHandover(g.facts, { lang });
    } catch {
      return null;
    }
  }, [g.facts, lang]);

  useEffect(() => {
    if (done) qrHeading.current?.focus();
  }, [done]);

  if (catalogError || !catalog) {
    return (
      <main className="guide" role="alert">
        {t('catalogError', { message: catalogError ?? '' })}
      </main>
    );
  }

  const route = visitRoute(items, catalog);
  const bringAll = visitBring(items);
  const members = (answers.members as MemberAnswer[] | undefined) ?? [];

  const finish = () => {
    setDone(true);
    // Counted on the day the guide is finished: a saved link keeps its list's date (`date`), and
    // a count dated then would land on the wrong day of the report, or be refused after a week.
    sendCompletion(businessDate(new Date(), guideConfig.timeZone), lang);
  };

  const save = () => {
    const text = listAsText(items, catalog, { t: t as never, tl: tl as never, ct, date, lang, ...(code ? { code } : {}) });
    download(text, `madoguchi-guide-${date}.txt`);
  };

  return (
    <>
      <a className="skip" href="#list-title">
        {t('skip')}
      </a>
      <header className="guide-header">
        <div className="title-row">
          <h1>
            <Ruby text={t('title')} />
            <span className="city">{t('city')}</span>
          </h1>
          <div className="lang-picker">
            <label htmlFor="guide-lang">{t('language') === 'Language' ? 'Language' : `${t('language')} / Language`}</label>
            <select id="guide-lang" value={lang} onChange={(e) => void switchLanguage(e.target.value)} data-testid="guide-lang">
              {LANGUAGES.map((l) => (
                <option key={l} value={l} lang={l === 'ja-easy' ? 'ja' : l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="intro">
          <Ruby text={t('intro')} />
        </p>
      </header>

      <main className="guide">
        {notice && (
          <p className={notice.kind} role={notice.kind === 'alert' ? 'alert' : 'status'} data-testid="guide-notice">
            {notice.key === 'loaded' ? t('loaded') : t('loadError', { message: t(notice.key, { message: notice.message ?? '' }) })}
          </p>
        )}

        <section className="step events-step" aria-labelledby="events-title">
          <h2 id="events-title">
            <Ruby text={t('step.events')} />
          </h2>
          <div className="event-buttons" role="group" aria-labelledby="events-title">
            {LIFE_EVENTS.map((e) => (
              <button
                type="button"
                key={e}
                data-event={e}
                aria-pressed={events.includes(e)}
                onClick={() => setEvents((cur) => (cur.includes(e) ? cur.filter((x) => x !== e) : [...cur, e]))}
              >
                <Ruby text={ct(`event.${e}`)} />
              </button>
            ))}
          </div>
        </section>

        {events.length > 0 && (
          <section className="step questions-step" aria-labelledby="questions-title">
            <h2 id="questions-title">
              <Ruby text={t('step.questions')} />
            </h2>
            {g.asksMembers && (
              <QuestionForm questions={[{ id: 'members', tier: 'core', type: 'members', fact: 'members', textKey: 'question.members' }]} answers={answers} onChange={setAnswers} lang={lang} members={members} />
            )}
            <QuestionForm questions={g.questions} answers={answers} onChange={setAnswers} lang={lang} members={members} />
            {g.questions.length === 0 && !g.asksMembers && (
              <p className="muted">
                <Ruby text={t('noQuestions')} />
              </p>
            )}
            <button type="button" aria-pressed={detail} onClick={() => setDetail((d) => !d)}>
              <Ruby text={t('moreDetail')} />
            </button>
          </section>
        )}

        <section className="step list-step" aria-labelledby="list-title">
          <h2 id="list-title" tabIndex={-1}>
            <Ruby text={t('step.list', { n: items.length })} />
          </h2>
          <p className="print-only">{t('madeOn', { date })}</p>
          {g.error && (
            <p className="alert" role="alert" data-testid="facts-error">
              {g.error.field ? `${g.error.field}: ` : ''}
              {g.error.message}
            </p>
          )}
          {events.length === 0 ? (
            <p className="muted">
              <Ruby text={t('chooseEvent')} />
            </p>
          ) : (
            <>
              {route.length > 0 && (
                <div className="route">
                  <h3>
                    <Ruby text={t('route')} />
                  </h3>
                  <ol>
                    {route.map((d) => (
                      <li key={d}>
                        <Ruby text={t('routeStop', { place: ct(`department.${d}`), counter: catalog.departments[d]?.counter ?? '', floor: catalog.departments[d]?.floor ?? '' })} />
                      </li>
                    ))}
                  </ol>
                </div>
              )}
              <GuidanceList items={items} lang={lang} showIds={false} />
              {bringAll.length > 0 && (
                <div className="bring-all">
                  <h3>
                    <Ruby text={t('bringAll')} />
                  </h3>
                  <ul>
                    {bringAll.map((b) => (
                      <li key={b.id}>
                        <Ruby text={ct(`bring.${b.id}`, b.name)} />
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </>
          )}
        </section>

        {events.length > 0 && g.facts && (
          <section className="step actions" aria-labelledby="actions-title">
            <h2 id="actions-title">
              <Ruby text={t('actions.title')} />
            </h2>
            <div className="action-buttons">
              <button type="button" onClick={() => window.print()} data-testid="print">
                <Ruby text={t('actions.print')} />
              </button>
              <button type="button" onClick={save} data-testid="save">
                <Ruby text={t('actions.save')} />
              </button>
              {!done && (
                <button type="button" className="primary" onClick={finish} data-testid="finish">
                  <Ruby text={t('actions.finish')} />
                </button>
              )}
            </div>
          </section>
        )}

        {done && code && (
          <section className="step qr-step" aria-labelledby="qr-title">
            <h2 id="qr-title" ref={qrHeading} tabIndex={-1}>
              <Ruby text={t('qr.title')} />
            </h2>
            <p>
              <Ruby text={t('qr.help')} />
            </p>
            <HandoverQr code={code} count={items.length} />
          </section>
        )}
      </main>

      <footer className="guide-footer">
        <p>
          <Ruby text={t('privacy')} />
        </p>
        {guideConfig.completionCountUrl && (
          <p>
            <Ruby text={t('completionNote')} />
          </p>
        )}
        {offline && (
          <p role="status" data-testid="offline-ready">
            <Ruby text={t('offline')} />
          </p>
        )}
      </footer>
    </>
  );
}
