import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Facts, LifeEvent } from '../../src-main/common/guidance/facts';
import { generateHousehold, mulberry32 } from '../../src-main/common/guidance/generate';
import { guideFacts } from '../../src-main/common/guidance/guide';
import { factsFromAnswers, factsReadFor, questionsFor, type Answers, type Question } from '../../src-main/common/questions';
import { loadCatalog } from '../../src-main/node/catalog/load';

const catalog = loadCatalog();
const DATE = '2026-11-26';
const ids = (qs: Question[]) => qs.map((q) => q.id);

/** Answers a question the way the visitor whose true facts are `truth` would. */
function answer(q: Question, truth: Facts, answers: Answers): void {
  if (q.fact.startsWith('member.')) {
    const field = q.fact.slice(7);
    const out: Record<string, unknown> = { ...((answers[q.fact] as Record<string, unknown> | undefined) ?? {}) };
    for (const i of q.members ?? []) {
      const m = truth.members[i]! as unknown as Record<string, unknown>;
      out[i] = field === 'age' ? (m.birthDate ?? m.ageBand ?? 'unknown') : m[field];
    }
    answers[q.fact] = out;
  } else if (q.fact.startsWith('household.')) answers[q.fact] = (truth.household as unknown as Record<string, unknown>)[q.fact.slice(10)];
  else answers[q.fact] = (truth as unknown as Record<string, unknown>)[q.fact] ?? 'unknown';
}

function interview(truth: Facts, detail: boolean): { answers: Answers; asked: Question[] } {
  const answers: Answers = {
    members: truth.members.map((m) => ({ role: m.role, nationality: m.nationality, ...(m.birthDate ? { birthDate: m.birthDate } : {}), ...(m.ageBand ? { ageBand: m.ageBand } : {}) })),
  };
  const asked: Question[] = [];
  for (let round = 0; round < 30; round++) {
    const qs = questionsFor({ events: truth.events, answers, date: DATE, detail }, catalog);
    if (qs.length === 0) return { answers, asked };
    for (const q of qs) {
      asked.push(q);
      answer(q, truth, answers);
    }
  }
  throw new Error('the interview did not end');
}

