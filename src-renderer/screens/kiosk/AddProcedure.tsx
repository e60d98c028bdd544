import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalog } from '../../../src-main/common/catalog/types';
import { useCatalogText } from '../../guidance/useCatalogText';

/** A procedure the questions did not bring up, added by the concierge with a reason (recorded). */
export function AddProcedure({ catalog, listed, onAdd }: { catalog: Catalog; listed: Set<string>; onAdd: (itemId: string, reason: string) => void }) {
  const { t } = useTranslation('kiosk');
  const ct = useCatalogText();
  const [itemId, setItemId] = useState('');
  const [reason, setReason] = useState('');
  const options = catalog.procedures.filter((p) => !listed.has(p.id));
  return (
    <form
      className="row"
      aria-label={t('add.title')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!itemId || !reason.trim()) return;
        onAdd(itemId, reason.trim());
        setItemId('');
        setReason('');
      }}
    >
      <label htmlFor="add-procedure">{t('add.title')}</label>
      <select id="add-procedure" value={itemId} onChange={(e) => setItemId(e.target.value)} data-testid="add-procedure">
        <option value="">—</option>
        {options.map((p) => (
          <option key={p.id} value={p.id}>
            {ct.plain(`procedure.${p.id}`)}
          </option>
        ))}
      </select>
      <label htmlFor="add-reason">{t('add.reason')}</label>
      <input id="add-reason" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="add-reason" />
      <button type="submit" disabled={!itemId || !reason.trim()}>
        {t('add.confirm')}
      </button>
    </form>
  );
}
