import { useTranslation } from 'react-i18next';

/**
 * 待ち時間の見込み in the screen's language: "約15分" on the display and the supervisor table,
 * a full sentence on the kiosk's issued screen. Nothing when there is no estimate.
 */
export function WaitEstimate({ minutes, variant = 'short' }: { minutes: number | null | undefined; variant?: 'short' | 'issued' }) {
  const { t } = useTranslation('wait');
  if (minutes === null || minutes === undefined) return null;
  const text = variant === 'issued' ? (minutes < 1 ? t('issuedSoon') : t('issuedEstimate', { minutes })) : minutes < 1 ? t('soon') : t('estimate', { minutes });
  return (
    <span className="wait-estimate" data-testid="wait-estimate" data-minutes={minutes}>
      {text}
    </span>
  );
}

/** The supervisor table's column header, beside the measured waits. */
export function WaitColumnHeader() {
  const { t } = useTranslation('wait');
  return (
    <th scope="col" title={t('note')}>
      {t('column')}
    </th>
  );
}
