import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { itemsLeftOpen } from '../../../src-main/common/visit/integrity';
import type { VisitState } from '../../../src-main/common/visit/state';
import { useCatalogText } from '../../guidance/useCatalogText';
import type { Actions } from './Workstation';

/**
 * Before a finish or hand-over leaves procedures 未着手 or 受付: each one is named, and the clerk
 * moves it on (案内済 to its department, 事後交付, 取下げ with a reason) or confirms leaving them
 * with a reason. The same rule is enforced by counter.finish; this panel only makes it easy.
 */
export function FinishCheck({ visit: v, actions, busy, onClose }: { visit: VisitState; actions: Actions; busy: boolean; onClose: () => void }) {
  const { t } = useTranslation('counter');
  const ct = useCatalogText();
  const open = itemsLeftOpen(v);
  const [declining, setDeclining] = useState<string | null>(null);
  const [declineReason, setDeclineReason] = useState('');
  const [reason, setReason] = useState('');
  const last = v.stop + 1 >= v.route.length;
  const next = v.route[v.stop + 1];
  return (
    <section className="panel finish-check" aria-labelledby="finish-check-title" data-testid="finish-check">
      <h3 id="finish-check-title">{t('finishCheck.title', { n: open.length })}</h3>
      {open.length === 0 ? (
        <p>{t('finishCheck.allSettled')}</p>
      ) : (
        <>
          <p>{t('finishCheck.help')}</p>
          <ul className="finish-open" data-testid="finish-open">
            {open.map((it) => (
              <li key={it.id} data-open-item={it.id}>
                <div className="row">
                  <strong>{ct(`procedure.${it.id}`)}</strong>
                  <span className={`badge item-${it.status}`}>{t(`itemStatus.${it.status}`)}</span>
                  <span className="muted">{ct(`department.${it.department}`)}</span>
                  <span className="spacer" />
                  {it.department !== v.route[v.stop] && (
                    <button type="button" onClick={() => actions.itemStatus(v, it.id, 'referred')} disabled={busy} data-testid="open-referred">
                      {t('finishCheck.referred', { place: ct(`department.${it.department}`) })}
                    </button>
                  )}
                  <button type="button" onClick={() => actions.itemStatus(v, it.id, 'awaiting-delivery')} disabled={busy} data-testid="open-later">
                    {t('finishCheck.later')}
                  </button>
                  <button type="button" className="danger" onClick={() => setDeclining(declining === it.id ? null : it.id)} aria-expanded={declining === it.id} disabled={busy} data-testid="open-decline">
                    {t('finishCheck.decline')}
                  </button>
                </div>
                {declining === it.id && (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (!declineReason.trim()) return;
                      actions.itemStatus(v, it.id, 'declined', declineReason.trim());
                      setDeclineReason('');
                      setDeclining(null);
                    }}
                  >
                    <label htmlFor={`decline-${it.id}`}>{t('finishCheck.declineReason')}</label>
                    <input id={`decline-${it.id}`} value={declineReason} onChange={(e) => setDeclineReason(e.target.value)} required data-testid="open-decline-reason" />
                    <button type="submit" disabled={busy || !declineReason.trim()} data-testid="open-decline-confirm">
                      {t('finishCheck.declineConfirm')}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (open.length > 0 && !reason.trim()) return;
          actions.finish(v, open.length > 0 ? reason.trim() : undefined);
        }}
      >
        {open.length > 0 && (
          <>
            <label htmlFor="finish-reason">{t('finishCheck.confirmReason')}</label>
            <input id="finish-reason" autoFocus value={reason} onChange={(e) => setReason(e.target.value)} data-testid="finish-reason" />
          </>
        )}
        <button type="submit" className="primary" disabled={busy || (open.length > 0 && !reason.trim())} data-testid="finish-confirm">
          {open.length > 0 ? t('finishCheck.confirm', { n: open.length }) : last ? t('action.finishLast') : t('action.finish', { place: ct(`department.${next ?? ''}`) })}
        </button>
        <button type="button" onClick={onClose}>
          {t('finishCheck.back')}
        </button>
      </form>
    </section>
  );
}
