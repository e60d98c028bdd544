import { mulberry32 } from '../random';
import type { LifeEvent } from '../guidance/facts';
import type { Catalog } from './types';

/**
 * The library of sample households a draft catalog is previewed on (issue 19): for every life
 * event the catalog's procedures appear for, households of many shapes (single, couple, family
 * with children of each age class, elderly, foreign residents, pets, mopeds, each insurance and
 * pension), so a change to a condition, a route or a counter shows on the households it concerns.
 * Deterministic (a seeded generator): `fixtures/catalog-samples/households.json` is this output,
 * and a test checks the shipped file still equals it.
 */
export interface SampleHousehold {
  id: string;
  /** A short description in Japanese for the preview (the WG's language). */
  label: string;
  facts: Record<string, unknown>;
}

/** The events the catalog's procedures are listed for, in the catalog's order. */
export function catalogEvents(catalog: Pick<Catalog, 'procedures'>): LifeEvent[] {
  const seen: LifeEvent[] = [];
  for (const p of catalog.procedures) for (const r of p.appearsWhen) for (const e of r.events) if (!seen.includes(e)) seen.push(e);
  return seen;
}

type M = Record<string, unknown>;

/** Household shapes: who lives there (birth years relative to the visit year 2026). */
const SHAPES: Array<{ key: string; label: string; members: (pick: <T>(xs: readonly T[]) => T) => M[] }> = [
  { key: 'single', label: '単身 (30代)', members: (p) => [{ role: 'applicant', birthDate: '1992-04-10', insurance: p(['nhi', 'employee']), pension: p(['category1', 'category2']), myNumberCard: p([true, false]), head: true }] },
  { key: 'couple', label: '夫婦 (20代)', members: (p) => [{ role: 'applicant', birthDate: '1999-08-01', insurance: 'employee', pension: 'category2', head: true, myNumberCard: true }, { role: 'spouse', birthDate: '2000-02-14', insurance: p(['employee-dependent', 'nhi']), pension: p(['category3', 'category1']), nameChanges: p([true, false]), sealRegistered: p([true, false]) }] },
  {
    key: 'family-preschool',
    label: '夫婦と未就学児',
    members: (p) => [
      { role: 'applicant', birthDate: '1990-05-05', insurance: p(['nhi', 'employee']), pension: 'category2', head: true, myNumberCard: true },
      { role: 'spouse', birthDate: '1991-09-09', insurance: 'employee-dependent', pension: 'category3', pregnant: p([true, false]) },
      { role: 'child', birthDate: '2022-06-01', insurance: 'employee-dependent' },
    ],
  },
  {
    key: 'family-school',
    label: '夫婦と小中学生',
    members: (p) => [
      { role: 'applicant', birthDate: '1984-03-03', insurance: p(['nhi', 'employee']), pension: 'category2', head: true, myNumberCard: p([true, false]), receivesChildAllowance: true },
      { role: 'spouse', birthDate: '1986-11-11', insurance: 'employee-dependent', pension: 'category3' },
      { role: 'child', birthDate: '2015-07-07', insurance: 'employee-dependent', myNumberCard: p([true, false]) },
      { role: 'child', birthDate: '2018-01-20', insurance: 'employee-dependent' },
    ],
  },
  {
    key: 'single-parent',
    label: 'ひとり親と子',
    members: (p) => [
      { role: 'applicant', birthDate: '1988-12-12', insurance: p(['nhi', 'employee']), pension: p(['category1', 'category2']), head: true, nameChanges: p([true, false]), receivesChildAllowance: p([true, false]) },
      { role: 'child', birthDate: '2017-04-04', insurance: 'employee-dependent' },
    ],
  },
  {
    key: 'elderly',
    label: '高齢夫婦 (75歳以上)',
    members: (p) => [
      { role: 'applicant', birthDate: '1947-02-02', insurance: 'late-elderly', pension: 'none', receivesPension: true, head: true, careCertified: p([true, false]), welfareMedical: p([true, false]) },
      { role: 'spouse', birthDate: '1950-10-10', insurance: 'late-elderly', pension: 'none', receivesPension: true, disabilityCertificate: p([true, false]) },
    ],
  },
  {
    key: 'senior',
    label: '65〜74歳の世帯',
    members: (p) => [
      { role: 'applicant', birthDate: '1958-06-06', insurance: 'nhi', pension: 'none', receivesPension: true, head: true, careCertified: p([true, false]) },
      { role: 'parent', birthDate: '1938-01-01', insurance: 'late-elderly', pension: 'none', receivesPension: true, careCertified: true },
    ],
  },
  {
    key: 'three-generations',
    label: '三世代同居',
    members: (p) => [
      { role: 'applicant', birthDate: '1952-05-20', insurance: 'nhi', pension: 'none', receivesPension: true, head: true, welfareMedical: p([true, false]), disabilityCertificate: p([true, false]) },
      { role: 'spouse', birthDate: '1954-07-07', insurance: 'nhi', pension: 'none', receivesPension: true },
      { role: 'child', birthDate: '1982-09-15', insurance: 'employee', pension: 'category2', myNumberCard: true, nameChanges: p([true, false]) },
      { role: 'other', birthDate: '2019-02-28', insurance: 'employee-dependent', pregnant: false },
    ],
  },
  {
    key: 'foreign',
    label: '外国籍の世帯',
    members: (p) => [
      { role: 'applicant', birthDate: '1993-03-30', nationality: p(['BR', 'VN', 'PH', 'CN', 'PE']), insurance: p(['nhi', 'employee', 'none']), pension: p(['category1', 'category2', 'none']), head: true },
      { role: 'spouse', birthDate: '1995-12-01', nationality: p(['BR', 'VN', 'PH', 'JP']), insurance: p(['nhi', 'employee-dependent']), pension: p(['category1', 'category3']) },
    ],
  },
];

