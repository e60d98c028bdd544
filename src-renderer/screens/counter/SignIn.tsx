import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignedIn } from '../../../src-main/common/contract/counter';
import { ApiError, call, setStaffSession } from '../../api/client';
import { useErrorText } from '../../app/errorText';

/** Staff id and PIN. Five wrong PINs lock the id for fifteen minutes (the server says until when). */
export function SignIn({ title, onSignedIn }: { title: string; onSignedIn: (s: SignedIn) => void }) {
  const { t } = useTranslation('counter');
  const errText = useErrorText();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);
  useEffect(() => idRef.current?.focus(), []);
  return (
    <main className="counter-signin">
      <form
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const s = await call('staff.signIn', { staffId: staffId.trim(), pin });
            setStaffSession(s.token);
            onSignedIn(s);
          } catch (err) {
            setPin('');
            setError(err instanceof ApiError ? (err.code === 'locked-out' ? t('signIn.locked', { message: err.message }) : err.code === 'unauthenticated' ? t('signIn.wrong') : errText(err)) : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="signin-title">{title}</h1>
        <p className="muted">{t('signIn.help')}</p>
        <label htmlFor="signin-id">{t('signIn.staffId')}</label>
        <input id="signin-id" ref={idRef} autoComplete="username" value={staffId} onChange={(e) => setStaffId(e.target.value)} required data-testid="signin-id" />
        <label htmlFor="signin-pin">{t('signIn.pin')}</label>
        <input id="signin-pin" type="password" inputMode="numeric" autoComplete="current-password" value={pin} onChange={(e) => setPin(e.target.value)} required data-testid="signin-pin" />
        {error && (
          <p className="alert" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !staffId.trim() || !pin} data-testid="signin-submit">
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
