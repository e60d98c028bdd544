import { AGE_BANDS } from '../dates/ageBands';
import { inAgeClass, legalAge } from '../dates/ages';
import type { IsoDate } from '../dates/isoDate';
import type { Condition, MemberCondition, MemberScope } from '../catalog/condition';
import { ageDate, effectiveBirthDate, type Facts, type Member } from './facts';

/**
 * Three-valued evaluation of catalog conditions: yes, no, or "cannot tell" (an "unknown" fact).
 * "Cannot tell" keeps a procedure on the list as to-confirm, and remembers which facts would
 * settle it so the question flow asks exactly those.
 *
 * `evaluate` is the condition language's definition. Lists run the same conditions compiled once
 * per catalog (compile.ts, prepared.ts), held to evaluate's answers on random conditions and
 * households by tests/integration/guide-prepared.test.ts.
 */
export const NO = 0;
export const YES = 1;
export const UNSURE = 2;
export type Truth = typeof NO | typeof YES | typeof UNSURE;

export interface Outcome {
  v: Truth;
  /** Members the outcome concerns (indices into facts.members). */
  members: number[];
  /** Fact paths that would settle an UNSURE outcome, e.g. `members[1].insurance`, `household.dogs`. */
  unknown: string[];
}

export interface EvalContext {
  facts: Facts;
  births: Array<IsoDate | undefined>;
  /**
   * Ages worked out once per member for one list (a list asks about the same members' age classes
   * for many procedures, and each answer is date arithmetic): `${member}|${class}` → in the class,
   * member → legal age. Pure functions of the member's birth and age date, so only the time changes.
   */
  ageMemo?: { classes: Map<string, boolean>; ages: Map<number, number> };
}

export function makeContext(facts: Facts): EvalContext {
  return { facts, births: facts.members.map((m) => effectiveBirthDate(m, facts)), ageMemo: { classes: new Map(), ages: new Map() } };
}

const no: Outcome = { v: NO, members: [], unknown: [] };
const yes: Outcome = { v: YES, members: [], unknown: [] };

function unsure(path: string): Outcome {
  return { v: UNSURE, members: [], unknown: [path] };
}

function union(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return [...s].sort((x, y) => x - y);
}

function compare(value: unknown, c: { eq?: unknown; in?: unknown[]; gt?: number; gte?: number; includes?: string }): boolean {
  if (c.eq !== undefined) return value === c.eq;
  if (c.in !== undefined) return c.in.includes(value);
  if (c.gt !== undefined) return typeof value === 'number' && value > c.gt;
  if (c.gte !== undefined) return typeof value === 'number' && value >= c.gte;
  if (c.includes !== undefined) return Array.isArray(value) && value.includes(c.includes);
  return false;
}

/** "other-municipality" is another Japanese municipality whose prefecture nobody said: the same prefecture or another one. */
function places(v: string): string[] {
  return v === 'other-municipality' ? ['same-prefecture', 'other-prefecture'] : [v];
}

/** A move place against eq/in: yes when every place the answer can mean matches, no when none does, else cannot tell. */
function comparePlace(value: string, c: { eq?: unknown; in?: unknown[] }, fact: string): Outcome {
  const want = new Set((c.eq !== undefined ? [c.eq] : (c.in ?? [])).flatMap((x) => places(String(x))));
  const can = places(value);
  const hits = can.filter((p) => want.has(p)).length;
  if (hits === can.length) return yes;
  if (hits === 0) return no;
  return unsure(fact);
}

/** Whether a member belongs to a condition's scope (compile.ts asks the same). */
export function inScope(m: Member, scope: MemberScope): boolean {
  switch (scope) {
    case 'remaining':
      return m.role !== 'deceased';
    case 'deceased':
      return m.role === 'deceased';
    case 'newborn':
      return m.role === 'newborn';
    case 'all':
      return true;
  }
}

export function membersInScope(facts: Facts, scope: MemberScope): number[] {
  const out: number[] = [];
  facts.members.forEach((m, i) => {
    if (inScope(m, scope)) out.push(i);
  });
  return out;
}

