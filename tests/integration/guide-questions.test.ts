import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFacts, type Facts, type LifeEvent } from '../../src-main/common/guidance/facts';
import { generateHousehold, mulberry32 } from '../../src-main/common/guidance/generate';
import { guideFacts } from '../../src-main/common/guidance/guide';
import { factsFromAnswers, factsReadFor, questionsFor, type Answers, type Question } from '../../src-main/common/questions';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { testSeed } from '../support/seed';

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
    for (const q of qs) expect(q.fact === 'members' || q.fact === 'eventDate' || read.has(q.fact)).toBe(true);
    expect(ids(qs)).not.toContain('dogs');
    expect(ids(qs)).not.toContain('move-from');
  });

  it('a death: only what the list needs, with follow-ups only when a parent answer needs them', () => {
    const answers: Answers = { members: [{ role: 'applicant', ageBand: '60-64' }, { role: 'deceased', birthDate: '1944-01-01' }] };
    const first = questionsFor({ events: ['death'], answers, date: DATE }, catalog);
    // The day of death is a core question (deadlines and the deceased's ages count from it).
    expect(ids(first)[0]).toBe('event-date');
    // One remaining member: 世帯主変更 cannot apply; the head is asked only about the deceased (国保 世帯主変更).
    expect(first.find((q) => q.id === 'head')?.members).toEqual([1]);
    expect(first.find((q) => q.id === 'insurance')!.members).toEqual([0, 1]);
    answers.eventDate = '2026-11-20';
    answers['member.head'] = [];
    answers['member.receivesPension'] = [1];
    answers['member.insurance'] = { 1: 'late-elderly' };
    const next = questionsFor({ events: ['death'], answers, date: DATE }, catalog);
    // Receiving a pension settles 死亡一時金: the pension category is no longer needed.
    expect(ids(next)).not.toContain('pension');
    expect(ids(next)).not.toContain('insurance');
    expect(ids(next)).not.toContain('head');
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

  it('second edition: asks the day of a birth, death or move first, who gave birth, who receives 児童手当, the previous insurance, the prefecture', () => {
    const birth = questionsFor({ events: ['birth'], answers: { members: [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'spouse', birthDate: '1991-01-01' }, { role: 'newborn' }], 'member.insurance': { 0: 'nhi', 1: 'employee' } }, date: DATE }, catalog);
    expect(ids(birth)[0]).toBe('event-date');
    expect(birth.find((q) => q.id === 'event-date')!.tier).toBe('core');
    // only the parent whose 国保 would pay 出産育児一時金 matters; never the newborn
    expect(birth.find((q) => q.id === 'gave-birth')!.members).toEqual([0]);
    const divorce = questionsFor({ events: ['divorce'], answers: { members: [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'child', birthDate: '2018-01-01' }] }, date: DATE }, catalog);
    expect(divorce.find((q) => q.id === 'receives-child-allowance')!.members).toEqual([0]);
    expect(ids(divorce)).not.toContain('event-date'); // not a core question for a divorce
    const job = questionsFor({ events: ['insurance-change'], answers: { members: [{ role: 'applicant', birthDate: '1990-01-01' }] }, date: DATE }, catalog);
    expect(ids(job)).toEqual(expect.arrayContaining(['previous-insurance', 'insurance']));
    const move = questionsFor({ events: ['moving-in'], answers: { members: [{ role: 'applicant', birthDate: '1946-01-01' }] }, date: DATE }, catalog);
    expect(move.find((q) => q.id === 'move-from')!.options!.map((o) => o.value)).toEqual(['same-prefecture', 'other-prefecture', 'other-municipality', 'abroad', 'unknown']);
    // answered "another municipality" without the prefecture: 後期 stays to confirm, and it is not asked twice
    const again = questionsFor({ events: ['moving-in'], answers: { members: [{ role: 'applicant', birthDate: '1946-01-01' }], moveFrom: 'other-municipality', eventDate: '2026-11-20' }, date: DATE }, catalog);
    expect(ids(again)).not.toContain('move-from');
    // not answering the day leaves the list without dates, counting from the event
    const f = factsFromAnswers(['birth'], { members: [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'newborn' }] }, {}, DATE);
    expect(f.eventDate).toBe('unknown');
    expect(guideFacts(f, catalog).find((i) => i.id === 'shussei')).toMatchObject({ deadline: null, deadlineRule: { days: 14, count: 'koseki' } });
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

function interviewAgrees(truth: Facts): void {
  const { answers, asked } = interview(truth, true);
  const read = factsReadFor(truth.events, catalog);
  for (const q of asked) if (q.fact !== 'eventDate') expect(read.has(q.fact), q.fact).toBe(true);
  expect(new Set(asked.map((q) => q.id)).size).toBe(asked.length); // nothing asked twice
  const facts = factsFromAnswers(truth.events, answers, {}, DATE);
  const got = guideFacts(facts, catalog).map((i) => `${i.id}:${i.status}:${i.route}:${i.delivery}:${i.wanted ?? false}:${i.deadline}`);
  const want = guideFacts(truth, catalog).map((i) => `${i.id}:${i.status}:${i.route}:${i.delivery}:${i.wanted ?? false}:${i.deadline}`);
  expect(got).toEqual(want);
}

const householdSeeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const property = fc.property(householdSeeds, (seed) => interviewAgrees(generateHousehold(mulberry32(seed), DATE)));

describe('an interview that answers every question gives the same list as the full facts', () => {
  it('for random households (detail on), asking only facts the chosen events read', () => {
    // Printed and replayable: FC_SEED=<seed> npx vitest run tests/integration/guide-questions.test.ts
    fc.assert(property, { numRuns: 200, seed: testSeed('guide-questions') });
  });

  it('regression, fast-check seed 519615911: death + moving-out, kaigo-leave delivery (immediate, not none)', () => {
    // The household that seed drew before the second edition changed the generator: a 要介護 applicant
    // moving out and a deceased of 96. The moving-out rule (undecided until careCertified is asked)
    // comes before the death rule, so the interview must ask careCertified; it did not.
    const truth = {
      date: '2026-11-26',
      eventDate: '2026-11-10',
      events: ['death', 'moving-out'],
      members: [
        { role: 'applicant', nationality: 'JP', head: true, insurance: 'late-elderly', pension: 'none', receivesPension: true, careCertified: true, disabilityCertificate: false, welfareMedical: true, pregnant: false, myNumberCard: false, sealRegistered: true, nameChanges: false, ageBand: 'adult-18-19' },
        { role: 'spouse', nationality: 'JP', head: false, insurance: 'late-elderly', pension: 'category3', receivesPension: false, careCertified: false, disabilityCertificate: true, welfareMedical: false, pregnant: false, myNumberCard: true, sealRegistered: false, nameChanges: false, birthDate: '1990-06-03' },
        { role: 'child', nationality: 'JP', head: false, insurance: 'unknown', pension: 'none', receivesPension: false, careCertified: false, disabilityCertificate: 'unknown', welfareMedical: false, pregnant: false, myNumberCard: true, sealRegistered: false, nameChanges: false, birthDate: '2012-08-27' },
        { role: 'deceased', nationality: 'JP', head: true, insurance: 'late-elderly', pension: 'none', receivesPension: true, careCertified: false, disabilityCertificate: true, welfareMedical: false, pregnant: false, myNumberCard: false, sealRegistered: false, nameChanges: false, birthDate: '1930-06-26' },
      ],
      household: { singleParent: false, dogs: 0, mopeds: 0, ownsRealEstate: false, dependentsOfDeceased: false, wantsChildcare: false, wantsSealRegistration: true },
      certificates: [],
      moveTo: 'other-municipality',
    };
    const facts = validateFacts(truth).facts;
    expect(guideFacts(facts, catalog).find((i) => i.id === 'kaigo-leave')).toMatchObject({ status: 'required', delivery: 'immediate' });
    interviewAgrees(facts);
  });

  it('the property also holds on the pinned seed 519615911', () => {
    fc.assert(property, { numRuns: 200, seed: 519615911 });
  });
});
