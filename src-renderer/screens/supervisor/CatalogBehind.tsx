import { useTranslation } from 'react-i18next';
import { useLive } from '../../api/hooks';

/**
 * Terminals still serving an older catalog version than this one (issue 19), from the
 * `catalog.activated` each terminal syncs. Shown only when there is one.
 */
export function CatalogBehind() {
  const { t } = useTranslation('catalogEditor');
  const v = useLive('catalog.versions', {});
  const behind = v.data?.terminals.filter((x) => x.behind || x.refused) ?? [];
  if (!v.data || behind.length === 0) return null;
  return (
    <section aria-labelledby="sv-catalog-behind" data-testid="catalog-behind">
      <h2 id="sv-catalog-behind">{t('behind.title')}</h2>
      <ul>
        {behind.map((x) => (
          <li key={x.terminal} data-terminal={x.terminal}>
            {t('behind.row', { terminal: x.terminal, version: x.version, active: v.data!.status.version, at: x.at.slice(0, 16).replace('T', ' ') })}
            {x.refused ? ` — ${t('v.keptOut', { reason: `v${x.refused.version}: ${x.refused.reason}` })}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
