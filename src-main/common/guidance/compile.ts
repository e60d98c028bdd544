import { AGE_BANDS } from '../dates/ageBands';
import { AGE_CLASSES, inAgeClass, legalAge, type AgeClass } from '../dates/ages';
import type { IsoDate } from '../dates/isoDate';
import type { Condition, MemberCondition, MemberScope } from '../catalog/condition';
import { inScope, NO as NO_, UNSURE as UNSURE_, YES as YES_, type Outcome, type Truth } from './evaluate';
import { ageDate, effectiveBirthDate, type Facts, type Member } from './facts';

// The truth values as this module's own constants: a module binding read through a bundler's export getter costs a call per read, and conditions read them per member.
const NO = NO_;
const YES = YES_;
const UNSURE = UNSURE_;

/**
 * Catalog conditions compiled once per catalog into functions (issue 15: the guidance list's p95).
 * A compiled condition answers exactly as `evaluate` does (evaluate.ts keeps the language's
 * definition, and tests/integration/guide-prepared.test.ts holds the two to the same answers on
 * random conditions and households): what it reads (the fact's key, the comparison, the places an
 * answer can mean, the member scope) is worked out when compiled, not on every list.
 */

/** One visit's facts as the compiled conditions read them, built once per list. */
export interface ListFacts {
  facts: Facts;
  /** The visit's events as bits of the catalog's event numbering (see `eventBits`). */
  events: number;
  births: Array<IsoDate | undefined>;
  /** Per member, the day its ages are taken on (a deceased member's: the day of death). */
  ageDates: IsoDate[];
  /** Per member × age class: 1 in the class, 0 not, -1 not worked out yet (a list asks the same members' classes for many procedures). */
  classes: number[];
  /** Per member: legal age, -1 not worked out yet. */
  ages: number[];
  /** Members in each scope, worked out on first use. */
  scopes: Partial<Record<MemberScope, number[]>>;
}

export type CompiledCondition = (x: ListFacts) => Outcome;
type MemberOutcome = { v: Truth; unknown: string[] };
type CompiledMemberCondition = (i: number, m: Member, x: ListFacts) => MemberOutcome;

/** Numbers the events a catalog names; a visit's events become one bit mask per list. */
export type EventBits = ReadonlyMap<string, number>;

const CLASS_INDEX: Readonly<Record<AgeClass, number>> = Object.fromEntries(AGE_CLASSES.map((c, i) => [c, i])) as Record<AgeClass, number>;
const NCLASSES = AGE_CLASSES.length;

export function eventMask(events: readonly string[], bits: EventBits): number {
  let mask = 0;
  for (const e of events) mask |= bits.get(e) ?? 0;
  return mask;
}

export function listFacts(facts: Facts, bits: EventBits): ListFacts {
  const n = facts.members.length;
  const births: Array<IsoDate | undefined> = new Array(n);
  const ageDates: IsoDate[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = facts.members[i]!;
    births[i] = effectiveBirthDate(m, facts);
    ageDates[i] = ageDate(m, facts);
  }
  return { facts, events: eventMask(facts.events, bits), births, ageDates, classes: new Array<number>(n * NCLASSES).fill(-1), ages: new Array<number>(n).fill(-1), scopes: {} };
}

/** Members in a scope (indices into facts.members, ascending), the same array for the whole list: never change it. */
export function scopeMembers(x: ListFacts, scope: MemberScope): number[] {
  let out = x.scopes[scope];
  if (out === undefined) {
    out = [];
    const list = x.facts.members;
    for (let i = 0; i < list.length; i++) if (inScope(list[i]!, scope)) out.push(i);
    x.scopes[scope] = out;
  }
  return out;
}

const EMPTY: never[] = Object.freeze([]) as unknown as never[];
const no: Outcome = Object.freeze({ v: NO, members: EMPTY, unknown: EMPTY }) as Outcome;
const yes: Outcome = Object.freeze({ v: YES, members: EMPTY, unknown: EMPTY }) as Outcome;
const mNo: MemberOutcome = Object.freeze({ v: NO, unknown: EMPTY }) as MemberOutcome;
const mYes: MemberOutcome = Object.freeze({ v: YES, unknown: EMPTY }) as MemberOutcome;

/** Ascending member lists merged (evaluate's union: the same list when the other is empty). */
function union(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return [...s].sort((x, y) => x - y);
}

type Comparison = { eq?: unknown; in?: unknown[]; gt?: number; gte?: number; includes?: string };

