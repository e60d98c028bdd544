import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../src-main/common/catalog/parse';
import { askableFacts, factUses, newQuestionIdProblem, parentAnswerValues, parentCycle, questionInUse, questionUsage, typesForFact, type ProcedureLike } from '../../src-main/common/catalog/questionUsage';
import type { CatalogBundle, QuestionDef } from '../../src-main/common/catalog/types';
import { questionsFor } from '../../src-main/common/questions/flow';
import { DEFAULT_CATALOG_DIR, DEFAULT_LOCALES_DIR, readCatalogBundle } from '../../src-main/node/catalog/load';

/**
 * The question editor's rules (issue 19), on the shipped catalog: what a question is used by,
 * which ids and types a new one may take, the checker's new question rules, and that a question
 * added the way the editor adds it is really asked by the interview.
 */
type Bundle = CatalogBundle & { procedures: { procedures: ProcedureLike[] }; questions: { questions: QuestionDef[] }; locales: Record<string, Record<string, Record<string, string>>> };
const fresh = (): Bundle => JSON.parse(JSON.stringify(readCatalogBundle(DEFAULT_CATALOG_DIR, DEFAULT_LOCALES_DIR))) as Bundle;

describe('question usage', () => {
  const b = fresh();
  const procs = b.procedures.procedures;
  const qs = b.questions.questions;

  it('names the procedures that read a question’s fact, and where', () => {
    const u = questionUsage(procs, qs, 'mopeds');
    expect(u.procedures.map((p) => p.procedure).sort()).toEqual(['gentsuki-cancel', 'gentsuki-register']);
    expect(u.procedures[0]!.paths).toEqual(['appearsWhen[0].if']);
    expect(questionInUse(u)).toBe(true);
  });

  it('counts bring-item conditions and concerns as uses', () => {
    const uses = factUses(procs, 'member.myNumberCard');
    const tennyu = uses.find((x) => x.procedure === 'tennyu');
    expect(tennyu?.paths).toContain('bring[2].if');
    const setainushi = factUses(procs, 'member.age').find((x) => x.procedure === 'setainushi-henko');
    expect(setainushi?.paths).toContain('appearsWhen[0].concerns');
  });

  it('a parent question is in use by its follow-ups', () => {
    const u = questionUsage(procs, qs, 'name-changes');
    expect(u.followUps).toEqual(['seal-registered']);
  });

  it('a question whose fact another question also asks can go', () => {
    const withTwin = [...qs, { id: 'mopeds-again', tier: 'core', type: 'count', fact: 'household.mopeds' } as QuestionDef];
    const u = questionUsage(procs, withTwin, 'mopeds');
    expect(u.sameFact).toEqual(['mopeds-again']);
    expect(questionInUse(u)).toBe(false);
  });

  it('an unknown question is used by nothing', () => {
    expect(questionInUse(questionUsage(procs, qs, 'no-such-question'))).toBe(false);
  });

  it('new ids: well-formed and unique', () => {
    expect(newQuestionIdProblem('', qs)).toBe('empty');
    expect(newQuestionIdProblem('Seal Card', qs)).toBe('format');
    expect(newQuestionIdProblem('seal--card', qs)).toBe('format');
    expect(newQuestionIdProblem('mopeds', qs)).toBe('duplicate');
    expect(newQuestionIdProblem('seal-card', qs)).toBeUndefined();
  });

  it('answer types fit the fact’s kind, and every shipped question fits', () => {
    expect(typesForFact('household.dogs')).toEqual(['count']);
    expect(typesForFact('household.singleParent')).toEqual(['yes-no']);
    expect(typesForFact('member.insurance')).toEqual(['member-choice']);
    expect(typesForFact('member.sealRegistered')).toEqual(['member-pick']);
    expect(typesForFact('moveTo')).toEqual(['choice']);
    expect(typesForFact('certificates')).toEqual(['multi-choice']);
    expect(typesForFact('nope')).toEqual([]);
    for (const q of qs) expect(typesForFact(q.fact), q.id).toContain(q.type);
    for (const f of askableFacts()) expect(typesForFact(f).length, f).toBeGreaterThan(0);
  });

  it('a follow-up of a choice picks among its values; of a people answer it waits for someone', () => {
    expect(parentAnswerValues(qs.find((q) => q.id === 'move-to')!)).toContain('abroad');
    expect(parentAnswerValues(qs.find((q) => q.id === 'single-parent')!)).toEqual([true, false, 'unknown']);
    expect(parentAnswerValues(qs.find((q) => q.id === 'name-changes')!)).toBeUndefined();
  });

  it('finds a parent chain that loops', () => {
    const loop: QuestionDef[] = [
      { id: 'a', tier: 'follow-up', type: 'yes-no', fact: 'household.dogs', parent: { question: 'b' } },
      { id: 'b', tier: 'follow-up', type: 'yes-no', fact: 'household.dogs', parent: { question: 'a' } },
    ];
    expect(parentCycle(loop, 'a')).toEqual(['a', 'b']);
    expect(parentCycle(qs, 'seal-registered')).toBeUndefined();
  });
});