function eventFacts(event: LifeEvent, shape: string, pick: <T>(xs: readonly T[]) => T): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (event === 'moving-in') f.moveFrom = pick(['same-prefecture', 'other-prefecture', 'abroad', 'other-municipality']);
  if (event === 'moving-out') f.moveTo = pick(['same-prefecture', 'other-prefecture', 'abroad']);
  if (event === 'certificate') f.certificates = [pick(['juminhyo', 'inkan-shomei', 'koseki', 'zei-shomei', 'nozei-shomei']), pick(['juminhyo', 'koseki'])].filter((x, i, a) => a.indexOf(x) === i);
  const household: M = {};
  if (pick([true, false, false])) household.dogs = 1;
  if (pick([true, false, false])) household.mopeds = 1;
  if (event === 'death') {
    household.ownsRealEstate = pick([true, false]);
    household.dependentsOfDeceased = pick([true, false]);
  }
  if (shape === 'single-parent' || (event === 'divorce' && pick([true, false]))) household.singleParent = true;
  if (event === 'birth') household.wantsChildcare = pick([true, false]);
  if (pick([true, false, false, false])) household.wantsSealRegistration = true;
  if (Object.keys(household).length > 0) f.household = household;
  return f;
}

function withEvent(event: LifeEvent, members: M[], pick: <T>(xs: readonly T[]) => T): M[] {
  const out = members.map((m) => ({ ...m }));
  if (event === 'birth') out.push({ role: 'newborn', nationality: (out[0]?.nationality as string | undefined) ?? 'JP' });
  if (event === 'death') {
    // The head dies in about half the households (世帯主変更 when two or more aged 15+ remain).
    const i = out.length > 1 && pick([true, false]) ? pick(out.map((_, k) => k).slice(1)) : 0;
    out[i] = { ...out[i], role: 'deceased', birthDate: out[i]?.birthDate ?? '1950-01-01', welfareMedical: pick([true, false]), disabilityCertificate: pick([true, false, false]) };
  }
  if (event === 'marriage' || event === 'divorce') {
    const i = out.length > 1 ? 1 : 0;
    out[i] = { ...out[i], nameChanges: true, myNumberCard: pick([true, false]) };
  }
  if (event === 'moving-in' && pick([true, false, false])) {
    const i = out.findIndex((m) => m.role === 'spouse');
    if (i >= 0) out[i] = { ...out[i], pregnant: true };
  }
  if (event === 'insurance-change') out[0] = { ...out[0], previousInsurance: pick(['employee', 'employee-dependent', 'nhi']), insurance: pick(['nhi', 'employee', 'none']) };
  if (event === 'birth') {
    const mother = out.findIndex((m) => m.role === 'spouse' || m.role === 'applicant');
    if (mother >= 0) out[mother] = { ...out[mother], gaveBirth: true };
  }
  return out;
}

/** ≥ 100 sample households: every catalog event × every household shape (and a second pick for the busiest events). */
export function buildSampleHouseholds(catalog: Pick<Catalog, 'procedures'>, seed = 19): SampleHousehold[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: SampleHousehold[] = [];
  const events = catalogEvents(catalog);
  const rounds = Math.max(1, Math.ceil(100 / Math.max(1, events.length * SHAPES.length)));
  for (let round = 0; round < rounds; round++) {
    for (const event of events) {
      for (const shape of SHAPES) {
        if (event === 'certificate' && round > 0) continue;
        const members = withEvent(event, shape.members(pick), pick);
        const second = event === 'marriage' && pick([true, false]) ? ['moving-in' as LifeEvent] : [];
        const facts: Record<string, unknown> = {
          date: '2026-11-26',
          eventDate: event === 'certificate' ? 'unknown' : `2026-11-${String(16 + Math.floor(r() * 8)).padStart(2, '0')}`,
          events: [event, ...second],
          members: event === 'certificate' ? [members[0]] : members,
          ...eventFacts(event, shape.key, pick),
        };
        if (second.includes('moving-in') && facts.moveFrom === undefined) facts.moveFrom = 'other-prefecture';
        out.push({ id: `${event}-${shape.key}${round > 0 ? `-${round + 1}` : ''}`, label: `${event} / ${shape.label}`, facts });
      }
    }
  }
  return out;
}