/** evaluate's `compare`, with the comparison chosen once. */
function comparer(c: Comparison): (value: unknown) => boolean {
  if (c.eq !== undefined) {
    const eq = c.eq;
    return (value) => value === eq;
  }
  if (c.in !== undefined) {
    const list = c.in;
    return (value) => list.includes(value);
  }
  if (c.gt !== undefined) {
    const gt = c.gt;
    return (value) => typeof value === 'number' && value > gt;
  }
  if (c.gte !== undefined) {
    const gte = c.gte;
    return (value) => typeof value === 'number' && value >= gte;
  }
  if (c.includes !== undefined) {
    const inc = c.includes;
    return (value) => Array.isArray(value) && value.includes(inc);
  }
  return () => false;
}

function places(v: string): string[] {
  return v === 'other-municipality' ? ['same-prefecture', 'other-prefecture'] : [v];
}

export function compileCondition(c: Condition, bits: EventBits): CompiledCondition {
  if ('all' in c) {
    const parts = c.all.map((x) => compileCondition(x, bits));
    return (x) => {
      let members: number[] = EMPTY;
      let unknown: string[] = EMPTY;
      let anyUnsure = false;
      for (let k = 0; k < parts.length; k++) {
        const r = parts[k]!(x);
        if (r.v === NO) return no;
        members = union(members, r.members);
        if (r.v === UNSURE) {
          anyUnsure = true;
          unknown = unknown.concat(r.unknown);
        }
      }
      return { v: anyUnsure ? UNSURE : YES, members, unknown };
    };
  }
  if ('any' in c) {
    const parts = c.any.map((x) => compileCondition(x, bits));
    return (x) => {
      let yesMembers: number[] = EMPTY;
      let unsureMembers: number[] = EMPTY;
      let unknown: string[] = EMPTY;
      let anyYes = false;
      let anyUnsure = false;
      for (let k = 0; k < parts.length; k++) {
        const r = parts[k]!(x);
        if (r.v === YES) {
          anyYes = true;
          yesMembers = union(yesMembers, r.members);
        } else if (r.v === UNSURE) {
          anyUnsure = true;
          unsureMembers = union(unsureMembers, r.members);
          unknown = unknown.concat(r.unknown);
        }
      }
      if (anyYes) return { v: YES, members: yesMembers, unknown: EMPTY };
      if (anyUnsure) return { v: UNSURE, members: unsureMembers, unknown };
      return no;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not, bits);
    return (x) => {
      const r = inner(x);
      if (r.v === UNSURE) return { v: UNSURE, members: EMPTY, unknown: r.unknown };
      return r.v === YES ? no : yes;
    };
  }
  if ('event' in c) {
    const evs = Array.isArray(c.event) ? c.event : [c.event];
    const mask = eventMask(evs, bits);
    return (x) => ((x.events & mask) !== 0 ? yes : no);
  }
  if ('fact' in c) {
    const fact = c.fact;
    const household = fact.startsWith('household.');
    const key = household ? fact.slice(10) : fact;
    const unsure = Object.freeze([fact]) as unknown as string[];
    const cmp = comparer(c);
    const read = household ? (f: Facts) => (f.household as unknown as Record<string, unknown>)[key] : (f: Facts) => (f as unknown as Record<string, unknown>)[key];
    if (fact === 'moveFrom' || fact === 'moveTo') {
      const want = new Set((c.eq !== undefined ? [c.eq] : (c.in ?? [])).flatMap((v) => places(String(v))));
      return (x) => {
        const value = read(x.facts);
        if (value === 'unknown') return { v: UNSURE, members: EMPTY, unknown: unsure };
        if (typeof value === 'string') {
          const can = places(value);
          let hits = 0;
          for (const p of can) if (want.has(p)) hits++;
          if (hits === can.length) return yes;
          if (hits === 0) return no;
          return { v: UNSURE, members: EMPTY, unknown: unsure };
        }
        return cmp(value) ? yes : no;
      };
    }
    return (x) => {
      const value = read(x.facts);
      if (value === 'unknown') return { v: UNSURE, members: EMPTY, unknown: unsure };
      return cmp(value) ? yes : no;
    };
  }
  // members: how many members in scope match
  const scope = c.scope ?? 'remaining';
  const min = c.min ?? (c.max !== undefined ? 0 : 1);
  const max = c.max ?? Infinity;
  const each = compileMember(c.members);
  // An upper bound ("no other child") is a fact about the household, not about the members counted.
  const concerns = max === Infinity;
  return (x) => {
    const list = x.facts.members;
    let sure: number[] = EMPTY;
    let maybe: number[] = EMPTY;
    let unknown: string[] = EMPTY;
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      if (!inScope(m, scope)) continue;
      const r = each(i, m, x);
      if (r.v === YES) {
        if (sure === EMPTY) sure = [];
        sure.push(i);
      } else if (r.v === UNSURE) {
        if (maybe === EMPTY) maybe = [];
        maybe.push(i);
        unknown = unknown.concat(r.unknown);
      }
    }
    const t = sure.length;
    const u = maybe.length;
    if (t >= min && t + u <= max) return { v: YES, members: concerns ? sure : EMPTY, unknown: EMPTY };
    if (t + u < min || t > max) return no;
    return { v: UNSURE, members: concerns ? union(sure, maybe) : EMPTY, unknown };
  };
}

