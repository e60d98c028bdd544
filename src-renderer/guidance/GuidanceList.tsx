import { useTranslation } from 'react-i18next';
import { deadlineText } from '../../src-main/common/guidance/deadlineText';
import type { GuidanceItem } from '../../src-main/common/guidance/guide';
import { Ruby } from './Ruby';
import { useCatalogText } from './useCatalogText';

/**
 * The visitor's list: every procedure, where it is handled, what to bring, by when, and what can be
 * done online. The kiosk, the counter and the online guide all show this same component.
 */
export function GuidanceList({ items, lang, onRemove, showIds = false }: { items: GuidanceItem[]; lang: string; onRemove?: (id: string) => void; showIds?: boolean }) {
  const { t } = useTranslation('guidance', { lng: lang });
  const ct = useCatalogText(lang);
  if (items.length === 0) return <p className="muted">{t('list.empty')}</p>;
  // Deadlines as dates in the reader's language (12月3日(木)), or how they count when the event day is unknown.
  const due = (it: GuidanceItem) => deadlineText(it, lang, (k) => ct(k), { visitYear: new Date().getFullYear() });
  return (
    <ol className="guidance-list" aria-label={t('list.label')} data-testid="guidance-list">
      {items.map((it) => (
        <li key={it.id} className="guidance-item" data-status={it.status} data-procedure-id={it.id}>
          <div className="row">
            <span className={`badge ${it.status}`}>{t(`status.${it.status}`)}</span>
            <h3>
              <Ruby text={ct(`procedure.${it.id}`, it.name)} />
            </h3>
            {showIds && <code className="muted form-code">{it.id}</code>}
            <span className="spacer" />
            {onRemove && (
              <button type="button" className="danger" onClick={() => onRemove(it.id)} aria-label={t('list.removeLabel', { name: ct.plain(`procedure.${it.id}`, it.name) })}>
                {t('list.remove')}
              </button>
            )}
          </div>
          <div className="meta">
            {it.external ? <Ruby text={`${ct(`department.${it.place}`, it.departmentName)} — ${ct('list.external')}`} /> : <Ruby text={t('list.where', { place: ct(`department.${it.place}`, it.departmentName), counter: it.counter, floor: it.floor ?? '' })} />}
            {due(it) && (
              <>
                {' · '}
                <Ruby text={t('list.deadline', { date: due(it) })} />
              </>
            )}
            {it.fee !== undefined && ` · ${t('list.fee', { fee: it.fee })}`}
          </div>
          {it.bring.length > 0 && (
            <div className="meta">
              <Ruby text={t('list.bring')} />: <Ruby text={it.bring.map((b) => ct(`bring.${b.id}`, b.name)).join('、')} />
            </div>
          )}
          {it.online.length > 0 && (
            <div className="meta">
              {it.online.map((o) =>
                o.url ? (
                  <a key={o.id} href={o.url} target="_blank" rel="noreferrer">
                    <Ruby text={ct(`online.${o.id}`, o.label)} />
                  </a>
                ) : (
                  <span key={o.id}>
                    <Ruby text={ct(`online.${o.id}`, o.label)} />
                  </span>
                ),
              )}
            </div>
          )}
          {it.convenienceStore && (
            <div className="meta">
              <Ruby text={t('list.convenienceStore')} />
            </div>
          )}
          {it.status === 'to-confirm' && (
            <div className="meta">
              <Ruby text={t('list.toConfirm')} />
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
