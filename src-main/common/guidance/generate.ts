import { AGE_BAND_IDS } from '../dates/ageBands';
import { addDays, type IsoDate } from '../dates/isoDate';
import { CERTIFICATES, INSURANCES, LIFE_EVENTS, PENSIONS, defaultMember, type Facts, type LifeEvent, type Member, type Role, type Tri } from './facts';

import type { Rng } from '../random';
export { mulberry32, type Rng } from '../random';

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

function tri(rng: Rng, pYes: number, pUnknown = 0.05): Tri {
  const r = rng();
  return r < pUnknown ? 'unknown' : r < pUnknown + pYes ? true : false;
}

function birthAged(rng: Rng, date: IsoDate, minYears: number, maxYears: number): IsoDate {
  return addDays(date, -int(rng, Math.round(minYears * 365.25), Math.round(maxYears * 365.25)));
}

function member(rng: Rng, role: Role, date: IsoDate, minYears: number, maxYears: number): Member {
  const m = defaultMember(role);
  const b = birthAged(rng, date, minYears, maxYears);
  const age = (Date.parse(date) - Date.parse(b)) / 31_557_600_000;
  // A few people are known only by an age band (kiosk), a few not at all.
  const r = rng();
  if (r < 0.08) m.ageBand = pick(rng, AGE_BAND_IDS);
  else if (r > 0.03) m.birthDate = b;
  m.nationality = chance(rng, 0.1) ? pick(rng, ['VN', 'BR', 'PH', 'CN', 'PE', 'NP']) : 'JP';
  m.insurance = age >= 75 ? (chance(rng, 0.9) ? 'late-elderly' : pick(rng, INSURANCES)) : pick(rng, INSURANCES);
  m.pension = age >= 20 && age < 60 ? pick(rng, PENSIONS) : chance(rng, 0.1) ? 'unknown' : 'none';
  m.receivesPension = age >= 60 ? tri(rng, 0.8) : false;
  m.careCertified = age >= 65 ? tri(rng, 0.2) : tri(rng, 0.01, 0.01);
  m.disabilityCertificate = tri(rng, 0.06);
  m.welfareMedical = tri(rng, 0.1);
  m.pregnant = role === 'spouse' || role === 'applicant' ? tri(rng, 0.05) : false;
  m.myNumberCard = tri(rng, 0.7);
  m.sealRegistered = age >= 15 ? tri(rng, 0.5) : false;
  m.receivesChildAllowance = age >= 18 ? tri(rng, 0.3, 0.1) : false;
  return m;
}

/**
 * A random valid household and visit (facts that validateFacts accepts), deterministic for a
 * given rng state: the input of property tests and the guidance benchmark.
 */
export function generateHousehold(rng: Rng, date: IsoDate): Facts {
  const first = pick(rng, LIFE_EVENTS);
  const events: LifeEvent[] = [first];
  if (chance(rng, 0.25)) {
    const second = pick(rng, LIFE_EVENTS);
    if (!events.includes(second)) events.push(second);
  }
  const eventDate = addDays(date, -int(rng, 0, 20));
  const members: Member[] = [];
  const applicant = member(rng, 'applicant', date, 18, 90);
  applicant.head = tri(rng, 0.7);
  members.push(applicant);
  if (chance(rng, 0.6) || events.includes('marriage') || events.includes('divorce')) members.push(member(rng, 'spouse', date, 18, 90));
  const kids = chance(rng, 0.5) ? int(rng, 1, 4) : 0;
  for (let i = 0; i < kids; i++) members.push(member(rng, 'child', date, 0, 25));
  if (chance(rng, 0.15)) members.push(member(rng, 'parent', date, 55, 100));
  if (chance(rng, 0.05)) members.push(member(rng, 'other', date, 0, 90));
  if (events.includes('birth')) {
    const nb = defaultMember('newborn');
    if (chance(rng, 0.5)) nb.birthDate = eventDate;
    nb.myNumberCard = false;
    members.push(nb);
  }
  if (events.includes('death')) {
    const d = member(rng, 'deceased', date, 30, 105);
    d.head = tri(rng, 0.6);
    members.push(d);
  }
  if (events.includes('birth')) {
    // Usually the applicant or the spouse gave birth; sometimes nobody is marked.
    const parents = members.filter((m) => m.role === 'applicant' || m.role === 'spouse');
    const r = rng();
    if (parents.length > 0 && r < 0.7) parents[Math.floor(rng() * parents.length)]!.gaveBirth = true;
    else if (parents.length > 0 && r < 0.8) parents[0]!.gaveBirth = 'unknown';
  }
  if (events.includes('insurance-change')) {
    for (const m of members) {
      if (m.role === 'newborn' || m.role === 'deceased' || !chance(rng, 0.6)) continue;
      m.previousInsurance = pick(rng, INSURANCES);
    }
  }
  if (events.includes('marriage') || events.includes('divorce')) {
    for (const m of members) if (m.role === 'applicant' || m.role === 'spouse') m.nameChanges = tri(rng, 0.5);
  }
  const facts: Facts = {
    date,
    eventDate,
    events,
    members,
    household: {
      singleParent: tri(rng, events.includes('divorce') ? 0.6 : 0.1),
      dogs: chance(rng, 0.03) ? 'unknown' : chance(rng, 0.2) ? int(rng, 1, 3) : 0,
      mopeds: chance(rng, 0.03) ? 'unknown' : chance(rng, 0.15) ? int(rng, 1, 2) : 0,
      ownsRealEstate: tri(rng, 0.4),
      dependentsOfDeceased: tri(rng, 0.2),
      wantsChildcare: tri(rng, 0.2, 0.02),
      wantsSealRegistration: tri(rng, 0.1, 0.01),
    },
    certificates: events.includes('certificate') ? CERTIFICATES.filter(() => chance(rng, 0.4)) : [],
  };
  if (events.includes('moving-in')) facts.moveFrom = chance(rng, 0.05) ? 'unknown' : chance(rng, 0.15) ? 'abroad' : pick(rng, ['same-prefecture', 'other-prefecture', 'other-municipality'] as const);
  if (events.includes('moving-out')) facts.moveTo = chance(rng, 0.05) ? 'unknown' : chance(rng, 0.1) ? 'abroad' : pick(rng, ['same-prefecture', 'other-prefecture', 'other-municipality'] as const);
  if (chance(rng, 0.05) && events.some((e) => e !== 'certificate')) facts.eventDate = 'unknown';
  return facts;
}
