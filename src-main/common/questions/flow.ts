import { factsRead } from '../catalog/condition';
import { questionOptions } from '../catalog/parse';
import type { Catalog, QuestionDef, QuestionTier, QuestionType } from '../catalog/types';
import { AGE_BAND_IDS } from '../dates/ageBands';
import { isIsoDate, todayLocal, type IsoDate } from '../dates/isoDate';
import { HOUSEHOLD_FIELDS, MEMBER_FIELDS, ROLES, validateFacts, type Facts, type LifeEvent, type Member, type Role } from '../guidance/facts';
import { matchProcedures } from '../guidance/guide';

/**
 * The interview as data: which questions to ask next for the chosen events, and the facts the
 * answers make. A question is asked only when some procedure of these events cannot be decided
 * without it, so the flow never asks more than the list needs.
 */

/** One person in the members answer: a role and either a birth date or an age band. */
export interface MemberAnswer {
  role: Role;
  birthDate?: IsoDate;
  ageBand?: string;
  nationality?: string;
}

/**
 * Answers keyed by the fact they set (a question's `fact`): `members`: MemberAnswer[];
 * `moveFrom`, `household.dogs`, `eventDate` …: the value
 * (or "unknown"); multi-choice: values; member-choice: {"<member index>": value};
 * member-pick: the member indices for whom it is true (everyone else: false);
 * member-age: {"<member index>": ISO birth date or age band id}.
 */
export type Answers = Record<string, unknown>;

export interface QuestionOption {
  value: string;
  /** Key in locales/<lang>/catalog.json. */
  textKey: string;
}

export interface Question {
  id: string;
  tier: QuestionTier;
  type: QuestionType;
  fact: string;
  /** Key of the question text in locales/<lang>/catalog.json. */
  textKey: string;
  options?: QuestionOption[];
  /** Member questions: the members (indices) it asks about. */
  members?: number[];
}

export interface QuestionState {
  events: LifeEvent[];
  answers: Answers;
  /** Facts already known (resident/linkage data); never asked again. */
  known?: Partial<Facts>;
  /** Open the "more detail" tier. */
  detail?: boolean;
  date?: IsoDate;
}

const memberField = (q: QuestionDef): string | undefined => (q.fact.startsWith('member.') ? q.fact.slice(7) : undefined);

function optionsOf(q: QuestionDef): QuestionOption[] | undefined {
  if (q.type === 'members') return ROLES.map((r) => ({ value: r, textKey: `value.role.${r}` }));
  if (q.type === 'member-age') return AGE_BAND_IDS.map((b) => ({ value: b, textKey: `value.ageBand.${b}` }));
  if (q.type === 'yes-no') return [true, false, 'unknown'].map((v) => ({ value: String(v), textKey: `answer.${v === true ? 'yes' : v === false ? 'no' : 'unknown'}` }));
  const vals = questionOptions(q);
  if (!vals) return undefined;
  const name = memberField(q) ?? q.fact.replace(/^household\./, '');
  return vals.map((v) => ({ value: v, textKey: v === 'unknown' ? 'answer.unknown' : `value.${name}.${v}` }));
}

function has(o: object | undefined, k: string): boolean {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, k);
}

function getVisitFact(facts: Partial<Facts> | undefined, fact: string): unknown {
  if (!facts) return undefined;
  if (fact.startsWith('household.')) return (facts.household as Record<string, unknown> | undefined)?.[fact.slice(10)];
  return (facts as Record<string, unknown>)[fact];
}

/** Which members a member answer covers. */
function answeredMembers(q: QuestionDef, a: unknown, count: number): Set<number> {
  if (a === undefined) return new Set();
  if (q.type === 'member-pick') return new Set(Array.from({ length: count }, (_, i) => i)); // a pick settles everyone
  if (typeof a === 'object' && a !== null) return new Set(Object.keys(a).map(Number));
  return new Set();
}

function parentSatisfied(q: QuestionDef, answers: Answers, catalog: Catalog): boolean {
  if (!q.parent) return true;
  const parent = catalog.questions.find((x) => x.id === q.parent!.question);
  const a = parent ? answers[parent.fact] : undefined;
  if (a === undefined) return false;
  if (q.parent.nonEmpty) return Array.isArray(a) ? a.length > 0 : typeof a === 'object' && a !== null ? Object.keys(a).length > 0 : Boolean(a);
  if (q.parent.in) return q.parent.in.includes(a as string | number | boolean);
  return true;
}

/** Events whose deadlines count from the day of the event: the interview asks that day as a core question. */
export const EVENT_DATE_EVENTS: ReadonlySet<LifeEvent> = new Set<LifeEvent>(['birth', 'death', 'moving-in', 'moving-out', 'moving-within']);

/** Facts the chosen events' procedures read at all (member facts as `member.<field>`). */
export function factsReadFor(events: LifeEvent[], catalog: Catalog): Set<string> {
  const read = new Set<string>();
  for (const p of catalog.procedures) for (const r of p.appearsWhen) {
    if (!r.events.some((e) => events.includes(e))) continue;
    if (r.if) factsRead(r.if, read);
    for (const o of r.overrides ?? []) factsRead(o.if, read);
  }
  return read;
}

