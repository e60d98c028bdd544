import { AppError } from '../../common/errors';
import type { Catalog } from '../../common/catalog/types';
import type { AttachResult, LinkDecision } from '../../common/contract/residents';
import { guide } from '../../common/guidance';
import type { Actor, MembersAttached, VisitItemSeed } from '../../common/visit/events';
import type { VisitService } from '../visits/service';
import type { ResidentReader } from './access';
import { mergeResidentFacts } from './linkageFacts';
import type { AgeBand } from '../../common/dates/ageBands';
import { isChild, isKaigo65, isKouki75, isPreschool, isSchoolAge, legalAge } from '../../common/dates/ages';
import type { Residents } from './residents';

/**
 * Attaches household members to a visit: their data becomes facts (データ連携判定), the engine's
 * list is recomputed from them, and procedures it now lists that the visit lacks are added, all in
 * one `visit.membersAttached` event.
 *
 * Linking respects the visitor: where the interview and the register differ, nothing is
 * overwritten silently. `check` only compares (the clerk sees the differences side by side); an
 * attach then needs a decision per difference (the register's value or the visitor's answer), is
 * refused while one is missing, and records the decisions in the event (the timeline shows them).
 */
export function attachMembers(
  deps: { residents: Residents; visits: VisitService; catalog?: Catalog },
  who: ResidentReader,
  input: { visitId: string; residentIds: string[]; applicantId?: string; purpose: string; check?: boolean; decisions?: readonly LinkDecision[] },
  by: Actor,
): AttachResult {
  const visit = deps.visits.get(input.visitId);
  if (visit.status === 'done' || visit.status === 'cancelled') throw new AppError('conflict', `#${visit.number} is already ${visit.status}`, { field: 'visitId' });
  if (input.applicantId && !input.residentIds.includes(input.applicantId)) throw new AppError('bad-input', 'the applicant must be one of the residents attached', { field: 'applicantId' });
  const residents = deps.residents.getMany(who, input.residentIds, { purpose: input.purpose, visitId: input.visitId }, input.check ? 'read' : 'attach');
  const decided = new Map((input.decisions ?? []).map((d) => [`${d.member}:${d.field}`, d.keep]));
  const { facts, checks } = mergeResidentFacts(visit.facts, residents, input.applicantId, (member, field) => decided.get(`${member}:${field}`) === 'answered');
  const undecided = checks.filter((c) => !decided.has(`${c.member}:${c.field}`));
  if (!input.check && undecided.length > 0) {
    // Field names and member numbers only: the values are resident data and stay out of messages and logs.
    throw new AppError('conflict', `decide each difference between the interview and the resident data first (keep the data or the visitor's answer): ${undecided.map((c) => `member ${c.member + 1} ${c.field}`).join(', ')}`, {
      field: 'decisions',
      details: { key: 'undecided-differences', number: visit.number, differences: undecided.map((c) => ({ member: c.member, field: c.field })) },
    });
  }
  facts.date ??= visit.businessDate;
  let items: VisitItemSeed[] = [];
  if (deps.catalog) {
    const result = guide(facts, deps.catalog, { today: visit.businessDate });
    const have = new Set(visit.items.map((i) => i.id));
    items = result.procedures
      .filter((p) => !have.has(p.id))
      .map((p) => ({ id: p.id, department: p.department, route: p.route as VisitItemSeed['route'], delivery: p.delivery, need: p.status, members: p.members, ...(p.fee !== undefined ? { fee: p.fee } : {}), ...(p.external ? { external: true } : {}) }));
  }
  if (input.check) return { visit, checks, added: items.map((i) => i.id), checked: true };
  const decisions = checks.map((c) => ({ member: c.member, field: c.field, keep: decided.get(`${c.member}:${c.field}`)! }));
  // The replicated log gets only what changes the list: resident ids, minimised facts, the choices.
  const payload: MembersAttached = {
    visitId: visit.id,
    at: new Date(deps.visits.store.now()).toISOString(),
    by,
    residentIds: residents.map((r) => r.id),
    facts: wireFacts(facts, String(facts.date)),
    items,
    ...(decisions.length ? { decisions } : {}),
  };
  deps.visits.store.append('visit.membersAttached', payload, { visitId: visit.id });
  return { visit: deps.visits.get(visit.id), checks: checks.map((c, i) => ({ ...c, kept: decisions[i]!.keep })), added: items.map((i) => i.id) };
}

/** The age band a birth date falls in on `date` (the bands are cut where catalog rules change). */
export function ageBandOn(birthDate: string, date: string): AgeBand {
  if (isPreschool(birthDate, date)) return 'preschool';
  if (isSchoolAge(birthDate, date)) return 'school-age';
  if (isChild(birthDate, date)) return 'child-15-18';
  if (isKouki75(birthDate, date)) return '75+';
  if (isKaigo65(birthDate, date)) return '65-74';
  const age = legalAge(birthDate, date);
  return age < 20 ? 'adult-18-19' : age < 60 ? '20-59' : '60-64';
}

/**
 * Personal data minimised on the wire (ARCHITECTURE.md, Data): the facts a `visit.membersAttached`
 * event carries into the replicated log. A birth date becomes the age band it falls in on the
 * visit's date; a nationality only says whether it is Japanese (`JP`) or not (`XX`, ISO 3166's
 * "unknown" code); names, addresses and birth dates never enter facts at all. Flags that change
 * the list (insurance, pension, care, disability, welfare card, My Number card, seal) stay.
 */
export function wireFacts(facts: Record<string, unknown>, date: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...facts };
  if (Array.isArray(facts.members)) {
    out.members = (facts.members as Array<Record<string, unknown>>).map((m) => {
      const w: Record<string, unknown> = { ...m };
      if (typeof m.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(m.birthDate) && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
        w.ageBand = m.birthDate > date ? 'preschool' : ageBandOn(m.birthDate, date);
      }
      delete w.birthDate;
      if (typeof m.nationality === 'string') w.nationality = m.nationality.toUpperCase() === 'JP' ? 'JP' : 'XX';
      return w;
    });
  }
  return out;
}
