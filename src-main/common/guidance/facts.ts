import { AppError } from '../errors';
import { AGE_BAND_IDS, type AgeBand } from '../dates/ageBands';
import { isIsoDate, todayLocal, type IsoDate } from '../dates/isoDate';

/**
 * Visit facts (FACTS.md): the one input of the guidance engine, whichever source supplied them
 * (life event, linkage data, interview). `"unknown"` is a real answer everywhere a person might not
 * know: it makes a procedure "to confirm", never drops it.
 */

export const LIFE_EVENTS = ['moving-in', 'moving-out', 'moving-within', 'birth', 'death', 'marriage', 'divorce', 'household-change', 'insurance-change', 'certificate'] as const;
export type LifeEvent = (typeof LIFE_EVENTS)[number];

export const ROLES = ['applicant', 'spouse', 'child', 'parent', 'other', 'deceased', 'newborn'] as const;
export type Role = (typeof ROLES)[number];

export const INSURANCES = ['nhi', 'employee', 'employee-dependent', 'late-elderly', 'public-assistance', 'none', 'unknown'] as const;
export type Insurance = (typeof INSURANCES)[number];

export const PENSIONS = ['category1', 'category2', 'category3', 'none', 'unknown'] as const;
export type Pension = (typeof PENSIONS)[number];

/** Where from / to: the same prefecture (群馬県), another prefecture, abroad, or another municipality whose prefecture is not known. */
export const MOVE_PLACES = ['same-prefecture', 'other-prefecture', 'other-municipality', 'abroad', 'unknown'] as const;
export type MovePlace = (typeof MOVE_PLACES)[number];

export const CERTIFICATES = ['juminhyo', 'inkan-shomei', 'koseki', 'zei-shomei', 'nozei-shomei'] as const;
export type Certificate = (typeof CERTIFICATES)[number];

export type Tri = boolean | 'unknown';
export type Count = number | 'unknown';

export interface Member {
  role: Role;
  /** ISO date; a newborn without one is taken as born on `eventDate`. */
  birthDate?: IsoDate;
  /** An age band picked at the kiosk when no birth date is asked (see dates/ageBands.ts). */
  ageBand?: AgeBand;
  nationality: string;
  head: Tri;
  insurance: Insurance;
  pension: Pension;
  receivesPension: Tri;
  careCertified: Tri;
  disabilityCertificate: Tri;
  welfareMedical: Tri;
  pregnant: Tri;
  myNumberCard: Tri;
  sealRegistered: Tri;
  nameChanges: Tri;
  /** insurance-change: the insurance before the change (absent: not asked). */
  previousInsurance?: Insurance;
  /** The 児童手当 recipient (受給者) now. */
  receivesChildAllowance: Tri;
  /** Birth: the member who gave birth (出産した方). */
  gaveBirth: Tri;
}

export interface Household {
  singleParent: Tri;
  dogs: Count;
  mopeds: Count;
  ownsRealEstate: Tri;
  dependentsOfDeceased: Tri;
  wantsChildcare: Tri;
  wantsSealRegistration: Tri;
}

export interface Facts {
  date: IsoDate;
  /** The day of the event; "unknown" when nobody said (deadlines then count "from the event", with no date). */
  eventDate: IsoDate | 'unknown';
  events: LifeEvent[];
  moveFrom?: MovePlace;
  moveTo?: MovePlace;
  members: Member[];
  household: Household;
  certificates: Certificate[] | 'unknown';
}

/** How a fact's value is checked; the catalog checker uses the same table to refuse a condition on a fact that does not exist. */
export type FieldSpec =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'tri' }
  | { kind: 'count' }
  | { kind: 'date' }
  | { kind: 'string' }
  | { kind: 'list'; values: readonly string[] };

