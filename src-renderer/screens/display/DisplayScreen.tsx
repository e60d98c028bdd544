import { stripRuby } from '../../../src-main/common/i18n/ruby';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PushMap } from '../../../src-main/common/contract';
import { onPush } from '../../api/client';
import { useLink, useLive } from '../../api/hooks';
import { useCatalogText } from '../../guidance/useCatalogText';
import { fixedT, i18n } from '../../i18n';
import './display.css';
import { audioContext, audioReady, chime, enableAudio, speak, warmVoices } from './announce';
import { WaitEstimate } from '../wait/WaitEstimate';

/**
 * 呼出表示 for the hall: the number just called, huge; the last calls with their counters; who is
 * at each counter; how many wait per department. Re-reads on every push, chimes and speaks on a
 * call, and shows plainly when the link is down (EventSource reconnects by itself).
 */
export default function DisplayScreen() {
  const { t } = useTranslation('display');
  const en = fixedT('en', 'display');
  const ct = useCatalogText();
  const state = useLive('display.state', { limit: 9 });
  const link = useLink();
  const [flash, setFlash] = useState<PushMap['call'] | null>(null);
  const [sound, setSound] = useState(false);
  const [chimes, setChimes] = useState(0);
  const [spoken, setSpoken] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    warmVoices();
    const c = audioContext();
    setSound(audioReady());
    const onState = () => setSound(audioReady());
    c?.addEventListener('statechange', onState);
    return () => c?.removeEventListener('statechange', onState);
  }, []);

  useEffect(
    () =>
      onPush('call', (c) => {
        setFlash(c);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => setFlash(null), 8000);
        void state.reload();
        if (chime()) setChimes((n) => n + 1);
        const parts = [{ text: t('speech', { number: c.number, counter: c.counter, lng: 'ja' }), lang: 'ja' }];
        if (c.lang !== 'ja' && i18n.exists('speech', { ns: 'display', lng: c.lang })) parts.push({ text: fixedT(c.lang, 'display')('speech', { number: c.number, counter: c.counter }), lang: c.lang });
        // Let the chime finish before the voice starts.
        setTimeout(() => setSpoken(speak(parts).join(' ')), 1300);
      }),
    [state, t],
  );

  // Back from a broken link: calls made meanwhile were not pushed to us, so re-read everything.
  const wasUp = useRef(link);
  useEffect(() => {
    if (link && !wasUp.current) void state.reload();
    wasUp.current = link;
  }, [link, state]);

  const d = state.data;
  const latest = d?.recent[0];
  // The second line speaks to the visitor just called: their ticket's language (English for a
  // Japanese ticket, and where a language has no display texts).
  const second = latest && latest.lang !== 'ja' && i18n.exists('goTo', { ns: 'display', lng: latest.lang }) ? latest.lang : 'en';
  const sec = fixedT(second, 'display');
  const rest = d?.recent.slice(1, 9) ?? [];
  return (
    <main className="display" data-testid="display" data-last-call={flash ? `${flash.number}@${flash.counter}` : ''} data-chimes={chimes} data-spoken={spoken}>
      {!link && (
        <div className="display-reconnecting" role="alert" data-testid="reconnecting">
          {t('reconnecting')} <span lang="en">/ {en('reconnecting')}</span>
        </div>
      )}
      <header className="display-head">
        <h1>
          {t('title')} <span lang="en" className="display-en">{en('title')}</span>
        </h1>
        {!sound && (
          <button type="button" className="display-sound" onClick={() => void enableAudio().then(setSound)} data-testid="enable-sound">
            {t('enableSound')}
          </button>
        )}
      </header>
      <div className="display-grid">
        <section className={`display-now${flash && latest && flash.number === latest.number ? ' flash' : ''}`} aria-labelledby="now-title" aria-live="assertive" aria-atomic="true">
          <h2 id="now-title">
            {t('now')} <span lang="en" className="display-en">{en('now')}</span>
          </h2>
          {latest ? (
            <>
              <p className="display-number" data-testid="display-latest">
                {latest.number}
              </p>
              <p className="display-counter" data-testid="display-latest-counter">
                {t('counter', { counter: latest.counter })}
                <span className="display-dept">{ct(`department.${latest.department}`)}</span>
              </p>
              <p className="display-en display-counter-en" lang={second} data-testid="display-latest-second">
                {sec('goTo', { counter: latest.counter })} · {stripRuby(i18n.t(`department.${latest.department}`, { ns: 'catalog', lng: second, defaultValue: ct.plain(`department.${latest.department}`) }))}
              </p>
            </>
          ) : (
            <p className="display-idle">{t('noCalls')}</p>
          )}
        </section>

        <section className="display-recent" aria-labelledby="recent-title">
          <h2 id="recent-title">
            {t('recent')} <span lang="en" className="display-en">{en('recent')}</span>
          </h2>
          {rest.length === 0 && <p className="display-empty">{t('noEarlier')}</p>}
          <ol className="recent-list" data-testid="display-recent">
            {rest.map((c) => (
              <li key={`${c.number}-${c.at}`} data-number={c.number} data-counter={c.counter}>
                <span className="recent-number">{c.number}</span>
                <span className="recent-counter">{t('counter', { counter: c.counter })}</span>
              </li>
            ))}
          </ol>
        </section>

        <section className="display-counters" aria-labelledby="counters-title">
          <h2 id="counters-title">
            {t('serving')} <span lang="en" className="display-en">{en('serving')}</span>
          </h2>
          <ul className="counter-list" data-testid="display-counters">
            {(d?.counters ?? []).map((c) => (
              <li key={`${c.department}-${c.counter}`} data-counter={c.counter} data-number={c.number ?? ''}>
                <span className="cl-counter">{t('counter', { counter: c.counter })}</span>
                <span className="cl-dept">{ct(`department.${c.department}`)}</span>
                <span className={c.number === null ? 'cl-number free' : 'cl-number'}>{c.number ?? '—'}</span>
              </li>
            ))}
          </ul>
        </section>

        <section className="display-waiting" aria-labelledby="waiting-title">
          <h2 id="waiting-title">
            {t('waiting')} <span lang="en" className="display-en">{en('waiting')}</span>
          </h2>
          <ul className="waiting-list" data-testid="display-waiting">
            {(d?.waiting ?? []).map((w) => (
              <li key={w.department} data-department={w.department} data-count={w.count}>
                <span>{ct(`department.${w.department}`)}</span>
                <span className="wl-count">{t('people', { n: w.count })}</span>
                {w.count > 0 && <WaitEstimate minutes={w.estimateMinutes} />}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
