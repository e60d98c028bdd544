import { describe, expect, it } from 'vitest';
import { addDays } from '../dates/isoDate';
import { AGE_BAND_IDS } from '../dates/ageBands';
import { CERTIFICATES, HOUSEHOLD_FIELDS, INSURANCES, LIFE_EVENTS, MEMBER_FIELDS, MOVE_PLACES, PENSIONS, ROLES, validateFacts, type Facts } from '../guidance/facts';
import { generateHousehold, mulberry32 } from '../guidance/generate';
import { factsFromAnswers } from '../questions/flow';
import { encodeTicketQr } from '../visit/ticketQr';
import { answersFromFacts } from './answers';
import { crc16, fromBase32, toBase32 } from './bits';
import { LANGUAGES } from '../config/schema';
import { decodeHandover, encodeHandover, HANDOVER_PREFIX, HandoverError, readHandover, V1, V2, V2_MEMBER_FIELDS, type HandoverProblem } from './payload';

// The repo's example cases, read the way a browser bundle reads them (common code has no fs).
const FIXTURES = import.meta.glob<unknown>('../../../fixtures/facts/*.json', { eager: true, import: 'default' });
const fixture = (name: string): unknown => FIXTURES[`../../../fixtures/facts/${name}`];
const fixtures = Object.keys(FIXTURES).map((k) => k.split('/').pop()!);

function problemOf(text: string): HandoverProblem | 'accepted' {
  try {
    decodeHandover(text);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(HandoverError);
    return (e as HandoverError).problem;
  }
}

/** Re-signs a body so a test can reach the checks behind the CRC. */
function signed(body: Uint8Array): string {
  const crc = crc16(body);
  return HANDOVER_PREFIX + toBase32(Uint8Array.from([...body, crc >> 8, crc & 0xff]));
}

