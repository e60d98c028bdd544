import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call } from '../../api/client';

/**
 * 不在 → back: a visitor who was called while away comes to the concierge with their ticket; the
 * concierge enters the number and the visitor is called next. Folded away until needed.
 */
export function ReturnedVisitor() {
  const { t } = useTranslation('wait');
  const [number, setNumber] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const n = Number(number);
    if (!/^\d{1,5}$/.test(number.trim())) return setMessage({ ok: false, text: t('returned.badNumber') });
    setBusy(true);
    try {
      const r = await call('ticket.reactivate', { number: n });
      setMessage({ ok: true, text: r.estimatedWaitMinutes !== undefined ? t('returned.doneEstimate', { number: r.number, minutes: r.estimatedWaitMinutes }) : t('returned.done', { number: r.number }) });
      setNumber('');
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="returned-visitor" data-testid="returned-visitor">
      <summary>{t('returned.title')}</summary>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="returned-number">{t('returned.number')}</label>
        <input id="returned-number" inputMode="numeric" value={number} onChange={(e) => setNumber(e.target.value)} data-testid="returned-number" />
        <button type="submit" disabled={busy} data-testid="returned-submit">
          {t('returned.action')}
        </button>
      </form>
      {message && (
        <p role="status" className={message.ok ? 'notice' : 'alert'} data-testid="returned-message">
          {message.text}
        </p>
      )}
    </details>
  );
}
