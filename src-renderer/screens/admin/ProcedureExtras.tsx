import { useTranslation } from 'react-i18next';
import type { Condition } from '../../../src-main/common/catalog/condition';
import { askableFacts } from '../../../src-main/common/catalog/questionUsage';
import { DELIVERIES, ROUTES } from '../../../src-main/common/catalog/schema';
import type { AppearsWhen, BringRef, Procedure, RuleOverride } from '../../../src-main/common/catalog/types';
import { ConditionEditor } from './ConditionEditor';
import { Issue, localeText, type Files } from './editorParts';

/**
 * The rest of a procedure (issue 19), as readable form fields: whether it is only if the visitor
 * wishes (任意) and whether コンビニ交付 would spare the visit, how its deadline counts, the
 * conditions of each thing to bring, and per rule whom it concerns, its own route and delivery,
 * the exceptions (overrides) and the facts that leave it to confirm.
 */
type IssueAt = (path: string) => string | undefined;
type SetP = (fn: (q: Procedure) => void) => void;

const blankMembers = (): Condition => ({ members: { role: 'applicant' } });

export function ProcedureFlags({ p, setP, issueAt, at }: { p: Procedure; setP: SetP; issueAt: IssueAt; at: (sub: string) => string }) {
  const { t } = useTranslation('catalogEditor');
  const d = p.deadline as Record<string, unknown> | null;
  const counts = d !== null && ('days' in d || 'months' in d);
  return (
    <fieldset>
      <legend>{t('procedureEdit.flags')}</legend>
      <div className="ce-grid">
        <label className="ce-check">
          <input
            type="checkbox"
            checked={p.optional === true}
            onChange={(e) =>
              setP((q) => {
                if (e.target.checked) q.optional = true;
                else delete q.optional;
              })
            }
            data-testid="proc-optional"
          />
          {t('procedureEdit.optional')}
        </label>
        <label className="ce-check">
          <input
            type="checkbox"
            checked={p.convenienceStore === true}
            onChange={(e) =>
              setP((q) => {
                if (e.target.checked) q.convenienceStore = true;
                else if (q.convenienceStore !== undefined) q.convenienceStore = false;
              })
            }
            data-testid="proc-convenience-store"
          />
          {t('procedureEdit.convenienceStore')}
        </label>
        {counts && (
          <label>
            {t('procedureEdit.count')}
            <select
              value={(d.count as string | undefined) ?? 'civil'}
              onChange={(e) => setP((q) => void ((q.deadline as Record<string, unknown>).count = e.target.value))}
              data-testid="proc-deadline-count"
            >
              {(['civil', 'koseki'] as const).map((c) => (
                <option key={c} value={c}>
                  {t(`procedureEdit.counts.${c}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        {d !== null && 'days' in d && (
          <label>
            {t('procedureEdit.from')}
            <select value={(d.from as string | undefined) ?? 'eventDate'} onChange={(e) => setP((q) => void ((q.deadline as Record<string, unknown>).from = e.target.value))} data-testid="proc-deadline-from">
              {(['eventDate', 'date'] as const).map((f) => (
                <option key={f} value={f}>
                  {t(`procedureEdit.froms.${f}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('procedureEdit.source')}
          <input
            value={p.source ?? ''}
            onChange={(e) =>
              setP((q) => {
                if (e.target.value) q.source = e.target.value;
                else delete q.source;
              })
            }
            data-testid="proc-source"
          />
          <Issue text={issueAt(at('.source'))} />
        </label>
        <label>
          {t('procedureEdit.note')}
          <input
            value={p.note ?? ''}
            onChange={(e) =>
              setP((q) => {
                if (e.target.value) q.note = e.target.value;
                else delete q.note;
              })
            }
            data-testid="proc-note"
          />
        </label>
      </div>
    </fieldset>
  );
}

/** Each thing to bring, always or only when a condition holds (在留カード only for a member who is not JP …). */
export function BringConditions({ draft, p, setP, issueAt, at }: { draft: Files; p: Procedure; setP: SetP; issueAt: IssueAt; at: (sub: string) => string }) {
  const { t } = useTranslation('catalogEditor');
  const refs = (p.bring ?? []) as Array<string | BringRef>; // raw JSON: absent means none
  if (refs.length === 0) return null;
  const setRef = (j: number, r: string | BringRef) => setP((q) => void ((q.bring as Array<string | BringRef>)[j] = r));
  return (
    <fieldset data-testid="bring-conditions">
      <legend>{t('procedureEdit.bringWhen')}</legend>
      {refs.map((b, j) => {
        const id = typeof b === 'string' ? b : b.id;
        const cond = typeof b === 'string' ? undefined : b.if;
        return (
          <div key={`${id}-${j}`} className="ce-rule" data-bring={id}>
            <strong>{localeText(draft, 'ja', 'bring', id) || id}</strong>{' '}
            {cond ? (
              <>
                <span className="muted">{t('procedureEdit.bringOnlyIf')}</span>
                <ConditionEditor value={cond} onChange={(c) => setRef(j, { id, if: c })} path={at(`.bring[${j}].if`)} issueAt={issueAt} />
                <button type="button" onClick={() => setRef(j, id)} data-testid={`bring-always-${id}`}>
                  {t('procedureEdit.bringAlways')}
                </button>
              </>
            ) : (
              <>
                <span className="muted">{t('procedureEdit.bringAlwaysNow')}</span>{' '}
                <button type="button" onClick={() => setRef(j, { id, if: blankMembers() })} data-testid={`bring-add-if-${id}`}>
                  {t('procedureEdit.bringAddIf')}
                </button>
              </>
            )}
            <Issue text={issueAt(at(`.bring[${j}]`))} />
          </div>
        );
      })}
    </fieldset>
  );
}

function RouteDelivery({ value, onChange, testId }: { value: { route?: RuleOverride['route']; delivery?: RuleOverride['delivery']; wanted?: boolean }; onChange: (v: { route?: RuleOverride['route']; delivery?: RuleOverride['delivery']; wanted?: boolean }) => void; testId: string }) {
  const { t } = useTranslation('catalogEditor');
  const set = (k: 'route' | 'delivery', v: string) => {
    const next = { ...value };
    if (v) (next as Record<string, unknown>)[k] = v;
    else delete next[k];
    onChange(next);
  };
  return (
    <span className="ce-inline">
      <label>
        {t('proc.route')}{' '}
        <select value={value.route ?? ''} onChange={(e) => set('route', e.target.value)} data-testid={`${testId}-route`}>
          <option value="">{t('procedureEdit.asProcedure')}</option>
          {ROUTES.map((r) => (
            <option key={r} value={r}>
              {t(`route.${r}`, { ns: 'catalog' })}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('proc.delivery')}{' '}
        <select value={value.delivery ?? ''} onChange={(e) => set('delivery', e.target.value)} data-testid={`${testId}-delivery`}>
          <option value="">{t('procedureEdit.asProcedure')}</option>
          {DELIVERIES.map((r) => (
            <option key={r} value={r}>
              {t(`delivery.${r}`, { ns: 'catalog' })}
            </option>
          ))}
        </select>
      </label>
      <label className="ce-check">
        <input
          type="checkbox"
          checked={value.wanted === true}
          onChange={(e) => {
            const next = { ...value };
            if (e.target.checked) next.wanted = true;
            else delete next.wanted;
            onChange(next);
          }}
          data-testid={`${testId}-wanted`}
        />
        {t('procedureEdit.wanted')}
      </label>
    </span>
  );
}

/** A rule's own route and delivery, whom it concerns, its exceptions and the facts that leave it to confirm. */
export function RuleExtras({ rule, path, issueAt, onChange }: { rule: AppearsWhen; path: string; issueAt: IssueAt; onChange: (r: AppearsWhen) => void }) {
  const { t } = useTranslation('catalogEditor');
  const without = <K extends keyof AppearsWhen>(k: K): AppearsWhen => {
    const next = { ...rule };
    delete next[k];
    return next;
  };
  const overrides = rule.overrides ?? [];
  const setOverrides = (list: RuleOverride[]) => onChange(list.length ? { ...rule, overrides: list } : without('overrides'));
  const facts = askableFacts().filter((f) => f.startsWith('member.') || f.startsWith('household.') || f === 'moveFrom' || f === 'moveTo');
  const toConfirm = rule.toConfirm ?? [];
  return (
    <div className="ce-block ce-rule-extras">
      <div>
        <strong>{t('procedureEdit.ruleRoute')}</strong>{' '}
        <RouteDelivery
          value={rule}
          onChange={(v) => {
            const next: AppearsWhen = { ...without('route'), ...(v.route ? { route: v.route } : {}) };
            delete next.delivery;
            delete next.wanted;
            onChange({ ...next, ...(v.delivery ? { delivery: v.delivery } : {}), ...(v.wanted ? { wanted: true } : {}) });
          }}
          testId={`rule-${path}`}
        />
      </div>
      <div>
        <strong>{t('procedureEdit.concerns')}</strong>{' '}
        {rule.concerns ? (
          <>
            <ConditionEditor value={rule.concerns} onChange={(c) => onChange({ ...rule, concerns: c })} path={`${path}.concerns`} issueAt={issueAt} />
            <button type="button" onClick={() => onChange(without('concerns'))}>
              {t('procedureEdit.concernsDefault')}
            </button>
          </>
        ) : (
          <>
            <span className="muted">{t('procedureEdit.concernsDefaultNow')}</span>{' '}
            <button type="button" onClick={() => onChange({ ...rule, concerns: blankMembers() })} data-testid="rule-add-concerns">
              {t('procedureEdit.concernsAdd')}
            </button>
          </>
        )}
      </div>
      <div>
        <strong>{t('procedureEdit.overrides')}</strong>
        {overrides.map((o, k) => (
          <div key={k} className="ce-rule" data-override={k}>
            <span className="muted">{t('procedureEdit.overrideIf', { n: k + 1 })}</span>
            <ConditionEditor value={o.if} onChange={(c) => setOverrides(overrides.map((x, i) => (i === k ? { ...x, if: c } : x)))} path={`${path}.overrides[${k}].if`} issueAt={issueAt} />
            <span className="muted">{t('procedureEdit.overrideThen')}</span>{' '}
            <RouteDelivery value={o} onChange={(v) => setOverrides(overrides.map((x, i) => (i === k ? { if: x.if, ...v } : x)))} testId={`override-${k}`} />
            <button type="button" onClick={() => setOverrides(overrides.filter((_, i) => i !== k))}>
              {t('procedureEdit.overrideRemove')}
            </button>
            <Issue text={issueAt(`${path}.overrides[${k}]`)} />
          </div>
        ))}
        <button type="button" onClick={() => setOverrides([...overrides, { if: { fact: 'moveTo', eq: 'abroad' }, route: 'refer' }])} data-testid="rule-add-override">
          {t('procedureEdit.overrideAdd')}
        </button>
      </div>
      <details open={toConfirm.length > 0}>
        <summary>{t('procedureEdit.toConfirm', { count: toConfirm.length })}</summary>
        <p className="muted">{t('procedureEdit.toConfirmHelp')}</p>
        <div className="ce-checklist">
          {facts.map((f) => (
            <label key={f} className="ce-check">
              <input
                type="checkbox"
                checked={toConfirm.includes(f)}
                onChange={(e) => {
                  const next = e.target.checked ? [...toConfirm, f] : toConfirm.filter((x) => x !== f);
                  onChange(next.length ? { ...rule, toConfirm: next } : without('toConfirm'));
                }}
              />
              {f}
            </label>
          ))}
        </div>
        <Issue text={issueAt(`${path}.toConfirm`)} />
      </details>
    </div>
  );
}
