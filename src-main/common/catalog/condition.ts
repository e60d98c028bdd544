import type { AgeClass } from '../dates/ages';
import { AGE_CLASSES } from '../dates/ages';
import { LIFE_EVENTS, MEMBER_FIELDS, ROLES, VISIT_FIELDS, type FieldSpec, type LifeEvent, type Role } from '../guidance/facts';

/**
 * The catalog's condition language (`appearsWhen`), as JSON data so the city can change when a
 * procedure is listed without a release.
 *
 * Visit conditions:
 *   {"all": [C…]} | {"any": [C…]} | {"not": C}
 *   {"event": "birth"} | {"event": ["marriage", "divorce"]}       — one of these events is chosen
 *   {"fact": "moveFrom", "eq": "abroad"}                           — visit/household facts
 *   {"fact": "household.dogs", "gt": 0}  ("gte", "in": […], "includes": "juminhyo" for lists)
 *   {"members": M, "scope": "remaining"|"deceased"|"newborn"|"all", "min": 2, "max": 0}
 *       — how many members in scope match M (default scope "remaining", at least 1)
 * Member conditions (M):
 *   {"all": [M…]} | {"any": [M…]} | {"not": M}
 *   {"role": "spouse"} | {"role": ["applicant", "spouse"]}
 *   {"field": "insurance", "eq": "nhi"} | {"field": "insurance", "in": ["nhi", "none"]}
 *   {"ageClass": "child"|"school-age"|"preschool"|"kaigo65"|"kouki75"}
 *   {"age": {"gte": 20, "lte": 59}}                                 — age reached on `date`
 */

export type Scalar = string | number | boolean;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { event: LifeEvent | LifeEvent[] }
  | { fact: string; eq?: Scalar; in?: Scalar[]; gt?: number; gte?: number; includes?: string }
  | { members: MemberCondition; scope?: MemberScope; min?: number; max?: number };

export type MemberScope = 'remaining' | 'deceased' | 'newborn' | 'all';
export const MEMBER_SCOPES: readonly MemberScope[] = ['remaining', 'deceased', 'newborn', 'all'];

export type MemberCondition =
  | { all: MemberCondition[] }
  | { any: MemberCondition[] }
  | { not: MemberCondition }
  | { role: Role | Role[] }
  | { field: string; eq?: Scalar; in?: Scalar[] }
  | { ageClass: AgeClass }
  | { age: { gte?: number; lte?: number } };

