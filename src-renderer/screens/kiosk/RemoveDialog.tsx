import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Taking a procedure off the list needs a reason: it is recorded with the visit. */
export function RemoveDialog({ name, onCancel, onConfirm }: { name: string; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const { t } = useTranslation('kiosk');
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <form
      className="notice"
      role="dialog"
      aria-modal="false"
      aria-labelledby="remove-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onConfirm(reason.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3 id="remove-title">{t('remove.title', { name })}</h3>
      <label htmlFor="remove-reason">{t('remove.reason')}</label>
      <input id="remove-reason" ref={ref} value={reason} onChange={(e) => setReason(e.target.value)} required />
      <div className="row">
        <button type="submit" className="primary" disabled={!reason.trim()}>
          {t('remove.confirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('remove.cancel')}
        </button>
      </div>
    </form>
  );
}
