import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemStatus, PaymentMethod } from '../../../src-main/common/visit/events';
import type { VisitState } from '../../../src-main/common/visit/state';
import { ApiError, call, onPush, setStaffSession } from '../../api/client';
import { useLive } from '../../api/hooks';
import { useTerminal } from '../../app/TerminalContext';
import { useCatalogText } from '../../guidance/useCatalogText';
import { itemsLeftOpen } from '../../../src-main/common/visit/integrity';
import { errorText } from '../../app/errorText';
import { Board } from './Board';
import { isTyping } from './items';
import { QueuePanel } from './QueuePanel';
import { ShortcutHelp, SHORTCUTS } from './Shortcuts';
import { VisitPanel, type Panel } from './VisitPanel';

export interface Staff {
  id: string;
  name: string;
  role: string;
  department: string;
}

export interface Actions {
  callNext(): void;
  callNumber(n: number): void;
  recall(v: VisitState): void;
  noShow(v: VisitState): void;
  reactivate(visitId: string): void;
  start(v: VisitState): void;
  /** Finish here; with open items (未着手・受付) it opens the check instead, unless `leftOpenReason` confirms them. */
  finish(v: VisitState, leftOpenReason?: string): void;
  cancel(v: VisitState, reason: string): void;
  itemStatus(v: VisitState, itemId: string, status: ItemStatus, reason?: string): void;
  addItem(v: VisitState, procedureId: string, reason: string): void;
  note(v: VisitState, text: string): Promise<boolean>;
  pay(v: VisitState, method: PaymentMethod, lines: Array<{ itemId: string; quantity: number }>): Promise<string | null>;
  offerSurvey(v: VisitState): void;
  open(visitId: string | null): void;
}

/**
 * The signed-in counter: the department's queue on the left, the visit in the middle, notes and
 * timeline on the right; or the department's progress board. Every action has a single-key
 * shortcut (ignored while typing in a field) and a visible button.
 */
