import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Condition } from '../../../src-main/common/catalog/condition';
import { checkCatalog } from '../../../src-main/common/catalog/parse';
import { DELIVERIES, ROUTE_MARKS, ROUTES, type Route } from '../../../src-main/common/catalog/schema';
import type { AppearsWhen, CatalogBundle, CatalogIssue, Deadline, Procedure } from '../../../src-main/common/catalog/types';
import type { CatalogPreview, CatalogVersionsView } from '../../../src-main/common/contract/catalog';
import { LIFE_EVENTS } from '../../../src-main/common/guidance/facts';
import { ApiError, call } from '../../api/client';
import { useErrorText } from '../../app/errorText';
import { ConditionEditor } from './ConditionEditor';
import { Issue, localeText, TextsInAllLanguages, type EditProps, type Files } from './editorParts';
import { formLabel, ItemsTab, ProcedureItemNames } from './ItemNames';
import { BringConditions, ProcedureFlags, RuleExtras } from './ProcedureExtras';
import { QuestionsTab } from './QuestionsTab';
import './catalogEditor.css';

/**
 * 手続カタログの編集 (issue 19), for the 窓口運用WG on the admin terminal: procedures (names in
 * every language, department, route, delivery, deadline, what to bring, forms, online links,
 * fee, when it is listed), departments (counter, floor), the interview's questions. Every change
 * runs the same `catalog check` the CLI runs, and its issues show next to the field. A draft is
 * previewed on the sample households, then published with a reason and an effective date; an
 * earlier version is one click away.
 */
type Tab = 'procedures' | 'items' | 'departments' | 'questions' | 'publish' | 'versions';
const TABS: Tab[] = ['procedures', 'items', 'departments', 'questions', 'publish', 'versions'];

