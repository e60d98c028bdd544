/**
 * The guidance list as it was made before the catalog was prepared once per catalog (issue 15, main
 * at e99ab42), kept verbatim as the reference the faster engine must match byte for byte
 * (tests/integration/guide-prepared.test.ts). Not used by the product. It runs the condition
 * language's definition (guidance/evaluate.ts, which lists no longer call) and the product's fact
 * check (guidance/facts.ts, held to its own tests), not copies of them.
 */
import { catalogText } from '../../../src-main/common/catalog/texts';
import type { AppearsWhen, Catalog, Deadline, Delivery, OnlineKind, Procedure, Route } from '../../../src-main/common/catalog/types';
import { closedDays, LEGAL_CLOSED_DAYS, type ClosedDays } from '../../../src-main/common/dates/closedDays';
import { deadlineDay, type DeadlineCount } from '../../../src-main/common/dates/deadlines';
import { addDays, type IsoDate } from '../../../src-main/common/dates/isoDate';
import { evaluate, makeContext, membersInScope, NO, UNSURE, YES, type EvalContext, type Outcome } from '../../../src-main/common/guidance/evaluate';
import { validateFacts, type Facts, type LifeEvent } from '../../../src-main/common/guidance/facts';

/** One procedure on a visit's guidance list (CATALOG.md); the same object the kiosk, counter and online guide show. */
export interface GuidanceItem {
  id: string;
  name: string;
  /** Owning department (所管課). */
  department: string;
  /** 窓口番号 where the visitor goes for it: the one-stop counter's for accept/proxy, the department's otherwise. */
  counter: string;
  floor?: string;
  route: Route;
  delivery: Delivery;
  status: 'required' | 'optional' | 'to-confirm';
  /** Indices into facts.members. */
  members: number[];
  bring: Array<{ id: string; name: string }>;
  /** `id`: the option in online.json, whose name is the catalog text `online.<id>`. */
  online: Array<{ id: string; kind: OnlineKind; url: string; label: string }>;
  forms: string[];
  /** Last day (ISO) when computable. */
  deadline: string | null;
  fee?: number;
  convenienceStore?: boolean;
  /** The visit's events that list it. */
  events: LifeEvent[];
  /** Department id of the place the visitor goes for it. */
  place: string;
  departmentName: string;
  /** Can be filed from this day (転出届: 14 days before moving). */
  availableFrom?: string;
  /** The visitor said they want it (e.g. 保育所 when wantsChildcare). */
  wanted?: boolean;
  /** Facts that would settle a to-confirm item. */
  toConfirm?: string[];
  /**
   * How the deadline is counted: from the event (or the visit), N days / months / years, by the
   * 戸籍法 or the 民法 count. Always given with a counted deadline; when the event day is unknown
   * the list says "N days from the event" from it and shows no date (`deadline` is null).
   */
  deadlineRule?: DeadlineRule;
  /** The law's last day when it fell on a closed day and `deadline` moved to the next open day. */
  deadlineMovedFrom?: string;
  /** Outside the city hall (出入国在留管理局): listed with what to bring, never routed. */
  external?: boolean;
}

export interface DeadlineRule {
  from: 'event' | 'visit';
  days?: number;
  months?: number;
  years?: number;
  count: DeadlineCount;
  /** "before the event" (before leaving the country). */
  before?: boolean;
}

export interface GuideOptions {
  lang?: string;
  /** Extra days the city hall is closed (the city's config `closedDays`), besides weekends, holidays and 29 Dec – 3 Jan. */
  closedDays?: readonly IsoDate[] | ClosedDays;
}

export interface GuidanceResult {
  procedures: GuidanceItem[];
  warnings: string[];
}

/** Where a procedure stands for given facts, before it becomes a list item (the question flow reads `unknown`). */
export interface ProcedureMatch {
  procedure: Procedure;
  status: GuidanceItem['status'];
  route: Route;
  delivery: Delivery;
  wanted: boolean;
  members: number[];
  events: LifeEvent[];
  /** Facts that would settle a to-confirm item, or an undecided override (route, delivery) of a listed one. */
  unknown: string[];
}

function defaultConcerns(rule: AppearsWhen, ctx: EvalContext): number[] {
  const evs = rule.events.filter((e) => ctx.facts.events.includes(e));
  if (evs.includes('death')) return membersInScope(ctx.facts, 'deceased');
  if (evs.includes('birth')) {
    const nb = membersInScope(ctx.facts, 'newborn');
    if (nb.length > 0) return nb;
  }
  return membersInScope(ctx.facts, 'remaining');
}