export const MEMBER_FIELDS: Readonly<Record<string, FieldSpec>> = {
  role: { kind: 'enum', values: ROLES },
  birthDate: { kind: 'date' },
  ageBand: { kind: 'enum', values: AGE_BAND_IDS },
  nationality: { kind: 'string' },
  head: { kind: 'tri' },
  insurance: { kind: 'enum', values: INSURANCES },
  pension: { kind: 'enum', values: PENSIONS },
  receivesPension: { kind: 'tri' },
  careCertified: { kind: 'tri' },
  disabilityCertificate: { kind: 'tri' },
  welfareMedical: { kind: 'tri' },
  pregnant: { kind: 'tri' },
  myNumberCard: { kind: 'tri' },
  sealRegistered: { kind: 'tri' },
  nameChanges: { kind: 'tri' },
  previousInsurance: { kind: 'enum', values: INSURANCES },
  receivesChildAllowance: { kind: 'tri' },
  gaveBirth: { kind: 'tri' },
};

export const HOUSEHOLD_FIELDS: Readonly<Record<string, FieldSpec>> = {
  singleParent: { kind: 'tri' },
  dogs: { kind: 'count' },
  mopeds: { kind: 'count' },
  ownsRealEstate: { kind: 'tri' },
  dependentsOfDeceased: { kind: 'tri' },
  wantsChildcare: { kind: 'tri' },
  wantsSealRegistration: { kind: 'tri' },
};

/** Visit-level facts a condition may read (household ones as `household.<name>`). */
export const VISIT_FIELDS: Readonly<Record<string, FieldSpec>> = {
  moveFrom: { kind: 'enum', values: MOVE_PLACES },
  moveTo: { kind: 'enum', values: MOVE_PLACES },
  certificates: { kind: 'list', values: CERTIFICATES },
  ...Object.fromEntries(Object.entries(HOUSEHOLD_FIELDS).map(([k, v]) => [`household.${k}`, v])),
};

const TOP_KEYS = new Set(['date', 'eventDate', 'events', 'moveFrom', 'moveTo', 'members', 'household', 'certificates']);

export const DEFAULT_HOUSEHOLD: Household = {
  singleParent: false,
  dogs: 0,
  mopeds: 0,
  ownsRealEstate: false,
  dependentsOfDeceased: false,
  wantsChildcare: false,
  wantsSealRegistration: false,
};

/** Defaults for an omitted member field: yes/no facts default to "no" (FACTS.md), insurance, pension and the 児童手当 recipient are "unknown" (nobody said). */
export function defaultMember(role: Role): Member {
  return {
    role,
    nationality: 'JP',
    head: false,
    insurance: 'unknown',
    pension: 'unknown',
    receivesPension: false,
    careCertified: false,
    disabilityCertificate: false,
    welfareMedical: false,
    pregnant: false,
    myNumberCard: false,
    sealRegistered: false,
    nameChanges: false,
    // Not given is not "no" (CATALOG.md second edition): who receives 児童手当 decides claim vs change.
    receivesChildAllowance: 'unknown',
    gaveBirth: false,
  };
}

