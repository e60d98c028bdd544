import { useId, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answers, MemberAnswer, Question } from '../../src-main/common/questions';
import { todayLocal } from '../../src-main/common/dates/isoDate';
import { Ruby } from './Ruby';
import { useCatalogText } from './useCatalogText';

/** The date input a screen brings: the kiosk's DateField (app/DateField.tsx); `NativeDate` by default. */
export type DateInput = ComponentType<{ value: string | undefined; onChange: (iso: string | undefined) => void; lang: string; label: string; minYear: number; max?: string; maxYear?: number; testId?: string; id?: string }>;

/**
 * The browser's own date input, for the online guide: it runs on the resident's own phone, whose
 * picker already speaks the resident's language (and the guide's first screen stays within its
 * size budget). Shared terminals (the kiosk) pass DateField instead, which does not depend on the
 * browser's locale.
 */
const NativeDate: DateInput = ({ value, onChange, label, max, testId, id }) => (
  <input id={id} type="date" aria-label={label} value={value ?? ''} max={max} onChange={(e) => onChange(e.target.value || undefined)} data-testid={testId} />
);

const MEMBER_ROLES = ['applicant', 'spouse', 'child', 'parent', 'other', 'deceased', 'newborn'] as const;
/** Roles only some life events can use: a 転入 has no deceased, a 死亡 no newborn. */
const ROLE_EVENTS: Partial<Record<(typeof MEMBER_ROLES)[number], readonly string[]>> = { deceased: ['death'], newborn: ['birth'] };

/** The roles worth offering for these events (every role when no events are given). */
export function rolesFor(events?: readonly string[]): Array<(typeof MEMBER_ROLES)[number]> {
  if (!events) return [...MEMBER_ROLES];
  return MEMBER_ROLES.filter((r) => !ROLE_EVENTS[r] || ROLE_EVENTS[r]!.some((e) => events.includes(e)));
}

/** Question types whose answer covers several members or values: they stay open until "done". */
export const MULTI_ANSWER_TYPES: ReadonlySet<string> = new Set(['member-pick', 'member-choice', 'multi-choice']);
const AGE_BANDS = ['preschool', 'school-age', 'child-15-18', 'adult-18-19', '20-59', '60-64', '65-74', '75+'] as const;

function fromOption(v: string): unknown {
  return v === 'true' ? true : v === 'false' ? false : v;
}

/**
 * The interview, as the question flow hands it out: only questions that change the list. Shared
 * by the kiosk (concierge) and the online guide (resident).
 */
export function QuestionForm({
  questions,
  answers,
  onChange,
  lang,
  members,
  events,
  needsAge,
  onDone,
  dateInput: DateField = NativeDate,
}: {
  questions: Question[];
  answers: Answers;
  onChange: (a: Answers) => void;
  lang: string;
  members: MemberAnswer[];
  /** The chosen life events: the members editor offers only the roles they can use. */
  events?: readonly string[];
  /** Members whose age the list still needs: asked in the members editor, not a second time. */
  needsAge?: readonly number[];
  /** Given: questions that take several answers show a "done" button that closes them. */
  onDone?: (questionId: string) => void;
  /** How dates are picked on this screen (default: the browser's own input). */
  dateInput?: DateInput;
}) {
  const ct = useCatalogText(lang);
  const { t: tg } = useTranslation('guidance', { lng: lang });
  const set = (fact: string, v: unknown) => onChange({ ...answers, [fact]: v });
  const memberLabel = (i: number) => `${i + 1}. ${ct.plain(`value.role.${members[i]?.role ?? 'other'}`)}`;
  return (
    <div className="questions">
      {questions.map((q) => (
        <fieldset key={q.id} className="question" data-question={q.id}>
          <legend>
            <Ruby text={ct(q.textKey)} />
          </legend>
          {q.type === 'members' ? (
            <MembersEditor DateField={DateField} value={(answers.members as MemberAnswer[] | undefined) ?? []} onChange={(v) => set('members', v)} lang={lang} roles={rolesFor(events)} needsAge={needsAge ?? []} />
          ) : q.type === 'member-pick' ? (
            <div className="choices" role="group">
              {(q.members ?? []).map((i) => {
                const picked = Array.isArray(answers[q.fact]) && (answers[q.fact] as number[]).includes(i);
                return (
                  <button
                    type="button"
                    key={i}
                    aria-pressed={picked}
                    onClick={() => {
                      const cur = new Set(Array.isArray(answers[q.fact]) ? (answers[q.fact] as number[]) : []);
                      if (picked) cur.delete(i);
                      else cur.add(i);
                      set(q.fact, [...cur].sort());
                    }}
                  >
                    {memberLabel(i)}
                  </button>
                );
              })}
              <button type="button" data-answer="none" aria-pressed={Array.isArray(answers[q.fact]) && (answers[q.fact] as number[]).length === 0} onClick={() => set(q.fact, [])}>
                <Ruby text={ct('answer.none', ct('answer.no'))} />
              </button>
            </div>
          ) : q.type === 'member-choice' || q.type === 'member-age' ? (
            (q.members ?? []).map((i) => {
              const cur = (answers[q.fact] as Record<string, unknown> | undefined) ?? {};
              return (
                <div className="choices" role="group" key={i} aria-label={memberLabel(i)}>
                  <span className="muted">{memberLabel(i)}</span>
                  {(q.options ?? []).map((o) => (
                    <button type="button" key={o.value} aria-pressed={cur[String(i)] === fromOption(o.value)} onClick={() => set(q.fact, { ...cur, [String(i)]: fromOption(o.value) })}>
                      <Ruby text={ct(o.textKey, o.value)} />
                    </button>
                  ))}
                </div>
              );
            })
          ) : q.type === 'multi-choice' ? (
            <div className="choices" role="group">
              {(q.options ?? []).map((o) => {
                const cur = Array.isArray(answers[q.fact]) ? (answers[q.fact] as string[]) : [];
                const on = cur.includes(o.value);
                return (
                  <button type="button" key={o.value} aria-pressed={on} onClick={() => set(q.fact, on ? cur.filter((x) => x !== o.value) : [...cur, o.value])}>
                    <Ruby text={ct(o.textKey, o.value)} />
                  </button>
                );
              })}
            </div>
          ) : q.type === 'count' ? (
            <CountInput value={answers[q.fact]} onChange={(v) => set(q.fact, v)} lang={lang} />
          ) : q.type === 'date' ? (
            <DateField label={ct.plain(q.textKey)} lang={lang} value={typeof answers[q.fact] === 'string' ? (answers[q.fact] as string) : undefined} onChange={(v) => set(q.fact, v)} minYear={Number(todayLocal().slice(0, 4)) - 5} maxYear={Number(todayLocal().slice(0, 4)) + 1} testId="event-date" />
          ) : (
            <div className="choices" role="group">
              {(q.options ?? []).map((o) => (
                <button type="button" key={o.value} aria-pressed={answers[q.fact] === fromOption(o.value)} onClick={() => set(q.fact, fromOption(o.value))}>
                  <Ruby text={ct(o.textKey, o.value)} />
                </button>
              ))}
            </div>
          )}
          {onDone && MULTI_ANSWER_TYPES.has(q.type) && (
            <button type="button" className="primary done" onClick={() => onDone(q.id)} data-testid="question-done">
              {tg('interview.done')}
            </button>
          )}
        </fieldset>
      ))}
    </div>
  );
}

