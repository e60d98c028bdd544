import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, setStaffSession } from '../../api/client';
import { useTerminal } from '../../app/TerminalContext';
import { SignIn } from '../counter/SignIn';
import { CatalogEditor } from './CatalogEditor';

/** The admin terminal: the catalog editor (issue 19), behind an administrator sign-in. */
export default function AdminScreen() {
  const { t } = useTranslation('catalogEditor');
  const info = useTerminal();
  const [staff, setStaff] = useState<string | null>(info.staff?.id ?? null);
  if (!staff) return <SignIn title={t('title')} onSignedIn={(s) => setStaff(s.staff.id)} />;
  return (
    <CatalogEditor
      staffId={staff}
      onSignOut={() => {
        void call('staff.signOut', {}).catch(() => undefined);
        setStaffSession(undefined);
        setStaff(null);
      }}
    />
  );
}
