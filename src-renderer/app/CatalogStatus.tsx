import { useTranslation } from 'react-i18next';
import { useLive } from '../api/hooks';
import { useActiveCatalogTexts } from '../i18n/activeCatalogTexts';

/**
 * The status bar's catalog item (issue 19): shown only when this terminal keeps a published
 * version out (it cannot read it), so the operator and IT know the older version keeps serving.
 */
export function CatalogStatus() {
  const { t } = useTranslation('catalogEditor');
  const st = useLive('catalog.status', {});
  useActiveCatalogTexts(st.data);
  const refused = st.data?.refused;
  if (!refused) return null;
  return (
    <span className="status-item bad" data-testid="status-catalog" title={refused.reason}>
      {t('status.refused', { version: refused.version, active: st.data?.version ?? 0 })}
    </span>
  );
}
