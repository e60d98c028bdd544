import { addDays, addYears } from '../../common/dates/isoDate';
import type { Prng } from './prng';

/**
 * Who comes to the counter of a city of about 210,000 (伊勢崎市: ~250,000 counter transactions a
 * year, mostly certificates, then moves, births, deaths and marriages; a large foreign community,
 * mostly Brazilian, Vietnamese and Filipino). Each visitor becomes facts for the guidance engine.
 */
export const LIFE_EVENT_MIX = {
  certificate: 66,
  'moving-in': 8,
  'moving-out': 7,
  'moving-within': 6,
  birth: 3,
  death: 3,
  marriage: 2.5,
  'marriage+moving-in': 1,
  divorce: 1,
  'household-change': 1.5,
} as const;

export const LANGUAGE_MIX = { ja: 88, 'ja-easy': 1, 'pt-BR': 3.5, vi: 2.5, tl: 1.5, 'zh-CN': 1.2, es: 1, en: 1.3 } as const;

const CERTIFICATE_MIX = { juminhyo: 45, koseki: 20, 'inkan-shomei': 20, 'zei-shomei': 12, 'nozei-shomei': 3 } as const;
const FOREIGN_NATIONALITY: Record<string, string> = { 'pt-BR': 'BR', vi: 'VN', tl: 'PH', 'zh-CN': 'CN', es: 'PE', en: 'US' };

export interface VisitorProfile {
  events: string[];
  lang: string;
  priority: boolean;
  /** Came with the online guide's QR code. */
  fromGuide: boolean;
  facts: Record<string, unknown>;
  /** Copies per certificate requested. */
  copies: Record<string, number>;
}

type M = Record<string, unknown>;

function birthForAge(p: Prng, date: string, lo: number, hi: number): string {
  return addDays(addYears(date, -p.int(lo, hi)), -p.int(1, 364));
}

function adult(p: Prng, date: string, role: string, lo: number, hi: number, nationality: string, insured: 'nhi' | 'employee' | 'employee-dependent' | 'late-elderly' = 'nhi'): M {
  const birthDate = birthForAge(p, date, lo, hi);
  const age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  const insurance = age >= 75 ? 'late-elderly' : insured;
  return {
    role,
    birthDate,
    nationality,
    insurance,
    pension: age >= 60 ? 'none' : insurance === 'employee' ? 'category2' : insurance === 'employee-dependent' ? 'category3' : 'category1',
    receivesPension: age >= 65 && p.chance(0.85),
    careCertified: age >= 65 && p.chance(age >= 80 ? 0.3 : 0.08),
    disabilityCertificate: p.chance(0.03),
    myNumberCard: p.chance(0.75),
    sealRegistered: p.chance(0.4),
  };
}

function child(p: Prng, date: string, nationality: string, insurance: string): M {
  return { role: 'child', birthDate: birthForAge(p, date, 0, 17), nationality, insurance, myNumberCard: p.chance(0.6) };
}

function family(p: Prng, date: string, nat: string, opts: { couple: number; kids: number; elder: number }): M[] {
  const insured = p.chance(0.6) ? 'employee' : 'nhi';
  const ms: M[] = [{ ...adult(p, date, 'applicant', 22, 60, nat, insured), head: true }];
  if (p.chance(opts.couple)) ms.push(adult(p, date, 'spouse', 22, 60, nat, insured === 'employee' ? 'employee-dependent' : 'nhi'));
  if (p.chance(opts.kids)) {
    const n = p.int(1, 3);
    for (let i = 0; i < n; i++) ms.push(child(p, date, nat, insured === 'employee' ? 'employee-dependent' : 'nhi'));
  }
  if (p.chance(opts.elder)) ms.push(adult(p, date, 'parent', 66, 92, nat));
  return ms;
}

function household(p: Prng): M {
  return {
    dogs: p.chance(0.12) ? p.int(1, 2) : 0,
    mopeds: p.chance(0.06) ? 1 : 0,
    singleParent: p.chance(0.04),
    ownsRealEstate: p.chance(0.3),
    wantsChildcare: p.chance(0.2),
    wantsSealRegistration: p.chance(0.05),
  };
}

