import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answers, MemberAnswer, Question } from '../../src-main/common/questions';
import { MULTI_ANSWER_TYPES, QuestionForm } from './QuestionForm';
import { Ruby } from './Ruby';
import { DateField } from '../app/DateField';
import { useCatalogText } from './useCatalogText';

/**
 * The concierge's interview for a family: the question flow decides what to ask (only what the
 * list needs); this keeps every question the visitor has seen within reach. A question that takes
 * several answers (who has a My Number card, each member's insurance) stays open until "done",
 * however the flow moves on; every answered question sits in a summary, where one tap opens it
 * again. A member's age is asked in the members editor, never a second time. Nothing here knows a
 * question by name: new questions in the catalog render through the same path.
 */
export function Interview({ questions, answers, onChange, lang, members, events, asksMembers }: { questions: Question[]; answers: Answers; onChange: (a: Answers) => void; lang: string; members: MemberAnswer[]; events: readonly string[]; asksMembers: boolean }) {
  const { t } = useTranslation('guidance', { lng: lang });
  const ct = useCatalogText(lang);
  const [pinned, setPinned] = useState<Question[]>([]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());

  const ageQuestions = questions.filter((q) => q.type === 'member-age');
  const needsAge = [...new Set(ageQuestions.flatMap((q) => q.members ?? []))];
  const flow = questions.filter((q) => q.type !== 'member-age');
  const inFlow = new Map(flow.map((q) => [q.id, q]));

  // Remember every question the flow has shown, with every member it has asked about.
  const known = new Map(pinned.map((q) => [q.id, q]));
  let grew = false;
  for (const q of flow) {
    const had = known.get(q.id);
    const members = [...new Set([...(had?.members ?? []), ...(q.members ?? [])])].sort((a, b) => a - b);
    if (!had || members.length !== (had.members ?? []).length) {
      known.set(q.id, { ...q, ...(q.members ? { members } : {}) });
      grew = true;
    }
  }
  const all = grew ? [...pinned.filter((q) => known.get(q.id) === q), ...[...known.values()].filter((q) => !pinned.includes(q))] : pinned;
  if (grew) setPinned(all);

  const clampMembers = (q: Question): Question => (q.members ? { ...q, members: q.members.filter((i) => i < members.length) } : q);
  const shown = all.filter((q) => inFlow.has(q.id) || open.has(q.id)).map(clampMembers);
  const answered = all.filter((q) => answers[q.fact] !== undefined && !shown.some((s) => s.id === q.id)).map(clampMembers);

  const change = (next: Answers) => {
    const o = new Set(open);
    for (const q of shown) {
      if (next[q.fact] === answers[q.fact]) continue;
      if (MULTI_ANSWER_TYPES.has(q.type)) o.add(q.id);
      else o.delete(q.id);
    }
    setOpen(o);
    onChange(next);
  };
  const done = (id: string) => {
    const q = shown.find((x) => x.id === id);
    const o = new Set(open);
    o.delete(id);
    setOpen(o);
    // "Done" with nobody picked means nobody: the question is answered, not skipped.
    if (q && answers[q.fact] === undefined) onChange({ ...answers, [q.fact]: q.type === 'member-pick' || q.type === 'multi-choice' ? [] : {} });
  };

  return (
    <div className="interview">
      {asksMembers && (
        <QuestionForm
          questions={[{ id: 'members', tier: 'core', type: 'members', fact: 'members', textKey: 'question.members' }]}
          answers={answers}
          onChange={onChange}
          lang={lang}
          members={members}
          events={events}
          needsAge={needsAge}
          dateInput={DateField}
        />
      )}
      <QuestionForm questions={shown} answers={answers} onChange={change} lang={lang} members={members} onDone={done} dateInput={DateField} />
      {answered.length > 0 && (
        <section className="answers-summary" aria-labelledby="answers-title" data-testid="answers-summary">
          <h2 id="answers-title">
            <Ruby text={t('interview.summary')} />
          </h2>
          <dl>
            {answered.map((q) => (
              <div key={q.id} className="summary-row" data-summary={q.id}>
                <dt>
                  <Ruby text={ct(q.textKey)} />
                </dt>
                <dd>
                  <Ruby text={answerText(q, answers[q.fact], members, ct, t)} />
                </dd>
                <dd>
                  <button type="button" onClick={() => setOpen(new Set([...open, q.id]))} data-testid="summary-edit" aria-label={t('interview.editLabel', { question: ct.plain(q.textKey) })}>
                    {t('interview.edit')}
                  </button>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}

const fromOption = (v: string): unknown => (v === 'true' ? true : v === 'false' ? false : v);

/** An answer in words, with members by their number and role (the kiosk holds no names). */
export function answerText(q: Question, a: unknown, members: MemberAnswer[], ct: (k: string, f?: string) => string, t: (k: string) => string): string {
  const member = (i: number) => `${i + 1}. ${ct(`value.role.${members[i]?.role ?? 'other'}`)}`;
  const option = (v: unknown) => {
    const o = (q.options ?? []).find((x) => fromOption(x.value) === v);
    return o ? ct(o.textKey, o.value) : v === 'unknown' ? ct('answer.unknown') : String(v);
  };
  const sep = t('interview.separator');
  if (q.type === 'member-pick') return Array.isArray(a) && a.length > 0 ? (a as number[]).map(member).join(sep) : ct('answer.none', ct('answer.no'));
  if (q.type === 'member-choice' || q.type === 'member-age') {
    const entries = Object.entries((a as Record<string, unknown>) ?? {});
    return entries.length ? entries.map(([i, v]) => `${member(Number(i))}: ${option(v)}`).join(sep) : '—';
  }
  if (q.type === 'multi-choice') return Array.isArray(a) && a.length ? a.map(option).join(sep) : ct('answer.none', ct('answer.no'));
  if (q.type === 'count') return a === 'unknown' ? ct('answer.unknown') : String(a);
  if (q.type === 'date') return typeof a === 'string' ? a : '—';
  return option(a);
}
