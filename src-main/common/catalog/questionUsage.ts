import { MEMBER_FIELDS, VISIT_FIELDS, type FieldSpec } from '../guidance/facts';
import { factsRead, type Condition } from './condition';
import type { QuestionDef, QuestionType } from './types';

/**
 * What the catalog editor needs to know about a question before it changes one (issue 19):
 * which facts a question can ask and with which answer type, which procedures would lose the
 * only question that settles a fact they read, and which follow-ups hang on it.
 */

/** A procedure as the editor holds it (raw JSON: a bring item may still be a plain id). */
export interface ProcedureLike {
  id: string;
  appearsWhen: Array<{ if?: unknown; concerns?: unknown; overrides?: Array<{ if?: unknown }> }>;
  bring?: Array<string | { id: string; if?: unknown }>;
}

/** Where a procedure reads a fact: `appearsWhen[0].if`, `appearsWhen[1].concerns`, `appearsWhen[0].overrides[1].if`, `bring[2].if`. */
export interface FactUse {
  procedure: string;
  paths: string[];
}

export interface QuestionUsage {
  /** Procedures that read this question's fact, where no other question asks it. */
  procedures: FactUse[];
  /** Follow-up questions whose parent is this one. */
  followUps: string[];
  /** Other questions that ask the same fact (so deleting this one leaves it askable). */
  sameFact: string[];
}

/** Facts given with the members answer itself: never need a question of their own. */
const GIVEN_WITH_MEMBERS = new Set(['member.role', 'member.nationality']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function read(c: unknown): Set<string> {
  const out = new Set<string>();
  if (!isObj(c)) return out;
  try {
    factsRead(c as Condition, out);
  } catch {
    // A half-typed condition: the checker names it; it reads nothing we can count on.
  }
  return out;
}

/** Every procedure that reads `fact` in a condition, with the places it does. */
export function factUses(procedures: readonly ProcedureLike[], fact: string): FactUse[] {
  const out: FactUse[] = [];
  for (const p of procedures) {
    const paths: string[] = [];
    (p.appearsWhen ?? []).forEach((r, j) => {
      if (read(r.if).has(fact)) paths.push(`appearsWhen[${j}].if`);
      if (read(r.concerns).has(fact)) paths.push(`appearsWhen[${j}].concerns`);
      (r.overrides ?? []).forEach((o, k) => {
        if (read(o.if).has(fact)) paths.push(`appearsWhen[${j}].overrides[${k}].if`);
      });
    });
    (p.bring ?? []).forEach((b, j) => {
      if (typeof b !== 'string' && read(b.if).has(fact)) paths.push(`bring[${j}].if`);
    });
    if (paths.length > 0) out.push({ procedure: p.id, paths });
  }
  return out;
}

/** What depends on question `id`; empty lists mean it can be deleted without harm. */
export function questionUsage(procedures: readonly ProcedureLike[], questions: readonly QuestionDef[], id: string): QuestionUsage {
  const q = questions.find((x) => x.id === id);
  if (!q) return { procedures: [], followUps: [], sameFact: [] };
  const sameFact = questions.filter((x) => x.id !== id && x.fact === q.fact).map((x) => x.id);
  const followUps = questions.filter((x) => x.id !== id && x.parent?.question === id).map((x) => x.id);
  const askedElsewhere = sameFact.length > 0 || GIVEN_WITH_MEMBERS.has(q.fact);
  return { procedures: askedElsewhere ? [] : factUses(procedures, q.fact), followUps, sameFact };
}

export const questionInUse = (u: QuestionUsage): boolean => u.procedures.length > 0 || u.followUps.length > 0;

/** The facts a question may set (FACTS.md): `members`, `eventDate`, `member.age`, visit and household facts, member facts (role and nationality come with the members answer). */
export function askableFacts(): string[] {
  const member = Object.keys(MEMBER_FIELDS)
    .filter((f) => !['role', 'birthDate', 'ageBand', 'nationality'].includes(f))
    .map((f) => `member.${f}`);
  return ['members', 'eventDate', ...Object.keys(VISIT_FIELDS), 'member.age', ...member];
}

function specOf(fact: string): FieldSpec | undefined {
  return fact.startsWith('member.') ? MEMBER_FIELDS[fact.slice(7)] : VISIT_FIELDS[fact];
}

/**
 * The answer types that can set `fact`: the interview turns each type's answer into the fact's
 * own kind of value (yes/no for a yes-no fact, a number for a count, one of the values for a choice).
 */
export function typesForFact(fact: string): QuestionType[] {
  if (fact === 'members') return ['members'];
  if (fact === 'eventDate') return ['date'];
  if (fact === 'member.age') return ['member-age'];
  const spec = specOf(fact);
  if (!spec) return [];
  const member = fact.startsWith('member.');
  switch (spec.kind) {
    case 'tri':
      return member ? ['member-pick'] : ['yes-no'];
    case 'enum':
      return member ? ['member-choice'] : ['choice'];
    case 'list':
      return member ? [] : ['multi-choice'];
    case 'count':
      return member ? [] : ['count'];
    case 'date':
      return member ? [] : ['date'];
    default:
      return [];
  }
}

/** Why `id` cannot be a new question's id, or undefined when it can. */
export function newQuestionIdProblem(id: string, questions: readonly QuestionDef[]): 'empty' | 'format' | 'duplicate' | undefined {
  if (id === '') return 'empty';
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) return 'format';
  if (questions.some((q) => q.id === id)) return 'duplicate';
  return undefined;
}

/**
 * The answers of `parent` a follow-up can be asked after (`parent.in`), or undefined when the
 * parent's answer is a set of people or values, where a follow-up waits for a non-empty answer instead.
 */
export function parentAnswerValues(parent: QuestionDef): Array<string | boolean | number> | undefined {
  if (parent.type === 'yes-no') return [true, false, 'unknown'];
  if (parent.type === 'choice') {
    const spec = specOf(parent.fact);
    return spec && spec.kind === 'enum' ? [...spec.values] : undefined;
  }
  return undefined;
}

/** A parent chain that comes back to itself (a follow-up of its own follow-up): the ids in the loop, or undefined. */
export function parentCycle(questions: readonly QuestionDef[], id: string): string[] | undefined {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const seen: string[] = [];
  let cur = byId.get(id);
  while (cur?.parent) {
    if (seen.includes(cur.id)) return seen.slice(seen.indexOf(cur.id));
    seen.push(cur.id);
    cur = byId.get(cur.parent.question);
  }
  return undefined;
}