export function makeVisitor(p: Prng, date: string): VisitorProfile {
  const kind = p.weighted(LIFE_EVENT_MIX);
  const lang = p.weighted(LANGUAGE_MIX);
  const nat = FOREIGN_NATIONALITY[lang] ?? 'JP';
  const events: string[] = kind === 'marriage+moving-in' ? ['marriage', 'moving-in'] : [kind];
  // Some who come for a life event also pick up a certificate while they are here.
  if (kind !== 'certificate' && p.chance(0.1)) events.push('certificate');
  const facts: M = { date, events };
  const copies: Record<string, number> = {};
  let priority = false;

  if (events.includes('certificate')) {
    const kinds = new Set<string>([p.weighted(CERTIFICATE_MIX)]);
    if (p.chance(0.25)) kinds.add(p.weighted(CERTIFICATE_MIX));
    facts.certificates = [...kinds];
    for (const k of kinds) copies[k] = p.chance(0.75) ? 1 : p.chance(0.8) ? 2 : 3;
  }
  switch (kind) {
    case 'certificate':
      priority = p.chance(0.03);
      break;
    case 'moving-in':
    case 'marriage+moving-in': {
      facts.eventDate = addDays(date, -p.int(0, 13));
      facts.moveFrom = nat !== 'JP' && p.chance(0.45) ? 'abroad' : 'other-municipality';
      facts.members = kind === 'marriage+moving-in' ? family(p, date, nat, { couple: 1, kids: 0.1, elder: 0 }) : family(p, date, nat, { couple: 0.5, kids: 0.35, elder: 0.08 });
      if (p.chance(0.03)) (facts.members as M[])[0]!.pregnant = true;
      facts.household = household(p);
      priority = p.chance(0.06);
      break;
    }
    case 'moving-out':
      facts.eventDate = addDays(date, p.int(-5, 14));
      facts.moveTo = nat !== 'JP' && p.chance(0.2) ? 'abroad' : 'other-municipality';
      facts.members = family(p, date, nat, { couple: 0.45, kids: 0.3, elder: 0.06 });
      facts.household = household(p);
      priority = p.chance(0.04);
      break;
    case 'moving-within':
      facts.eventDate = addDays(date, -p.int(0, 13));
      facts.members = family(p, date, nat, { couple: 0.5, kids: 0.35, elder: 0.1 });
      facts.household = household(p);
      priority = p.chance(0.05);
      break;
    case 'birth': {
      const born = addDays(date, -p.int(0, 13));
      facts.eventDate = born;
      const ms = family(p, date, nat, { couple: 0.92, kids: 0.4, elder: 0 });
      ms.push({ role: 'newborn', birthDate: born, nationality: nat });
      facts.members = ms;
      facts.household = { ...household(p), wantsChildcare: p.chance(0.1) };
      priority = p.chance(0.5); // 乳幼児連れ
      break;
    }
    case 'death': {
      facts.eventDate = addDays(date, -p.int(0, 6));
      const deceased = { ...adult(p, date, 'deceased', 60, 98, nat), head: p.chance(0.6) };
      const ms: M[] = [adult(p, date, 'applicant', 40, 75, nat), deceased];
      if (p.chance(0.5)) ms.push(adult(p, date, 'spouse', 60, 95, nat));
      facts.members = ms;
      facts.household = { ...household(p), dependentsOfDeceased: p.chance(0.1) };
      priority = p.chance(0.25);
      break;
    }
    case 'marriage':
      facts.eventDate = date;
      facts.members = [
        { ...adult(p, date, 'applicant', 22, 45, nat), nameChanges: p.chance(0.5) },
        { ...adult(p, date, 'spouse', 22, 45, nat), nameChanges: p.chance(0.45) },
      ];
      facts.household = household(p);
      break;
    case 'divorce':
      facts.eventDate = date;
      facts.members = family(p, date, nat, { couple: 0, kids: 0.5, elder: 0 }).map((m, i) => (i === 0 ? { ...m, nameChanges: p.chance(0.5) } : m));
      facts.household = { ...household(p), singleParent: p.chance(0.6) };
      break;
    case 'household-change':
      facts.eventDate = addDays(date, -p.int(0, 10));
      facts.members = family(p, date, nat, { couple: 0.6, kids: 0.3, elder: 0.3 });
      facts.household = household(p);
      break;
  }
  if (events.includes('certificate') && facts.members === undefined) facts.members = [];
  return { events, lang, priority, fromGuide: kind !== 'certificate' && p.chance(0.06), facts, copies };
}