function compileMember(c: MemberCondition): CompiledMemberCondition {
  if ('all' in c) {
    const parts = c.all.map(compileMember);
    return (i, m, x) => {
      let unknown: string[] = EMPTY;
      let anyUnsure = false;
      for (let k = 0; k < parts.length; k++) {
        const r = parts[k]!(i, m, x);
        if (r.v === NO) return mNo;
        if (r.v === UNSURE) {
          anyUnsure = true;
          unknown = unknown.concat(r.unknown);
        }
      }
      return anyUnsure ? { v: UNSURE, unknown } : mYes;
    };
  }
  if ('any' in c) {
    const parts = c.any.map(compileMember);
    return (i, m, x) => {
      let unknown: string[] = EMPTY;
      let anyUnsure = false;
      for (let k = 0; k < parts.length; k++) {
        const r = parts[k]!(i, m, x);
        if (r.v === YES) return mYes;
        if (r.v === UNSURE) {
          anyUnsure = true;
          unknown = unknown.concat(r.unknown);
        }
      }
      return anyUnsure ? { v: UNSURE, unknown } : mNo;
    };
  }
  if ('not' in c) {
    const inner = compileMember(c.not);
    return (i, m, x) => {
      const r = inner(i, m, x);
      return r.v === UNSURE ? r : r.v === YES ? mNo : mYes;
    };
  }
  if ('role' in c) {
    const role = c.role;
    if (Array.isArray(role)) return (_i, m) => (role.includes(m.role) ? mYes : mNo);
    return (_i, m) => (role === m.role ? mYes : mNo);
  }
  if ('field' in c) {
    const field = c.field;
    const cmp = comparer(c);
    return (i, m) => {
      const value = (m as unknown as Record<string, unknown>)[field];
      if (value === 'unknown' || value === undefined) return { v: UNSURE, unknown: [`members[${i}].${field}`] };
      return cmp(value) ? mYes : mNo;
    };
  }
  if ('ageClass' in c) {
    const cls = c.ageClass;
    const k = CLASS_INDEX[cls];
    return (i, m, x) => {
      const birth = x.births[i];
      if (birth !== undefined) {
        const at = i * NCLASSES + k;
        let inClass = x.classes[at]!;
        if (inClass === -1) {
          inClass = inAgeClass(cls, birth, x.ageDates[i]!) ? 1 : 0;
          x.classes[at] = inClass;
        }
        return inClass === 1 ? mYes : mNo;
      }
      const settled = m.ageBand !== undefined ? AGE_BANDS[m.ageBand].classes[cls] : undefined;
      if (settled !== undefined) return settled ? mYes : mNo;
      return { v: UNSURE, unknown: [`members[${i}].age`] };
    };
  }
  // age range
  const { gte, lte } = c.age;
  return (i, m, x) => {
    const birth = x.births[i];
    let lo: number;
    let hi: number;
    if (birth !== undefined) {
      let age = x.ages[i]!;
      if (age === -1) {
        age = legalAge(birth, x.ageDates[i]!);
        x.ages[i] = age;
      }
      lo = hi = age;
    } else if (m.ageBand !== undefined) {
      lo = AGE_BANDS[m.ageBand].minAge;
      hi = AGE_BANDS[m.ageBand].maxAge;
    } else return { v: UNSURE, unknown: [`members[${i}].age`] };
    const surelyIn = (gte === undefined || lo >= gte) && (lte === undefined || hi <= lte);
    const surelyOut = (gte !== undefined && hi < gte) || (lte !== undefined && lo > lte);
    if (surelyIn) return mYes;
    if (surelyOut) return mNo;
    return { v: UNSURE, unknown: [`members[${i}].age`] };
  };
}
