import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerminalInfo } from '../../src-main/common/contract/session';
import { ApiError, call, currentTerminalId } from '../api/client';
import { screens } from '../screens/registry';
import { i18n } from '../i18n';
import { Pairing } from './Pairing';
import { StatusBar } from './StatusBar';
import { TerminalContext } from './TerminalContext';

export function App() {
  const { t } = useTranslation('common');
  const [info, setInfo] = useState<TerminalInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unpaired, setUnpaired] = useState(false);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      try {
        const i = await call('terminal.info', {});
        if (stop) return;
        await i18n.changeLanguage(i.defaultLanguage);
        document.documentElement.lang = i.defaultLanguage;
        setInfo(i);
        setError(null);
      } catch (e) {
        if (stop) return;
        // Browser mode on a LAN host: this browser is not paired yet (see Pairing.tsx).
        if (e instanceof ApiError && e.code === 'unauthenticated' && e.field === 'device') return setUnpaired(true);
        setError(e instanceof ApiError ? e.message : String(e));
        setTimeout(load, 2000);
      }
    };
    void load();
    return () => {
      stop = true;
    };
  }, []);

  if (unpaired) return <Pairing />;
  if (error) return <main className="fatal" role="alert">{t('app.cannotStart', { message: error })}</main>;
  if (!info) return <main className="loading" aria-busy="true">{t('app.loading')}</main>;
  if (!currentTerminalId() && info.terminals.length > 1) return <TerminalChooser info={info} />;
  const Screen = screens[info.terminal.role];
  return (
    <TerminalContext.Provider value={info}>
      <div className={`shell role-${info.terminal.role}`}>
        <Suspense fallback={<main className="loading">{t('app.loading')}</main>}>{Screen ? <Screen /> : <main className="fatal">{t('app.noScreen', { role: info.terminal.role })}</main>}</Suspense>
        <StatusBar />
      </div>
    </TerminalContext.Provider>
  );
}

/** Browser mode on a host that serves several terminals: pick which one this browser is. */
function TerminalChooser({ info }: { info: TerminalInfo }) {
  const { t } = useTranslation('common');
  return (
    <main className="chooser">
      <h1>{t('chooser.title', { city: info.cityName })}</h1>
      <p>{t('chooser.help')}</p>
      <ul>
        {info.terminals.map((term) => (
          <li key={term.id}>
            <a href={`?terminal=${encodeURIComponent(term.id)}`}>
              <strong>{t(`role.${term.role}`)}</strong> {term.id}
              {term.station ? ` · ${info.stations.find((s) => s.id === term.station)?.name ?? term.station}` : ''}
              {term.counter ? ` · ${t('status.counter', { counter: term.counter })}` : ''}
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}