function union(a: number[], b: number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function confirmPaths(facts: string[], members: number[]): string[] {
  return facts.flatMap((f) => (f.startsWith('member.') ? members.map((i) => `members[${i}].${f.slice(7)}`) : [f]));
}

/** Evaluates every procedure of the catalog against the facts: listed ones (yes or to-confirm) in catalog order. */
export function matchProcedures(facts: Facts, catalog: Catalog): ProcedureMatch[] {
  const ctx = makeContext(facts);
  const out: ProcedureMatch[] = [];
  for (const p of catalog.procedures) {
    let first: { rule: AppearsWhen; res: Outcome } | undefined;
    let firstUnsure: AppearsWhen | undefined;
    let members: number[] = [];
    let unsureMembers: number[] = [];
    const events = new Set<LifeEvent>();
    const unsureEvents = new Set<LifeEvent>();
    let unknown: string[] = [];
    // Facts of undecided rules met before the first rule that holds: settled either way, they can change which rule decides route and delivery.
    let before: string[] = [];
    for (const rule of p.appearsWhen) {
      if (!rule.events.some((e) => facts.events.includes(e))) continue;
      let res: Outcome = rule.if ? evaluate(rule.if, ctx) : { v: YES, members: [], unknown: [] };
      if (res.v === NO) continue;
      // A rule that lists its item to confirm: the facts it names, for the members it matched.
      if (rule.toConfirm) res = { v: UNSURE, members: res.members, unknown: confirmPaths(rule.toConfirm, res.members) };
      let concerned = res.members;
      if (rule.concerns) concerned = evaluate(rule.concerns, ctx).members;
      if (concerned.length === 0) concerned = defaultConcerns(rule, ctx);
      const evs = rule.events.filter((e) => facts.events.includes(e));
      if (res.v === YES) {
        first ??= { rule, res };
        members = union(members, concerned);
        evs.forEach((e) => events.add(e));
      } else {
        if (!first) before = before.concat(res.unknown);
        firstUnsure ??= rule;
        unsureMembers = union(unsureMembers, concerned);
        evs.forEach((e) => unsureEvents.add(e));
        unknown = unknown.concat(res.unknown);
      }
    }
    if (first) {
      let route = first.rule.route ?? p.route;
      let delivery = first.rule.delivery ?? p.delivery;
      let wanted = first.rule.wanted ?? false;
      const settle: string[] = [...before];
      for (const o of first.rule.overrides ?? []) {
        const ov = evaluate(o.if, ctx);
        // An undecided override keeps the rule's route/delivery, but its facts are still worth asking.
        if (ov.v === UNSURE) settle.push(...ov.unknown);
        if (ov.v !== YES) continue;
        route = o.route ?? route;
        delivery = o.delivery ?? delivery;
        wanted = o.wanted ?? wanted;
        break;
      }
      if (route === 'none') continue;
      out.push({ procedure: p, status: route === 'refer-optional' || p.optional ? 'optional' : 'required', route, delivery, wanted, members, events: [...events], unknown: [...new Set(settle)] });
    } else if (firstUnsure) {
      const route = firstUnsure.route ?? p.route;
      if (route === 'none') continue;
      out.push({ procedure: p, status: 'to-confirm', route, delivery: firstUnsure.delivery ?? p.delivery, wanted: false, members: unsureMembers, events: [...unsureEvents], unknown: [...new Set(unknown)] });
    }
  }
  return out;
}

function calendarOf(c: GuideOptions['closedDays']): ClosedDays {
  if (c === undefined) return LEGAL_CLOSED_DAYS;
  return Array.isArray(c) ? closedDays(c as readonly IsoDate[]) : (c as ClosedDays);
}

/**
 * A procedure's deadline for the facts (FACTS.md, "Deadlines, as the laws count them"): the law's
 * last day moved to the next open day, or none (with the rule) when the event day is unknown.
 */
export function deadlineFor(d: Deadline, facts: Facts, cal: ClosedDays = LEGAL_CLOSED_DAYS): { deadline: IsoDate | null; availableFrom?: IsoDate; rule?: DeadlineRule; movedFrom?: IsoDate } {
  if (d === null || facts.events.every((e) => e === 'certificate')) return { deadline: null };
  const event = facts.eventDate === 'unknown' ? null : facts.eventDate;
  if ('daysBefore' in d) return event === null ? { deadline: null } : { deadline: null, availableFrom: addDays(event, -d.daysBefore) };
  if ('beforeEvent' in d) return { deadline: event, rule: { from: 'event', count: 'civil', before: true } };
  const rule: DeadlineRule =
    'days' in d
      ? { from: d.from === 'date' ? 'visit' : 'event', days: d.days, count: d.count ?? 'civil' }
      : 'months' in d
        ? { from: 'event', months: d.months, count: d.count ?? 'civil' }
        : { from: 'event', years: d.years, count: 'civil' };
  const from = rule.from === 'visit' ? facts.date : event;
  if (from === null) return { deadline: null, rule };
  const r = deadlineDay(from, rule, cal);
  return r.moved ? { deadline: r.deadline, rule, movedFrom: r.lawful } : { deadline: r.deadline, rule };
}

const GROUP: Record<Route, number> = { accept: 0, proxy: 0, refer: 1, 'refer-optional': 2, none: 3 };

function toItem(m: ProcedureMatch, facts: Facts, catalog: Catalog, ctx: EvalContext, lang: string, cal: ClosedDays): GuidanceItem {
  const p = m.procedure;
  const external = catalog.departments[p.department]?.external === true;
  const place = GROUP[m.route] === 0 && !external ? catalog.oneStop : p.department;
  const dep = catalog.departments[place];
  const { deadline, availableFrom, rule, movedFrom } = deadlineFor(p.deadline, facts, cal);
  const bring: GuidanceItem['bring'] = [];
  for (const b of p.bring) {
    if (b.if && evaluate(b.if, ctx).v === NO) continue;
    bring.push({ id: b.id, name: catalogText(catalog, `bring.${b.id}`, lang) });
  }
  const online: GuidanceItem['online'] = [];
  for (const o of p.online) {
    const opt = catalog.online[o];
    // An option without an address the city configured is not shown: no invented links.
    if (opt && opt.url) online.push({ id: o, kind: opt.kind, url: opt.url, label: catalogText(catalog, `online.${o}`, lang) });
  }
  // Key order is the CLI's JSON contract: id … deadline first, extras after.
  const item: GuidanceItem = {
    id: p.id,
    department: p.department,
    counter: dep?.counter ?? '',
    route: m.route,
    delivery: m.delivery,
    status: m.status,
    members: m.members,
    bring,
    online,
    forms: [...p.forms],
    deadline,
    name: catalogText(catalog, `procedure.${p.id}`, lang),
    events: m.events,
    place,
    departmentName: catalogText(catalog, `department.${p.department}`, lang),
  };
  if (dep?.floor !== undefined) item.floor = dep.floor;
  if (p.fee !== undefined) item.fee = p.fee;
  if (p.convenienceStore !== undefined) item.convenienceStore = p.convenienceStore;
  if (availableFrom !== undefined) item.availableFrom = availableFrom;
  if (m.wanted) item.wanted = true;
  if (m.status === 'to-confirm') item.toConfirm = m.unknown;
  if (rule) item.deadlineRule = rule;
  if (movedFrom !== undefined) item.deadlineMovedFrom = movedFrom;
  if (external) item.external = true;
  return item;
}

/** Orders items along the visit's route: one-stop counter first, then referred departments in the building's order, then optional ones. */
export function sortAlongRoute(items: GuidanceItem[], catalog: Catalog): GuidanceItem[] {
  const order = new Map(catalog.routeOrder.map((d, i) => [d, i]));
  return [...items].sort(
    (a, b) =>
      GROUP[a.route] - GROUP[b.route] ||
      (order.get(a.department) ?? 1e6) - (order.get(b.department) ?? 1e6) ||
      (catalog.procedureIndex[a.id] ?? 0) - (catalog.procedureIndex[b.id] ?? 0),
  );
}

/** Builds the guidance list from already-validated facts. */
export function guideFacts(facts: Facts, catalog: Catalog, opts: GuideOptions = {}): GuidanceItem[] {
  const lang = opts.lang ?? 'ja';
  const ctx = makeContext(facts);
  const cal = calendarOf(opts.closedDays);
  const items = matchProcedures(facts, catalog).map((m) => toItem(m, facts, catalog, ctx, lang, cal));
  return sortAlongRoute(items, catalog);
}

/**
 * The guidance engine: pure and deterministic. Same facts and catalog, same list. Throws
 * AppError('bad-facts') naming the field for facts that cannot be true.
 */
export function guide(facts: unknown, catalog: Catalog, opts: GuideOptions & { today?: IsoDate } = {}): GuidanceResult {
  const v = validateFacts(facts, { today: opts.today });
  const warnings = [...v.warnings];
  if (v.facts.members.length === 0 && v.facts.events.some((e) => e !== 'certificate')) {
    warnings.push('no members given: procedures that depend on who is in the household cannot be listed');
  }
  return { procedures: guideFacts(v.facts, catalog, opts), warnings };
}

/**
 * The places a visit must go, in order: the one-stop counter for accept/proxy items, then each
 * department with a refer item in the building's route order. refer-optional items are offered, not routed.
 */
export function visitRoute(items: ReadonlyArray<Pick<GuidanceItem, 'route' | 'department'>>, catalog: Catalog): string[] {
  const route: string[] = [];
  // An external place (出入国在留管理局) is never on the route: the ticket does not send anyone there.
  const inHall = items.filter((i) => catalog.departments[i.department]?.external !== true);
  if (inHall.some((i) => i.route === 'accept' || i.route === 'proxy')) route.push(catalog.oneStop);
  const referred = new Set(inHall.filter((i) => i.route === 'refer').map((i) => i.department));
  for (const d of catalog.routeOrder) if (referred.has(d) && !route.includes(d)) route.push(d);
  for (const d of referred) if (!route.includes(d)) route.push(d);
  return route;
}

/** What to bring for the whole visit, each thing once, in list order. */
export function visitBring(items: GuidanceItem[]): Array<{ id: string; name: string; procedures: string[] }> {
  const out = new Map<string, { id: string; name: string; procedures: string[] }>();
  for (const it of items) for (const b of it.bring) {
    const e = out.get(b.id);
    if (e) e.procedures.push(it.id);
    else out.set(b.id, { ...b, procedures: [it.id] });
  }
  return [...out.values()];
}

export { UNSURE, YES, NO };
