import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { GuideApp } from './GuideApp';
import { i18n } from './i18n';
import './guide.css';

/** The service worker that keeps the guide working offline (sw.js, written by the build). */
function registerOffline(): Promise<boolean> {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return Promise.resolve(false);
  return navigator.serviceWorker
    .register('./sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then(() => true)
    .catch(() => false);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <GuideApp offlineReady={registerOffline()} />
    </I18nextProvider>
  </StrictMode>,
);
