import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { askableFacts, newQuestionIdProblem, parentAnswerValues, questionInUse, questionUsage, typesForFact, type FactUse, type QuestionUsage } from '../../../src-main/common/catalog/questionUsage';
import { QUESTION_TIERS, QUESTION_TYPES } from '../../../src-main/common/catalog/schema';
import type { QuestionDef } from '../../../src-main/common/catalog/types';
import { Issue, localeText, nestedText, setLocaleText, type EditProps, type Files } from './editorParts';

/**
 * The interview's questions (issue 19): order, tier, the fact each sets and its answer type, the
 * follow-up's parent and the answers it waits for, the text in every language. A question that a
 * procedure still needs, or that follow-ups hang on, is not deleted: the screen says who uses it.
 */
const F = 'questions.json';
type Scalar = string | boolean | number;

/** The text of one answer of `q` (`value.moveTo.abroad`, `answer.yes`), in Japanese. */
function answerText(d: Files, q: QuestionDef, v: Scalar): string {
  if (typeof v === 'boolean' || v === 'unknown') return nestedText(d, 'ja', `answer.${v === true ? 'yes' : v === false ? 'no' : 'unknown'}`) ?? String(v);
  const name = q.fact.replace(/^member\./, '').replace(/^household\./, '');
  return nestedText(d, 'ja', `value.${name}.${v}`) ?? String(v);
}

/** "案内する条件 1", "対象者 2", "例外 1-2", "持ち物の条件": where in a procedure a fact is read. */
function wherePhrase(path: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  let m = /^appearsWhen\[(\d+)\]\.overrides\[(\d+)\]\.if$/.exec(path);
  if (m) return t('questionEdit.where.override', { rule: Number(m[1]) + 1, n: Number(m[2]) + 1 });
  m = /^appearsWhen\[(\d+)\]\.(if|concerns)$/.exec(path);
  if (m) return t(`questionEdit.where.${m[2]}`, { rule: Number(m[1]) + 1 });
  m = /^bring\[(\d+)\]\.if$/.exec(path);
  if (m) return t('questionEdit.where.bring', { n: Number(m[1]) + 1 });
  return path;
}