function bad(field: string, message: string): never {
  throw new AppError('bad-facts', message, { field });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `at.key` (or `at` alone): the field's name, spelled out only when a value is refused (a list checks facts by the hundred). */
function fieldName(at: string, key?: string): string {
  return key === undefined ? at : `${at}.${key}`;
}

function checkField(spec: FieldSpec, v: unknown, at: string, key?: string): unknown {
  switch (spec.kind) {
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) bad(fieldName(at, key), `must be one of ${spec.values.join(', ')}; got ${JSON.stringify(v)}`);
      return v;
    case 'tri':
      if (typeof v !== 'boolean' && v !== 'unknown') bad(fieldName(at, key), `must be true, false or "unknown"; got ${JSON.stringify(v)}`);
      return v;
    case 'count':
      if (v === 'unknown') return v;
      if (typeof v !== 'number' || !Number.isInteger(v)) bad(fieldName(at, key), `must be a whole number or "unknown"; got ${JSON.stringify(v)}`);
      if (v < 0) bad(fieldName(at, key), `cannot be negative; got ${v}`);
      return v;
    case 'date':
      if (!isIsoDate(v)) bad(fieldName(at, key), `is not a date (YYYY-MM-DD); got ${JSON.stringify(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string' || v.length === 0) bad(fieldName(at, key), `must be a non-empty text; got ${JSON.stringify(v)}`);
      return v;
    case 'list':
      if (v === 'unknown') return v;
      if (!Array.isArray(v)) bad(fieldName(at, key), `must be a list; got ${JSON.stringify(v)}`);
      v.forEach((x, i) => {
        if (typeof x !== 'string' || !spec.values.includes(x)) bad(`${fieldName(at, key)}[${i}]`, `must be one of ${spec.values.join(', ')}; got ${JSON.stringify(x)}`);
      });
      return [...new Set(v as string[])];
  }
}

/**
 * Checks raw facts (CLI file, kiosk, online guide) and fills defaults. Facts that cannot be true throw
 * AppError('bad-facts') naming the field; unknown extra fields are kept out and reported as warnings.
 */
export function validateFacts(raw: unknown, opts: { today?: IsoDate } = {}): { facts: Facts; warnings: string[] } {
  const warnings: string[] = [];
  if (!isObj(raw)) bad('(facts)', 'facts must be a JSON object');
  for (const k of Object.keys(raw)) if (!TOP_KEYS.has(k)) warnings.push(`unknown field "${k}" ignored`);

  const date = raw.date === undefined ? (opts.today ?? todayLocal()) : raw.date;
  if (!isIsoDate(date)) bad('date', `is not a date (YYYY-MM-DD); got ${JSON.stringify(raw.date)}`);
  const eventDate = raw.eventDate === undefined ? date : raw.eventDate;
  if (eventDate !== 'unknown' && !isIsoDate(eventDate)) bad('eventDate', `is not a date (YYYY-MM-DD) or "unknown"; got ${JSON.stringify(raw.eventDate)}`);

  if (!Array.isArray(raw.events) || raw.events.length === 0) bad('events', 'needs at least one life event');
  const events: LifeEvent[] = [];
  raw.events.forEach((e, i) => {
    if (typeof e !== 'string' || !(LIFE_EVENTS as readonly string[]).includes(e)) bad(`events[${i}]`, `unknown event ${JSON.stringify(e)}; known: ${LIFE_EVENTS.join(', ')}`);
    if (!events.includes(e as LifeEvent)) events.push(e as LifeEvent);
  });

  const facts: Facts = { date, eventDate, events, members: [], household: { ...DEFAULT_HOUSEHOLD }, certificates: [] };
  for (const k of ['moveFrom', 'moveTo'] as const) {
    if (raw[k] === undefined) continue;
    facts[k] = checkField(VISIT_FIELDS[k]!, raw[k], k) as MovePlace;
  }
  if (raw.moveFrom === undefined && events.includes('moving-in')) facts.moveFrom = 'unknown';
  if (raw.moveTo === undefined && events.includes('moving-out')) facts.moveTo = 'unknown';
  if (raw.certificates !== undefined) facts.certificates = checkField(VISIT_FIELDS.certificates!, raw.certificates, 'certificates') as Certificate[] | 'unknown';

  if (raw.household !== undefined) {
    if (!isObj(raw.household)) bad('household', 'must be an object');
    for (const [k, v] of Object.entries(raw.household)) {
      if (v === undefined) continue;
      const spec = HOUSEHOLD_FIELDS[k];
      if (!spec) {
        warnings.push(`unknown field "household.${k}" ignored`);
        continue;
      }
      (facts.household as unknown as Record<string, unknown>)[k] = checkField(spec, v, 'household', k);
    }
  }

  if (raw.members !== undefined && !Array.isArray(raw.members)) bad('members', 'must be a list');
  ((raw.members as unknown[] | undefined) ?? []).forEach((rm, i) => {
    const at = `members[${i}]`;
    if (!isObj(rm)) bad(at, 'must be an object');
    const role = checkField(MEMBER_FIELDS.role!, rm.role ?? 'other', at, 'role') as Role;
    const m = defaultMember(role);
    for (const k of Object.keys(rm)) {
      const v = rm[k];
      if (v === undefined) continue; // JS callers' absent fields
      const spec = MEMBER_FIELDS[k];
      if (!spec) {
        warnings.push(`unknown field "${at}.${k}" ignored`);
        continue;
      }
      (m as unknown as Record<string, unknown>)[k] = checkField(spec, v, at, k);
    }
    if (m.birthDate !== undefined && m.birthDate > date) bad(`${at}.birthDate`, `birth date ${m.birthDate} is after the visit date ${date}`);
    if (m.birthDate !== undefined && role === 'deceased' && eventDate !== 'unknown' && m.birthDate > eventDate) bad(`${at}.birthDate`, `birth date ${m.birthDate} is after the day of death ${eventDate}`);
    if (m.gaveBirth === true && !events.includes('birth')) bad(`${at}.gaveBirth`, 'gaveBirth needs the "birth" event');
    if (m.gaveBirth === true && (role === 'newborn' || role === 'deceased')) bad(`${at}.gaveBirth`, `a ${role} member cannot be the one who gave birth`);
    if (role === 'deceased' && !events.includes('death')) bad(`${at}.role`, 'a deceased member needs the "death" event');
    if (role === 'newborn' && !events.includes('birth')) bad(`${at}.role`, 'a newborn member needs the "birth" event');
    facts.members.push(m);
  });
  return { facts, warnings };
}

/** The event day when known, else the visit day (ages, a newborn's birth): never used for a deadline. */
export function eventDay(facts: Facts): IsoDate {
  return facts.eventDate === 'unknown' ? facts.date : facts.eventDate;
}

/** Birth date used for age rules: a newborn without one was born on the event day. */
export function effectiveBirthDate(m: Member, facts: Facts): IsoDate | undefined {
  if (m.birthDate !== undefined) return m.birthDate;
  if (m.role === 'newborn') return eventDay(facts) <= facts.date ? eventDay(facts) : facts.date;
  return undefined;
}

/**
 * The day a member's ages are taken on (FACTS.md): the visit day, except for a deceased member,
 * whose ages are those on the day of death (someone who died at 74 was never in 後期高齢者医療 by age).
 */
export function ageDate(m: Member, facts: Facts): IsoDate {
  if (m.role === 'deceased' && facts.eventDate !== 'unknown' && facts.eventDate <= facts.date) return facts.eventDate;
  return facts.date;
}

/** A facts file's text as JSON: a UTF-8 byte-order mark (Windows Notepad writes one) is dropped first. */
export function parseFactsText(text: string): unknown {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(s) as unknown;
  } catch (e) {
    bad('facts', `not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Strict facts (a file an operator wrote): a key FACTS.md does not define is refused, naming it and
 * the nearest known key, instead of being ignored with a warning (`membres` is a typo, not a fact).
 */
export function rejectUnknownFactKeys(raw: unknown): void {
  if (!isObj(raw)) return;
  const check = (obj: Record<string, unknown>, known: readonly string[], at: string) => {
    for (const k of Object.keys(obj)) {
      if (known.includes(k)) continue;
      const near = known.find((n) => editDistance(n.toLowerCase(), k.toLowerCase()) <= 2);
      bad(at ? `${at}.${k}` : k, `unknown field${near ? `; did you mean "${near}"?` : ''} (see FACTS.md)`);
    }
  };
  check(raw, [...TOP_KEYS], '');
  if (isObj(raw.household)) check(raw.household, Object.keys(HOUSEHOLD_FIELDS), 'household');
  if (Array.isArray(raw.members)) raw.members.forEach((m, i) => isObj(m) && check(m, [...Object.keys(MEMBER_FIELDS), ...EXTRA_MEMBER_KEYS], `members[${i}]`));
}

/** Member keys read outside MEMBER_FIELDS (FACTS.md). */
const EXTRA_MEMBER_KEYS = ['previousInsurance', 'receivesChildAllowance', 'gaveBirth'];

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}