/** The next questions for the chosen events, in the catalog's order. */
export function questionsFor(state: QuestionState, catalog: Catalog): Question[] {
  const { events, answers, known } = state;
  const facts = factsFromAnswers(events, answers, known, state.date);
  const blocking = new Set<string>();
  for (const m of matchProcedures(facts, catalog)) for (const u of m.unknown) blocking.add(u);
  const read = factsReadFor(events, catalog);
  const out: Question[] = [];
  const count = facts.members.length;
  for (const q of catalog.questions) {
    if (!parentSatisfied(q, answers, catalog)) continue;
    const base: Question = { id: q.id, tier: q.tier, type: q.type, fact: q.fact, textKey: `question.${q.id}` };
    const opts = optionsOf(q);
    if (opts) base.options = opts;
    if (q.fact === 'members') {
      if (known?.members === undefined && answers.members === undefined && read.has('members')) out.push(base);
      continue;
    }
    if (q.fact === 'eventDate') {
      if (answers.eventDate !== undefined || known?.eventDate !== undefined) continue;
      // Core for births, deaths and moves (their deadlines count from it); asked for other events only under "more detail".
      const core = q.tier === 'core' && events.some((e) => EVENT_DATE_EVENTS.has(e));
      if (core || (state.detail && events.some((e) => e !== 'certificate'))) out.push(base);
      continue;
    }
    const field = memberField(q);
    if (q.tier === 'detail') {
      if (!state.detail) continue;
      if (field !== undefined) {
        if (!read.has(q.fact)) continue;
        const done = answeredMembers(q, answers[q.fact], count);
        const ms = facts.members.map((_, i) => i).filter((i) => !done.has(i) && (known?.members?.[i] as Record<string, unknown> | undefined)?.[field] === undefined);
        if (ms.length > 0) out.push({ ...base, members: ms });
      } else if (read.has(q.fact) && answers[q.fact] === undefined && getVisitFact(known, q.fact) === undefined) out.push(base);
      continue;
    }
    if (field !== undefined) {
      const done = answeredMembers(q, answers[q.fact], count);
      const ms: number[] = [];
      for (let i = 0; i < count; i++) if (!done.has(i) && blocking.has(`members[${i}].${field}`)) ms.push(i);
      if (ms.length > 0) out.push({ ...base, members: ms });
    } else if (answers[q.fact] === undefined && blocking.has(q.fact)) out.push(base);
  }
  return out;
}

const TRI_MEMBER_FIELDS = Object.entries(MEMBER_FIELDS)
  .filter(([, spec]) => spec.kind === 'tri' || (spec.kind === 'enum' && spec.values.includes('unknown')))
  .map(([k]) => k);

/** Member facts that stay absent when nobody gave them (the engine reads absent as "cannot tell" all the same). */
const UNSET_WHEN_NOT_GIVEN = new Set(['previousInsurance']);

/** Wishes: a visitor who was not asked about one does not have it (never "unknown"). */
const WISHES = new Set(['wantsSealRegistration', 'wantsChildcare']);

function setMemberAge(m: Record<string, unknown>, v: unknown): void {
  if (v === 'unknown') return; // asked, nobody knows: stays without an age
  delete m.birthDate;
  delete m.ageBand;
  if (isIsoDate(v)) m.birthDate = v;
  else m.ageBand = v; // validateFacts names a value that is neither a date nor a band
}

/**
 * Facts from the interview: known facts first, then the answers. A fact nobody gave stays
 * "unknown" (so its procedures are to-confirm), except wishes, which default to "no".
 * Throws AppError('bad-facts') naming the field when an answer cannot be true.
 */
export function factsFromAnswers(events: LifeEvent[], answers: Answers, known: Partial<Facts> = {}, date?: IsoDate): Facts {
  const visitDate = date ?? known.date ?? todayLocal();
  const given = (fact: string): unknown => (answers[fact] !== undefined ? answers[fact] : getVisitFact(known, fact));
  // Not given for a birth, death or move: unknown, so the list says "N days from the event" and shows no wrong date.
  const raw: Record<string, unknown> = { date: visitDate, eventDate: given('eventDate') ?? (events.some((e) => EVENT_DATE_EVENTS.has(e)) ? 'unknown' : visitDate), events };

  const household: Record<string, unknown> = {};
  for (const k of Object.keys(HOUSEHOLD_FIELDS)) household[k] = given(`household.${k}`) ?? (WISHES.has(k) ? false : 'unknown');
  raw.household = household;
  raw.certificates = given('certificates') ?? (events.includes('certificate') ? 'unknown' : []);
  if (events.includes('moving-in') || given('moveFrom') !== undefined) raw.moveFrom = given('moveFrom') ?? 'unknown';
  if (events.includes('moving-out') || given('moveTo') !== undefined) raw.moveTo = given('moveTo') ?? 'unknown';

  const fromKnown = known.members !== undefined;
  const list: Array<Record<string, unknown>> = fromKnown
    ? known.members!.map((m) => ({ ...(m as Partial<Member>) }))
    : Array.isArray(answers.members)
      ? (answers.members as MemberAnswer[]).map((a) => {
          const m: Record<string, unknown> = { ...(a as unknown as Record<string, unknown>) };
          if (m.ageBand !== undefined && m.birthDate !== undefined) delete m.ageBand;
          return m;
        })
      : [];
  list.forEach((m, i) => {
    for (const f of TRI_MEMBER_FIELDS) {
      const a = answers[`member.${f}`];
      if (Array.isArray(a)) m[f] = a.includes(i);
      else if (typeof a === 'object' && a !== null && has(a, String(i))) m[f] = (a as Record<string, unknown>)[String(i)];
      else if (m[f] === undefined && !UNSET_WHEN_NOT_GIVEN.has(f)) m[f] = 'unknown';
    }
    const age = answers['member.age'];
    if (typeof age === 'object' && age !== null && !Array.isArray(age) && has(age, String(i))) setMemberAge(m, (age as Record<string, unknown>)[String(i)]);
  });
  raw.members = list;
  return validateFacts(raw).facts;
}

