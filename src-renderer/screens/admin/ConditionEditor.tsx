import { useTranslation } from 'react-i18next';
import { MEMBER_SCOPES, type Condition, type MemberCondition } from '../../../src-main/common/catalog/condition';
import { AGE_CLASSES } from '../../../src-main/common/dates/ages';
import { LIFE_EVENTS, MEMBER_FIELDS, ROLES, VISIT_FIELDS } from '../../../src-main/common/guidance/facts';

/**
 * The catalog's all/any/not conditions as a readable form (issue 19): each block is a sentence
 * with selects and fields, groups nest, and the JSON the engine reads is never typed by hand.
 */
type Kind = 'all' | 'any' | 'not' | 'event' | 'fact' | 'members';
const KINDS: Kind[] = ['all', 'any', 'not', 'event', 'fact', 'members'];
type MKind = 'all' | 'any' | 'not' | 'role' | 'field' | 'ageClass' | 'age';
const MKINDS: MKind[] = ['all', 'any', 'not', 'role', 'field', 'ageClass', 'age'];

function kindOf(c: Condition): Kind {
  return (KINDS.find((k) => k in c) ?? 'event') as Kind;
}
function mkindOf(c: MemberCondition): MKind {
  return (MKINDS.find((k) => k in c) ?? 'role') as MKind;
}

function blankCondition(k: Kind): Condition {
  switch (k) {
    case 'all':
      return { all: [] };
    case 'any':
      return { any: [] };
    case 'not':
      return { not: { event: 'moving-in' } };
    case 'event':
      return { event: 'moving-in' };
    case 'fact':
      return { fact: 'moveFrom', eq: 'abroad' };
    case 'members':
      return { members: { ageClass: 'child' } };
  }
}

function blankMember(k: MKind): MemberCondition {
  switch (k) {
    case 'all':
      return { all: [] };
    case 'any':
      return { any: [] };
    case 'not':
      return { not: { role: 'applicant' } };
    case 'role':
      return { role: 'applicant' };
    case 'field':
      return { field: 'insurance', eq: 'nhi' };
    case 'ageClass':
      return { ageClass: 'child' };
    case 'age':
      return { age: { gte: 20, lte: 59 } };
  }
}

/** A typed value from a text box: numbers and true/false as the fact's kind wants. */
function parseScalar(s: string): string | number | boolean {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s !== '' && /^-?\d+$/.test(s)) return Number(s);
  return s;
}

export function ConditionEditor({ value, onChange, path, issueAt }: { value: Condition; onChange: (c: Condition) => void; path: string; issueAt: (path: string) => string | undefined }) {
  const { t } = useTranslation('catalogEditor');
  const k = kindOf(value);
  const issue = issueAt(path);
  return (
    <div className="ce-cond" data-path={path}>
      <select aria-label={t('cond.kind')} value={k} onChange={(e) => onChange(blankCondition(e.target.value as Kind))} data-testid={`cond-kind-${path}`}>
        {KINDS.map((x) => (
          <option key={x} value={x}>
            {t(`cond.${x}`)}
          </option>
        ))}
      </select>
      {(k === 'all' || k === 'any') && (
        <Group
          items={(value as { all?: Condition[]; any?: Condition[] })[k]!}
          onChange={(items) => onChange({ [k]: items } as Condition)}
          render={(c, i, set) => <ConditionEditor value={c} onChange={set} path={`${path}.${k}[${i}]`} issueAt={issueAt} />}
          blank={() => blankCondition('event')}
        />
      )}
      {k === 'not' && <ConditionEditor value={(value as { not: Condition }).not} onChange={(c) => onChange({ not: c })} path={`${path}.not`} issueAt={issueAt} />}
      {k === 'event' && (
        <span className="ce-inline">
          {LIFE_EVENTS.map((e) => {
            const list = ([] as string[]).concat((value as { event: string | string[] }).event);
            return (
              <label key={e} className="ce-check">
                <input
                  type="checkbox"
                  checked={list.includes(e)}
                  onChange={(ev) => {
                    const next = ev.target.checked ? [...list, e] : list.filter((x) => x !== e);
                    onChange({ event: (next.length === 1 ? next[0] : next) as Condition extends { event: infer E } ? E : never });
                  }}
                />
                {t(`event.${e}`, { ns: 'catalog' })}
              </label>
            );
          })}
        </span>
      )}
      {k === 'fact' && <FactEditor value={value as Extract<Condition, { fact: string }>} onChange={onChange} />}
      {k === 'members' && <MembersEditor value={value as Extract<Condition, { members: MemberCondition }>} onChange={onChange} path={path} issueAt={issueAt} />}
      {issue && (
        <span className="ce-issue" role="alert">
          {issue}
        </span>
      )}
    </div>
  );
}

