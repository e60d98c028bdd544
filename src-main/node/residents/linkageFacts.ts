import type { FactCheck, Resident } from '../../common/contract/residents';

/**
 * データ連携判定: the resident data becomes visit facts. Each attached resident either confirms a
 * member the concierge already asked about (same role, first unmatched) or joins as a new member.
 * Where an interview answer and the data disagree, the difference is reported so the counter sees
 * what the visitor said and what the register holds; the data wins unless the clerk keeps the answer.
 */

type RawMember = Record<string, unknown>;

/** The facts role of a resident, seen from the applicant. */
export function roleOf(r: Resident, applicant: Resident): string {
  if (r.id === applicant.id) return 'applicant';
  const rel = r.relationship;
  if (applicant.head) {
    if (rel === '妻' || rel === '夫') return 'spouse';
    if (rel === '子') return 'child';
    if (rel === '父' || rel === '母') return 'parent';
    return 'other';
  }
  if ((applicant.relationship === '妻' || applicant.relationship === '夫') && r.head) return 'spouse';
  if ((applicant.relationship === '妻' || applicant.relationship === '夫') && rel === '子') return 'child';
  if (applicant.relationship === '子' && (r.head || rel === '妻' || rel === '夫')) return 'parent';
  return 'other';
}

/** Only what the register knows; pregnancy, name changes and the like stay as the visitor said. */
export function dataFacts(r: Resident, current: RawMember | undefined): RawMember {
  const answered = current?.insurance;
  const insurance = r.koki ? 'late-elderly' : r.kokuho ? 'nhi' : answered === 'employee' || answered === 'employee-dependent' || answered === 'public-assistance' || answered === 'none' ? answered : 'unknown';
  return {
    birthDate: r.birthDate,
    nationality: r.nationality,
    head: r.head,
    insurance,
    pension: r.pension,
    receivesPension: r.receivesPension,
    careCertified: r.kaigo === 'certified',
    disabilityCertificate: r.techo.length > 0,
    welfareMedical: r.welfareMedical !== 'none',
    myNumberCard: r.myNumberCard,
    sealRegistered: r.sealRegistered,
  };
}

/**
 * `keepAnswered(member, field)`: the clerk kept the visitor's answer over the register for that
 * difference; it stays in the facts (the check still reports it, with `kept`).
 */
export function mergeResidentFacts(rawFacts: unknown, residents: Resident[], applicantId?: string, keepAnswered: (member: number, field: string) => boolean = () => false): { facts: Record<string, unknown>; checks: FactCheck[] } {
  const facts: Record<string, unknown> = typeof rawFacts === 'object' && rawFacts !== null ? structuredClone(rawFacts as Record<string, unknown>) : {};
  const members: RawMember[] = Array.isArray(facts.members) ? (facts.members as RawMember[]) : [];
  facts.members = members;
  const applicant = residents.find((r) => r.id === applicantId) ?? residents.find((r) => r.head) ?? residents[0];
  const checks: FactCheck[] = [];
  if (!applicant) return { facts, checks };
  const used = new Set<number>();
  // The applicant first, so the concierge's "applicant" is matched to the right person.
  const ordered = [applicant, ...residents.filter((r) => r !== applicant)];
  for (const r of ordered) {
    const role = roleOf(r, applicant);
    let idx = members.findIndex((m, i) => !used.has(i) && (m.role ?? 'other') === role);
    if (idx < 0) {
      members.push({ role });
      idx = members.length - 1;
    }
    used.add(idx);
    const m = members[idx]!;
    const data = dataFacts(r, m);
    for (const [k, v] of Object.entries(data)) {
      const before = m[k];
      if (before !== undefined && before !== 'unknown' && before !== v) {
        checks.push({ member: idx, field: k, answered: before, data: v });
        if (keepAnswered(idx, k)) continue;
      }
      m[k] = v;
    }
    // A birth date from the register replaces the age band picked at the kiosk.
    delete m.ageBand;
  }
  return { facts, checks };
}
