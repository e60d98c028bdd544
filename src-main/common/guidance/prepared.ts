import { catalogText } from '../catalog/texts';
import type { AppearsWhen, Catalog, Deadline, OnlineKind, Procedure, Route, RuleOverride } from '../catalog/types';
import { LIFE_EVENTS, type LifeEvent } from './facts';
import { compileCondition, type CompiledCondition, type EventBits } from './compile';

/**
 * A catalog made ready for guidance lists, once per catalog (issue 15: the guidance list's p95):
 * its conditions compiled, for each set of events the procedures and rules those events can list,
 * its texts per language, and each procedure's place and route order. A catalog is a value: a
 * published version is parsed into a new Catalog object, so the preparation is kept by the
 * catalog's identity (and made again if the catalog's own lists were swapped or grew).
 */

/** accept/proxy first, then refer, then refer-optional (sortAlongRoute). */
export const ROUTE_GROUP: Readonly<Record<Route, number>> = { accept: 0, proxy: 0, refer: 1, 'refer-optional': 2, none: 3 };

export interface PreparedRule {
  rule: AppearsWhen;
  /** The rule's events as bits. */
  events: number;
  if?: CompiledCondition;
  concerns?: CompiledCondition;
  overrides: Array<{ override: RuleOverride; if: CompiledCondition }>;
}

/** Where the visitor goes for a procedure, and that place's counter and floor. */
export interface Place {
  place: string;
  counter: string;
  floor?: string;
}

/** A procedure's deadline as deadlineFor reads it, its kind worked out once. */
export type PreparedDeadline =
  | { kind: 'none' }
  | { kind: 'daysBefore'; days: number }
  | { kind: 'beforeEvent' }
  /** `rule`: the DeadlineRule the list shows (a copy per item); `key`: the span, for the deadline cache. */
  | { kind: 'span'; rule: { from: 'event' | 'visit'; days?: number; months?: number; years?: number; count: 'civil' | 'koseki' }; key: string };

export interface PreparedProcedure {
  procedure: Procedure;
  /** Position in catalog.procedures (the texts' index). */
  at: number;
  rules: PreparedRule[];
  bring: Array<{ id: string; if?: CompiledCondition }>;
  /** The online options the city configured an address for (others are never shown). */
  online: Array<{ id: string; kind: OnlineKind; url: string }>;
  external: boolean;
  /** accept/proxy at the one-stop counter; any other route at the department. */
  oneStop: Place;
  own: Place;
  /** The route order after the route group: department in the building's order, then catalog position. */
  order: number;
  deadline: PreparedDeadline;
}

/** A rule that the visit's events reach, with the events it lists them under. */
export interface RuleForVisit {
  rule: PreparedRule;
  /** The rule's events among the visit's, without repeats. */
  events: LifeEvent[];
  /** Whom it concerns when its condition names nobody: 0 the remaining members, 1 the newborn (else the remaining), 2 the deceased. */
  byDefault: 0 | 1 | 2;
}

export interface ProcedureForVisit {
  p: PreparedProcedure;
  rules: RuleForVisit[];
}

/** A language's texts for each procedure (by `at`): name, department name, bring names, online labels. */
export interface ListTexts {
  names: string[];
  departmentNames: string[];
  bring: string[][];
  online: string[][];
}

export interface PreparedCatalog {
  catalog: Catalog;
  bits: EventBits;
  procedures: PreparedProcedure[];
  /** False when the order cannot be one number per item (a hand-made catalog out of bounds): sort as sortAlongRoute does. */
  keyedOrder: boolean;
  /** Departments outside the city hall. */
  external: Set<string>;
  byEvents: Map<number, ProcedureForVisit[]>;
  texts: Map<string, ListTexts>;
  /** What the preparation was made from, to notice a catalog whose lists were replaced. */
  made: { procedures: unknown; length: number; texts: unknown; departments: unknown; online: unknown; routeOrder: unknown; oneStop: string; procedureIndex: unknown };
}

const prepared = new WeakMap<Catalog, PreparedCatalog>();

/** Order keys: group × 2^41 + department order × 2^20 + catalog index, exact while the parts stay under their bounds. */
const ORDER_PART = 2 ** 20;
const GROUP_PART = 2 ** 41;
const NOT_ON_ROUTE = 1e6;

export function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const known = prepared.get(catalog);
  if (known && isCurrent(known, catalog)) return known;
  const p = prepare(catalog);
  prepared.set(catalog, p);
  return p;
}

function isCurrent(p: PreparedCatalog, c: Catalog): boolean {
  const m = p.made;
  return m.procedures === c.procedures && m.length === c.procedures.length && m.texts === c.texts && m.departments === c.departments && m.online === c.online && m.routeOrder === c.routeOrder && m.oneStop === c.oneStop && m.procedureIndex === c.procedureIndex;
}

function eventBitsOf(catalog: Catalog): EventBits {
  const names = new Set<string>(LIFE_EVENTS);
  const visit = (c: unknown): void => {
    if (typeof c !== 'object' || c === null) return;
    const o = c as Record<string, unknown>;
    if ('all' in o && Array.isArray(o.all)) o.all.forEach(visit);
    else if ('any' in o && Array.isArray(o.any)) o.any.forEach(visit);
    else if ('not' in o) visit(o.not);
    else if ('event' in o) for (const e of Array.isArray(o.event) ? o.event : [o.event]) names.add(String(e));
  };
  for (const p of catalog.procedures) {
    for (const r of p.appearsWhen) {
      r.events.forEach((e) => names.add(e));
      visit(r.if);
      visit(r.concerns);
      r.overrides?.forEach((o) => visit(o.if));
    }
    p.bring.forEach((b) => visit(b.if));
  }
  // A parsed catalog names only the ten life events; a hand-made one may name a few more.
  if (names.size > 31) throw new RangeError(`the catalog names ${names.size} different events; the guidance engine handles at most 31`);
  return new Map([...names].map((e, i) => [e, 1 << i]));
}

