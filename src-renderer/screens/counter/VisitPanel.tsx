import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemStatus } from '../../../src-main/common/visit/events';
import type { VisitItem, VisitState } from '../../../src-main/common/visit/state';
import { useTerminal } from '../../app/TerminalContext';
import { formatDate } from '../../app/dates';
import { useTerminalCatalog } from '../../guidance/useCatalog';
import { useCatalogText } from '../../guidance/useCatalogText';
import { LANGUAGE_NAMES } from '../../i18n';
import { nextStatus, SETTABLE, timeOf } from './items';
import { FinishCheck } from './FinishCheck';
import { PaymentPanel } from './PaymentPanel';
import { ResidentPanel } from './ResidentPanel';
import type { Actions } from './Workstation';

export type Panel = 'none' | 'add' | 'cancel' | 'pay' | 'residents' | 'finish';

interface Member {
  role?: string;
  birthDate?: string;
  ageBand?: string;
}

/**
 * One visit as every counter sees it: who came, the list with each item's 1線・2線・3線 progress
 * (who and when), the handoff notes, the route and the timeline across counters, and any
 * conflict this terminal lost.
 */
export function VisitPanel(props: { visit: VisitState; mine: boolean; actions: Actions; busy: boolean; panel: Panel; setPanel: (p: Panel) => void; recallsBeforeNoShow: number; onClose?: () => void }) {
  const { visit: v, mine, actions, busy, panel, setPanel, recallsBeforeNoShow, onClose } = props;
  const { t, i18n } = useTranslation('counter');
  const info = useTerminal();
  const ct = useCatalogText();
  const { catalog } = useTerminalCatalog();
  const dept = info.terminal.department ?? '';
  const here = v.route[v.stop] ?? null;
  const atThisDept = here === dept;
  const closed = v.status === 'done' || v.status === 'cancelled';
  const recalls = Math.max(0, (v.call?.count ?? 1) - 1);
  const calledHere = mine && v.status === 'called';
  const members = Array.isArray((v.facts as { members?: unknown })?.members) ? ((v.facts as { members: Member[] }).members ?? []) : [];
  const mineConflicts = v.conflicts.filter((c) => c.loser.terminal === info.terminal.id);
  // This counter's own work first, so keys 1–9 reach it: its department's items, and at the
  // one-stop counter every item it accepts or proxies.
  const oneStop = catalog?.oneStop ?? 'shimin';
  const ours = (it: VisitItem) => it.department === dept || (dept === oneStop && (it.route === 'accept' || it.route === 'proxy'));
  const ordered = [...v.items.filter(ours), ...v.items.filter((it) => !ours(it))];
  const time = (iso?: string) => (iso ? timeOf(iso, info.timeZone) : '');
  const who = (by: { terminal: string; staff?: string }) => (by.staff ? `${by.staff}@${by.terminal}` : by.terminal);

  return (
    <div className="visit-area">
      <section className="visit-panel" aria-labelledby="visit-title" data-testid="visit" data-visit-id={v.id} data-status={v.status}>
        <div className="visit-head">
          <div>
            <h2 id="visit-title" className="visit-number-label">
              {t('visit.number')}
              <span className="visit-number" data-testid="current-number">
                {v.number}
              </span>
            </h2>
          </div>
          <div className="visit-facts">
            <p>
              <span className={`badge status-${v.status}`} data-testid="visit-status">
                {t(`visitStatus.${v.status}`)}
              </span>
              {v.priority && <span className="badge priority-badge">{t('queue.priority')}</span>}
              {v.call && (v.status === 'called' || v.status === 'serving') && <span className="badge">{t('visit.callCount', { counter: v.call.counter, n: v.call.count })}</span>}
            </p>
            <p>
              {t('visit.lang')}: <strong lang={v.lang}>{LANGUAGE_NAMES[v.lang] ?? v.lang}</strong> · {t('visit.issued', { time: time(v.issuedAt), station: info.stations.find((s) => s.id === v.station)?.name ?? v.station })}
            </p>
            <p>
              {t('visit.events')}: {v.events.map((e) => ct(`event.${e}`)).join('・')}
            </p>
          </div>
          {onClose && (
            <button type="button" onClick={onClose} className="visit-close">
              {t('action.backToCurrent')}
              <kbd>Esc</kbd>
            </button>
          )}
        </div>

        {mineConflicts.length > 0 && (
          <div className="alert" role="alert" data-testid="conflicts">
            <strong>{t('visit.conflicts')}</strong>
            <ul>
              {mineConflicts.map((c, i) => (
                <li key={i}>
                  {time(c.at)} {t(`conflict.${c.kind}`, { number: v.number, items: (c.items ?? []).map((id) => ct.plain(`procedure.${id}`, id)).join('、'), defaultValue: c.message })}
                </li>
              ))}
            </ul>
          </div>
        )}
        {v.cancelled && (
          <p className="alert" role="status">
            {t('visit.cancelledBecause', { reason: v.cancelled.reason, time: time(v.cancelled.at) })}
          </p>
        )}

        <ol className="route" aria-label={t('visit.route')} data-testid="route">
          {v.route.map((d, i) => {
            const s = v.stops[i];
            const state = closed && v.status === 'done' ? 'done' : i < v.stop ? 'done' : i === v.stop ? 'here' : 'later';
            return (
              <li key={d} data-route-dept={d} data-state={state} aria-current={state === 'here' ? 'step' : undefined}>
                <strong>{ct(`department.${d}`)}</strong>
                <span className="muted">
                  {state === 'done' ? t('route.done', { time: time(s?.finishedAt), counter: s?.counter ?? '' }) : state === 'here' ? t('route.here') : t('route.later')}
                </span>
              </li>
            );
          })}
        </ol>

        {mine && !closed && (
          <div className="action-bar" role="group" aria-label={t('visit.actions')}>
            <button type="button" onClick={() => actions.recall(v)} disabled={busy || v.status !== 'called'} data-testid="recall">
              {t('action.recall')}
              <kbd>R</kbd>
            </button>
            <button type="button" onClick={() => actions.noShow(v)} disabled={busy || !calledHere || recalls < recallsBeforeNoShow} data-testid="no-show" title={t('visit.noShowAfter', { n: recallsBeforeNoShow, count: recallsBeforeNoShow, done: recalls })}>
              {t('action.noShow')} ({recalls}/{recallsBeforeNoShow})<kbd>X</kbd>
            </button>
            <button type="button" onClick={() => actions.start(v)} disabled={busy || v.status !== 'called'} data-testid="start">
              {t('action.start')}
              <kbd>S</kbd>
            </button>
            <button type="button" onClick={() => setPanel(panel === 'add' ? 'none' : 'add')} aria-expanded={panel === 'add'} data-testid="add-item-open">
              {t('action.addItem')}
              <kbd>A</kbd>
            </button>
            <button type="button" onClick={() => setPanel(panel === 'pay' ? 'none' : 'pay')} aria-expanded={panel === 'pay'} data-testid="pay-open">
              {t('action.pay')}
              <kbd>P</kbd>
            </button>
            <button type="button" onClick={() => setPanel(panel === 'residents' ? 'none' : 'residents')} aria-expanded={panel === 'residents'} data-testid="residents-open">
              {t('action.residents')}
              <kbd>D</kbd>
            </button>
            <button type="button" onClick={() => actions.offerSurvey(v)} disabled={busy} data-testid="survey-offer">
              {t('action.survey')}
              <kbd>Q</kbd>
            </button>
            <button type="button" className="danger" onClick={() => setPanel(panel === 'cancel' ? 'none' : 'cancel')} aria-expanded={panel === 'cancel'} data-testid="cancel-open">
              {t('action.cancel')}
              <kbd>C</kbd>
            </button>
            <span className="spacer" />
            <button type="button" className="primary" onClick={() => actions.finish(v)} disabled={busy || !atThisDept} data-testid="finish">
              {v.stop + 1 >= v.route.length ? t('action.finishLast') : t('action.finish', { place: ct(`department.${v.route[v.stop + 1] ?? ''}`) })}
              <kbd>F</kbd>
            </button>
          </div>
        )}

        {panel === 'cancel' && mine && <ReasonForm id="cancel" title={t('cancel.title', { number: v.number })} label={t('cancel.reason')} submit={t('cancel.confirm')} onCancel={() => setPanel('none')} onSubmit={(r) => actions.cancel(v, r)} />}
        {panel === 'add' && mine && catalog && (
          <AddItemForm
            options={catalog.procedures.filter((p) => !v.items.some((i) => i.id === p.id)).map((p) => ({ id: p.id, label: `${ct(`procedure.${p.id}`)}（${ct(`department.${p.department}`)}）` }))}
            onCancel={() => setPanel('none')}
            onSubmit={(id, reason) => actions.addItem(v, id, reason)}
          />
        )}
        {panel === 'finish' && mine && <FinishCheck visit={v} actions={actions} busy={busy} onClose={() => setPanel('none')} />}
        {panel === 'pay' && mine && <PaymentPanel visit={v} actions={actions} busy={busy} onClose={() => setPanel('none')} />}
        {panel === 'residents' && mine && <ResidentPanel visit={v} onClose={() => setPanel('none')} />}

        <h3 id="items-title">{t('items.title', { n: v.items.length })}</h3>
        <ol className="items" aria-labelledby="items-title" data-testid="items">
          {ordered.map((it, i) => (
            <ItemRow key={it.id} item={it} index={i + 1} visit={v} editable={mine && !closed} busy={busy} actions={actions} department={dept} oneStop={oneStop} />
          ))}
        </ol>

        {members.length > 0 && (
          <>
            <h3 id="members-title">{t('visit.members', { n: members.length })}</h3>
            <ul className="members-list" aria-labelledby="members-title" data-testid="members">
              {members.map((m, i) => (
                <li key={i}>
                  {i + 1}. {ct(`value.role.${m.role ?? 'other'}`)} {m.birthDate ? `(${formatDate(m.birthDate, i18n.language)})` : m.ageBand ? `(${ct(`value.ageBand.${m.ageBand}`, m.ageBand)})` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <aside className="visit-side" aria-label={t('visit.side')}>
        <Notes visit={v} actions={actions} busy={busy} canWrite={!closed || mine} time={time} who={who} />
        {v.payments.length > 0 && (
          <section aria-labelledby="payments-title">
            <h3 id="payments-title">{t('pay.taken')}</h3>
            <ul className="payments" data-testid="payments">
              {v.payments.map((p) => (
                <li key={p.id}>
                  {time(p.at)} {t(`pay.method.${p.method}`)} ¥{p.amount.toLocaleString('ja-JP')} — {p.lines.map((l) => `${l.label} ×${l.quantity}`).join('、')}
                </li>
              ))}
            </ul>
          </section>
        )}
        <section aria-labelledby="timeline-title">
          <h3 id="timeline-title">{t('timeline.title')}</h3>
          <ol className="timeline" data-testid="timeline">
            {v.timeline.map((e, i) => (
              <li key={i} data-type={e.type}>
                <time dateTime={e.at}>{time(e.at)}</time> <strong>{t(`timeline.${e.type}`, { defaultValue: e.type })}</strong>
                {e.department && ` · ${ct(`department.${e.department}`)}`}
                {e.counter && ` · ${t('queue.atCounter', { counter: e.counter })}`}
                {e.type === 'link-decisions' && e.detail && ` · ${linkDecisions(e.detail, t)}`}
                {e.detail && e.type !== 'item' && e.type !== 'link-decisions' && ` · ${e.type === 'left-open' || e.type === 'item-added' ? namedDetail(e.detail, ct) : e.type === 'issued' ? `${info.stations.find((s) => s.id === v.station)?.name ?? v.station} #${v.number}` : e.detail}`}
                {e.type === 'item' && e.detail && ` · ${itemDetail(e.detail, ct, t)}`}
                <span className="muted"> — {who(e.by)}</span>
              </li>
            ))}
          </ol>
        </section>
      </aside>
    </div>
  );
}

/** `id, id: reason` (left-open, item-added) with procedure names for ids. */
function namedDetail(detail: string, ct: (k: string, f?: string) => string): string {
  const m = /^([a-z0-9-]+(?:, [a-z0-9-]+)*)(: .*)?$/s.exec(detail);
  if (!m) return detail;
  return `${m[1]!.split(', ').map((id) => ct(`procedure.${id}`, id)).join('、')}${m[2] ?? ''}`;
}

/** `1:birthDate=data, 2:insurance=answered` as `1人目 生年月日: 住民データを採用、…`. */
function linkDecisions(detail: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  return detail
    .split(', ')
    .map((d) => {
      const m = /^(\d+):([A-Za-z]+)=(data|answered)$/.exec(d);
      if (!m) return d;
      return `${t('residents.diffMemberN', { n: Number(m[1]) })} ${t(`residents.field.${m[2]}`, { defaultValue: m[2] })}: ${t(m[3] === 'data' ? 'residents.diffAccepted' : 'residents.diffKept')}`;
    })
    .join(' / ');
}

function itemDetail(detail: string, ct: (k: string, f?: string) => string, t: (k: string) => string): string {
  const m = /^(\S+) → (\S+)(.*)$/.exec(detail);
  if (!m) return detail;
  return `${ct(`procedure.${m[1]}`, m[1])} → ${t(`itemStatus.${m[2]}`)}${m[3] ?? ''}`;
}

function ItemRow({ item, index, visit, editable, busy, actions, department, oneStop }: { item: VisitItem; index: number; visit: VisitState; editable: boolean; busy: boolean; actions: Actions; department: string; oneStop: string }) {
  const { t } = useTranslation('counter');
  const info = useTerminal();
  const ct = useCatalogText();
  const [status, setStatus] = useState<ItemStatus>(item.status);
  const [reason, setReason] = useState('');
  useEffect(() => setStatus(item.status), [item.status]);
  const next = nextStatus(item, department, oneStop);
  const last = item.steps[item.steps.length - 1];
  const name = ct(`procedure.${item.id}`);
  const needsReason = status === 'declined';
  return (
    <li className="item-row" data-item-id={item.id} data-item-index={index <= 9 ? index : undefined} data-status={item.status}>
      <div className="row">
        <span className="item-index" aria-hidden="true">
          {index}
        </span>
        <h4>{name}</h4>
        <span className={`badge item-${item.status}`} data-testid="item-status">
          {t(`itemStatus.${item.status}`)}
        </span>
        {item.delivery === 'later' && item.status === 'awaiting-delivery' && <span className="badge warn-badge">{t('items.toDeliver')}</span>}
        <span className="spacer" />
        {editable && next && (
          <button type="button" className="primary" onClick={() => actions.itemStatus(visit, item.id, next)} disabled={busy} data-testid="item-advance" aria-label={t('items.advanceLabel', { name, status: t(`itemStatus.${next}`) })}>
            → {t(`itemStatus.${next}`)}
            {index <= 9 && <kbd>{index}</kbd>}
          </button>
        )}
      </div>
      <div className="meta">
        {ct(`department.${item.department}`)} · {ct(`route.${item.route}`)} · {ct(`delivery.${item.delivery}`)}
        {item.fee !== undefined && ` · ¥${item.fee}`}
        {last && ` · ${t('items.lastStep', { time: timeOf(last.at, info.timeZone), who: last.by.staff ?? last.by.terminal, place: ct(`department.${last.department}`) })}`}
        {last?.reason && ` · ${t('items.reason', { reason: last.reason })}`}
        {item.addedBy && ` · ${t('items.added', { reason: item.addedBy.reason })}`}
      </div>
      <ol className="steps" aria-label={t('items.steps', { name })}>
        {item.steps.map((s, i) => (
          <li key={i}>
            {t(`itemStatus.${s.status}`)} <span className="muted">{timeOf(s.at, info.timeZone)} {s.by.staff ?? s.by.terminal}</span>
          </li>
        ))}
      </ol>
      {editable && (
        <form
          className="row item-set"
          onSubmit={(e) => {
            e.preventDefault();
            if (needsReason && !reason.trim()) return;
            actions.itemStatus(visit, item.id, status, reason.trim() || undefined);
            setReason('');
          }}
        >
          <label htmlFor={`st-${item.id}`}>{t('items.setStatus')}</label>
          <select id={`st-${item.id}`} value={status} onChange={(e) => setStatus(e.target.value as ItemStatus)} data-testid="item-select">
            {SETTABLE.map((s) => (
              <option key={s} value={s}>
                {t(`itemStatus.${s}`)}
              </option>
            ))}
          </select>
          {(needsReason || status === 'referred' || status === 'to-confirm') && (
            <>
              <label htmlFor={`rs-${item.id}`}>{needsReason ? t('items.reasonRequired') : t('items.reasonOptional')}</label>
              <input id={`rs-${item.id}`} value={reason} onChange={(e) => setReason(e.target.value)} required={needsReason} data-testid="item-reason" />
            </>
          )}
          <button type="submit" disabled={busy || status === item.status || (needsReason && !reason.trim())} data-testid="item-set">
            {t('items.record')}
          </button>
        </form>
      )}
    </li>
  );
}

function Notes({ visit, actions, busy, canWrite, time, who }: { visit: VisitState; actions: Actions; busy: boolean; canWrite: boolean; time: (iso?: string) => string; who: (by: { terminal: string; staff?: string }) => string }) {
  const { t } = useTranslation('counter');
  const ct = useCatalogText();
  const [text, setText] = useState('');
  const save = async () => {
    if (text.trim() && (await actions.note(visit, text.trim()))) setText('');
  };
  return (
    <section aria-labelledby="notes-title" className="notes">
      <h3 id="notes-title">{t('notes.title', { n: visit.notes.length })}</h3>
      {visit.notes.length === 0 ? (
        <p className="muted">{t('notes.none')}</p>
      ) : (
        <ol className="note-list" data-testid="notes">
          {visit.notes.map((n) => (
            <li key={n.id}>
              <p className="note-text">{n.text}</p>
              <p className="muted">
                {time(n.at)} · {ct(`department.${n.department}`)}
                {n.counter ? ` ${t('queue.atCounter', { counter: n.counter })}` : ''} · {who(n.by)}
              </p>
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label htmlFor="note-text">
            {t('notes.write')}
            <kbd>M</kbd>
          </label>
          <textarea
            id="note-text"
            rows={3}
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void save();
              }
            }}
            data-testid="note-text"
          />
          <button type="submit" disabled={busy || !text.trim()} data-testid="note-save">
            {t('notes.save')}
            <kbd>Ctrl+Enter</kbd>
          </button>
        </form>
      )}
    </section>
  );
}

function ReasonForm({ id, title, label, submit, onSubmit, onCancel }: { id: string; title: string; label: string; submit: string; onSubmit: (reason: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('counter');
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <form
      className="warn panel-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onSubmit(reason.trim());
      }}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      <label htmlFor={`${id}-reason`}>{label}</label>
      <input id={`${id}-reason`} ref={ref} value={reason} onChange={(e) => setReason(e.target.value)} required data-testid={`${id}-reason`} />
      <div className="row">
        <button type="submit" className="danger" disabled={!reason.trim()} data-testid={`${id}-confirm`}>
          {submit}
        </button>
        <button type="button" onClick={onCancel}>
          {t('action.back')}
          <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}

function AddItemForm({ options, onSubmit, onCancel }: { options: Array<{ id: string; label: string }>; onSubmit: (id: string, reason: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('counter');
  const [id, setId] = useState('');
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLSelectElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <form
      className="notice panel-form"
      aria-labelledby="add-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (id && reason.trim()) onSubmit(id, reason.trim());
      }}
    >
      <h3 id="add-title">{t('add.title')}</h3>
      <div className="row">
        <label htmlFor="add-procedure">{t('add.procedure')}</label>
        <select id="add-procedure" ref={ref} value={id} onChange={(e) => setId(e.target.value)} required data-testid="add-procedure">
          <option value="">—</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
        <label htmlFor="add-reason">{t('add.reason')}</label>
        <input id="add-reason" value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="add-reason" />
        <button type="submit" className="primary" disabled={!id || !reason.trim()} data-testid="add-confirm">
          {t('add.confirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('action.back')}
          <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