function evalMember(c: MemberCondition, i: number, ctx: EvalContext): { v: Truth; unknown: string[] } {
  const m = ctx.facts.members[i]!;
  if ('all' in c) {
    let unknown: string[] = [];
    let anyUnsure = false;
    for (const x of c.all) {
      const r = evalMember(x, i, ctx);
      if (r.v === NO) return { v: NO, unknown: [] };
      if (r.v === UNSURE) {
        anyUnsure = true;
        unknown = unknown.concat(r.unknown);
      }
    }
    return anyUnsure ? { v: UNSURE, unknown } : { v: YES, unknown: [] };
  }
  if ('any' in c) {
    let unknown: string[] = [];
    let anyUnsure = false;
    for (const x of c.any) {
      const r = evalMember(x, i, ctx);
      if (r.v === YES) return { v: YES, unknown: [] };
      if (r.v === UNSURE) {
        anyUnsure = true;
        unknown = unknown.concat(r.unknown);
      }
    }
    return anyUnsure ? { v: UNSURE, unknown } : { v: NO, unknown: [] };
  }
  if ('not' in c) {
    const r = evalMember(c.not, i, ctx);
    return r.v === UNSURE ? r : { v: r.v === YES ? NO : YES, unknown: [] };
  }
  if ('role' in c) {
    const ok = Array.isArray(c.role) ? c.role.includes(m.role) : c.role === m.role;
    return { v: ok ? YES : NO, unknown: [] };
  }
  if ('field' in c) {
    const value = (m as unknown as Record<string, unknown>)[c.field];
    if (value === 'unknown' || value === undefined) return { v: UNSURE, unknown: [`members[${i}].${c.field}`] };
    return { v: compare(value, c) ? YES : NO, unknown: [] };
  }
  const birth = ctx.births[i];
  // A deceased member's ages are those on the day of death (FACTS.md).
  const date = ageDate(m, ctx.facts);
  if ('ageClass' in c) {
    if (birth !== undefined) {
      const key = `${i}|${c.ageClass}`;
      let inClass = ctx.ageMemo?.classes.get(key);
      if (inClass === undefined) {
        inClass = inAgeClass(c.ageClass, birth, date);
        ctx.ageMemo?.classes.set(key, inClass);
      }
      return { v: inClass ? YES : NO, unknown: [] };
    }
    const settled = m.ageBand !== undefined ? AGE_BANDS[m.ageBand].classes[c.ageClass] : undefined;
    if (settled !== undefined) return { v: settled ? YES : NO, unknown: [] };
    return { v: UNSURE, unknown: [`members[${i}].age`] };
  }
  // age range
  const { gte, lte } = c.age;
  let lo: number;
  let hi: number;
  if (birth !== undefined) {
    let age = ctx.ageMemo?.ages.get(i);
    if (age === undefined) {
      age = legalAge(birth, date);
      ctx.ageMemo?.ages.set(i, age);
    }
    lo = hi = age;
  }
  else if (m.ageBand !== undefined) {
    lo = AGE_BANDS[m.ageBand].minAge;
    hi = AGE_BANDS[m.ageBand].maxAge;
  } else return { v: UNSURE, unknown: [`members[${i}].age`] };
  const surelyIn = (gte === undefined || lo >= gte) && (lte === undefined || hi <= lte);
  const surelyOut = (gte !== undefined && hi < gte) || (lte !== undefined && lo > lte);
  if (surelyIn) return { v: YES, unknown: [] };
  if (surelyOut) return { v: NO, unknown: [] };
  return { v: UNSURE, unknown: [`members[${i}].age`] };
}

export function evaluate(c: Condition, ctx: EvalContext): Outcome {
  if ('all' in c) {
    let members: number[] = [];
    let unknown: string[] = [];
    let anyUnsure = false;
    for (const x of c.all) {
      const r = evaluate(x, ctx);
      if (r.v === NO) return no;
      members = union(members, r.members);
      if (r.v === UNSURE) {
        anyUnsure = true;
        unknown = unknown.concat(r.unknown);
      }
    }
    return { v: anyUnsure ? UNSURE : YES, members, unknown };
  }
  if ('any' in c) {
    let yesMembers: number[] = [];
    let unsureMembers: number[] = [];
    let unknown: string[] = [];
    let anyYes = false;
    let anyUnsure = false;
    for (const x of c.any) {
      const r = evaluate(x, ctx);
      if (r.v === YES) {
        anyYes = true;
        yesMembers = union(yesMembers, r.members);
      } else if (r.v === UNSURE) {
        anyUnsure = true;
        unsureMembers = union(unsureMembers, r.members);
        unknown = unknown.concat(r.unknown);
      }
    }
    if (anyYes) return { v: YES, members: yesMembers, unknown: [] };
    if (anyUnsure) return { v: UNSURE, members: unsureMembers, unknown };
    return no;
  }
  if ('not' in c) {
    const r = evaluate(c.not, ctx);
    if (r.v === UNSURE) return { v: UNSURE, members: [], unknown: r.unknown };
    return r.v === YES ? no : yes;
  }
  if ('event' in c) {
    const evs = Array.isArray(c.event) ? c.event : [c.event];
    return evs.some((e) => ctx.facts.events.includes(e)) ? yes : no;
  }
  if ('fact' in c) {
    const f = ctx.facts;
    const value = c.fact.startsWith('household.') ? (f.household as unknown as Record<string, unknown>)[c.fact.slice(10)] : (f as unknown as Record<string, unknown>)[c.fact];
    if (value === 'unknown') return unsure(c.fact);
    if ((c.fact === 'moveFrom' || c.fact === 'moveTo') && typeof value === 'string') return comparePlace(value, c, c.fact);
    return compare(value, c) ? yes : no;
  }
  // members: how many members in scope match
  const scope = c.scope ?? 'remaining';
  const min = c.min ?? (c.max !== undefined ? 0 : 1);
  const max = c.max ?? Infinity;
  const sure: number[] = [];
  const maybe: number[] = [];
  let unknown: string[] = [];
  const list = ctx.facts.members;
  for (let i = 0; i < list.length; i++) {
    if (!inScope(list[i]!, scope)) continue;
    const r = evalMember(c.members, i, ctx);
    if (r.v === YES) sure.push(i);
    else if (r.v === UNSURE) {
      maybe.push(i);
      unknown = unknown.concat(r.unknown);
    }
  }
  const t = sure.length;
  const u = maybe.length;
  // An upper bound ("no other child") is a fact about the household, not about the members counted.
  const concerns = max === Infinity;
  if (t >= min && t + u <= max) return { v: YES, members: concerns ? sure : [], unknown: [] };
  if (t + u < min || t > max) return no;
  return { v: UNSURE, members: concerns ? union(sure, maybe) : [], unknown };
}
