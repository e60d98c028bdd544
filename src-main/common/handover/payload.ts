import { AppError } from '../errors';
import { parseIsoDate } from '../dates/isoDate';
import { validateFacts, type Facts, type Member } from '../guidance/facts';
import { BitReader, BitWriter, crc16, fromBase32, toBase32 } from './bits';

/**
 * The online guide's hand-over code: the visit facts, packed bit by bit, so the concierge scans
 * one QR instead of asking the questions again. Only facts, never a name: roles, dates of birth
 * or age bands, yes/no answers. Format (version 1):
 *
 *   `MDG-G1.` + base32(body bits, zero-padded to a byte + CRC-16 of those bytes)
 *
 * Body, in order: date (year 14 bits, month 4, day 5), eventDate (1 bit "same as date" or a date),
 * events (count + 4 bits each), moveFrom/moveTo (2 bits each, 0 = absent), certificates (1 bit
 * "unknown" or count + 3 bits each), household yes/no/unknown facts (2 bits each) and counts
 * (1 bit "unknown" or a count), members (count; each: role 3, optional birth date, optional age
 * band 3, nationality JP / two letters / UTF-8, insurance 3, pension 3, nine yes/no/unknown 2
 * each), then an optional language (1 + 3 bits). Counts are 3-bit groups with a continue bit.
 *
 * The lists below are the v1 wire order. They are frozen: a new fact or value needs `MDG-G2`
 * (a test compares them with facts.ts so nobody extends them by accident).
 *
 * Version 2 (`MDG-G2.`, second edition of FACTS.md) is v1 with: eventDate as 2 bits (0 same as
 * date, 1 a date follows, 2 unknown), the `insurance-change` event, moveFrom/moveTo as 3 bits with
 * `same-prefecture` and `other-prefecture`, and per member a `previousInsurance` (1 bit present +
 * 3 bits) and two more yes/no/unknown facts (receivesChildAllowance, gaveBirth). New codes are
 * written as v2; v1 codes made by an older guide still decode (the new facts take their defaults).
 */
export const HANDOVER_PREFIX = 'MDG-G2.';
export const HANDOVER_PREFIX_V1 = 'MDG-G1.';

export const V1 = {
  events: ['moving-in', 'moving-out', 'moving-within', 'birth', 'death', 'marriage', 'divorce', 'household-change', 'certificate'],
  roles: ['applicant', 'spouse', 'child', 'parent', 'other', 'deceased', 'newborn'],
  movePlaces: ['other-municipality', 'abroad', 'unknown'],
  certificates: ['juminhyo', 'inkan-shomei', 'koseki', 'zei-shomei', 'nozei-shomei'],
  insurances: ['nhi', 'employee', 'employee-dependent', 'late-elderly', 'public-assistance', 'none', 'unknown'],
  pensions: ['category1', 'category2', 'category3', 'none', 'unknown'],
  ageBands: ['preschool', 'school-age', 'child-15-18', 'adult-18-19', '20-59', '60-64', '65-74', '75+'],
  householdTri: ['singleParent', 'ownsRealEstate', 'dependentsOfDeceased', 'wantsChildcare', 'wantsSealRegistration'],
  householdCounts: ['dogs', 'mopeds'],
  memberTri: ['head', 'receivesPension', 'careCertified', 'disabilityCertificate', 'welfareMedical', 'pregnant', 'myNumberCard', 'sealRegistered', 'nameChanges'],
  /** The language the resident read the guide in, so the ticket and list come out in it. */
  languages: ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'],
} as const;

export const V2 = {
  ...V1,
  events: [...V1.events.slice(0, 8), 'insurance-change', 'certificate'],
  movePlaces: [...V1.movePlaces, 'same-prefecture', 'other-prefecture'],
  memberTri: [...V1.memberTri, 'receivesChildAllowance', 'gaveBirth'],
} as const;

