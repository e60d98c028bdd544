import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { CounterQueue, QueueEntry } from '../../../src-main/common/contract/counter';
import type { VisitState } from '../../../src-main/common/visit/state';
import { useTerminal } from '../../app/TerminalContext';
import { useCatalogText } from '../../guidance/useCatalogText';
import { minutesSince, timeOf } from './items';
import type { Actions } from './Workstation';

/** The department's line: call next / a number, who waits, who is called where, no-shows, who is coming. */
export function QueuePanel({ queue, actions, busy, numberRef, current }: { queue?: CounterQueue; actions: Actions; busy: boolean; numberRef: RefObject<HTMLInputElement | null>; current: VisitState | null }) {
  const { t } = useTranslation('counter');
  const info = useTerminal();
  const ct = useCatalogText();
  const [num, setNum] = useState('');
  const now = Date.now();
  const entry = (e: QueueEntry, i = 0) => (
    <li key={e.visitId} data-number={e.number} data-visit-id={e.visitId} className={e.priority ? 'priority' : undefined}>
      <span className="q-number">{e.number}</span>
      {e.priority && <span className="badge priority-badge">{t('queue.priority')}</span>}
      <span className="q-meta">
        {e.counter
          ? t('queue.atCounter', { counter: e.counter })
          : e.from.length > 0
            ? t('queue.from', { place: e.from.map((d) => ct(`department.${d}`)).join('・') })
            : t('queue.issuedAt', { time: timeOf(e.issuedAt, info.timeZone) })}
        {e.status === 'waiting' && ` · ${t('queue.waited', { n: minutesSince(e.arrivedAt ?? e.issuedAt, now) })}`}
      </span>
      {e.status === 'no-show' && (
        <button type="button" onClick={() => actions.reactivate(e.visitId)} disabled={busy} data-testid="reactivate" aria-label={t('queue.reactivateLabel', { number: e.number })}>
          {t('action.reactivate')}
          {i === 0 && <kbd>V</kbd>}
        </button>
      )}
      <button type="button" className="link" onClick={() => actions.open(e.visitId)} aria-label={t('queue.openLabel', { number: e.number })}>
        {t('action.open')}
      </button>
    </li>
  );
  return (
    <section className="queue-panel" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <button type="button" className="primary big" onClick={() => actions.callNext()} disabled={busy || !!current} data-testid="call-next">
        {t('action.callNext')}
        <kbd>N</kbd>
      </button>
      <form
        className="row call-number"
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(num);
          if (Number.isInteger(n) && n > 0) {
            actions.callNumber(n);
            setNum('');
          }
        }}
      >
        <label htmlFor="call-number-input">
          {t('action.callNumber')}
          <kbd>G</kbd>
        </label>
        <input id="call-number-input" ref={numberRef} inputMode="numeric" pattern="[0-9]*" size={6} value={num} onChange={(e) => setNum(e.target.value.replace(/\D/g, ''))} data-testid="call-number-input" />
        <button type="submit" disabled={busy || !num} data-testid="call-number">
          {t('action.call')}
        </button>
      </form>
      {!queue ? (
        <p className="muted">{t('loading')}</p>
      ) : (
        <>
          <h3 id="waiting-title">
            {t('queue.waiting')} <span className="count">{queue.waiting.length}</span>
          </h3>
          {queue.waiting.length === 0 ? <p className="muted">{t('queue.empty')}</p> : <ol className="queue-list" aria-labelledby="waiting-title" data-testid="waiting">{queue.waiting.map(entry)}</ol>}
          {queue.active.length > 0 && (
            <>
              <h3 id="active-title">{t('queue.active')}</h3>
              <ul className="queue-list" aria-labelledby="active-title" data-testid="active">
                {queue.active.map(entry)}
              </ul>
            </>
          )}
          {queue.noShows.length > 0 && (
            <>
              <h3 id="noshow-title">{t('queue.noShows')}</h3>
              <ul className="queue-list" aria-labelledby="noshow-title" data-testid="no-shows">
                {queue.noShows.map(entry)}
              </ul>
            </>
          )}
          <h3 id="coming-title">
            {t('queue.coming')} <span className="count">{queue.coming.length}</span>
          </h3>
          {queue.coming.length === 0 ? (
            <p className="muted">{t('queue.noneComing')}</p>
          ) : (
            <ul className="queue-list coming" aria-labelledby="coming-title" data-testid="coming">
              {queue.coming.map((c) => (
                <li key={c.visitId} data-number={c.number}>
                  <span className="q-number">{c.number}</span>
                  <span className="q-meta">{t('queue.now', { place: ct(`department.${c.at}`), n: c.stopsAway, count: c.stopsAway })}</span>
                  <button type="button" className="link" onClick={() => actions.open(c.visitId)} aria-label={t('queue.openLabel', { number: c.number })}>
                    {t('action.open')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
