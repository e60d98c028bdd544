import type { AppearsWhen, Catalog, Deadline, Delivery, OnlineKind, Procedure, Route } from '../catalog/types';
import { closedDays, LEGAL_CLOSED_DAYS, type ClosedDays } from '../dates/closedDays';
import { deadlineDay, type DeadlineCount } from '../dates/deadlines';
import { addDays, type IsoDate } from '../dates/isoDate';
import { listFacts, scopeMembers, type ListFacts } from './compile';
import { NO as NO_, UNSURE as UNSURE_, YES as YES_, type Outcome } from './evaluate';
import { validateFacts, type Facts, type LifeEvent } from './facts';
import { forEvents, orderKey, prepareCatalog, ROUTE_GROUP, textsFor, type ListTexts, type PreparedCatalog, type PreparedDeadline, type PreparedProcedure, type PreparedRule } from './prepared';

// The truth values as this module's own constants: a module binding read through a bundler's export getter costs a call per read, and conditions read them per member.
const NO = NO_;
const YES = YES_;
const UNSURE = UNSURE_;

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

/** Ascending member lists merged into a new list (each input is ascending, without repeats). */
function union(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function confirmPaths(facts: string[], members: number[]): string[] {
  return facts.flatMap((f) => (f.startsWith('member.') ? members.map((i) => `members[${i}].${f.slice(7)}`) : [f]));
}

function addEvents(to: LifeEvent[], evs: readonly LifeEvent[]): void {
  for (const e of evs) if (!to.includes(e)) to.push(e);
}

/** The list without repeats, first mention first: always a new array (items are handed out). */
function unique(list: readonly string[]): string[] {
  return list.length < 2 ? list.slice() : [...new Set(list)];
}

/** Shared empty lists, never changed (frozen): a match's own lists are made when first needed. */
const NOBODY: readonly number[] = Object.freeze([]);
const NOTHING: string[] = Object.freeze([]) as unknown as string[];

/** A procedure's match for a list, with its prepared procedure (ProcedureMatch without the procedure object). */
interface Match extends Omit<ProcedureMatch, 'procedure'> {
  p: PreparedProcedure;
}

/**
 * Every procedure the visit's events can list, against the facts, in catalog order: the listed
 * ones (yes or to-confirm). The catalog's conditions are compiled once per catalog (prepared.ts).
 */
function matchPrepared(x: ListFacts, prep: PreparedCatalog): Match[] {
  const out: Match[] = [];
  const candidates = forEvents(prep, x.events);
  for (let c = 0; c < candidates.length; c++) {
    const { p, rules } = candidates[c]!;
    const proc = p.procedure;
    // Made only when a rule holds or is undecided: most rules do not hold for a given visit.
    let first: PreparedRule | undefined;
    let firstUnsure: AppearsWhen | undefined;
    let members: readonly number[] = NOBODY;
    let unsureMembers: readonly number[] = NOBODY;
    let events: LifeEvent[] | undefined;
    let unsureEvents: LifeEvent[] | undefined;
    let unknown: string[] = NOTHING;
    // Facts of undecided rules met before the first rule that holds: settled either way, they can change which rule decides route and delivery.
    let before: string[] = NOTHING;
    for (let k = 0; k < rules.length; k++) {
      const { rule: r, events: evs, byDefault } = rules[k]!;
      const rule = r.rule;
      let res: Outcome = r.if ? r.if(x) : YES_ANYONE;
      if (res.v === NO) continue;
      // A rule that lists its item to confirm: the facts it names, for the members it matched.
      if (rule.toConfirm) res = { v: UNSURE, members: res.members, unknown: confirmPaths(rule.toConfirm, res.members) };
      let concerned = res.members;
      if (r.concerns) concerned = r.concerns(x).members;
      if (concerned.length === 0) concerned = byDefault === 2 ? scopeMembers(x, 'deceased') : byDefault === 1 && scopeMembers(x, 'newborn').length > 0 ? scopeMembers(x, 'newborn') : scopeMembers(x, 'remaining');
      if (res.v === YES) {
        first ??= r;
        members = union(members, concerned);
        if (events === undefined) events = evs.slice();
        else addEvents(events, evs);
      } else {
        if (!first && res.unknown.length > 0) before = before.concat(res.unknown);
        firstUnsure ??= rule;
        unsureMembers = union(unsureMembers, concerned);
        if (unsureEvents === undefined) unsureEvents = evs.slice();
        else addEvents(unsureEvents, evs);
        if (res.unknown.length > 0) unknown = unknown.concat(res.unknown);
      }
    }
    if (first) {
      const rule = first.rule;
      let route = rule.route ?? proc.route;
      let delivery = rule.delivery ?? proc.delivery;
      let wanted = rule.wanted ?? false;
      let settle: string[] = before;
      for (const { override: o, if: cond } of first.overrides) {
        const ov = cond(x);
        // An undecided override keeps the rule's route/delivery, but its facts are still worth asking.
        if (ov.v === UNSURE && ov.unknown.length > 0) settle = settle.concat(ov.unknown);
        if (ov.v !== YES) continue;
        route = o.route ?? route;
        delivery = o.delivery ?? delivery;
        wanted = o.wanted ?? wanted;
        break;
      }
      if (route === 'none') continue;
      out.push({ p, status: route === 'refer-optional' || proc.optional ? 'optional' : 'required', route, delivery, wanted, members: members as number[], events: events!, unknown: unique(settle) });
    } else if (firstUnsure) {
      const route = firstUnsure.route ?? proc.route;
      if (route === 'none') continue;
      out.push({ p, status: 'to-confirm', route, delivery: firstUnsure.delivery ?? proc.delivery, wanted: false, members: unsureMembers as number[], events: unsureEvents!, unknown: unique(unknown) });
    }
  }
  return out;
}

const YES_ANYONE: Outcome = Object.freeze({ v: YES, members: NOBODY as number[], unknown: NOBODY as unknown as string[] }) as Outcome;

/** Evaluates every procedure of the catalog against the facts: listed ones (yes or to-confirm) in catalog order. */
export function matchProcedures(facts: Facts, catalog: Catalog): ProcedureMatch[] {
  const prep = prepareCatalog(catalog);
  return matchPrepared(listFacts(facts, prep.bits), prep).map((m) => ({ procedure: m.p.procedure, status: m.status, route: m.route, delivery: m.delivery, wanted: m.wanted, members: m.members, events: m.events, unknown: m.unknown }));
}

/** Deadlines already worked out on a calendar: first day → span → the deadline, and the law's day when it moved. */
type DeadlineMemo = Map<IsoDate, Map<string, { deadline: IsoDate; movedFrom?: IsoDate }>>;

/** A list's calendar, and its deadline memo when the calendar is one of ours (a caller's own ClosedDays is asked every time). */
interface ListCalendar {
  cal: ClosedDays;
  memo: DeadlineMemo | null;
}

const LEGAL: ListCalendar = { cal: LEGAL_CLOSED_DAYS, memo: new Map() };
/** Calendars made from the city's closed days (a terminal asks with the same few lists of days). */
const cityCalendars: Array<{ days: string[]; calendar: ListCalendar }> = [];
/** First days remembered per calendar (a day's spans are a handful): a kiosk's year of visits stays well under it. */
const MEMO_DAYS = 4_000;

function calendarOf(c: GuideOptions['closedDays']): ListCalendar {
  if (c === undefined) return LEGAL;
  if (!Array.isArray(c)) return { cal: c as ClosedDays, memo: null };
  const days = c as readonly unknown[];
  if (!days.every((d) => typeof d === 'string')) return { cal: closedDays(c as readonly IsoDate[]), memo: null };
  const known = cityCalendars.find((k) => k.days.length === days.length && k.days.every((d, i) => d === days[i]));
  if (known) return known.calendar;
  const calendar: ListCalendar = { cal: closedDays(days as readonly IsoDate[]), memo: new Map() };
  if (cityCalendars.length >= 8) cityCalendars.shift();
  cityCalendars.push({ days: [...(days as string[])], calendar });
  return calendar;
}

/** deadlineDay for a prepared span, remembered per calendar. */
function spanDeadline(from: IsoDate, d: Extract<PreparedDeadline, { kind: 'span' }>, c: ListCalendar): { deadline: IsoDate; movedFrom?: IsoDate } {
  let spans = c.memo?.get(from);
  const known = spans?.get(d.key);
  if (known) return known;
  const r = deadlineDay(from, d.rule, c.cal);
  const out = r.moved ? { deadline: r.deadline, movedFrom: r.lawful } : { deadline: r.deadline };
  if (c.memo) {
    if (!spans) {
      if (c.memo.size >= MEMO_DAYS) c.memo.clear();
      spans = new Map();
      c.memo.set(from, spans);
    }
    spans.set(d.key, out);
  }
  return out;
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

/** A list item from a match: its texts, places and deadline all prepared once per catalog (prepared.ts). */
function toItem(m: Match, facts: Facts, x: ListFacts, texts: ListTexts, c: ListCalendar, allCertificate: boolean): GuidanceItem {
  const pp = m.p;
  const p = pp.procedure;
  const external = pp.external;
  const at = ROUTE_GROUP[m.route] === 0 && !external ? pp.oneStop : pp.own;
  // deadlineFor, with the span's day remembered per calendar.
  const d = pp.deadline;
  let deadline: IsoDate | null = null;
  let availableFrom: IsoDate | undefined;
  let rule: DeadlineRule | undefined;
  let movedFrom: IsoDate | undefined;
  if (d.kind !== 'none' && !allCertificate) {
    const event = facts.eventDate === 'unknown' ? null : facts.eventDate;
    if (d.kind === 'daysBefore') {
      if (event !== null) availableFrom = addDays(event, -d.days);
    } else if (d.kind === 'beforeEvent') {
      deadline = event;
      rule = { from: 'event', count: 'civil', before: true };
    } else {
      rule = { ...d.rule };
      const from = rule.from === 'visit' ? facts.date : event;
      if (from !== null) {
        const r = spanDeadline(from, d, c);
        deadline = r.deadline;
        movedFrom = r.movedFrom;
      }
    }
  }
  const bring: GuidanceItem['bring'] = [];
  const bringNames = texts.bring[pp.at]!;
  for (let k = 0; k < pp.bring.length; k++) {
    const b = pp.bring[k]!;
    if (b.if && b.if(x).v === NO) continue;
    bring.push({ id: b.id, name: bringNames[k]! });
  }
  const online: GuidanceItem['online'] = [];
  const labels = texts.online[pp.at]!;
  // Only options with an address the city configured (prepared): no invented links.
  for (let k = 0; k < pp.online.length; k++) {
    const o = pp.online[k]!;
    online.push({ id: o.id, kind: o.kind, url: o.url, label: labels[k]! });
  }
  // Key order is the CLI's JSON contract: id … deadline first, extras after.
  const item: GuidanceItem = {
    id: p.id,
    department: p.department,
    counter: at.counter,
    route: m.route,
    delivery: m.delivery,
    status: m.status,
    members: m.members,
    bring,
    online,
    forms: [...p.forms],
    deadline,
    name: texts.names[pp.at]!,
    events: m.events,
    place: at.place,
    departmentName: texts.departmentNames[pp.at]!,
  };
  if (at.floor !== undefined) item.floor = at.floor;
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
  const GROUP = ROUTE_GROUP;
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
  const prep = prepareCatalog(catalog);
  const c = calendarOf(opts.closedDays);
  const x = listFacts(facts, prep.bits);
  const texts = textsFor(prep, lang);
  const allCertificate = facts.events.every((e) => e === 'certificate');
  const matches = matchPrepared(x, prep);
  const items: GuidanceItem[] = new Array(matches.length);
  const keys: number[] = new Array(matches.length);
  let keyed = prep.keyedOrder;
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k]!;
    items[k] = toItem(m, facts, x, texts, c, allCertificate);
    keys[k] = orderKey(m.p, m.route);
    if (Number.isNaN(keys[k])) keyed = false;
  }
  if (!keyed) return sortAlongRoute(items, catalog);
  // sortAlongRoute's order as one number per item: a stable insertion sort of a short list.
  for (let k = 1; k < items.length; k++) {
    const key = keys[k]!;
    const item = items[k]!;
    let j = k - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      items[j + 1] = items[j]!;
      j--;
    }
    keys[j + 1] = key;
    items[j + 1] = item;
  }
  return items;
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
  let oneStop = false;
  const referred = new Set<string>();
  for (const i of items) {
    if (catalog.departments[i.department]?.external === true) continue;
    if (i.route === 'accept' || i.route === 'proxy') oneStop = true;
    else if (i.route === 'refer') referred.add(i.department);
  }
  if (oneStop) route.push(catalog.oneStop);
  if (referred.size === 0) return route;
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
