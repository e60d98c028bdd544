import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PushMap } from '../../src-main/common/contract';
import { call, onPush } from '../api/client';
import { useLink } from '../api/hooks';
import { formatDate } from './dates';
import { useTerminal } from './TerminalContext';
import { CatalogStatus } from './CatalogStatus';

/**
 * What the machine is doing, always visible: link to the terminal service, sync, printer. An
 * operator never has to guess whether a ticket printed or the LAN is down.
 */
export function StatusBar() {
  const { t, i18n } = useTranslation('common');
  const info = useTerminal();
  const link = useLink();
  const [sync, setSync] = useState<PushMap['sync'] | null>(null);
  const [printer, setPrinter] = useState<PushMap['printer'] | null>(null);
  const [clock, setClock] = useState(() => new Date());
  useEffect(() => {
    // The current state first (a push may have gone out before this screen connected), then changes.
    call('sync.status', {})
      .then((s) => setSync((cur) => cur ?? { state: s.state, outbox: s.outbox, ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}), ...(s.message ? { message: s.message } : {}), ...(s.quarantined ? { quarantined: s.quarantined } : {}) }))
      .catch(() => undefined);
    return onPush('sync', setSync);
  }, []);
  useEffect(() => onPush('printer', (p) => (p.terminal === info.terminal.id ? setPrinter(p) : undefined)), [info.terminal.id]);
  useEffect(() => {
    const i = setInterval(() => setClock(new Date()), 15_000);
    return () => clearInterval(i);
  }, []);
  const time = new Intl.DateTimeFormat('ja-JP', { timeZone: info.timeZone, hour: '2-digit', minute: '2-digit' }).format(clock);
  const syncState = sync?.state ?? 'disabled';
  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span className="status-item">
        {info.cityName} · {t(`role.${info.terminal.role}`)}
        {/* The terminal id helps IT at staff screens; visitors (kiosk, display) never see ids. */}
        {info.terminal.role !== 'kiosk' && info.terminal.role !== 'display' && <span className="muted-inverse"> · {info.terminal.id}</span>}
        {info.terminal.counter ? ` · ${t('status.counter', { counter: info.terminal.counter })}` : ''}
      </span>
      <span className={`status-item ${link ? 'ok' : 'bad'}`} data-testid="status-link">
        {link ? t('status.connected') : t('status.offline')}
      </span>
      <span className={`status-item ${syncState === 'online' ? 'ok' : syncState === 'disabled' ? '' : 'bad'}`} data-testid="status-sync">
        {syncState === 'disabled'
          ? t('status.syncLocal')
          : syncState === 'online'
            ? t('status.syncOnline', { outbox: sync?.outbox ?? 0 })
            : t('status.syncOffline', { outbox: sync?.outbox ?? 0, message: sync?.message ?? '' })}
        {sync?.quarantined ? <span data-testid="status-sync-quarantine"> · {t('status.syncQuarantined', { count: sync.quarantined })}</span> : null}
        {sync?.lastSyncAt && ` · ${t('status.lastSync', { time: new Intl.DateTimeFormat('ja-JP', { timeZone: info.timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(sync.lastSyncAt)) })}`}
      </span>
      {printer && (
        <span className={`status-item ${printer.state === 'online' || printer.state === 'printed' ? 'ok' : printer.state === 'printing' ? '' : 'bad'}`} data-testid="status-printer">
          {t(`printer.${printer.state}`, { defaultValue: printer.state })}
          {printer.message ? ` — ${printer.message}` : ''}
        </span>
      )}
      <CatalogStatus />
      <span className="status-item">
        <time dateTime={info.businessDate}>{formatDate(info.businessDate, i18n.language, { weekday: true })}</time> {time}
      </span>
    </footer>
  );
}