const clone = <T,>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function CatalogEditor({ staffId, onSignOut }: { staffId: string; onSignOut: () => void }) {
  const { t } = useTranslation('catalogEditor');
  const errText = useErrorText();
  const [draft, setDraft] = useState<Files | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('procedures');
  const [selected, setSelected] = useState<string>('');
  const [versions, setVersions] = useState<CatalogVersionsView | null>(null);
  const [dirty, setDirty] = useState(false);

  const reload = async () => {
    try {
      const [b, v] = await Promise.all([call('catalog.bundle', {}), call('catalog.versions', {})]);
      setDraft(clone(b) as unknown as Files);
      setVersions(v);
      setDirty(false);
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? errText(e) : String(e));
    }
  };
  useEffect(() => void reload(), []);

  const issues = useMemo<CatalogIssue[]>(() => (draft ? checkCatalog(draft as unknown as CatalogBundle).issues : []), [draft]);
  const byField = useMemo(() => {
    const m = new Map<string, string>();
    for (const i of issues) if (!m.has(`${i.file}:${i.path}`)) m.set(`${i.file}:${i.path}`, i.reason);
    return m;
  }, [issues]);
  /**
   * The first issue at this path, or on one of its own keys (`….eq`, `….age.gte`), but not one
   * inside a nested condition block, which shows its own.
   */
  const issueAt = (file: string, path: string): string | undefined => {
    const exact = byField.get(`${file}:${path}`);
    if (exact) return exact;
    for (const i of issues) {
      if (i.file !== file || !i.path.startsWith(`${path}.`)) continue;
      const rest = i.path.slice(path.length + 1);
      if (/^(all|any)\[|^not(\.|$)|^members\./.test(rest)) continue;
      return `${rest}: ${i.reason}`;
    }
    return undefined;
  };

  const edit = (fn: (d: Files) => void) => {
    setDraft((cur) => {
      if (!cur) return cur;
      const next = clone(cur);
      fn(next);
      return next;
    });
    setDirty(true);
  };

  if (loadError) return <main className="catalog-editor"><p className="alert" role="alert">{loadError}</p></main>;
  if (!draft || !versions) return <main className="catalog-editor loading" aria-busy="true">{t('loading')}</main>;
  const languages = Object.keys(draft.locales).sort();

  return (
    <main className="catalog-editor" data-testid="catalog-editor">
      <header className="row">
        <h1>{t('title')}</h1>
        <span className="muted" data-testid="catalog-active">
          {t('active', { version: versions.status.version })}
          {versions.status.pending ? ` · ${t('pending', { version: versions.status.pending.version, date: versions.status.pending.effective })}` : ''}
        </span>
        <span className="spacer" />
        <span data-testid="staff-name">{staffId}</span>
        <button type="button" onClick={onSignOut} data-testid="sign-out">
          {t('signOut')}
        </button>
      </header>
      {versions.status.refused && (
        <p className="alert" role="alert">
          {t('refused', { version: versions.status.refused.version, reason: versions.status.refused.reason })}
        </p>
      )}
      <p className={issues.length ? 'alert' : 'notice'} role="status" data-testid="catalog-issues-count">
        {issues.length ? t('issues', { count: issues.length }) : t('noIssues')}
        {dirty ? ` · ${t('draft')}` : ''}
      </p>
      {issues.length > 0 && (
        <details className="ce-issues" open={issues.length <= 5}>
          <summary>{t('issueList')}</summary>
          <ul data-testid="catalog-issues">
            {issues.slice(0, 50).map((i, k) => (
              <li key={k}>
                <code>
                  {i.file}: {i.path}
                </code>{' '}
                {i.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <nav className="ce-tabs" aria-label={t('title')}>
        {TABS.map((x) => (
          <button key={x} type="button" aria-pressed={tab === x} onClick={() => setTab(x)} data-testid={`tab-${x}`}>
            {t(`tab.${x}`)}
          </button>
        ))}
      </nav>
      {tab === 'procedures' && <ProceduresTab draft={draft} edit={edit} selected={selected} setSelected={setSelected} languages={languages} issueAt={issueAt} />}
      {tab === 'items' && <ItemsTab draft={draft} edit={edit} issueAt={issueAt} languages={languages} />}
      {tab === 'departments' && <DepartmentsTab draft={draft} edit={edit} issueAt={issueAt} languages={languages} />}
      {tab === 'questions' && <QuestionsTab draft={draft} edit={edit} issueAt={issueAt} languages={languages} />}
      {tab === 'publish' && <PublishTab draft={draft} issues={issues} versions={versions} onPublished={reload} />}
      {tab === 'versions' && <VersionsTab versions={versions} onRolledBack={reload} />}
    </main>
  );
}

function DepartmentsTab({ draft, edit, issueAt, languages }: EditProps & { languages: string[] }) {
  const { t } = useTranslation('catalogEditor');
  return (
    <section aria-labelledby="ce-deps">
      <h2 id="ce-deps">{t('tab.departments')}</h2>
      <table className="sv-table ce-table">
        <thead>
          <tr>
            <th scope="col">{t('dep.id')}</th>
            <th scope="col">{t('dep.name')}</th>
            <th scope="col">{t('dep.counter')}</th>
            <th scope="col">{t('dep.floor')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.departments.departments.map((d, i) => (
            <tr key={d.id} data-department={d.id}>
              <th scope="row">{d.id}</th>
              <td>
                <TextsInAllLanguages draft={draft} edit={edit} issueAt={issueAt} group="department" id={d.id} languages={languages} label={(lang) => t('departmentEdit.nameIn', { id: d.id, lang })} testId={`dep-name-${d.id}`} />
              </td>
              <td>
                {d.external ? (
                  <span className="muted">{t('dep.external')}</span>
                ) : (
                  <>
                    <input
                      aria-label={t('dep.counterOf', { id: d.id })}
                      value={d.counter ?? ''}
                      onChange={(e) => edit((x) => void (x.departments.departments[i]!.counter = e.target.value))}
                      size={6}
                      data-testid={`dep-counter-${d.id}`}
                    />
                    <Issue text={issueAt('departments.json', `departments[${i}].counter`)} />
                  </>
                )}
              </td>
              <td>
                <input
                  aria-label={t('dep.floorOf', { id: d.id })}
                  value={d.floor ?? ''}
                  onChange={(e) =>
                    edit((x) => {
                      const dep = x.departments.departments[i]!;
                      if (e.target.value) dep.floor = e.target.value;
                      else delete dep.floor;
                    })
                  }
                  size={8}
                  data-testid={`dep-floor-${d.id}`}
                />
                <Issue text={issueAt('departments.json', `departments[${i}].floor`)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type DeadlineKind = 'none' | 'days' | 'months' | 'years' | 'daysBefore' | 'beforeEvent';
function deadlineKind(d: Deadline): DeadlineKind {
  if (!d) return 'none';
  if ('beforeEvent' in d) return 'beforeEvent';
  if ('daysBefore' in d) return 'daysBefore';
  if ('months' in d) return 'months';
  if ('years' in d) return 'years';
  return 'days';
}

function ProceduresTab({ draft, edit, selected, setSelected, languages, issueAt }: EditProps & { selected: string; setSelected: (id: string) => void; languages: string[] }) {
  const { t } = useTranslation('catalogEditor');
  const [newId, setNewId] = useState('');
  const procs = draft.procedures.procedures;
  const index = procs.findIndex((p) => p.id === selected);
  const p = index >= 0 ? procs[index] : undefined;
  const F = 'procedures.json';
  const at = (sub: string) => `procedures[${index}]${sub}`;
  const add = () => {
    const id = newId.trim();
    if (!id) return;
    edit((x) => {
      x.procedures.procedures.push({ id, department: x.departments.oneStop, route: 'accept', delivery: 'none', deadline: null, appearsWhen: [{ events: ['moving-in'] }], bring: [], online: [], forms: [] });
      for (const lang of Object.keys(x.locales)) ((x.locales[lang]!.procedure ??= {}) as Record<string, string>)[id] = '';
    });
    setSelected(id);
    setNewId('');
  };
  const setP = (fn: (q: Procedure, x: Files) => void) => edit((x) => fn(x.procedures.procedures[index]!, x));
  return (
    <section className="ce-split" aria-labelledby="ce-procs">
      <div className="ce-list">
        <h2 id="ce-procs">{t('tab.procedures')}</h2>
        <ul>
          {procs.map((q) => (
            <li key={q.id}>
              <button type="button" aria-pressed={q.id === selected} onClick={() => setSelected(q.id)} data-testid={`proc-${q.id}`}>
                {localeText(draft, 'ja', 'procedure', q.id) || q.id}
              </button>
            </li>
          ))}
        </ul>
        <label htmlFor="ce-new-id">{t('proc.newId')}</label>
        <input id="ce-new-id" value={newId} onChange={(e) => setNewId(e.target.value)} data-testid="proc-new-id" />
        <button type="button" onClick={add} disabled={!newId.trim() || procs.some((q) => q.id === newId.trim())} data-testid="proc-add">
          {t('proc.add')}
        </button>
      </div>
      {p ? (
        <div className="ce-form" data-testid="proc-form">
          <h3>
            {p.id}
            <Issue text={issueAt(F, at('.id'))} />
          </h3>
          <fieldset>
            <legend>{t('proc.names')}</legend>
            {languages.map((lang) => (
              <div key={lang} className="ce-field">
                <label htmlFor={`ce-name-${lang}`}>{lang}</label>
                <input
                  id={`ce-name-${lang}`}
                  value={localeText(draft, lang, 'procedure', p.id)}
                  onChange={(e) => edit((x) => void (((x.locales[lang]!.procedure ??= {}) as Record<string, string>)[p.id] = e.target.value))}
                  data-testid={`proc-name-${lang}`}
                />
                <Issue text={issueAt(`locales/${lang}/catalog.json`, `procedure.${p.id}`)} />
              </div>
            ))}
          </fieldset>
          <div className="ce-grid">
            <label>
              {t('proc.department')}
              <select value={p.department} onChange={(e) => setP((q) => void (q.department = e.target.value))} data-testid="proc-department">
                {draft.departments.departments.map((d) => (
                  <option key={d.id} value={d.id}>
                    {localeText(draft, 'ja', 'department', d.id) || d.id}
                  </option>
                ))}
              </select>
              <Issue text={issueAt(F, at('.department'))} />
            </label>
            <label>
              {t('proc.route')}
              <select value={p.route} onChange={(e) => setP((q) => void (q.route = e.target.value as Procedure['route']))} data-testid="proc-route">
                {ROUTES.map((r) => (
                  <option key={r} value={r}>
                    {t(`route.${r}`, { ns: 'catalog' })}
                  </option>
                ))}
              </select>
              <Issue text={issueAt(F, at('.route'))} />
            </label>
            <label>
              {t('proc.delivery')}
              <select value={p.delivery} onChange={(e) => setP((q) => void (q.delivery = e.target.value as Procedure['delivery']))} data-testid="proc-delivery">
                {DELIVERIES.map((r) => (
                  <option key={r} value={r}>
                    {t(`delivery.${r}`, { ns: 'catalog' })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('proc.fee')}
              <input
                type="number"
                min={0}
                value={p.fee ?? ''}
                onChange={(e) =>
                  setP((q) => {
                    if (e.target.value === '') delete q.fee;
                    else q.fee = Number(e.target.value);
                  })
                }
                data-testid="proc-fee"
              />
              <Issue text={issueAt(F, at('.fee'))} />
            </label>
            <label>
              {t('proc.deadline')}
              <select
                value={deadlineKind(p.deadline)}
                onChange={(e) =>
                  setP((q) => {
                    const k = e.target.value as DeadlineKind;
                    q.deadline = k === 'none' ? null : k === 'beforeEvent' ? { beforeEvent: true } : ({ [k]: 14 } as Deadline);
                  })
                }
                data-testid="proc-deadline-kind"
              >
                {(['none', 'days', 'months', 'years', 'daysBefore', 'beforeEvent'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`deadline.${k}`)}
                  </option>
                ))}
              </select>
              {p.deadline && !('beforeEvent' in p.deadline) && (
                <input
                  type="number"
                  min={0}
                  aria-label={t('proc.deadlineAmount')}
                  value={Object.values(p.deadline).find((v) => typeof v === 'number') ?? ''}
                  onChange={(e) => setP((q) => void ((q.deadline as Record<string, number>)[deadlineKind(q.deadline)] = Number(e.target.value)))}
                  style={{ width: '5em' }}
                />
              )}
              <Issue text={issueAt(F, at('.deadline'))} />
            </label>
          </div>
          <ProcedureFlags p={p} setP={setP} issueAt={(path) => issueAt(F, path)} at={at} />
          <CheckList
            legend={t('proc.bring')}
            all={draft.bring.items.map((b) => b.id)}
            label={(id) => localeText(draft, 'ja', 'bring', id) || id}
            chosen={(p.bring ?? []).map((b) => (typeof b === 'string' ? b : b.id))}
            onChange={(ids) => setP((q) => void (q.bring = ids.map((id) => (q.bring ?? []).find((b) => (typeof b === 'string' ? b : b.id) === id) ?? id) as Procedure['bring']))}
          />
          <BringConditions draft={draft} p={p} setP={setP} issueAt={(path) => issueAt(F, path)} at={at} />
          <CheckList legend={t('proc.forms')} all={draft.forms.forms.map((f) => f.id)} label={(id) => formLabel(draft, id)} chosen={p.forms ?? []} onChange={(ids) => setP((q) => void (q.forms = ids))} />
          <CheckList
            legend={t('proc.online')}
            all={draft.online.options.map((o) => o.id)}
            label={(id) => {
              const o = draft.online.options.find((x) => x.id === id);
              return `${localeText(draft, 'ja', 'online', id) || id}${o?.url ? ` (${o.url})` : ` — ${t('proc.noUrl')}`}`;
            }}
            chosen={p.online ?? []}
            onChange={(ids) => setP((q) => void (q.online = ids))}
          />
          <ProcedureItemNames draft={draft} edit={edit} issueAt={issueAt} languages={languages} p={p} />
          <fieldset>
            <legend>{t('proc.when')}</legend>
            {p.appearsWhen.map((rule, ri) => (
              <RuleEditor
                key={ri}
                rule={rule}
                path={at(`.appearsWhen[${ri}]`)}
                issueAt={(path) => issueAt(F, path)}
                onChange={(r) => setP((q) => void (q.appearsWhen[ri] = r))}
                onRemove={() => setP((q) => void q.appearsWhen.splice(ri, 1))}
              />
            ))}
            <button type="button" onClick={() => setP((q) => void q.appearsWhen.push({ events: ['moving-in'] }))} data-testid="rule-add">
              {t('rule.add')}
            </button>
            <Issue text={issueAt(F, at('.appearsWhen'))} />
          </fieldset>
        </div>
      ) : (
        <p className="muted">{t('proc.pick')}</p>
      )}
    </section>
  );
}

function RuleEditor({ rule, path, issueAt, onChange, onRemove }: { rule: AppearsWhen; path: string; issueAt: (p: string) => string | undefined; onChange: (r: AppearsWhen) => void; onRemove: () => void }) {
  const { t } = useTranslation('catalogEditor');
  return (
    <div className="ce-rule" data-path={path}>
      <div className="ce-inline">
        <strong>{t('rule.events')}</strong>
        {LIFE_EVENTS.map((e) => (
          <label key={e} className="ce-check">
            <input
              type="checkbox"
              checked={rule.events.includes(e)}
              onChange={(ev) => onChange({ ...rule, events: ev.target.checked ? [...rule.events, e] : rule.events.filter((x) => x !== e) })}
              data-testid={`rule-event-${e}`}
            />
            {t(`event.${e}`, { ns: 'catalog' })}
          </label>
        ))}
        <Issue text={issueAt(`${path}.events`)} />
      </div>
      {rule.if ? (
        <div>
          <strong>{t('rule.if')}</strong>
          <ConditionEditor value={rule.if} onChange={(c: Condition) => onChange({ ...rule, if: c })} path={`${path}.if`} issueAt={issueAt} />
          <button
            type="button"
            onClick={() => {
              const { if: _drop, ...rest } = rule;
              onChange(rest);
            }}
          >
            {t('rule.always')}
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => onChange({ ...rule, if: { members: { ageClass: 'child' } } })} data-testid="rule-add-if">
          {t('rule.addIf')}
        </button>
      )}
      <RuleExtras rule={rule} path={path} issueAt={issueAt} onChange={onChange} />
      <button type="button" onClick={onRemove}>
        {t('rule.remove')}
      </button>
    </div>
  );
}

function CheckList({ legend, all, chosen, label, onChange }: { legend: string; all: string[]; chosen: string[]; label: (id: string) => string; onChange: (ids: string[]) => void }) {
  return (
    <fieldset className="ce-checklist">
      <legend>{legend}</legend>
      {all.map((id) => (
        <label key={id} className="ce-check">
          <input type="checkbox" checked={chosen.includes(id)} onChange={(e) => onChange(e.target.checked ? [...chosen, id] : chosen.filter((x) => x !== id))} />
          {label(id)}
        </label>
      ))}
    </fieldset>
  );
}

function PublishTab({ draft, issues, versions, onPublished }: { draft: Files; issues: CatalogIssue[]; versions: CatalogVersionsView; onPublished: () => Promise<void> }) {
  const { t } = useTranslation('catalogEditor');
  const errText = useErrorText();
  const [preview, setPreview] = useState<CatalogPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [effective, setEffective] = useState(versions.nextBusinessDay);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const bundle = draft as unknown as CatalogBundle;
  /** A status in the screen's words (ご希望により), a route with its mark (② proxy); other values as they are. */
  const fieldValue = (field: string, v: string): string => (!v ? '-' : field === 'status' ? t(`status.${v}`, { ns: 'catalog' }) : field === 'route' && v in ROUTE_MARKS ? `${ROUTE_MARKS[v as Route]} ${v}` : v);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${errText(e)}${e.field ? ` (${e.field})` : ''}` : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="ce-pub">
      <h2 id="ce-pub">{t('tab.publish')}</h2>
      <button type="button" className="primary" disabled={busy || issues.length > 0} onClick={() => run(async () => setPreview(await call('catalog.preview', { bundle })))} data-testid="preview">
        {t('preview.run')}
      </button>
      {preview?.diff && (
        <div data-testid="preview-result">
          <p>
            <strong data-testid="preview-summary">{t('preview.summary', { changed: preview.diff.changed.length, total: preview.diff.households })}</strong>
            {preview.diff.procedures.added.length > 0 && ` · ${t('preview.procAdded', { ids: preview.diff.procedures.added.join(', ') })}`}
            {preview.diff.procedures.removed.length > 0 && ` · ${t('preview.procRemoved', { ids: preview.diff.procedures.removed.join(', ') })}`}
          </p>
          {/* A renamed thing changes no household's list: said here, key by key with its languages. */}
          {preview.diff.texts.length > 0 && (
            <p data-testid="preview-texts">
              {t('preview.textsChanged', {
                count: preview.diff.texts.length,
                keys: `${preview.diff.texts
                  .slice(0, 20)
                  .map((x) => `${x.key} (${x.langs.join(', ')})`)
                  .join(' / ')}${preview.diff.texts.length > 20 ? ' …' : ''}`,
              })}
            </p>
          )}
          <table className="sv-table ce-table">
            <thead>
              <tr>
                <th scope="col">{t('preview.household')}</th>
                <th scope="col">{t('preview.added')}</th>
                <th scope="col">{t('preview.removed')}</th>
                <th scope="col">{t('preview.changed')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.diff.changed.slice(0, 200).map((h) => (
                <tr key={h.id} data-household={h.id}>
                  <th scope="row">{h.label}</th>
                  <td>{h.added.join(', ')}</td>
                  <td>{h.removed.join(', ')}</td>
                  <td>
                    {h.changed.map((c) => `${c.id}: ${c.fields.map((f) => `${t(`field.${f.field}`)} ${fieldValue(f.field, f.from)} → ${fieldValue(f.field, f.to)}`).join(', ')}`).join(' / ')}
                    {h.route && ` ${t('preview.route')}: ${h.route.to.join(' → ')}`}
                    {h.error && <span className="ce-issue">{h.error}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="ce-publish"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const v = await call('catalog.publish', { bundle, reason, effective });
            setMessage({ ok: true, text: t('published', { version: v.version, date: v.effective }) });
            setReason('');
            await onPublished();
          });
        }}
      >
        <label htmlFor="ce-reason">{t('publish.reason')}</label>
        <textarea id="ce-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={500} required data-testid="publish-reason" />
        <label htmlFor="ce-effective">{t('publish.effective')}</label>
        <span className="ce-inline">
          <input id="ce-effective" type="date" value={effective} min={versions.status.today} onChange={(e) => setEffective(e.target.value)} required data-testid="publish-effective" />
          <button type="button" onClick={() => setEffective(versions.status.today)} data-testid="publish-today">
            {t('publish.today')}
          </button>
          <span className="muted">{t('publish.defaultHelp', { date: versions.nextBusinessDay })}</span>
        </span>
        <button type="submit" className="primary" disabled={busy || issues.length > 0 || !reason.trim()} data-testid="publish">
          {t('publish.submit')}
        </button>
        {issues.length > 0 && <p className="alert">{t('publish.blocked')}</p>}
      </form>
      {message && (
        <p className={message.ok ? 'notice' : 'alert'} role={message.ok ? 'status' : 'alert'} data-testid="publish-message">
          {message.text}
        </p>
      )}
    </section>
  );
}

export function VersionsTab({ versions, onRolledBack }: { versions: CatalogVersionsView; onRolledBack: () => Promise<void> }) {
  const { t } = useTranslation('catalogEditor');
  const errText = useErrorText();
  const [error, setError] = useState<string | null>(null);
  const [rollbackReason, setRollbackReason] = useState('');
  const active = versions.status.version;
  const rollback = async (to: number) => {
    try {
      await call('catalog.rollback', { to, ...(rollbackReason.trim() ? { reason: rollbackReason.trim() } : {}) });
      setRollbackReason('');
      setError(null);
      await onRolledBack();
    } catch (e) {
      setError(e instanceof ApiError ? errText(e) : String(e));
    }
  };
  return (
    <section aria-labelledby="ce-versions">
      <h2 id="ce-versions">{t('tab.versions')}</h2>
      <label htmlFor="ce-rollback-reason">{t('v.rollbackReason')}</label>
      <input id="ce-rollback-reason" type="text" value={rollbackReason} onChange={(e) => setRollbackReason(e.target.value)} maxLength={500} data-testid="rollback-reason" />
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <table className="sv-table ce-table" data-testid="versions-table">
        <thead>
          <tr>
            <th scope="col">{t('v.version')}</th>
            <th scope="col">{t('v.effective')}</th>
            <th scope="col">{t('v.by')}</th>
            <th scope="col">{t('v.at')}</th>
            <th scope="col">{t('v.reason')}</th>
            <th scope="col">{t('v.state')}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {[...versions.versions].reverse().map((v) => (
            <tr key={`${v.origin}-${v.seq}`} data-version={v.version}>
              <th scope="row">v{v.version}</th>
              <td className="ce-nowrap">{v.effective}</td>
              <td>
                {v.publisher.staff ?? ''} @ {v.publisher.terminal}
              </td>
              <td className="ce-nowrap" data-testid={`version-at-${v.version}`}>{v.at.replace('T', ' ').slice(0, 19)}</td>
              <td>
                {v.reason}
                {v.rollbackOf !== undefined ? ` (${t('v.rollbackOf', { version: v.rollbackOf })})` : ''}
              </td>
              <td>{v.problem ? t('v.keptOut', { reason: v.problem }) : v.version === active ? t('v.active') : v.effective > versions.status.today ? t('v.waiting') : t('v.superseded')}</td>
              <td>
                {!v.problem && v.version !== active && (
                  <button type="button" onClick={() => void rollback(v.version)} data-testid={`rollback-${v.version}`}>
                    {t('v.rollback', { version: v.version })}
                  </button>
                )}
              </td>
            </tr>
          ))}
          {/* Version 0: the catalog this terminal had before any version (shipped with the app, or its data folder's own). */}
          <tr data-version="0">
            <th scope="row">v0</th>
            <td>-</td>
            <td>-</td>
            <td>-</td>
            <td>{t('v.base')}</td>
            <td>{active === 0 ? t('v.active') : t('v.superseded')}</td>
            <td>
              {active !== 0 && versions.versions.length > 0 && (
                <button type="button" onClick={() => void rollback(0)} data-testid="rollback-0">
                  {t('v.rollback', { version: 0 })}
                </button>
              )}
            </td>
          </tr>
        </tbody>
      </table>
      {versions.terminals.length > 0 && (
        <>
          <h3>{t('v.terminals')}</h3>
          <ul>
            {versions.terminals.map((x) => (
              <li key={x.terminal} className={x.behind ? 'warn' : ''}>
                {x.terminal}: v{x.version}
                {x.behind ? ` — ${t('v.behind')}` : ''}
                {x.refused ? ` — ${t('v.keptOut', { reason: `v${x.refused.version}: ${x.refused.reason}` })}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
