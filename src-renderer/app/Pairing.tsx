import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentTerminalId } from '../api/client';

type PairState = { status: 'none' | 'pending' | 'approved' | 'revoked' | 'loopback'; code?: string; terminal?: string | null };

/**
 * Browser mode on a host that is not bound to loopback: this browser must be paired once. It asks
 * (the host sets an HttpOnly device cookie) and shows a 6-digit code; an administrator approves
 * the code for a terminal (`madoguchi device approve CODE --terminal ID`), then the page reloads.
 */
export function Pairing() {
  const { t } = useTranslation('common');
  const [state, setState] = useState<PairState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const poll = async () => {
      try {
        const r = (await (await fetch('/api/pair')).json()) as { ok: boolean; value?: PairState };
        if (stop) return;
        if (r.value?.status === 'approved') return location.reload();
        setState(r.value ?? null);
      } catch {
        /* the host is away: try again */
      }
      if (!stop) setTimeout(() => void poll(), 3000);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, []);
  const request = async () => {
    setError(null);
    try {
      const res = await fetch('/api/pair', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ terminal: currentTerminalId() ?? null }) });
      const r = (await res.json()) as { ok: boolean; value?: PairState; error?: { message: string } };
      if (r.ok && r.value) setState(r.value);
      else setError(r.error?.message ?? String(res.status));
    } catch (e) {
      setError(String(e));
    }
  };
  return (
    <main className="chooser" data-testid="pairing">
      <h1>{t('pairing.title')}</h1>
      <p>{t('pairing.help')}</p>
      {state?.status === 'pending' && state.code ? (
        <p>
          {t('pairing.code')} <strong data-testid="pairing-code">{state.code}</strong>
        </p>
      ) : (
        <button type="button" className="primary" onClick={() => void request()} data-testid="pairing-request">
          {t('pairing.request')}
        </button>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
