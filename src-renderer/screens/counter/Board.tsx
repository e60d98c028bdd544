import { useTranslation } from 'react-i18next';
import { useLive } from '../../api/hooks';
import { useTerminal } from '../../app/TerminalContext';
import { useCatalogText } from '../../guidance/useCatalogText';
import { useErrorText } from '../../app/errorText';

/**
 * 進捗の可視化: today's visits that touch this department — here now, on their way, already
 * passed — with how far each of its items has got, and earlier days' visits it still owes a
 * delivery (事後交付).
 */
export function Board({ department, onOpen }: { department: string; onOpen: (visitId: string) => void }) {
  const { t } = useTranslation('counter');
  const errText = useErrorText();
  const info = useTerminal();
  const ct = useCatalogText();
  const board = useLive('counter.board', {});
  const rows = board.data ?? [];
  const toDeliver = rows.reduce((s, r) => s + r.toDeliver, 0);
  return (
    <section className="board" aria-labelledby="board-title">
      <div className="row">
        <h2 id="board-title">{t('board.title', { department: ct(`department.${department}`) })}</h2>
        <span className="spacer" />
        <span className="badge">{t('board.count', { n: rows.length, count: rows.length })}</span>
        {toDeliver > 0 && <span className="badge warn-badge">{t('board.toDeliver', { n: toDeliver })}</span>}
      </div>
      {board.error && <p className="alert" role="alert">{errText(board.error)}</p>}
      {rows.length === 0 ? (
        <p className="muted">{t('board.empty')}</p>
      ) : (
        <table className="board-table" data-testid="board">
          <caption className="sr-only">{t('board.title', { department: ct(`department.${department}`) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('board.number')}</th>
              <th scope="col">{t('board.position')}</th>
              <th scope="col">{t('board.now')}</th>
              <th scope="col">{t('board.items')}</th>
              <th scope="col">{t('board.notes')}</th>
              <th scope="col">
                <span className="sr-only">{t('action.open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.visitId} data-number={r.number} data-position={r.position}>
                <th scope="row" className="q-number">
                  {r.number}
                  {r.businessDate !== info.businessDate && <span className="badge earlier-day">{t('board.earlierDay', { date: r.businessDate })}</span>}
                  {r.priority && <span className="badge priority-badge">{t('queue.priority')}</span>}
                </th>
                <td>
                  <span className={`badge pos-${r.position}`}>{t(`board.pos.${r.position}`)}</span> {t(`visitStatus.${r.status}`)}
                </td>
                <td>{r.now ? ct(`department.${r.now}`) : '—'}</td>
                <td>
                  <ul className="board-items">
                    {r.items.map((i) => (
                      <li key={i.id} data-item-id={i.id} data-status={i.status}>
                        {ct(`procedure.${i.id}`)} <span className={`badge item-${i.status}`}>{t(`itemStatus.${i.status}`)}</span>
                      </li>
                    ))}
                    {r.items.length === 0 && <li className="muted">{t('board.noItems')}</li>}
                  </ul>
                </td>
                <td>{r.notes}</td>
                <td>
                  <button type="button" onClick={() => onOpen(r.visitId)} aria-label={t('queue.openLabel', { number: r.number })}>
                    {t('action.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
