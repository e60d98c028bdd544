import { AppError } from '../../common/errors';
import type { Catalog } from '../../common/catalog/types';
import type { AttachResult } from '../../common/contract/residents';
import { guide } from '../../common/guidance';
import type { Actor, MembersAttached, VisitItemSeed } from '../../common/visit/events';
import type { VisitService } from '../visits/service';
import type { ResidentReader } from './access';
import { mergeResidentFacts } from './linkageFacts';
import type { Residents } from './residents';

/**
 * Attaches household members to a visit: their data becomes facts (データ連携判定), the engine's
 * list is recomputed from them, and procedures it now lists that the visit lacks are added, all in
 * one `visit.membersAttached` event.
 */
export function attachMembers(
  deps: { residents: Residents; visits: VisitService; catalog?: Catalog },
  who: ResidentReader,
  input: { visitId: string; residentIds: string[]; applicantId?: string; purpose: string },
  by: Actor,
): AttachResult {
  const visit = deps.visits.get(input.visitId);
  if (visit.status === 'done' || visit.status === 'cancelled') throw new AppError('conflict', `#${visit.number} is already ${visit.status}`, { field: 'visitId' });
  if (input.applicantId && !input.residentIds.includes(input.applicantId)) throw new AppError('bad-input', 'the applicant must be one of the residents attached', { field: 'applicantId' });
  const residents = deps.residents.getMany(who, input.residentIds, { purpose: input.purpose, visitId: input.visitId }, 'attach');
  const { facts, checks } = mergeResidentFacts(visit.facts, residents, input.applicantId);
  facts.date ??= visit.businessDate;
  let items: VisitItemSeed[] = [];
  if (deps.catalog) {
    const result = guide(facts, deps.catalog, { today: visit.businessDate });
    const have = new Set(visit.items.map((i) => i.id));
    items = result.procedures
      .filter((p) => !have.has(p.id))
      .map((p) => ({ id: p.id, department: p.department, route: p.route as VisitItemSeed['route'], delivery: p.delivery, need: p.status, members: p.members, ...(p.fee !== undefined ? { fee: p.fee } : {}), ...(p.external ? { external: true } : {}) }));
  }
  const payload: MembersAttached = { visitId: visit.id, at: new Date(deps.visits.store.now()).toISOString(), by, residentIds: residents.map((r) => r.id), facts, items };
  deps.visits.store.append('visit.membersAttached', payload, { visitId: visit.id });
  return { visit: deps.visits.get(visit.id), checks, added: items.map((i) => i.id) };
}
