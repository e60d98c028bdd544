import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app/App';
import { i18n } from './i18n';
// BIZ UDPGothic, self-hosted (no network): the Japanese face, then Latin Extended for Vietnamese and Portuguese accents.
import '@fontsource/biz-udpgothic/japanese-400.css';
import '@fontsource/biz-udpgothic/japanese-700.css';
import '@fontsource/biz-udpgothic/latin-ext-400.css';
import '@fontsource/biz-udpgothic/latin-ext-700.css';
import './styles/app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