export interface ConditionIssue {
  path: string;
  reason: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keysOnly(o: Record<string, unknown>, allowed: string[], path: string, out: ConditionIssue[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) out.push({ path: `${path}.${k}`, reason: `unexpected key "${k}" (allowed: ${allowed.join(', ')})` });
}

function checkValue(spec: FieldSpec, v: unknown, path: string, fact: string, out: ConditionIssue[]): void {
  const ok =
    spec.kind === 'enum' || spec.kind === 'list'
      ? typeof v === 'string' && spec.values.includes(v)
      : spec.kind === 'tri'
        ? typeof v === 'boolean' || v === 'unknown'
        : spec.kind === 'count'
          ? typeof v === 'number'
          : typeof v === 'string';
  if (!ok) out.push({ path, reason: `${JSON.stringify(v)} is not a possible value of fact "${fact}"` });
}

function checkCompare(o: Record<string, unknown>, spec: FieldSpec, path: string, fact: string, out: ConditionIssue[], allowNum: boolean): void {
  let n = 0;
  if ('eq' in o) {
    n++;
    checkValue(spec, o.eq, `${path}.eq`, fact, out);
  }
  if ('in' in o) {
    n++;
    if (!Array.isArray(o.in) || o.in.length === 0) out.push({ path: `${path}.in`, reason: 'must be a non-empty list' });
    else o.in.forEach((v, i) => checkValue(spec, v, `${path}.in[${i}]`, fact, out));
  }
  for (const k of ['gt', 'gte'] as const) {
    if (!(k in o)) continue;
    n++;
    if (!allowNum || spec.kind !== 'count') out.push({ path: `${path}.${k}`, reason: `"${k}" needs a count fact; "${fact}" is not one` });
    else if (typeof o[k] !== 'number') out.push({ path: `${path}.${k}`, reason: 'must be a number' });
  }
  if ('includes' in o) {
    n++;
    if (spec.kind !== 'list') out.push({ path: `${path}.includes`, reason: `"includes" needs a list fact; "${fact}" is not one` });
    else checkValue(spec, o.includes, `${path}.includes`, fact, out);
  }
  if (n !== 1) out.push({ path, reason: 'needs exactly one comparison: eq, in, gt, gte or includes' });
}

/** all / any / not, shared by visit and member conditions; `part` checks what they combine. */
function checkLogic(c: Record<string, unknown>, path: string, out: ConditionIssue[], part: (x: unknown, path: string, out: ConditionIssue[]) => void): boolean {
  if ('all' in c || 'any' in c) {
    const k = 'all' in c ? 'all' : 'any';
    keysOnly(c, [k], path, out);
    const list = c[k];
    if (!Array.isArray(list) || list.length === 0) out.push({ path: `${path}.${k}`, reason: 'must be a non-empty list' });
    else list.forEach((x, i) => part(x, `${path}.${k}[${i}]`, out));
    return true;
  }
  if ('not' in c) {
    keysOnly(c, ['not'], path, out);
    part(c.not, `${path}.not`, out);
    return true;
  }
  return false;
}

export function checkMemberCondition(c: unknown, path: string, out: ConditionIssue[]): void {
  if (!isObj(c)) {
    out.push({ path, reason: 'a member condition must be an object' });
    return;
  }
  if (checkLogic(c, path, out, checkMemberCondition)) return;
  if ('role' in c) {
    keysOnly(c, ['role'], path, out);
    const roles = Array.isArray(c.role) ? c.role : [c.role];
    roles.forEach((r) => {
      if (!(ROLES as readonly unknown[]).includes(r)) out.push({ path: `${path}.role`, reason: `unknown role ${JSON.stringify(r)}` });
    });
  } else if ('field' in c) {
    keysOnly(c, ['field', 'eq', 'in'], path, out);
    const spec = typeof c.field === 'string' ? MEMBER_FIELDS[c.field] : undefined;
    if (!spec) out.push({ path: `${path}.field`, reason: `no member fact named ${JSON.stringify(c.field)} (FACTS.md)` });
    else checkCompare(c, spec, path, `member.${String(c.field)}`, out, false);
  } else if ('ageClass' in c) {
    keysOnly(c, ['ageClass'], path, out);
    if (!(AGE_CLASSES as readonly unknown[]).includes(c.ageClass)) out.push({ path: `${path}.ageClass`, reason: `unknown age class ${JSON.stringify(c.ageClass)} (${AGE_CLASSES.join(', ')})` });
  } else if ('age' in c) {
    keysOnly(c, ['age'], path, out);
    const a = c.age;
    if (!isObj(a) || (a.gte === undefined && a.lte === undefined)) out.push({ path: `${path}.age`, reason: 'needs gte and/or lte' });
    else {
      keysOnly(a, ['gte', 'lte'], `${path}.age`, out);
      for (const k of ['gte', 'lte'] as const) if (a[k] !== undefined && (typeof a[k] !== 'number' || !Number.isInteger(a[k]) || (a[k] as number) < 0)) out.push({ path: `${path}.age.${k}`, reason: 'must be a whole number ≥ 0' });
    }
  } else {
    out.push({ path, reason: 'unknown member condition (expected all, any, not, role, field, ageClass or age)' });
  }
}

export function checkCondition(c: unknown, path: string, out: ConditionIssue[]): void {
  if (!isObj(c)) {
    out.push({ path, reason: 'a condition must be an object' });
    return;
  }
  if (checkLogic(c, path, out, checkCondition)) return;
  if ('event' in c) {
    keysOnly(c, ['event'], path, out);
    const evs = Array.isArray(c.event) ? c.event : [c.event];
    evs.forEach((e) => {
      if (!(LIFE_EVENTS as readonly unknown[]).includes(e)) out.push({ path: `${path}.event`, reason: `unknown event ${JSON.stringify(e)}` });
    });
  } else if ('fact' in c) {
    keysOnly(c, ['fact', 'eq', 'in', 'gt', 'gte', 'includes'], path, out);
    const spec = typeof c.fact === 'string' ? VISIT_FIELDS[c.fact] : undefined;
    if (!spec) out.push({ path: `${path}.fact`, reason: `no fact named ${JSON.stringify(c.fact)} (FACTS.md; member facts go inside "members")` });
    else checkCompare(c, spec, path, String(c.fact), out, true);
  } else if ('members' in c) {
    keysOnly(c, ['members', 'scope', 'min', 'max'], path, out);
    checkMemberCondition(c.members, `${path}.members`, out);
    if (c.scope !== undefined && !(MEMBER_SCOPES as readonly unknown[]).includes(c.scope)) out.push({ path: `${path}.scope`, reason: `scope must be one of ${MEMBER_SCOPES.join(', ')}` });
    for (const k of ['min', 'max'] as const) if (c[k] !== undefined && (typeof c[k] !== 'number' || !Number.isInteger(c[k]) || (c[k] as number) < 0)) out.push({ path: `${path}.${k}`, reason: 'must be a whole number ≥ 0' });
  } else {
    out.push({ path, reason: 'unknown condition (expected all, any, not, event, fact or members)' });
  }
}

/** Fact names a condition reads, as `moveFrom`, `household.dogs`, `member.insurance`, `member.age`. */
export function factsRead(c: Condition | MemberCondition, out: Set<string> = new Set()): Set<string> {
  if ('all' in c) for (const x of c.all as Array<Condition | MemberCondition>) factsRead(x, out);
  else if ('any' in c) for (const x of c.any as Array<Condition | MemberCondition>) factsRead(x, out);
  else if ('not' in c) factsRead(c.not, out);
  else if ('fact' in c) out.add(c.fact);
  else if ('members' in c) {
    out.add('members');
    factsRead(c.members, out);
  } else if ('role' in c) out.add('member.role');
  else if ('field' in c) out.add(`member.${c.field}`);
  else if ('ageClass' in c || 'age' in c) out.add('member.age');
  return out;
}