describe('catalog check: question rules the editor shows field by field', () => {
  const issuesOf = (b: Bundle) => checkCatalog(b).issues;

  it('the shipped catalog passes', () => {
    expect(issuesOf(fresh())).toEqual([]);
  });

  it('a type that does not fit its fact is named at the type', () => {
    const b = fresh();
    const i = b.questions.questions.findIndex((q) => q.id === 'dogs');
    b.questions.questions[i]!.type = 'yes-no';
    expect(issuesOf(b)).toContainEqual({ file: 'questions.json', path: `questions[${i}].type`, reason: 'type "yes-no" does not fit fact "household.dogs" (use count)' });
  });

  it('a follow-up loop and an impossible parent answer are named', () => {
    const b = fresh();
    const qs = b.questions.questions;
    const s = qs.findIndex((q) => q.id === 'seal-registered');
    const n = qs.findIndex((q) => q.id === 'name-changes');
    qs[n]!.parent = { question: 'seal-registered', nonEmpty: true };
    const found = issuesOf(b);
    expect(found.some((x) => x.path === `questions[${s}].parent.question` && x.reason.includes('circle'))).toBe(true);
    const c = fresh();
    const cq = c.questions.questions;
    const d = cq.findIndex((q) => q.id === 'dogs');
    cq[d]!.parent = { question: 'move-to', in: ['mars'] };
    expect(issuesOf(c)).toContainEqual({ file: 'questions.json', path: `questions[${d}].parent.in[0]`, reason: '"mars" is not an answer of question "move-to"' });
  });

  it('deleting a question still read by a procedure is an issue that names the procedure', () => {
    const b = fresh();
    b.questions.questions = b.questions.questions.filter((q) => q.id !== 'mopeds');
    expect(issuesOf(b).map((x) => x.reason)).toContainEqual(expect.stringContaining('(gentsuki-register) reads'));
  });
});

describe('a question added as the editor adds it', () => {
  /** The e2e's story: moving out ends a seal registration, so the WG asks about seals after "where to?" and lists 印鑑登録証 to return. */
  function withSealFollowUp(): Bundle {
    const b = fresh();
    const qs = b.questions.questions;
    qs.splice(qs.findIndex((q) => q.id === 'move-to') + 1, 0, {
      id: 'seal-registered-moving-out',
      tier: 'follow-up',
      type: 'member-pick',
      fact: 'member.sealRegistered',
      parent: { question: 'move-to', in: ['same-prefecture', 'other-prefecture', 'other-municipality', 'abroad'] },
    });
    for (const [lang, t] of Object.entries(b.locales)) t.question!['seal-registered-moving-out'] = lang === 'en' ? 'Who has a registered seal?' : '印鑑登録をしている方は?';
    const tenshutsu = b.procedures.procedures.find((p) => p.id === 'tenshutsu')!;
    tenshutsu.bring = [...(tenshutsu.bring ?? []), { id: 'inkan-torokusho', if: { members: { field: 'sealRegistered', eq: true } } }];
    // A bring-item condition alone never makes the interview ask: the list is decided first. A procedure listed on it does.
    b.procedures.procedures.push({
      id: 'inkan-haishi',
      department: 'shimin',
      route: 'accept',
      delivery: 'none',
      deadline: null,
      optional: true,
      appearsWhen: [{ events: ['moving-out'], if: { members: { field: 'sealRegistered', eq: true } } }],
      bring: ['inkan-torokusho'],
      online: [],
      forms: [],
    } as unknown as ProcedureLike);
    for (const t of Object.values(b.locales)) t.procedure!['inkan-haishi'] = '印鑑登録の廃止';
    return b;
  }

  it('passes the check, and the interview asks it only after the parent’s answer', () => {
    const b = withSealFollowUp();
    const { catalog, issues } = checkCatalog(b);
    expect(issues).toEqual([]);
    const members = [{ role: 'applicant', ageBand: '20-59' }];
    const before = questionsFor({ events: ['moving-out'], answers: { members }, date: '2026-12-01' }, catalog!).map((q) => q.id);
    expect(before).not.toContain('seal-registered-moving-out');
    const after = questionsFor({ events: ['moving-out'], answers: { members, moveTo: 'other-prefecture' }, date: '2026-12-01' }, catalog!);
    const asked = after.find((q) => q.id === 'seal-registered-moving-out');
    expect(asked?.members).toEqual([0]);
    expect(asked?.textKey).toBe('question.seal-registered-moving-out');
    expect(questionUsage(b.procedures.procedures, b.questions.questions, 'seal-registered-moving-out').sameFact).toEqual(['seal-registered']);
  });
});
