import type { Resident } from '../../common/contract/residents';
import type { FormContext } from './bindings';
import { renderForms } from './render';
import type { FormTemplate } from './template';

/**
 * A made-up household (見本: nobody's data) that every form template has someone to fill for: a
 * head of 72 (後期高齢・介護), a spouse, a son with 国保, a child, and a foreign resident. A rare
 * kanji (𠮷) and Vietnamese letters bring in the fallback fonts the first real household may need.
 */
function sampleHousehold(today: string): Resident[] {
  const year = Number(today.slice(0, 4));
  const base = { householdId: '000000000', postalCode: '372-0000', address: '群馬県伊勢崎市今泉町二丁目410番地', addressExtra: '見本コーポ101号室', nationality: 'JP', honseki: '群馬県伊勢崎市今泉町二丁目410番地', hittousha: '見本　太郎' };
  const none = { kokuho: false, koki: false, kaigo: 'none', pension: 'none', receivesPension: false, welfareMedical: 'none', techo: [], sealRegistered: false, myNumberCard: false } as const;
  return [
    { ...base, ...none, id: '000000001', name: '見本　太郎', kana: 'ミホン　タロウ', birthDate: `${year - 72}-04-01`, sex: 'male', head: true, relationship: '世帯主', koki: true, kaigo: 'insured', receivesPension: true, sealRegistered: true },
    { ...base, ...none, id: '000000002', name: '見本　花子', kana: 'ミホン　ハナコ', birthDate: `${year - 68}-09-15`, sex: 'female', head: false, relationship: '妻', pension: 'category3' },
    { ...base, ...none, id: '000000003', name: '見本　一郎', kana: 'ミホン　イチロウ', birthDate: `${year - 40}-12-24`, sex: 'male', head: false, relationship: '子', kokuho: true, pension: 'category1', myNumberCard: true },
    { ...base, ...none, id: '000000004', name: '𠮷見　さくら', kana: 'ヨシミ　サクラ', birthDate: `${year - 5}-03-03`, sex: 'female', head: false, relationship: '孫', welfareMedical: 'kodomo' },
    { ...base, ...none, id: '000000005', name: 'NGUYỄN VĂN AN', kana: 'グエン　ヴァン　アン', birthDate: `${year - 29}-07-07`, sex: 'male', head: false, relationship: '同居人', nationality: 'VN', nationalityName: 'ベトナム', residenceStatus: '技術・人文知識・国際業務', periodOfStay: '3年', stayExpiry: `${year + 2}-07-06`, residenceCardNo: 'AB12345678CD', honseki: undefined, hittousha: undefined, kokuho: true },
  ].map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as Resident);
}

/** Warm-ups done in this process (tests check that a forms terminal's startup made one). */
export const formWarmups = { runs: 0, lastMs: 0 };

/**
 * Renders every template once for the made-up household and throws the PDF away. The first print
 * after startup then finds the fonts read and parsed, their character maps read, the templates'
 * fixed labels shaped and measured, and the code compiled: what made it ten times slower than the
 * next ones. No resident is read and nothing is written. Returns how long it took (ms).
 */
export async function warmFormRenderer(templates: Iterable<FormTemplate>, opts: { cityName: string; today: string }): Promise<number> {
  const t0 = performance.now();
  const members = sampleHousehold(opts.today);
  const ctx: FormContext = { today: opts.today, cityName: opts.cityName, householdId: members[0]!.householdId, members, applicant: members[0]! };
  const list = [...templates];
  if (list.length) await renderForms(list, ctx);
  const ms = performance.now() - t0;
  formWarmups.runs++;
  formWarmups.lastMs = ms;
  return ms;
}
