import type { Condition, MemberCondition, MemberScope } from '../../src-main/common/catalog/condition';
import { DELIVERIES } from '../../src-main/common/catalog/schema';
import type { AppearsWhen, Catalog, Deadline, Procedure, Route } from '../../src-main/common/catalog/types';
import { AGE_BAND_IDS } from '../../src-main/common/dates/ageBands';
import { AGE_CLASSES } from '../../src-main/common/dates/ages';
import { addDays, type IsoDate } from '../../src-main/common/dates/isoDate';
import { HOUSEHOLD_FIELDS, LIFE_EVENTS, MEMBER_FIELDS, MOVE_PLACES, ROLES, VISIT_FIELDS, type FieldSpec } from '../../src-main/common/guidance/facts';
import { generateHousehold, type Rng } from '../../src-main/common/guidance/generate';

/**
 * Random input for the guidance engine beyond generateHousehold's plausible households: any
 * condition of the catalog's language, catalogs rewritten with such conditions, and raw facts with
 * "unknown" answers, age bands, odd dates and extra keys. Deterministic for a given rng.
 */

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

function valueOf(rng: Rng, spec: FieldSpec): string | number | boolean {
  switch (spec.kind) {
    case 'enum':
    case 'list':
      return pick(rng, spec.values);
    case 'tri':
      return chance(rng, 0.5);
    case 'count':
      return int(rng, 0, 3);
    default:
      return pick(rng, ['JP', 'VN', 'BR', '2026-11-26']);
  }
}

function comparison(rng: Rng, spec: FieldSpec, member: boolean): Record<string, unknown> {
  if (!member && spec.kind === 'count' && chance(rng, 0.6)) return chance(rng, 0.5) ? { gt: int(rng, 0, 2) } : { gte: int(rng, 0, 2) };
  if (!member && spec.kind === 'list') return { includes: valueOf(rng, spec) };
  if (chance(rng, 0.3)) return { in: Array.from({ length: int(rng, 1, 3) }, () => valueOf(rng, spec)) };
  return { eq: valueOf(rng, spec) };
}

export function randomMemberCondition(rng: Rng, depth = 0): MemberCondition {
  const r = rng();
  if (depth < 2 && r < 0.25) {
    const parts = Array.from({ length: int(rng, 1, 3) }, () => randomMemberCondition(rng, depth + 1));
    return chance(rng, 0.5) ? { all: parts } : { any: parts };
  }
  if (depth < 2 && r < 0.32) return { not: randomMemberCondition(rng, depth + 1) };
  if (r < 0.42) return { role: chance(rng, 0.5) ? pick(rng, ROLES) : [pick(rng, ROLES), pick(rng, ROLES)] };
  if (r < 0.72) {
    const field = pick(rng, Object.keys(MEMBER_FIELDS));
    return { field, ...comparison(rng, MEMBER_FIELDS[field]!, true) } as MemberCondition;
  }
  if (r < 0.86) return { ageClass: pick(rng, AGE_CLASSES) };
  const gte = chance(rng, 0.6) ? int(rng, 0, 90) : undefined;
  const lte = gte === undefined || chance(rng, 0.5) ? int(rng, gte ?? 0, 100) : undefined;
  return { age: { ...(gte !== undefined ? { gte } : {}), ...(lte !== undefined ? { lte } : {}) } };
}

export function randomCondition(rng: Rng, depth = 0): Condition {
  const r = rng();
  if (depth < 2 && r < 0.25) {
    const parts = Array.from({ length: int(rng, 1, 3) }, () => randomCondition(rng, depth + 1));
    return chance(rng, 0.5) ? { all: parts } : { any: parts };
  }
  if (depth < 2 && r < 0.32) return { not: randomCondition(rng, depth + 1) };
  if (r < 0.4) return { event: chance(rng, 0.5) ? pick(rng, LIFE_EVENTS) : [pick(rng, LIFE_EVENTS), pick(rng, LIFE_EVENTS)] };
  if (r < 0.65) {
    const fact = pick(rng, Object.keys(VISIT_FIELDS));
    return { fact, ...comparison(rng, VISIT_FIELDS[fact]!, false) } as Condition;
  }
  const c: Record<string, unknown> = { members: randomMemberCondition(rng, depth) };
  if (chance(rng, 0.4)) c.scope = pick(rng, ['remaining', 'deceased', 'newborn', 'all'] satisfies MemberScope[]);
  if (chance(rng, 0.25)) c.min = int(rng, 0, 3);
  if (chance(rng, 0.2)) c.max = int(rng, 0, 2);
  return c as Condition;
}

const ROUTES: Route[] = ['accept', 'proxy', 'refer', 'refer-optional', 'none'];

function randomDeadline(rng: Rng): Deadline {
  switch (int(rng, 0, 7)) {
    case 0:
      return null;
    case 1:
      return { days: int(rng, 1, 30), ...(chance(rng, 0.3) ? { from: 'date' as const } : {}), ...(chance(rng, 0.4) ? { count: pick(rng, ['civil', 'koseki'] as const) } : {}) };
    case 2:
      return { months: int(rng, 1, 14), ...(chance(rng, 0.4) ? { count: pick(rng, ['civil', 'koseki'] as const) } : {}) };
    case 3:
      return { years: int(rng, 1, 5) };
    case 4:
      return { daysBefore: int(rng, 1, 20) };
    case 5:
      return { beforeEvent: true };
    default:
      return { days: 14 };
  }
}

