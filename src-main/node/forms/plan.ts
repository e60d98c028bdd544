import type { Resident } from '../../common/contract/residents';
import type { FormPlanEntry, FormPlanReason } from '../../common/contract/formPrint';
import { childUntil } from '../../common/dates/ages';
import { ageOn, matches, type FormContext } from './bindings';
import type { FormItem, FormTemplate, MemberFilter } from './template';

export type { FormPlanEntry };
type PlanReason = FormPlanReason;

/** The first filter condition a resident fails, in words. */
export function whyNot(r: Resident, f: MemberFilter | undefined, today: string): PlanReason | undefined {
  if (!f || matches(r, f, today)) return undefined;
  const age = ageOn(r.birthDate, today);
  if (f.minAge !== undefined && age < f.minAge) return { code: 'under-age', params: { min: f.minAge, age }, ja: `${f.minAge}歳未満（${age}歳）のため対象外` };
  if (f.maxAge !== undefined && age > f.maxAge) return { code: 'over-age', params: { max: f.maxAge, age }, ja: `${f.maxAge + 1}歳以上（${age}歳）のため対象外` };
  if (f.child !== undefined) {
    const until = childUntil(r.birthDate);
    return f.child
      ? { code: 'not-child', params: { until }, ja: `児童（18歳到達後の最初の3月31日まで）ではないため対象外（${until}まで）` }
      : { code: 'not-child', params: { until }, ja: '児童のため対象外' };
  }
  if (f.foreign !== undefined) return f.foreign ? { code: 'not-foreign', params: {}, ja: '外国人住民ではないため対象外' } : { code: 'foreign', params: {}, ja: '外国人住民のため対象外' };
  if (f.kokuho !== undefined) return f.kokuho ? { code: 'not-kokuho', params: {}, ja: '国民健康保険の加入者ではないため対象外' } : { code: 'kokuho', params: {}, ja: '国民健康保険の加入者のため対象外' };
  if (f.koki !== undefined) return f.koki ? { code: 'not-koki', params: {}, ja: '後期高齢者医療の被保険者ではないため対象外' } : { code: 'koki', params: {}, ja: '後期高齢者医療の被保険者のため対象外' };
  if (f.sealRegistered !== undefined) return f.sealRegistered ? { code: 'no-seal', params: {}, ja: '印鑑登録がないため対象外' } : { code: 'seal', params: {}, ja: '印鑑登録済みのため対象外' };
  return undefined;
}

/**
 * For each form the list needs and each member of the household: is the member on the printed
 * form, and if not, why (the counter's resident panel shows it). A person form covers the members
 * its filter admits, one page each; a household form lists the members its table admits.
 */
export function formPlan(templates: FormTemplate[], ctx: Pick<FormContext, 'members' | 'today'>): FormPlanEntry[] {
  const out: FormPlanEntry[] = [];
  for (const t of templates) {
    const table = t.items.find((i): i is Extract<FormItem, { type: 'members' }> => i.type === 'members');
    const filter = t.scope === 'person' ? t.filter : (table?.filter ?? t.filter);
    const entries = ctx.members.map((m): FormPlanEntry => {
      const reason = whyNot(m, filter, ctx.today);
      return { form: t.id, formName: t.name, member: { id: m.id, name: m.name }, included: !reason, ...(reason ? { reason } : {}) };
    });
    out.push(...entries);
    if (!entries.some((e) => e.included) && (t.scope === 'person' || t.filter)) {
      out.push({ form: t.id, formName: t.name, included: false, reason: { code: 'no-one', params: {}, ja: 'この世帯に対象となる方がいないため印刷しません' } });
    }
  }
  return out;
}