function placeOf(catalog: Catalog, place: string): Place {
  const dep = catalog.departments[place];
  const out: Place = { place, counter: dep?.counter ?? '' };
  if (dep?.floor !== undefined) out.floor = dep.floor;
  return out;
}

function prepareDeadline(d: Deadline): PreparedDeadline {
  if (d === null) return { kind: 'none' };
  if ('daysBefore' in d) return { kind: 'daysBefore', days: d.daysBefore };
  if ('beforeEvent' in d) return { kind: 'beforeEvent' };
  // The same rule object, key for key, as deadlineFor builds.
  const rule: Extract<PreparedDeadline, { kind: 'span' }>['rule'] =
    'days' in d
      ? { from: d.from === 'date' ? 'visit' : 'event', days: d.days, count: d.count ?? 'civil' }
      : 'months' in d
        ? { from: 'event', months: d.months, count: d.count ?? 'civil' }
        : { from: 'event', years: (d as { years: number }).years, count: 'civil' };
  return { kind: 'span', rule, key: `${rule.days}|${rule.months}|${rule.years}|${rule.count}` };
}

function prepare(catalog: Catalog): PreparedCatalog {
  const bits = eventBitsOf(catalog);
  const order = new Map(catalog.routeOrder.map((d, i) => [d, i]));
  let keyedOrder = catalog.routeOrder.length < NOT_ON_ROUTE;
  const external = new Set(Object.keys(catalog.departments).filter((d) => catalog.departments[d]?.external === true));
  const procedures = catalog.procedures.map((procedure, at): PreparedProcedure => {
    const index = catalog.procedureIndex[procedure.id] ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= ORDER_PART) keyedOrder = false;
    const online: PreparedProcedure['online'] = [];
    for (const o of procedure.online) {
      const opt = catalog.online[o];
      if (opt && opt.url) online.push({ id: o, kind: opt.kind, url: opt.url });
    }
    return {
      procedure,
      at,
      rules: procedure.appearsWhen.map((rule) => ({
        rule,
        events: rule.events.reduce((m, e) => m | (bits.get(e) ?? 0), 0),
        ...(rule.if ? { if: compileCondition(rule.if, bits) } : {}),
        ...(rule.concerns ? { concerns: compileCondition(rule.concerns, bits) } : {}),
        overrides: (rule.overrides ?? []).map((o) => ({ override: o, if: compileCondition(o.if, bits) })),
      })),
      bring: procedure.bring.map((b) => (b.if ? { id: b.id, if: compileCondition(b.if, bits) } : { id: b.id })),
      online,
      external: catalog.departments[procedure.department]?.external === true,
      oneStop: placeOf(catalog, catalog.oneStop),
      own: placeOf(catalog, procedure.department),
      order: (order.get(procedure.department) ?? NOT_ON_ROUTE) * ORDER_PART + index,
      deadline: prepareDeadline(procedure.deadline),
    };
  });
  return {
    catalog,
    bits,
    procedures,
    keyedOrder,
    external,
    byEvents: new Map(),
    texts: new Map(),
    made: { procedures: catalog.procedures, length: catalog.procedures.length, texts: catalog.texts, departments: catalog.departments, online: catalog.online, routeOrder: catalog.routeOrder, oneStop: catalog.oneStop, procedureIndex: catalog.procedureIndex },
  };
}

/** The sort key of an item on the route (sortAlongRoute's order as one number). */
export function orderKey(p: PreparedProcedure, route: Route): number {
  return ROUTE_GROUP[route] * GROUP_PART + p.order;
}

/** The procedures a visit's events can list (catalog order), each with the rules those events reach: worked out once per set of events. */
export function forEvents(prep: PreparedCatalog, events: number): ProcedureForVisit[] {
  let out = prep.byEvents.get(events);
  if (out !== undefined) return out;
  out = [];
  for (const p of prep.procedures) {
    const rules: RuleForVisit[] = [];
    for (const rule of p.rules) {
      if ((rule.events & events) === 0) continue;
      // Without repeats (a list item names each event once).
      const evs = [...new Set(rule.rule.events.filter((e) => ((prep.bits.get(e) ?? 0) & events) !== 0))];
      rules.push({ rule, events: evs, byDefault: evs.includes('death') ? 2 : evs.includes('birth') ? 1 : 0 });
    }
    if (rules.length > 0) out.push({ p, rules });
  }
  prep.byEvents.set(events, out);
  return out;
}

/** The catalog's texts in a language (falling back as catalogText does), worked out once per language. */
export function textsFor(prep: PreparedCatalog, lang: string): ListTexts {
  let t = prep.texts.get(lang);
  if (t !== undefined) return t;
  const c = prep.catalog;
  t = {
    names: prep.procedures.map((p) => catalogText(c, `procedure.${p.procedure.id}`, lang)),
    departmentNames: prep.procedures.map((p) => catalogText(c, `department.${p.procedure.department}`, lang)),
    bring: prep.procedures.map((p) => p.bring.map((b) => catalogText(c, `bring.${b.id}`, lang))),
    online: prep.procedures.map((p) => p.online.map((o) => catalogText(c, `online.${o.id}`, lang))),
  };
  // Any text may be asked for as a language (a link's ?lang=): keep a handful.
  if (prep.texts.size >= 32) prep.texts.clear();
  prep.texts.set(lang, t);
  return t;
}