function randomRule(rng: Rng): AppearsWhen {
  const events = [...new Set(Array.from({ length: int(rng, 1, 3) }, () => pick(rng, LIFE_EVENTS)))];
  const rule: AppearsWhen = { events };
  if (chance(rng, 0.7)) rule.if = randomCondition(rng);
  if (chance(rng, 0.2)) rule.concerns = randomCondition(rng);
  if (chance(rng, 0.3)) rule.route = pick(rng, ROUTES);
  if (chance(rng, 0.2)) rule.delivery = pick(rng, DELIVERIES);
  if (chance(rng, 0.15)) rule.wanted = chance(rng, 0.5);
  if (chance(rng, 0.25)) rule.overrides = Array.from({ length: int(rng, 1, 2) }, () => ({ if: randomCondition(rng), ...(chance(rng, 0.6) ? { route: pick(rng, ROUTES) } : {}), ...(chance(rng, 0.3) ? { wanted: chance(rng, 0.5) } : {}) }));
  if (chance(rng, 0.1)) rule.toConfirm = [pick(rng, ['member.gaveBirth', 'member.insurance', 'household.dogs', 'moveFrom'])];
  return rule;
}

/**
 * A catalog rewritten at random (as a published version may be): procedures' rules, routes,
 * deadlines and what to bring replaced by random ones, departments moved out of the building or
 * along the route, some procedures dropped. A new object: the shipped catalog is not changed.
 */
export function randomCatalog(rng: Rng, base: Catalog): Catalog {
  const c = JSON.parse(JSON.stringify(base)) as Catalog;
  const procedures: Procedure[] = [];
  for (const p of c.procedures) {
    if (chance(rng, 0.1)) continue;
    if (chance(rng, 0.5)) p.appearsWhen = Array.from({ length: int(rng, 1, 3) }, () => randomRule(rng));
    else if (chance(rng, 0.3)) p.appearsWhen.push(randomRule(rng));
    if (chance(rng, 0.2)) p.route = pick(rng, ROUTES.filter((r) => r !== 'none'));
    if (chance(rng, 0.3)) p.deadline = randomDeadline(rng);
    if (chance(rng, 0.15)) p.optional = true;
    if (chance(rng, 0.2)) p.department = pick(rng, Object.keys(c.departments));
    if (chance(rng, 0.3)) p.bring = p.bring.map((b) => (chance(rng, 0.4) ? { id: b.id, if: randomCondition(rng) } : b));
    procedures.push(p);
  }
  c.procedures = procedures;
  c.procedureIndex = Object.fromEntries(procedures.map((p, i) => [p.id, i]));
  for (const d of Object.values(c.departments)) {
    if (chance(rng, 0.1)) d.external = true;
    if (chance(rng, 0.1)) d.floor = `${int(rng, 1, 5)}F`;
  }
  if (chance(rng, 0.5)) c.routeOrder = [...c.routeOrder].sort(() => rng() - 0.5).slice(0, Math.max(1, c.routeOrder.length - int(rng, 0, 3)));
  for (const o of Object.values(c.online)) if (chance(rng, 0.2)) o.url = o.url ? '' : 'https://example.invalid/form';
  return c;
}

function someDate(rng: Rng): IsoDate {
  // 2024–2035: the years the holiday calendar covers, year-end closings included.
  return addDays('2024-01-01', int(rng, 0, 12 * 365));
}

/** Raw facts (as a kiosk, a link or a file sends them): a generated household with unknowns, age bands, extra events and keys. */
export function randomRawFacts(rng: Rng): Record<string, unknown> {
  const date = someDate(rng);
  const f = JSON.parse(JSON.stringify(generateHousehold(rng, date))) as Record<string, unknown> & { members: Array<Record<string, unknown>>; events: string[]; household: Record<string, unknown> };
  const unknownable = Object.entries(MEMBER_FIELDS).filter(([k, s]) => s.kind === 'tri' || (s.kind === 'enum' && s.values.includes('unknown') && k !== 'role'));
  for (const m of f.members) {
    for (const [k] of unknownable) if (chance(rng, 0.06)) m[k] = 'unknown';
    if (chance(rng, 0.08)) delete m.birthDate;
    if (chance(rng, 0.08)) m.ageBand = pick(rng, AGE_BAND_IDS);
    if (chance(rng, 0.05) && m.role !== 'newborn') m.birthDate = addDays(date, -int(rng, 0, 40_000));
    if (chance(rng, 0.05)) m.previousInsurance = pick(rng, ['nhi', 'employee', 'unknown']);
  }
  for (const k of Object.keys(HOUSEHOLD_FIELDS)) if (chance(rng, 0.06)) f.household[k] = 'unknown';
  if (chance(rng, 0.3)) f.events = [...new Set([...f.events, pick(rng, LIFE_EVENTS), ...(chance(rng, 0.3) ? [pick(rng, LIFE_EVENTS)] : [])])];
  if (chance(rng, 0.1)) f.eventDate = 'unknown';
  else if (chance(rng, 0.1)) f.eventDate = addDays(date, int(rng, -400, 30));
  if (chance(rng, 0.15)) f.moveFrom = pick(rng, MOVE_PLACES);
  if (chance(rng, 0.15)) f.moveTo = pick(rng, MOVE_PLACES);
  if (chance(rng, 0.1)) f.certificates = 'unknown';
  if (chance(rng, 0.04)) f.members = [];
  if (chance(rng, 0.04)) f.members.push({ role: 'other', colour: 'blue' });
  if (chance(rng, 0.03)) f.extra = 1;
  // Now and then facts that cannot be true (a newborn without the birth event, a bad date): both engines must refuse alike.
  if (chance(rng, 0.02)) f.members.push({ role: 'newborn' });
  if (chance(rng, 0.01)) f.date = '2026-02-30';
  return f;
}

export { pick, chance, int, someDate };
