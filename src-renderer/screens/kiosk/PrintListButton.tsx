import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client';
import { LANGUAGE_NAMES } from '../../i18n';
import { useErrorText } from '../../app/errorText';

/** The visitor's printed list (A4 PDF, in their language): handed over with the ticket. */
export function PrintListButton({ visitId, number, lang }: { visitId: string; number: number; lang: string }) {
  const { t } = useTranslation('kiosk');
  const errText = useErrorText();
  const [state, setState] = useState<'idle' | 'working' | 'done' | 'failed'>('idle');
  const [message, setMessage] = useState('');
  const run = async () => {
    setState('working');
    try {
      const doc = await call('guidance.listPdf', { visitId, lang: lang as never });
      const bytes = Uint8Array.from(atob(doc.pdfBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `madoguchi-list-${number}-${lang}.pdf`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState('done');
      setMessage(t('list.done', { pages: doc.pages }));
    } catch (e) {
      setState('failed');
      setMessage(errText(e));
    }
  };
  return (
    <div>
      <button type="button" onClick={run} disabled={state === 'working'} data-testid="print-list">
        {state === 'working' ? t('list.working') : t('list.print', { language: LANGUAGE_NAMES[lang] ?? lang })}
      </button>
      {message && (
        <p role="status" className={state === 'failed' ? 'alert' : 'muted'}>
          {message}
        </p>
      )}
    </div>
  );
}