type Layout = { version: 1 | 2; events: readonly string[]; movePlaces: readonly string[]; memberTri: readonly string[]; placeBits: number };
const LAYOUT_V1: Layout = { version: 1, events: V1.events, movePlaces: V1.movePlaces, memberTri: V1.memberTri, placeBits: 2 };
const LAYOUT_V2: Layout = { version: 2, events: V2.events, movePlaces: V2.movePlaces, memberTri: V2.memberTri, placeBits: 3 };

export type HandoverLanguage = (typeof V1.languages)[number];

/** What a code carries: the facts, and the language the guide was read in (when known). */
export interface Handover {
  facts: Facts;
  lang?: HandoverLanguage;
}

/** Why a scanned code was refused; the kiosk shows a message per reason. */
export type HandoverProblem = 'empty' | 'ticket' | 'foreign' | 'newer-version' | 'damaged' | 'invalid-facts';

export class HandoverError extends AppError {
  readonly problem: HandoverProblem;
  constructor(problem: HandoverProblem, message: string, field = 'handover') {
    super('bad-input', message, { field, details: { problem } });
    this.name = 'HandoverError';
    this.problem = problem;
  }
}

const TRI = [false, true, 'unknown'] as const;

function index(list: readonly string[], v: string, what: string): number {
  const i = list.indexOf(v);
  if (i < 0) throw new AppError('bad-facts', `${what} "${v}" cannot be put in a v1 hand-over code`, { field: what });
  return i;
}

function writeDate(w: BitWriter, iso: string): void {
  const c = parseIsoDate(iso);
  if (!c) throw new AppError('bad-facts', `not a date: ${iso}`, { field: 'date' });
  w.write(c.y, 14);
  w.write(c.m, 4);
  w.write(c.d, 5);
}

