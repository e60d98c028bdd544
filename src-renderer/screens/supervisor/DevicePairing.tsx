import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PairingRequest } from '../../../src-main/common/contract/session';
import { call } from '../../api/client';
import { useTerminal } from '../../app/TerminalContext';
import { useErrorText } from '../../app/errorText';
import type { SupervisorFormat } from './format';

/**
 * 端末の登録 (browser mode): browsers that asked to be paired with this host, for an administrator
 * to compare the 6-digit code the browser shows and approve it once for one terminal, or refuse it.
 * The same as `madoguchi device approve CODE --terminal ID`; both are audited on the host.
 */
export function DevicePairing({ fmt }: { fmt: SupervisorFormat }) {
  const { t } = useTranslation('supervisor');
  const errText = useErrorText();
  const info = useTerminal();
  const [requests, setRequests] = useState<PairingRequest[] | null>(null);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'notice' | 'alert'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = async () => {
    try {
      setRequests(await call('device.pending', {}));
    } catch (e) {
      setMessage({ kind: 'alert', text: errText(e) });
    }
  };
  useEffect(() => {
    void reload();
    // A browser asks while the administrator watches: look again every few seconds.
    const timer = setInterval(() => void reload(), 5000);
    return () => clearInterval(timer);
  }, []);

  const act = async (what: () => Promise<PairingRequest>, done: (r: PairingRequest) => string) => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await what();
      setMessage({ kind: 'notice', text: done(r) });
    } catch (e) {
      setMessage({ kind: 'alert', text: errText(e) });
    } finally {
      setBusy(false);
      await reload();
    }
  };

  return (
    <section aria-labelledby="sv-devices" data-testid="device-pairing">
      <h2 id="sv-devices">{t('devices.title')}</h2>
      <p className="muted">{t('devices.help')}</p>
      {message && (
        <p role={message.kind === 'alert' ? 'alert' : 'status'} className={message.kind} data-testid="device-message">
          {message.text}
        </p>
      )}
      {requests === null ? (
        <p className="muted">{t('loading')}</p>
      ) : requests.length === 0 ? (
        <p className="muted" data-testid="devices-none">
          {t('devices.none')}
        </p>
      ) : (
        <table className="sv-table" data-testid="devices-table">
          <caption className="sr-only">{t('devices.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('devices.col.code')}</th>
              <th scope="col">{t('devices.col.browser')}</th>
              <th scope="col">{t('devices.col.requested')}</th>
              <th scope="col">{t('devices.col.terminal')}</th>
              <th scope="col">{t('devices.col.action')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => {
              const terminal = chosen[r.id] ?? r.terminal ?? '';
              return (
                <tr key={r.id} data-code={r.code}>
                  <th scope="row">
                    {r.code}
                  </th>
                  <td>
                    {r.label || t('devices.unnamed')}
                    <span className="muted"> {r.requestedFrom}</span>
                  </td>
                  <td>{fmt.clock(r.requestedAt)}</td>
                  <td>
                    <select aria-label={t('devices.terminalFor', { code: r.code })} value={terminal} onChange={(e) => setChosen((c) => ({ ...c, [r.id]: e.target.value }))} data-testid="device-terminal">
                      <option value="">{t('devices.choose')}</option>
                      {info.terminals.map((x) => (
                        <option key={x.id} value={x.id}>
                          {x.id}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button type="button" className="primary" disabled={busy || !terminal} onClick={() => void act(() => call('device.approve', { code: r.code, terminal }), (x) => t('devices.approved', { code: x.code, terminal: x.terminal ?? '' }))} data-testid="device-approve">
                      {t('devices.approve')}
                    </button>{' '}
                    <button type="button" disabled={busy} onClick={() => void act(() => call('device.revoke', { id: r.id }), (x) => t('devices.refused', { code: x.code }))} data-testid="device-refuse">
                      {t('devices.refuse')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
