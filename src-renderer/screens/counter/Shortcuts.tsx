import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** Every counter action and its key; the buttons show the same keys. */
export const SHORTCUTS: ReadonlyArray<{ key: string; action: string }> = [
  { key: 'N', action: 'callNext' },
  { key: 'G', action: 'callNumber' },
  { key: 'R', action: 'recall' },
  { key: 'X', action: 'noShow' },
  { key: 'V', action: 'reactivate' },
  { key: 'S', action: 'start' },
  { key: '1–9', action: 'advanceItem' },
  { key: 'M', action: 'note' },
  { key: 'Ctrl+Enter', action: 'saveNote' },
  { key: 'A', action: 'addItem' },
  { key: 'P', action: 'pay' },
  { key: 'D', action: 'residents' },
  { key: 'Q', action: 'survey' },
  { key: 'F', action: 'finish' },
  { key: 'C', action: 'cancel' },
  { key: 'B', action: 'board' },
  { key: 'Esc', action: 'escape' },
  { key: '?', action: 'shortcuts' },
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('counter');
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section className="shortcut-help notice" aria-labelledby="shortcut-title" data-testid="shortcut-help">
      <div className="row">
        <h2 id="shortcut-title">{t('shortcuts.title')}</h2>
        <span className="spacer" />
        <button type="button" ref={ref} onClick={onClose}>
          {t('action.close')}
          <kbd>Esc</kbd>
        </button>
      </div>
      <p>{t('shortcuts.help')}</p>
      <dl className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.action}>
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{t(`shortcuts.${s.action}`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