describe('question flow', () => {
  it('asks who the visit concerns first, and nothing about a fact no procedure of the events reads', () => {
    const qs = questionsFor({ events: ['death'], answers: {}, date: DATE }, catalog);
    expect(qs[0]!.id).toBe('members');
    const read = factsReadFor(['death'], catalog);
    for (const q of qs) expect(q.fact === 'members' || read.has(q.fact)).toBe(true);
    expect(ids(qs)).not.toContain('dogs');
    expect(ids(qs)).not.toContain('move-from');
  });

  it('a death: only what the list needs, with follow-ups only when a parent answer needs them', () => {
    const answers: Answers = { members: [{ role: 'applicant', ageBand: '60-64' }, { role: 'deceased', birthDate: '1944-01-01' }] };
    const first = questionsFor({ events: ['death'], answers, date: DATE }, catalog);
    // One remaining member: 世帯主変更 cannot apply, so nobody is asked who the head was.
    expect(ids(first)).not.toContain('head');
    expect(first.find((q) => q.id === 'insurance')!.members).toEqual([1]);
    answers['member.receivesPension'] = [1];
    answers['member.insurance'] = { 1: 'late-elderly' };
    const next = questionsFor({ events: ['death'], answers, date: DATE }, catalog);
    // Receiving a pension settles 死亡一時金: the pension category is no longer needed.
    expect(ids(next)).not.toContain('pension');
    expect(ids(next)).not.toContain('insurance');
    expect(ids(next)).toEqual(['disability-certificate', 'welfare-medical', 'dependents-of-deceased', 'owns-real-estate']);
  });

  it('asks who was the head only when two or more remaining members may be 15+', () => {
    const answers: Answers = { members: [{ role: 'applicant', ageBand: '20-59' }, { role: 'child', ageBand: 'child-15-18' }, { role: 'deceased', ageBand: '75+' }] };
    const qs = questionsFor({ events: ['death'], answers, date: DATE }, catalog);
    expect(qs.find((q) => q.id === 'head')!.members).toEqual([2]);
  });

  it('a follow-up waits for its parent answer', () => {
    const members = [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'spouse', birthDate: '1991-01-01' }];
    expect(ids(questionsFor({ events: ['marriage'], answers: { members }, date: DATE }, catalog))).not.toContain('seal-registered');
    const qs = questionsFor({ events: ['marriage'], answers: { members, 'member.nameChanges': [1] }, date: DATE }, catalog);
    expect(qs.find((q) => q.id === 'seal-registered')!.members).toEqual([1]);
    expect(ids(questionsFor({ events: ['marriage'], answers: { members, 'member.nameChanges': [] }, date: DATE }, catalog))).not.toContain('seal-registered');
  });

  it('detail questions only on demand', () => {
    const answers: Answers = { members: [{ role: 'applicant', birthDate: '1990-01-01' }] };
    expect(ids(questionsFor({ events: ['moving-in'], answers, date: DATE }, catalog))).not.toContain('wants-seal-registration');
    expect(ids(questionsFor({ events: ['moving-in'], answers, date: DATE, detail: true }, catalog))).toEqual(expect.arrayContaining(['event-date', 'wants-seal-registration']));
  });

  it('asks an age only for members given without one, when it matters', () => {
    const qs = questionsFor({ events: ['moving-in'], answers: { members: [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'child' }], moveFrom: 'other-municipality' }, date: DATE }, catalog);
    expect(qs.find((q) => q.id === 'age')!.members).toEqual([1]);
    expect(qs.find((q) => q.id === 'age')!.options!.map((o) => o.value)).toContain('preschool');
  });

  it('never asks again what is already known (resident data)', () => {
    const known = {
      members: [
        { role: 'applicant', birthDate: '1990-01-01', insurance: 'nhi', myNumberCard: true },
        { role: 'child', birthDate: '2020-01-01', insurance: 'nhi', myNumberCard: false },
      ],
      household: { dogs: 0 },
    } as unknown as Partial<Facts>;
    const qs = questionsFor({ events: ['moving-within'], answers: {}, known, date: DATE }, catalog);
    expect(ids(qs)).not.toContain('members');
    expect(ids(qs)).not.toContain('insurance');
    expect(ids(qs)).not.toContain('my-number-card');
    expect(ids(qs)).not.toContain('dogs');
    expect(ids(qs)).toContain('disability-certificate');
  });

  it('question texts exist in every language', () => {
    for (const q of catalog.questions) for (const lang of catalog.languages) expect(catalog.texts[lang]![`question.${q.id}`], `${lang} ${q.id}`).toBeTruthy();
  });

  it('answers build facts; an answer that cannot be true is refused naming the field', () => {
    const events: LifeEvent[] = ['moving-in'];
    const f = factsFromAnswers(events, { members: [{ role: 'applicant', ageBand: '20-59' }], 'member.insurance': { 0: 'nhi' }, 'household.dogs': 2, moveFrom: 'abroad' }, {}, DATE);
    expect(f.members[0]).toMatchObject({ role: 'applicant', ageBand: '20-59', insurance: 'nhi', pregnant: 'unknown' });
    expect(f.household).toMatchObject({ dogs: 2, mopeds: 'unknown', wantsSealRegistration: false });
    expect(f.moveFrom).toBe('abroad');
    expect(() => factsFromAnswers(events, { members: [{ role: 'applicant' }], 'household.dogs': -1 }, {}, DATE)).toThrow(/cannot be negative/);
  });
});

describe('an interview that answers every question gives the same list as the full facts', () => {
  it('for random households (detail on), asking only facts the chosen events read', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const truth = generateHousehold(mulberry32(seed), DATE);
        const { answers, asked } = interview(truth, true);
        const read = factsReadFor(truth.events, catalog);
        for (const q of asked) if (q.fact !== 'eventDate') expect(read.has(q.fact), q.fact).toBe(true);
        expect(new Set(asked.map((q) => q.id)).size).toBe(asked.length); // nothing asked twice
        const facts = factsFromAnswers(truth.events, answers, {}, DATE);
        const got = guideFacts(facts, catalog).map((i) => `${i.id}:${i.status}:${i.route}:${i.delivery}:${i.wanted ?? false}`);
        const want = guideFacts(truth, catalog).map((i) => `${i.id}:${i.status}:${i.route}:${i.delivery}:${i.wanted ?? false}`);
        expect(got).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