function CountInput({ value, onChange, lang }: { value: unknown; onChange: (v: unknown) => void; lang: string }) {
  const ct = useCatalogText(lang);
  return (
    <div className="choices" role="group">
      {[0, 1, 2, 3].map((n) => (
        <button type="button" key={n} aria-pressed={value === n} onClick={() => onChange(n)}>
          {n}
        </button>
      ))}
      <button type="button" aria-pressed={value === 'unknown'} onClick={() => onChange('unknown')}>
        <Ruby text={ct('answer.unknown')} />
      </button>
    </div>
  );
}

/** Who the visit concerns: a role and a birth date or an age band each. No names. */
function MembersEditor({ DateField, value, onChange, lang, roles = MEMBER_ROLES, needsAge = [] }: { DateField: DateInput; value: MemberAnswer[]; onChange: (v: MemberAnswer[]) => void; lang: string; roles?: readonly (typeof MEMBER_ROLES)[number][]; needsAge?: readonly number[] }) {
  const ct = useCatalogText(lang);
  const { t } = useTranslation('guidance', { lng: lang });
  const id = useId();
  const update = (i: number, m: Partial<MemberAnswer>) => onChange(value.map((x, j) => (j === i ? ({ ...x, ...m } as MemberAnswer) : x)));
  return (
    <div className="members">
      <div className="choices" role="group" aria-label={t('members.add')}>
        {roles.map((r) => (
          <button type="button" key={r} onClick={() => onChange([...value, { role: r }])} data-add-role={r}>
            + <Ruby text={ct(`value.role.${r}`)} />
          </button>
        ))}
      </div>
      <ol>
        {value.map((m, i) => (
          <li key={i} className={needsAge.includes(i) ? 'row needs-age' : 'row'} data-member={i} data-needs-age={needsAge.includes(i) || undefined}>
            <strong>
              <Ruby text={ct(`value.role.${m.role}`)} />
            </strong>
            <label htmlFor={`${id}-b${i}`}>{t('members.birthDate')}</label>
            <DateField id={`${id}-b${i}`} label={t('members.birthDate')} lang={lang} value={m.birthDate} onChange={(v) => update(i, v ? { birthDate: v, ageBand: undefined } : { birthDate: undefined })} minYear={1900} max={todayLocal()} testId="member-birth" />
            <label htmlFor={`${id}-a${i}`}>{t('members.ageBand')}</label>
            <select id={`${id}-a${i}`} data-age-band value={m.ageBand ?? ''} onChange={(e) => update(i, e.target.value ? { ageBand: e.target.value, birthDate: undefined } : { ageBand: undefined })}>
              <option value="">—</option>
              {AGE_BANDS.map((b) => (
                <option key={b} value={b}>
                  {ct.plain(`value.ageBand.${b}`, b)}
                </option>
              ))}
            </select>
            <button type="button" className="danger" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={t('members.remove', { n: i + 1 })}>
              ×
            </button>
            {needsAge.includes(i) && (
              <span className="needs-age-note">
                <Ruby text={t('members.needsAge')} />
              </span>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