export function Workstation({ staff, title, onSignedOut }: { staff: Staff; title: string; onSignedOut: () => void }) {
  const { t } = useTranslation('counter');
  const info = useTerminal();
  const ct = useCatalogText();
  const q = useLive('counter.queue', {});
  const [view, setView] = useState<'queue' | 'board'>('queue');
  const [opened, setOpened] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>('none');
  const [help, setHelp] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const numberRef = useRef<HTMLInputElement>(null);
  const latestError = useRef<string | null>(null);
  /** A shortcut's target that was disabled while a call was in flight: focused once the call ends. */
  const pendingFocus = useRef<string | null>(null);
  const inFlight = useRef(0);
  const { t: tc } = useTranslation('common');

  const signOut = useCallback(async () => {
    await call('staff.signOut', {}).catch(() => undefined);
    setStaffSession(undefined);
    onSignedOut();
  }, [onSignedOut]);

  useEffect(() => {
    if (q.error?.code === 'unauthenticated') {
      setStaffSession(undefined);
      onSignedOut();
    }
  }, [q.error, onSignedOut]);

  const run = useCallback(
    async <T,>(fn: () => Promise<T>, done?: (r: T) => string): Promise<T | undefined> => {
      // Keys are not dropped while a call is in flight, so calls overlap: busy until the last ends.
      inFlight.current += 1;
      setBusy(true);
      setError(null);
      latestError.current = null;
      try {
        const r = await fn();
        if (done) setMessage(done(r));
        await q.reload();
        return r;
      } catch (e) {
        latestError.current = e instanceof ApiError ? ((e.data.details as { key?: string } | undefined)?.key ?? e.code) : null;
        setError(errorText(e, tc, ct));
        return undefined;
      } finally {
        inFlight.current -= 1;
        setBusy(inFlight.current > 0);
      }
    },
    [q, tc, ct],
  );

  const actions: Actions = {
    callNext: () =>
      void run(
        () => call('counter.callNext', {}),
        (r) => (r.visit ? t('msg.called', { number: r.visit.number }) : t('msg.nobody')),
      ).then((r) => r?.visit && setOpened(null)),
    callNumber: (n) => void run(() => call('counter.callNumber', { number: n }), (v) => t('msg.called', { number: v.number })).then((v) => v && setOpened(null)),
    recall: (v) => void run(() => call('counter.recall', { visitId: v.id }), (r) => t('msg.recalled', { number: r.number, n: (r.call?.count ?? 1) - 1 })),
    noShow: (v) => void run(() => call('counter.noShow', { visitId: v.id }), (r) => t('msg.noShow', { number: r.number })),
    reactivate: (id) => void run(() => call('counter.reactivate', { visitId: id }), (r) => t('msg.reactivated', { number: r.number })),
    start: (v) => void run(() => call('counter.start', { visitId: v.id }), (r) => t('msg.started', { number: r.number })),
    finish: (v, leftOpenReason) => {
      if (leftOpenReason === undefined && itemsLeftOpen(v).length > 0) {
        setPanel('finish');
        return;
      }
      void run(
        () => call('counter.finish', { visitId: v.id, ...(leftOpenReason ? { leftOpenReason } : {}) }),
        (r) => (r.status === 'done' ? t('msg.completed', { number: r.number }) : t('msg.movedOn', { number: r.number, place: ct(`department.${r.route[r.stop] ?? ''}`) })),
      ).then((r) => {
        if (r) {
          setPanel('none');
          setOpened(null);
        } else setPanel((p) => (p === 'finish' || latestError.current === 'open-items' ? 'finish' : p));
      });
    },
    cancel: (v, reason) => void run(() => call('counter.cancel', { visitId: v.id, reason }), (r) => t('msg.cancelled', { number: r.number })).then((r) => r && setPanel('none')),
    itemStatus: (v, itemId, status, reason) =>
      void run(() => call('counter.itemStatus', { visitId: v.id, itemId, status, ...(reason ? { reason } : {}) }), () => t('msg.itemSet', { status: t(`itemStatus.${status}`) })),
    addItem: (v, procedureId, reason) => void run(() => call('counter.addItem', { visitId: v.id, procedureId, reason }), () => t('msg.itemAdded')).then((r) => r && setPanel('none')),
    note: async (v, text) => !!(await run(() => call('counter.note', { visitId: v.id, text }), () => t('msg.noted'))),
    pay: async (v, method, lines) => (await run(() => call('counter.pay', { visitId: v.id, method, lines }), (r) => r.receipt.text))?.receipt.text ?? null,
    offerSurvey: (v) => void run(() => call('counter.offerSurvey', { visitId: v.id }), (r) => t('msg.surveyOffered', { number: r.number })),
    open: (id) => {
      setOpened(id);
      setView('queue');
      setPanel('none');
    },
  };

  const current = q.data?.current ?? null;
  const openedVisit = useOpenedVisit(opened);
  const shown: VisitState | null = opened && openedVisit?.id === opened ? openedVisit : current;
  const isMine = !!shown && !!current && shown.id === current.id;

  // Shortcuts read the latest state through a ref, so the listener is installed once.
  const firstNoShow = q.data?.noShows[0]?.visitId ?? null;
  const latest = useRef({ actions, shown, isMine, busy, firstNoShow });
  latest.current = { actions, shown, isMine, busy, firstNoShow };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setPanel('none');
        setHelp(false);
        if (isTyping(e)) (e.target as HTMLElement).blur();
        return;
      }
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      const { actions: a, shown: v, busy: b, firstNoShow: ns } = latest.current;
      const key = e.key.toLowerCase();
      const focus = (sel: string) => {
        const el = document.querySelector<HTMLElement>(sel);
        pendingFocus.current = el && (el as HTMLButtonElement).disabled ? sel : null;
        el?.focus();
      };
      let handled = true;
      if (key === '?') setHelp((h) => !h);
      else if (key === 'b') setView((x) => (x === 'queue' ? 'board' : 'queue'));
      else if (key === 'g') numberRef.current?.focus();
      else if (key === 'm' && v) focus('#note-text');
      else if (/^[1-9]$/.test(key) && v) focus(`[data-item-index="${key}"] [data-testid="item-advance"]`);
      // Keys are not dropped while a call is in flight: the server refuses what no longer applies.
      else if (key === 'n') {
        if (!b) a.callNext();
      }
      else if (key === 'v' && ns) a.reactivate(ns);
      else if (!v) handled = false;
      else if (key === 'r') a.recall(v);
      else if (key === 'x') a.noShow(v);
      else if (key === 's') a.start(v);
      else if (key === 'f') a.finish(v);
      else if (key === 'c') setPanel('cancel');
      else if (key === 'a') setPanel('add');
      else if (key === 'p') setPanel('pay');
      else if (key === 'd') setPanel('residents');
      else if (key === 'q') a.offerSurvey(v);
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // A key pressed while the buttons were disabled is not lost: its target takes the focus after.
  useEffect(() => {
    if (busy || !pendingFocus.current) return;
    document.querySelector<HTMLElement>(pendingFocus.current)?.focus();
    pendingFocus.current = null;
  }, [busy]);

  return (
    <main className="counter" aria-busy={busy}>
      <header className="counter-head">
        <h1>{title}</h1>
        <nav aria-label={t('tabs.label')} className="row">
          <button type="button" aria-pressed={view === 'queue'} onClick={() => setView('queue')} data-testid="tab-queue">
            {t('tabs.queue')}
          </button>
          <button type="button" aria-pressed={view === 'board'} onClick={() => setView('board')} data-testid="tab-board">
            {t('tabs.board')}
            <kbd>B</kbd>
          </button>
        </nav>
        <span className="spacer" />
        <span data-testid="staff-name">{t('signIn.signedInAs', { name: staff.name, id: staff.id })}</span>
        <button type="button" onClick={() => setHelp((h) => !h)} aria-expanded={help} data-testid="shortcuts-toggle">
          {t('action.shortcuts')}
          <kbd>?</kbd>
        </button>
        <button type="button" onClick={() => void signOut()} data-testid="sign-out">
          {t('signIn.signOut')}
        </button>
      </header>
      <div className="counter-feedback">
        <p role="status" aria-live="polite" className="counter-message" data-testid="counter-message">
          {message}
        </p>
        {error && (
          <p className="alert" role="alert" data-testid="counter-error">
            {error}
          </p>
        )}
      </div>
      {(q.data?.conflicts?.length ?? 0) > 0 && (
        <section className="alert" role="alert" aria-labelledby="conflicts-title" data-testid="counter-conflicts">
          <h2 id="conflicts-title">{t('visit.conflicts')}</h2>
          <ul>
            {q.data!.conflicts.map((c) => (
              <li key={`${c.visitId}-${c.at}`}>
                {t(`conflict.${c.kind}`, { number: c.number, items: (c.items ?? []).map((id) => ct.plain(`procedure.${id}`, id)).join(tc('errors.listSeparator')), defaultValue: c.message })}{' '}
                <button type="button" className="link" onClick={() => actions.open(c.visitId)} aria-label={t('queue.openLabel', { number: c.number })}>
                  {t('action.open')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      {view === 'board' ? (
        <Board department={info.terminal.department ?? ''} onOpen={(id) => actions.open(id)} />
      ) : (
        <div className="counter-grid">
          <QueuePanel queue={q.data} actions={actions} busy={busy} numberRef={numberRef} current={current} />
          {shown ? (
            <VisitPanel
              key={shown.id}
              visit={shown}
              mine={isMine}
              actions={actions}
              busy={busy}
              panel={panel}
              setPanel={setPanel}
              recallsBeforeNoShow={q.data?.recallsBeforeNoShow ?? 0}
              onClose={opened ? () => setOpened(null) : undefined}
            />
          ) : (
            <section className="visit-empty" aria-labelledby="empty-title">
              <h2 id="empty-title">{t('visit.none')}</h2>
              <p>{t('visit.noneHelp')}</p>
              <button type="button" className="primary big" onClick={() => actions.callNext()} disabled={busy}>
                {t('action.callNext')}
                <kbd>N</kbd>
              </button>
            </section>
          )}
        </div>
      )}
    </main>
  );
}

export { SHORTCUTS };

/** A visit opened from the board or by number (not necessarily at this counter), kept live. */
function useOpenedVisit(visitId: string | null): VisitState | null {
  const [v, setV] = useState<VisitState | null>(null);
  useEffect(() => {
    if (!visitId) {
      setV(null);
      return;
    }
    let stop = false;
    const load = () =>
      call('counter.visit', { visitId })
        .then((x) => !stop && setV(x))
        .catch(() => undefined);
    void load();
    const off = onPush('events', () => void load());
    return () => {
      stop = true;
      off();
    };
  }, [visitId]);
  return v;
}