describe('hand-over code', () => {
  it('finds the example cases', () => expect(fixtures.length).toBeGreaterThanOrEqual(9));

  it.each(fixtures)('round-trips the example case %s', (file) => {
    const facts = validateFacts(fixture(file)).facts;
    const code = encodeHandover(facts);
    expect(code.startsWith(HANDOVER_PREFIX)).toBe(true);
    expect(code).toMatch(/^MDG-G2\.[A-Z2-7]+$/);
    expect(decodeHandover(code)).toEqual(facts);
  });

  it('round-trips 5,000 generated households exactly, and stays small', () => {
    const rng = mulberry32(20261126);
    let longest = 0;
    let total = 0;
    for (let i = 0; i < 5000; i++) {
      const date = addDays('2026-04-01', Math.floor(rng() * 365));
      const facts = validateFacts(generateHousehold(rng, date)).facts;
      const code = encodeHandover(facts, { lang: 'pt-BR' });
      expect(readHandover(code)).toEqual({ facts, lang: 'pt-BR' });
      longest = Math.max(longest, code.length);
      total += code.length;
    }
    // A QR of version 10 (57×57 modules, level M) holds 311 alphanumeric characters.
    expect(longest).toBeLessThanOrEqual(311);
    expect(total / 5000).toBeLessThan(120);
  });

  it('keeps every edge a form can carry: unknown counts and certificates, foreign and long nationalities, both age forms', () => {
    const facts = validateFacts({
      date: '2026-11-26',
      eventDate: '1999-12-31',
      events: ['certificate', 'moving-out', 'death', 'birth'],
      moveTo: 'abroad',
      certificates: 'unknown',
      household: { dogs: 'unknown', mopeds: 12345, singleParent: 'unknown' },
      members: [
        { role: 'deceased', birthDate: '1900-02-28', nationality: 'Stateless (無国籍)', insurance: 'late-elderly' },
        { role: 'newborn', ageBand: 'preschool', nationality: 'VN', pregnant: 'unknown' },
        { role: 'other', birthDate: '2000-02-29', ageBand: '20-59', nationality: 'BR' },
      ],
    }).facts;
    expect(decodeHandover(encodeHandover(facts))).toEqual(facts);
  });

  it('carries the language the guide was read in, when given', () => {
    const facts = validateFacts(fixture('birth-second-child.json')).facts;
    for (const lang of LANGUAGES) expect(readHandover(encodeHandover(facts, { lang }))).toEqual({ facts, lang });
    expect(readHandover(encodeHandover(facts))).toEqual({ facts });
    expect(readHandover(encodeHandover(facts, { lang: 'fr' }))).toEqual({ facts });
  });

  it('reads a code typed with Caps Lock on, or with a trailing newline from the scanner', () => {
    const facts = validateFacts(fixture(fixtures[0]!)).facts;
    const code = encodeHandover(facts);
    expect(decodeHandover(code.toLowerCase() + '\r\n')).toEqual(facts);
  });

  it('answers made from handed-over facts give the same facts back (how kiosk and guide open a code)', () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 1000; i++) {
      const facts = validateFacts(generateHousehold(rng, '2026-11-26')).facts;
      const back = factsFromAnswers(facts.events, answersFromFacts(facts), {}, facts.date);
      expect(back).toEqual(facts);
    }
  });

  it('refuses wrong and foreign codes with the kind of problem', () => {
    const good = encodeHandover(validateFacts({ date: '2026-11-26', events: ['certificate'], certificates: ['juminhyo'] }).facts);
    expect(problemOf(good)).toBe('accepted');
    expect(problemOf('')).toBe('empty');
    expect(problemOf('   \n')).toBe('empty');
    expect(problemOf(encodeTicketQr({ visitId: '6f1c2b1e-0c7a-4a59-9d3e-0a1b2c3d4e5f', businessDate: '2026-11-26', number: 1001, procedures: ['juminhyo'] }))).toBe('ticket');
    expect(problemOf('https://www.city.isesaki.lg.jp/')).toBe('foreign');
    expect(problemOf('4901234567894')).toBe('foreign');
    expect(problemOf('MDG-G3.AAAA')).toBe('newer-version');
    expect(problemOf('MDG-GX.AAAA')).toBe('damaged');
    expect(problemOf(HANDOVER_PREFIX)).toBe('damaged');
    expect(problemOf(good.slice(0, -3))).toBe('damaged');
    expect(problemOf(good + 'A')).toBe('damaged');
    expect(problemOf(good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBe('damaged');
    expect(problemOf(good.slice(0, 10) + '!' + good.slice(11))).toBe('damaged');
  });

  it('flipping any single character of a code is caught', () => {
    const facts = validateFacts(fixture('moving-in-family.json')).facts;
    const code = encodeHandover(facts);
    const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    for (let i = HANDOVER_PREFIX.length; i < code.length; i++) {
      const c = code[i]!;
      const other = B32[(B32.indexOf(c) + 1) % 32]!;
      const bad = code.slice(0, i) + other + code.slice(i + 1);
      expect(problemOf(bad), `position ${i}`).not.toBe('accepted');
    }
  });

  it('names the field when a correctly signed code holds facts that cannot be true', () => {
    // date 2026-02-30 (invalid), then the rest of a minimal certificate visit.
    const good = encodeHandover(validateFacts({ date: '2026-02-03', events: ['certificate'], certificates: [] }).facts);
    const bytes = fromBase32(good.slice(HANDOVER_PREFIX.length))!;
    const body = bytes.subarray(0, bytes.length - 2);
    // day sits in bits 18..22: 3 → 30.
    const bits = [...body].map((b) => b.toString(2).padStart(8, '0')).join('').split('');
    '11110'.split('').forEach((b, i) => (bits[18 + i] = b));
    const patched = Uint8Array.from({ length: body.length }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8).join(''), 2));
    try {
      decodeHandover(signed(patched));
      expect.unreachable();
    } catch (e) {
      expect((e as HandoverError).problem).toBe('invalid-facts');
      expect((e as HandoverError).field).toBe('handover.date');
    }
  });

  it('v2 lists are the facts of today: a new fact or value needs a v3 code', () => {
    expect([...V2.events].sort()).toEqual([...LIFE_EVENTS].sort());
    expect([...V2.roles]).toEqual([...ROLES]);
    expect([...V2.movePlaces].sort()).toEqual([...MOVE_PLACES].sort());
    expect([...V2.certificates]).toEqual([...CERTIFICATES]);
    expect([...V2.insurances]).toEqual([...INSURANCES]);
    expect([...V2.pensions]).toEqual([...PENSIONS]);
    expect([...V2.ageBands]).toEqual([...AGE_BAND_IDS]);
    expect([...V2.languages]).toEqual([...LANGUAGES]);
    expect([...V2.householdTri, ...V2.householdCounts].sort()).toEqual(Object.keys(HOUSEHOLD_FIELDS).sort());
    expect([...V2_MEMBER_FIELDS].sort()).toEqual(Object.keys(MEMBER_FIELDS).sort());
  });

  it('v1 wire order is frozen (codes already printed or saved must still read)', () => {
    expect([...V1.events]).toEqual(['moving-in', 'moving-out', 'moving-within', 'birth', 'death', 'marriage', 'divorce', 'household-change', 'certificate']);
    expect([...V1.movePlaces]).toEqual(['other-municipality', 'abroad', 'unknown']);
    expect([...V1.memberTri]).toEqual(['head', 'receivesPension', 'careCertified', 'disabilityCertificate', 'welfareMedical', 'pregnant', 'myNumberCard', 'sealRegistered', 'nameChanges']);
  });

  // Codes made by the first-edition guide (MDG-G1) before this change, from the example cases.
  it.each([
    ['death-elderly.json', 'MDG-G1.D6VPIH5K6BEAAEAAAYI6THHAGEAACR6BIUBQAAALDZRQEG2VAAUFH7Y'],
    ['moving-in-family.json', 'MDG-G1.D6VPIH5K5BAIAAAEFII7CFKAAQAEBR6GE4AAABIFD6DEMBAAAAKH44NACAAAA4PHRQQ3CQACQDS4C'],
    ['birth-second-child.json', 'MDG-G1.D6VPIH5K4RDAAAIABAI7DW6AYQAABR6JUYCQAAAFD6MUUFAAAAYGQAAAKBXGO'],
  ])('still reads a v1 code made by the first-edition guide: %s', (file, code) => {
    const { facts, lang } = readHandover(code);
    expect(lang).toBe('en');
    const want = validateFacts(fixture(file)).facts;
    // v1 carries no 児童手当 recipient: it reads back as not given ("unknown"), and no gaveBirth.
    expect(facts).toEqual({ ...want, members: want.members.map((m) => ({ ...m, receivesChildAllowance: 'unknown', gaveBirth: false })) });
    // and it goes out again as a v2 code with the same facts
    expect(decodeHandover(encodeHandover(facts))).toEqual(facts);
  });

  it('v2 carries the second-edition facts: prefecture of a move, previous insurance, the 児童手当 recipient, who gave birth, an unknown event day', () => {
    const facts = validateFacts({
      date: '2026-11-26',
      eventDate: 'unknown',
      events: ['insurance-change', 'birth', 'moving-in'],
      moveFrom: 'same-prefecture',
      members: [
        { role: 'applicant', birthDate: '1990-01-01', insurance: 'nhi', previousInsurance: 'employee', receivesChildAllowance: true },
        { role: 'spouse', birthDate: '1991-01-01', gaveBirth: true, receivesChildAllowance: false },
        { role: 'newborn' },
      ],
    }).facts;
    const code = encodeHandover(facts);
    expect(decodeHandover(code)).toEqual(facts);
  });

  it('carries no names: a visit facts object has nowhere to put one, and extra fields are dropped', () => {
    const withName = { date: '2026-11-26', events: ['certificate'], certificates: ['juminhyo'], name: '伊勢崎 太郎', members: [{ role: 'applicant', name: '伊勢崎 太郎' }] };
    const code = encodeHandover(withName as unknown as Facts);
    const decoded = decodeHandover(code);
    expect(JSON.stringify(decoded)).not.toContain('太郎');
  });

  it('base32 round-trips any bytes and refuses characters outside its alphabet', () => {
    const rng = mulberry32(3);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
      expect(fromBase32(toBase32(bytes))).toEqual(bytes);
    }
    expect(fromBase32('AB0')).toBeNull();
    expect(fromBase32('AB_')).toBeNull();
  });
});