export function QuestionsTab({ draft, edit, issueAt, languages }: EditProps & { languages: string[] }) {
  const { t } = useTranslation('catalogEditor');
  const qs = draft.questions.questions;
  const [selected, setSelected] = useState<string>('');
  const [newId, setNewId] = useState('');
  const [refusal, setRefusal] = useState<QuestionUsage | null>(null);
  const index = qs.findIndex((q) => q.id === selected);
  const q = index >= 0 ? qs[index] : undefined;
  const at = (sub: string) => `questions[${index}]${sub}`;
  const idProblem = newId.trim() === '' ? undefined : newQuestionIdProblem(newId.trim(), qs);

  const setQ = (fn: (x: QuestionDef, d: Files) => void) => edit((d) => fn(d.questions.questions[index]!, d));
  const move = (i: number, by: number) =>
    edit((d) => {
      const list = d.questions.questions;
      const [x] = list.splice(i, 1);
      list.splice(i + by, 0, x!);
    });
  const askedBy = (fact: string) => qs.filter((x) => x.fact === fact).map((x) => x.id);
  const add = () => {
    const id = newId.trim();
    if (newQuestionIdProblem(id, qs)) return;
    const free = askableFacts().find((f) => askedBy(f).length === 0) ?? 'household.wantsChildcare';
    edit((d) => {
      d.questions.questions.push({ id, tier: 'core', type: typesForFact(free)[0]!, fact: free });
      for (const lang of Object.keys(d.locales)) setLocaleText(d, lang, 'question', id, '');
    });
    setSelected(id);
    setNewId('');
    setRefusal(null);
  };
  const remove = () => {
    if (!q) return;
    const usage = questionUsage(draft.procedures.procedures, qs, q.id);
    if (questionInUse(usage)) {
      setRefusal(usage);
      return;
    }
    edit((d) => {
      d.questions.questions = d.questions.questions.filter((x) => x.id !== q.id);
      for (const l of Object.values(d.locales)) delete (l.question as Record<string, string> | undefined)?.[q.id];
    });
    setSelected('');
    setRefusal(null);
  };
  const procName = (u: FactUse) => `${localeText(draft, 'ja', 'procedure', u.procedure) || u.procedure} (${u.procedure})`;
  const usage = q ? questionUsage(draft.procedures.procedures, qs, q.id) : undefined;
  const parent = q?.parent ? qs.find((x) => x.id === q.parent!.question) : undefined;
  const parentValues = parent ? parentAnswerValues(parent) : undefined;

  return (
    <section className="ce-split" aria-labelledby="ce-qs">
      <div className="ce-list">
        <h2 id="ce-qs">{t('tab.questions')}</h2>
        <p className="muted">{t('questionEdit.help')}</p>
        <ol className="ce-qlist">
          {qs.map((x, i) => (
            <li key={x.id} className="ce-qrow">
              <button type="button" aria-pressed={x.id === selected} onClick={() => (setSelected(x.id), setRefusal(null))} data-testid={`q-${x.id}`}>
                <span>{localeText(draft, 'ja', 'question', x.id) || x.id}</span>
                <span className="muted ce-qmeta">
                  {x.id} · {t(`q.tiers.${x.tier}`)}
                  {x.parent ? ` ← ${x.parent.question}` : ''}
                </span>
              </button>
              <span className="ce-order">
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('q.up', { id: x.id })}>
                  ↑
                </button>
                <button type="button" disabled={i === qs.length - 1} onClick={() => move(i, 1)} aria-label={t('q.down', { id: x.id })}>
                  ↓
                </button>
              </span>
            </li>
          ))}
        </ol>
        <label htmlFor="ce-new-q">{t('questionEdit.newId')}</label>
        <input id="ce-new-q" value={newId} onChange={(e) => setNewId(e.target.value)} aria-invalid={idProblem ? true : undefined} aria-describedby="ce-new-q-help" data-testid="q-new-id" />
        <span id="ce-new-q-help" className="muted">
          {t('questionEdit.idHelp')}
        </span>
        <Issue text={idProblem ? t(`questionEdit.idProblem.${idProblem}`, { id: newId.trim() }) : undefined} testId="q-new-id-issue" />
        <button type="button" onClick={add} disabled={newId.trim() === '' || idProblem !== undefined} data-testid="q-add">
          {t('questionEdit.add')}
        </button>
      </div>
      {q ? (
        <div className="ce-form" data-testid="q-form">
          <h3>
            {q.id}
            <Issue text={issueAt(F, at('.id'))} />
          </h3>
          <fieldset>
            <legend>{t('questionEdit.texts')}</legend>
            {languages.map((lang) => (
              <div key={lang} className="ce-field">
                <label htmlFor={`ce-qtext-${lang}`}>{lang}</label>
                <input id={`ce-qtext-${lang}`} value={localeText(draft, lang, 'question', q.id)} onChange={(e) => edit((d) => setLocaleText(d, lang, 'question', q.id, e.target.value))} data-testid={`q-text-${lang}`} />
                <Issue text={issueAt(`locales/${lang}/catalog.json`, `question.${q.id}`)} />
              </div>
            ))}
          </fieldset>
          <div className="ce-grid">
            <label>
              {t('questionEdit.fact')}
              <select
                value={q.fact}
                onChange={(e) =>
                  setQ((x) => {
                    x.fact = e.target.value;
                    const fits = typesForFact(x.fact);
                    if (!fits.includes(x.type) && fits[0]) x.type = fits[0];
                  })
                }
                data-testid="q-fact"
              >
                {[...new Set([q.fact, ...askableFacts()])].map((f) => {
                  const others = askedBy(f).filter((id) => id !== q.id);
                  return (
                    <option key={f} value={f}>
                      {f}
                      {others.length ? ` — ${t('questionEdit.alsoAsked', { ids: others.join(', ') })}` : ''}
                    </option>
                  );
                })}
              </select>
              <Issue text={issueAt(F, at('.fact'))} />
            </label>
            <label>
              {t('questionEdit.type')}
              <select value={q.type} onChange={(e) => setQ((x) => void (x.type = e.target.value as QuestionDef['type']))} data-testid="q-type">
                {QUESTION_TYPES.map((ty) => (
                  <option key={ty} value={ty} disabled={!typesForFact(q.fact).includes(ty) && ty !== q.type}>
                    {t(`questionEdit.types.${ty}`)}
                  </option>
                ))}
              </select>
              <Issue text={issueAt(F, at('.type'))} />
            </label>
            <label>
              {t('q.tier')}
              <select value={q.tier} onChange={(e) => setQ((x) => void (x.tier = e.target.value as QuestionDef['tier']))} data-testid="q-tier">
                {QUESTION_TIERS.map((tier) => (
                  <option key={tier} value={tier}>
                    {t(`q.tiers.${tier}`)}
                  </option>
                ))}
              </select>
              <Issue text={issueAt(F, at('.tier'))} />
            </label>
            <label>
              {t('questionEdit.parent')}
              <select
                value={q.parent?.question ?? ''}
                onChange={(e) =>
                  setQ((x, d) => {
                    const pid = e.target.value;
                    if (!pid) return void delete x.parent;
                    const p = d.questions.questions.find((y) => y.id === pid);
                    x.parent = p && parentAnswerValues(p) ? { question: pid, in: [] } : { question: pid, nonEmpty: true };
                  })
                }
                data-testid="q-parent"
              >
                <option value="">{t('questionEdit.noParent')}</option>
                {qs
                  .filter((x) => x.id !== q.id)
                  .map((x) => (
                    <option key={x.id} value={x.id}>
                      {localeText(draft, 'ja', 'question', x.id) || x.id} ({x.id})
                    </option>
                  ))}
              </select>
              <Issue text={issueAt(F, at('.parent')) ?? issueAt(F, at('.parent.question'))} />
            </label>
          </div>
          {q.parent && parent && (
            <fieldset data-testid="q-parent-answers">
              <legend>{t('questionEdit.parentAnswers', { id: parent.id })}</legend>
              {parentValues ? (
                parentValues.map((v) => {
                  const chosen = q.parent!.in ?? [];
                  return (
                    <label key={String(v)} className="ce-check">
                      <input
                        type="checkbox"
                        checked={chosen.includes(v)}
                        onChange={(e) =>
                          setQ((x) => {
                            const cur = x.parent!.in ?? [];
                            x.parent = { question: x.parent!.question, in: e.target.checked ? [...cur, v] : cur.filter((y) => y !== v) };
                          })
                        }
                        data-testid={`q-parent-in-${String(v)}`}
                      />
                      {answerText(draft, parent, v)}
                    </label>
                  );
                })
              ) : (
                <label className="ce-check">
                  <input
                    type="checkbox"
                    checked={q.parent.nonEmpty === true}
                    onChange={(e) => setQ((x) => void (x.parent = e.target.checked ? { question: x.parent!.question, nonEmpty: true } : { question: x.parent!.question }))}
                    data-testid="q-parent-nonempty"
                  />
                  {t('questionEdit.nonEmpty')}
                </label>
              )}
              <Issue text={issueAt(F, at('.parent.in'))} />
            </fieldset>
          )}
          <label className="ce-note">
            {t('questionEdit.note')}
            <textarea
              rows={2}
              value={q.note ?? ''}
              onChange={(e) =>
                setQ((x) => {
                  if (e.target.value) x.note = e.target.value;
                  else delete x.note;
                })
              }
              data-testid="q-note"
            />
          </label>
          <fieldset className="ce-usage" data-testid="q-usage">
            <legend>{t('questionEdit.usage')}</legend>
            {usage && usage.procedures.length === 0 && usage.followUps.length === 0 && <p className="muted">{t('questionEdit.unused')}</p>}
            {usage && usage.procedures.length > 0 && (
              <>
                <p>{t('questionEdit.readBy', { fact: q.fact })}</p>
                <ul>
                  {usage.procedures.map((u) => (
                    <li key={u.procedure}>
                      {procName(u)}: {u.paths.map((p) => wherePhrase(p, t)).join('、')}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {usage && usage.followUps.length > 0 && <p>{t('questionEdit.followUps', { ids: usage.followUps.join(', ') })}</p>}
            {usage && usage.sameFact.length > 0 && <p className="muted">{t('questionEdit.sameFact', { ids: usage.sameFact.join(', ') })}</p>}
          </fieldset>
          <button type="button" className="ce-danger" onClick={remove} data-testid="q-delete">
            {t('questionEdit.delete', { id: q.id })}
          </button>
          {refusal && (
            <div className="alert" role="alert" data-testid="q-delete-refused">
              <p>
                <strong>{t('questionEdit.refused', { id: q.id })}</strong>
              </p>
              <ul>
                {refusal.procedures.map((u) => (
                  <li key={u.procedure}>{t('questionEdit.refusedProcedure', { name: procName(u) })}</li>
                ))}
                {refusal.followUps.map((id) => (
                  <li key={id}>{t('questionEdit.refusedFollowUp', { id })}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      ) : (
        <p className="muted">{t('questionEdit.pick')}</p>
      )}
    </section>
  );
}