function FactEditor({ value, onChange }: { value: Extract<Condition, { fact: string }>; onChange: (c: Condition) => void }) {
  const { t } = useTranslation('catalogEditor');
  const ops = ['eq', 'in', 'gt', 'gte', 'includes'] as const;
  const op = ops.find((o) => o in value) ?? 'eq';
  const raw = (value as Record<string, unknown>)[op];
  const text = Array.isArray(raw) ? raw.join(', ') : raw === undefined ? '' : String(raw);
  const set = (o: (typeof ops)[number], s: string) => {
    const v = o === 'in' ? s.split(',').map((x) => parseScalar(x.trim())).filter((x) => x !== '') : o === 'gt' || o === 'gte' ? Number(s) : o === 'includes' ? s : parseScalar(s);
    onChange({ fact: value.fact, [o]: v } as Condition);
  };
  return (
    <span className="ce-inline">
      <select aria-label={t('cond.fact')} value={value.fact} onChange={(e) => onChange({ ...value, fact: e.target.value })}>
        {Object.keys(VISIT_FIELDS).map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <select aria-label={t('cond.op')} value={op} onChange={(e) => set(e.target.value as (typeof ops)[number], text)}>
        {ops.map((o) => (
          <option key={o} value={o}>
            {t(`op.${o}`)}
          </option>
        ))}
      </select>
      <input aria-label={t('cond.value')} value={text} onChange={(e) => set(op, e.target.value)} size={18} />
    </span>
  );
}

function MembersEditor({ value, onChange, path, issueAt }: { value: Extract<Condition, { members: MemberCondition }>; onChange: (c: Condition) => void; path: string; issueAt: (p: string) => string | undefined }) {
  const { t } = useTranslation('catalogEditor');
  return (
    <span className="ce-block">
      <span className="ce-inline">
        <label>
          {t('cond.scope')}{' '}
          <select value={value.scope ?? 'remaining'} onChange={(e) => onChange({ ...value, scope: e.target.value as typeof value.scope })}>
            {MEMBER_SCOPES.map((s) => (
              <option key={s} value={s}>
                {t(`scope.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cond.min')} <input type="number" min={0} max={20} value={value.min ?? 1} onChange={(e) => onChange({ ...value, min: Number(e.target.value) })} style={{ width: '4em' }} />
        </label>
        <label>
          {t('cond.max')}{' '}
          <input
            type="number"
            min={0}
            max={20}
            value={value.max ?? ''}
            onChange={(e) => {
              const { max: _m, ...rest } = value;
              onChange(e.target.value === '' ? rest : { ...rest, max: Number(e.target.value) });
            }}
            style={{ width: '4em' }}
          />
        </label>
      </span>
      <MemberEditor value={value.members} onChange={(m) => onChange({ ...value, members: m })} path={`${path}.members`} issueAt={issueAt} />
    </span>
  );
}

function MemberEditor({ value, onChange, path, issueAt }: { value: MemberCondition; onChange: (m: MemberCondition) => void; path: string; issueAt: (p: string) => string | undefined }) {
  const { t } = useTranslation('catalogEditor');
  const k = mkindOf(value);
  const issue = issueAt(path);
  return (
    <div className="ce-cond ce-member" data-path={path}>
      <select aria-label={t('cond.memberKind')} value={k} onChange={(e) => onChange(blankMember(e.target.value as MKind))}>
        {MKINDS.map((x) => (
          <option key={x} value={x}>
            {t(`mcond.${x}`)}
          </option>
        ))}
      </select>
      {(k === 'all' || k === 'any') && (
        <Group
          items={(value as { all?: MemberCondition[]; any?: MemberCondition[] })[k]!}
          onChange={(items) => onChange({ [k]: items } as MemberCondition)}
          render={(c, i, set) => <MemberEditor value={c} onChange={set} path={`${path}.${k}[${i}]`} issueAt={issueAt} />}
          blank={() => blankMember('field')}
        />
      )}
      {k === 'not' && <MemberEditor value={(value as { not: MemberCondition }).not} onChange={(m) => onChange({ not: m })} path={`${path}.not`} issueAt={issueAt} />}
      {k === 'role' && (
        <span className="ce-inline">
          {ROLES.map((r) => {
            const list = ([] as string[]).concat((value as { role: string | string[] }).role);
            return (
              <label key={r} className="ce-check">
                <input
                  type="checkbox"
                  checked={list.includes(r)}
                  onChange={(ev) => {
                    const next = ev.target.checked ? [...list, r] : list.filter((x) => x !== r);
                    onChange({ role: (next.length === 1 ? next[0] : next) as never });
                  }}
                />
                {t(`value.role.${r}`, { ns: 'catalog' })}
              </label>
            );
          })}
        </span>
      )}
      {k === 'field' && (
        <span className="ce-inline">
          <select aria-label={t('cond.field')} value={(value as { field: string }).field} onChange={(e) => onChange({ field: e.target.value, eq: (value as { eq?: unknown }).eq as string })}>
            {Object.keys(MEMBER_FIELDS).map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
          {t('op.eq')}
          <input
            aria-label={t('cond.value')}
            value={String((value as { eq?: unknown }).eq ?? ((value as { in?: unknown[] }).in ?? []).join(', '))}
            onChange={(e) => {
              const s = e.target.value;
              const field = (value as { field: string }).field;
              onChange(s.includes(',') ? { field, in: s.split(',').map((x) => parseScalar(x.trim())) } : { field, eq: parseScalar(s) });
            }}
            size={14}
          />
        </span>
      )}
      {k === 'ageClass' && (
        <select aria-label={t('mcond.ageClass')} value={(value as { ageClass: string }).ageClass} onChange={(e) => onChange({ ageClass: e.target.value as never })}>
          {AGE_CLASSES.map((a) => (
            <option key={a} value={a}>
              {t(`ageClass.${a}`)}
            </option>
          ))}
        </select>
      )}
      {k === 'age' && (
        <span className="ce-inline">
          <label>
            {t('cond.ageFrom')} <input type="number" min={0} max={130} value={(value as { age: { gte?: number } }).age.gte ?? ''} onChange={(e) => onChange({ age: { ...(value as { age: object }).age, gte: e.target.value === '' ? undefined : Number(e.target.value) } as never })} style={{ width: '4em' }} />
          </label>
          <label>
            {t('cond.ageTo')} <input type="number" min={0} max={130} value={(value as { age: { lte?: number } }).age.lte ?? ''} onChange={(e) => onChange({ age: { ...(value as { age: object }).age, lte: e.target.value === '' ? undefined : Number(e.target.value) } as never })} style={{ width: '4em' }} />
          </label>
        </span>
      )}
      {issue && (
        <span className="ce-issue" role="alert">
          {issue}
        </span>
      )}
    </div>
  );
}

function Group<T>({ items, onChange, render, blank }: { items: T[]; onChange: (items: T[]) => void; render: (item: T, i: number, set: (v: T) => void) => React.ReactNode; blank: () => T }) {
  const { t } = useTranslation('catalogEditor');
  return (
    <div className="ce-group">
      {items.map((c, i) => (
        <div key={i} className="ce-group-item">
          {render(c, i, (v) => onChange(items.map((x, j) => (j === i ? v : x))))}
          <button type="button" onClick={() => onChange(items.filter((_, j) => j !== i))}>
            {t('cond.remove')}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...items, blank()])}>
        {t('cond.add')}
      </button>
    </div>
  );
}
