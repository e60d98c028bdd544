import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentTerminalId } from '../../api/client';
import { useTerminal } from '../../app/TerminalContext';
import { useCatalogText } from '../../guidance/useCatalogText';
import { SignIn } from './SignIn';
import './counter.css';
import { Workstation, type Staff } from './Workstation';

const SurveyScreen = lazy(() => import('../survey/SurveyScreen'));

/**
 * The counter terminal. `?view=survey` opens its visitor-facing survey screen (a second window
 * turned towards the visitor); otherwise staff sign in and work the department's queue.
 */
export default function CounterScreen() {
  const { t } = useTranslation('counter');
  const info = useTerminal();
  const ct = useCatalogText();
  const [staff, setStaff] = useState<Staff | null>(info.staff ?? null);
  const view = new URLSearchParams(location.search).get('view');
  if (view === 'survey') {
    return (
      <Suspense fallback={<main className="loading">…</main>}>
        <SurveyScreen />
      </Suspense>
    );
  }
  const title = t('title', { department: ct(`department.${info.terminal.department ?? ''}`), counter: info.terminal.counter ?? '' });
  if (!staff) return <SignIn title={title} onSignedIn={(s) => setStaff(s.staff)} />;
  return <Workstation key={`${currentTerminalId()}-${staff.id}`} staff={staff} title={title} onSignedOut={() => setStaff(null)} />;
}