function readDate(r: BitReader): string {
  const y = r.read(14);
  const m = r.read(4);
  const d = r.read(5);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function writeTri(w: BitWriter, v: boolean | 'unknown'): void {
  w.write(TRI.indexOf(v), 2);
}

function readTri(r: BitReader): boolean | 'unknown' {
  const v = TRI[r.read(2)];
  if (v === undefined) throw new RangeError('a yes/no answer has an impossible value');
  return v;
}

function pickFrom<T extends string>(list: readonly T[], i: number, what: string): T {
  const v = list[i];
  if (v === undefined) throw new RangeError(`${what} has an impossible value`);
  return v;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Packs validated facts. Throws AppError('bad-facts') for facts validateFacts would refuse. */
export function encodeHandover(input: Facts, opts: { lang?: string } = {}): string {
  const facts = validateFacts(input).facts;
  const L = LAYOUT_V2;
  const w = new BitWriter();
  writeDate(w, facts.date);
  w.write(facts.eventDate === facts.date ? 0 : facts.eventDate === 'unknown' ? 2 : 1, 2);
  if (facts.eventDate !== facts.date && facts.eventDate !== 'unknown') writeDate(w, facts.eventDate);
  w.writeUvar(facts.events.length);
  for (const e of facts.events) w.write(index(L.events, e, 'events'), 4);
  w.write(facts.moveFrom === undefined ? 0 : index(L.movePlaces, facts.moveFrom, 'moveFrom') + 1, L.placeBits);
  w.write(facts.moveTo === undefined ? 0 : index(L.movePlaces, facts.moveTo, 'moveTo') + 1, L.placeBits);
  if (facts.certificates === 'unknown') w.write(1, 1);
  else {
    w.write(0, 1);
    w.writeUvar(facts.certificates.length);
    for (const c of facts.certificates) w.write(index(V1.certificates, c, 'certificates'), 3);
  }
  for (const k of V1.householdTri) writeTri(w, facts.household[k]);
  for (const k of V1.householdCounts) {
    const v = facts.household[k];
    w.write(v === 'unknown' ? 1 : 0, 1);
    if (v !== 'unknown') w.writeUvar(v);
  }
  w.writeUvar(facts.members.length);
  facts.members.forEach((m, i) => {
    w.write(index(V1.roles, m.role, `members[${i}].role`), 3);
    w.write(m.birthDate === undefined ? 0 : 1, 1);
    if (m.birthDate !== undefined) writeDate(w, m.birthDate);
    w.write(m.ageBand === undefined ? 0 : 1, 1);
    if (m.ageBand !== undefined) w.write(index(V1.ageBands, m.ageBand, `members[${i}].ageBand`), 3);
    if (m.nationality === 'JP') w.write(0, 2);
    else if (/^[A-Z]{2}$/.test(m.nationality)) {
      w.write(1, 2);
      w.write(m.nationality.charCodeAt(0) - 65, 5);
      w.write(m.nationality.charCodeAt(1) - 65, 5);
    } else {
      const bytes = utf8.encode(m.nationality);
      w.write(2, 2);
      w.writeUvar(bytes.length);
      for (const b of bytes) w.write(b, 8);
    }
    w.write(index(V1.insurances, m.insurance, `members[${i}].insurance`), 3);
    w.write(index(V1.pensions, m.pension, `members[${i}].pension`), 3);
    w.write(m.previousInsurance === undefined ? 0 : 1, 1);
    if (m.previousInsurance !== undefined) w.write(index(V1.insurances, m.previousInsurance, `members[${i}].previousInsurance`), 3);
    for (const k of L.memberTri) writeTri(w, m[k as (typeof V2.memberTri)[number]]);
  });
  // Optional trailer: the guide's language (absent = the kiosk keeps its own default).
  const lang = opts.lang === undefined ? -1 : (V1.languages as readonly string[]).indexOf(opts.lang);
  w.write(lang < 0 ? 0 : 1, 1);
  if (lang >= 0) w.write(lang, 3);
  const body = w.bytes();
  const crc = crc16(body);
  const all = new Uint8Array(body.length + 2);
  all.set(body);
  all[body.length] = crc >> 8;
  all[body.length + 1] = crc & 0xff;
  return HANDOVER_PREFIX + toBase32(all);
}

function unpack(body: Uint8Array, L: Layout): { raw: unknown; lang?: HandoverLanguage } {
  const r = new BitReader(body);
  const date = readDate(r);
  let eventDate: string;
  if (L.version === 1) eventDate = r.read(1) === 1 ? date : readDate(r);
  else {
    const how = r.read(2);
    if (how > 2) throw new RangeError('the event date has an impossible form');
    eventDate = how === 0 ? date : how === 2 ? 'unknown' : readDate(r);
  }
  const events = Array.from({ length: r.readUvar() }, () => pickFrom(L.events, r.read(4), 'an event'));
  const raw: Record<string, unknown> = { date, eventDate, events };
  const mf = r.read(L.placeBits);
  if (mf > 0) raw.moveFrom = pickFrom(L.movePlaces, mf - 1, 'moveFrom');
  const mt = r.read(L.placeBits);
  if (mt > 0) raw.moveTo = pickFrom(L.movePlaces, mt - 1, 'moveTo');
  raw.certificates = r.read(1) === 1 ? 'unknown' : Array.from({ length: r.readUvar() }, () => pickFrom(V1.certificates, r.read(3), 'a certificate'));
  const household: Record<string, unknown> = {};
  for (const k of V1.householdTri) household[k] = readTri(r);
  for (const k of V1.householdCounts) household[k] = r.read(1) === 1 ? 'unknown' : r.readUvar();
  raw.household = household;
  const count = r.readUvar();
  if (count > 100) throw new RangeError('too many members');
  const members: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const m: Record<string, unknown> = { role: pickFrom(V1.roles, r.read(3), 'a role') };
    if (r.read(1) === 1) m.birthDate = readDate(r);
    if (r.read(1) === 1) m.ageBand = pickFrom(V1.ageBands, r.read(3), 'an age band');
    const nat = r.read(2);
    if (nat === 0) m.nationality = 'JP';
    else if (nat === 1) m.nationality = String.fromCharCode(65 + r.read(5), 65 + r.read(5));
    else if (nat === 2) {
      const len = r.readUvar();
      if (len > 64) throw new RangeError('a nationality is too long');
      m.nationality = fromUtf8.decode(Uint8Array.from({ length: len }, () => r.read(8)));
    } else throw new RangeError('a nationality has an impossible form');
    m.insurance = pickFrom(V1.insurances, r.read(3), 'an insurance');
    m.pension = pickFrom(V1.pensions, r.read(3), 'a pension');
    if (L.version >= 2 && r.read(1) === 1) m.previousInsurance = pickFrom(V1.insurances, r.read(3), 'a previous insurance');
    for (const k of L.memberTri) m[k] = readTri(r);
    members.push(m);
  }
  raw.members = members;
  const lang = r.read(1) === 1 ? pickFrom(V1.languages, r.read(3), 'a language') : undefined;
  if (!r.onlyPaddingLeft()) throw new RangeError('the code carries more than the facts');
  return lang === undefined ? { raw } : { raw, lang };
}

/**
 * Reads a scanned or typed hand-over code back into validated facts. Every refusal is a
 * HandoverError whose `problem` says what kind of code it was (a ticket, another system's QR,
 * a newer guide, a damaged scan, facts that cannot be true).
 */
export function readHandover(text: string): Handover {
  // Scanners end with Enter and some add spaces or a newline; a code never contains whitespace.
  const s = text.replace(/\s+/g, '');
  if (!s) throw new HandoverError('empty', 'nothing was scanned');
  const upper = s.toUpperCase();
  if (upper.startsWith('MDG-T')) throw new HandoverError('ticket', 'this is the QR code of a numbered ticket, not a hand-over code from the online guide');
  if (!upper.startsWith('MDG-G')) throw new HandoverError('foreign', 'this is not a hand-over code from the Madoguchi online guide');
  const layout = upper.startsWith(HANDOVER_PREFIX) ? LAYOUT_V2 : upper.startsWith(HANDOVER_PREFIX_V1) ? LAYOUT_V1 : undefined;
  if (!layout) {
    const v = /^MDG-G(\d+)\./.exec(upper)?.[1];
    throw new HandoverError(v && Number(v) > 2 ? 'newer-version' : 'damaged', v && Number(v) > 2 ? `this code was made by a newer guide (version ${v}); this kiosk reads versions 1 and 2` : 'the start of the code is damaged');
  }
  const bytes = fromBase32(s.slice(HANDOVER_PREFIX.length));
  if (!bytes || bytes.length < 3) throw new HandoverError('damaged', 'the code is damaged or incomplete (unexpected characters)');
  const body = bytes.subarray(0, bytes.length - 2);
  const crc = (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]!;
  if (crc16(body) !== crc) throw new HandoverError('damaged', 'the code is damaged or incomplete (check digits do not match); scan it again');
  let unpacked: ReturnType<typeof unpack>;
  try {
    unpacked = unpack(body, layout);
  } catch (e) {
    throw new HandoverError('damaged', `the code cannot be read: ${(e as Error).message}`);
  }
  try {
    const facts = validateFacts(unpacked.raw).facts;
    return unpacked.lang === undefined ? { facts } : { facts, lang: unpacked.lang };
  } catch (e) {
    if (e instanceof AppError) throw new HandoverError('invalid-facts', `the code holds facts that cannot be true: ${e.field ? `${e.field}: ` : ''}${e.message}`, e.field ? `handover.${e.field}` : 'handover');
    throw e;
  }
}

/** The facts of a code (see readHandover for its language too). */
export function decodeHandover(text: string): Facts {
  return readHandover(text).facts;
}

/** The member fields v1 carries, for the completeness test. */
export const V1_MEMBER_FIELDS: ReadonlyArray<keyof Member> = ['role', 'birthDate', 'ageBand', 'nationality', 'insurance', 'pension', ...V1.memberTri];
/** The member fields v2 carries: every member fact of FACTS.md, second edition. */
export const V2_MEMBER_FIELDS: ReadonlyArray<keyof Member> = [...V1_MEMBER_FIELDS, 'previousInsurance', 'receivesChildAllowance', 'gaveBirth'];
