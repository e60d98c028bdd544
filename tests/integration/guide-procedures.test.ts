import { describe, expect, it } from 'vitest';
import { guide, type GuidanceItem } from '../../src-main/common/guidance/guide';
import { loadCatalog } from '../../src-main/node/catalog/load';

/**
 * Every procedure of the shipped catalog, with at least one visit that lists it and one that does
 * not (CATALOG.md "when" column). A procedure added to the catalog without a row here fails the
 * coverage test at the bottom.
 */
const catalog = loadCatalog();
const D = '2026-11-26';
const EV = '2026-11-20';

type M = Record<string, unknown>;
const applicant = (x: M = {}): M => ({ role: 'applicant', birthDate: '1988-05-10', head: true, insurance: 'employee', pension: 'category2', ...x });
const spouse = (x: M = {}): M => ({ role: 'spouse', birthDate: '1990-02-14', insurance: 'employee-dependent', pension: 'category3', ...x });
const child = (birthDate: string, x: M = {}): M => ({ role: 'child', birthDate, insurance: 'employee-dependent', ...x });
const parent = (birthDate: string, x: M = {}): M => ({ role: 'parent', birthDate, insurance: 'late-elderly', pension: 'none', ...x });
const deceased = (x: M = {}): M => ({ role: 'deceased', birthDate: '1950-06-01', head: false, insurance: 'employee', pension: 'category2', ...x });
const newborn = (): M => ({ role: 'newborn' });
const visit = (events: string[], members: M[], more: M = {}): M => ({
  date: D,
  eventDate: EV,
  events,
  ...(events.includes('moving-in') ? { moveFrom: 'other-prefecture' } : {}),
  ...(events.includes('moving-out') ? { moveTo: 'other-prefecture' } : {}),
  members,
  ...more,
});

const SCHOOL = '2015-06-01'; // 11 on D
const PRESCHOOL = '2023-01-20'; // 3
const AGED_80 = '1946-03-01';
const AGED_70 = '1956-03-01';
const AGED_60 = '1966-03-01';

interface Row {
  id: string;
  listed: M;
  notListed: M;
  expect?: Partial<Pick<GuidanceItem, 'status' | 'route' | 'delivery' | 'members' | 'wanted'>>;
}

const rows: Row[] = [
  { id: 'tennyu', listed: visit(['moving-in'], [applicant()]), notListed: visit(['moving-within'], [applicant()]), expect: { route: 'accept', status: 'required', members: [0] } },
  { id: 'tenshutsu', listed: visit(['moving-out'], [applicant()]), notListed: visit(['moving-in'], [applicant()]), expect: { delivery: 'immediate' } },
  // 転出届の特例: everyone moving holds a My Number card → no 転出証明書.
  { id: 'tenshutsu', listed: visit(['moving-out'], [applicant({ myNumberCard: true }), spouse({ myNumberCard: true })]), notListed: visit(['certificate'], [applicant()], { certificates: ['juminhyo'] }), expect: { delivery: 'none' } },
  // Second edition: no 転出証明書 is ever issued for a move abroad.
  { id: 'tenshutsu', listed: visit(['moving-out'], [applicant({ myNumberCard: false })], { moveTo: 'abroad' }), notListed: visit(['death'], [applicant(), deceased()]), expect: { delivery: 'none' } },
  { id: 'tenshutsu', listed: visit(['moving-out'], [applicant({ myNumberCard: true })], { moveTo: 'same-prefecture' }), notListed: visit(['moving-in'], [applicant()]), expect: { delivery: 'none' } },
  { id: 'tenkyo', listed: visit(['moving-within'], [applicant()]), notListed: visit(['moving-in'], [applicant()]) },
  { id: 'setai-henko', listed: visit(['household-change'], [applicant()]), notListed: visit(['moving-within'], [applicant()]) },
  { id: 'shussei', listed: visit(['birth'], [applicant(), newborn()]), notListed: visit(['death'], [applicant(), deceased()]), expect: { members: [1] } },
  { id: 'shibou', listed: visit(['death'], [applicant(), deceased()]), notListed: visit(['birth'], [applicant(), newborn()]), expect: { delivery: 'immediate', members: [1] } },
  {
    id: 'setainushi-henko',
    listed: visit(['death'], [applicant(), child('2011-11-26'), deceased({ head: true })]),
    notListed: visit(['death'], [applicant(), child('2011-11-28'), deceased({ head: true })]),
    expect: { members: [0, 1] },
  },
  { id: 'setainushi-henko', listed: visit(['death'], [applicant(), spouse(), deceased({ head: true })]), notListed: visit(['death'], [applicant(), spouse(), deceased({ head: false })]) },
  { id: 'konin', listed: visit(['marriage'], [applicant(), spouse()]), notListed: visit(['divorce'], [applicant()]), expect: { members: [0, 1] } },
  { id: 'rikon', listed: visit(['divorce'], [applicant()]), notListed: visit(['marriage'], [applicant(), spouse()]) },
  { id: 'mynumber-card-continue', listed: visit(['moving-in'], [applicant({ myNumberCard: true })]), notListed: visit(['moving-in'], [applicant({ myNumberCard: false })]) },
  { id: 'mynumber-card-continue', listed: visit(['moving-within'], [applicant(), spouse({ myNumberCard: true })]), notListed: visit(['moving-out'], [applicant({ myNumberCard: true })]), expect: { members: [1] } },
  { id: 'mynumber-card-name', listed: visit(['marriage'], [applicant(), spouse({ nameChanges: true, myNumberCard: true })]), notListed: visit(['marriage'], [applicant(), spouse({ nameChanges: true, myNumberCard: false })]) },
  { id: 'inkan-toroku', listed: visit(['certificate'], [applicant()], { certificates: [], household: { wantsSealRegistration: true } }), notListed: visit(['certificate'], [applicant()], { certificates: ['juminhyo'] }) },
  { id: 'inkan-toroku', listed: visit(['divorce'], [applicant({ nameChanges: true, sealRegistered: true })]), notListed: visit(['divorce'], [applicant({ nameChanges: true, sealRegistered: false })]) },
  { id: 'kokuho-join', listed: visit(['moving-in'], [applicant({ insurance: 'nhi' })]), notListed: visit(['moving-in'], [applicant({ insurance: 'employee' })]), expect: { route: 'proxy', delivery: 'later' } },
  // "none and age < 75": before the 75th birthday (後期高齢者医療 starts on it).
  { id: 'kokuho-join', listed: visit(['moving-in'], [parent('1951-11-27', { insurance: 'none' })]), notListed: visit(['moving-in'], [parent('1951-11-26', { insurance: 'none' })]) },
  { id: 'kokuho-join', listed: visit(['birth'], [applicant({ insurance: 'nhi' }), newborn()]), notListed: visit(['birth'], [applicant(), spouse(), newborn()]), expect: { members: [1] } },
  { id: 'kokuho-join', listed: visit(['divorce'], [applicant({ insurance: 'employee-dependent' })]), notListed: visit(['divorce'], [applicant({ insurance: 'employee' })]) },
  { id: 'kokuho-join', listed: visit(['death'], [spouse(), deceased()], { household: { dependentsOfDeceased: true } }), notListed: visit(['death'], [spouse(), deceased()]), expect: { members: [0] } },
  { id: 'kokuho-leave', listed: visit(['moving-out'], [applicant({ insurance: 'nhi' })]), notListed: visit(['moving-out'], [applicant()]) },
  { id: 'kokuho-leave', listed: visit(['death'], [applicant(), deceased({ insurance: 'nhi' })]), notListed: visit(['death'], [applicant({ insurance: 'nhi' }), deceased()]), expect: { members: [1] } },
  { id: 'kokuho-change', listed: visit(['moving-within'], [applicant({ insurance: 'nhi' })]), notListed: visit(['moving-within'], [applicant()]) },
  { id: 'kokuho-change', listed: visit(['household-change'], [applicant({ insurance: 'nhi' })]), notListed: visit(['household-change'], [applicant()]) },
  { id: 'kokuho-change', listed: visit(['marriage'], [applicant(), spouse({ insurance: 'nhi', nameChanges: true })]), notListed: visit(['marriage'], [applicant(), spouse({ insurance: 'nhi', nameChanges: false })]) },
  // Second edition: the member who gave birth decides (the applicant's own insurance does not).
  { id: 'shussan-ikuji', listed: visit(['birth'], [applicant(), spouse({ insurance: 'nhi', gaveBirth: true }), newborn()]), notListed: visit(['birth'], [applicant({ insurance: 'nhi' }), spouse({ gaveBirth: true }), newborn()]), expect: { route: 'refer', members: [1] } },
  // Ages on the day of death: 75 at death (born 1951-11-15, died 2026-11-20) is 後期, not 国保.
  { id: 'sousaihi-kokuho', listed: visit(['death'], [applicant(), deceased({ insurance: 'nhi', birthDate: '1951-11-21' })]), notListed: visit(['death'], [applicant(), deceased({ insurance: 'nhi', birthDate: '1951-11-15' })]), expect: { delivery: 'later' } },
  { id: 'kouki-join', listed: visit(['moving-in'], [applicant(), parent(AGED_80)]), notListed: visit(['moving-in'], [applicant(), parent(AGED_70, { insurance: 'nhi' })]), expect: { members: [1] } },
  { id: 'kouki-join', listed: visit(['moving-in'], [parent(AGED_80)], { moveFrom: 'abroad' }), notListed: visit(['moving-in'], [parent(AGED_80)], { moveFrom: 'same-prefecture' }) },
  { id: 'kouki-leave', listed: visit(['moving-out'], [parent(AGED_80)]), notListed: visit(['moving-out'], [parent(AGED_70, { insurance: 'nhi' })]), expect: { delivery: 'immediate' } },
  { id: 'kouki-leave', listed: visit(['moving-out'], [parent(AGED_80)], { moveTo: 'abroad' }), notListed: visit(['moving-out'], [parent(AGED_80)], { moveTo: 'same-prefecture' }) },
  { id: 'kouki-leave', listed: visit(['death'], [applicant(), deceased({ birthDate: AGED_70, insurance: 'late-elderly' })]), notListed: visit(['death'], [applicant(), deceased({ birthDate: AGED_70, insurance: 'nhi' })]), expect: { delivery: 'none' } },
  { id: 'kouki-change', listed: visit(['moving-within'], [parent(AGED_80)]), notListed: visit(['moving-within'], [parent(AGED_60, { insurance: 'nhi' })]) },
  { id: 'kouki-change', listed: visit(['moving-in'], [parent(AGED_80)], { moveFrom: 'same-prefecture' }), notListed: visit(['moving-in'], [parent(AGED_80)], { moveFrom: 'other-prefecture' }), expect: { delivery: 'later' } },
  { id: 'kouki-change', listed: visit(['moving-out'], [parent(AGED_80)], { moveTo: 'same-prefecture' }), notListed: visit(['moving-out'], [parent(AGED_80)], { moveTo: 'abroad' }) },
  { id: 'sousaihi-kouki', listed: visit(['death'], [applicant(), deceased({ birthDate: AGED_80, insurance: 'late-elderly' })]), notListed: visit(['death'], [applicant(), deceased({ birthDate: AGED_60 })]) },
  { id: 'kokumin-nenkin', listed: visit(['moving-in'], [applicant({ insurance: 'nhi', pension: 'unknown' })], { moveFrom: 'abroad' }), notListed: visit(['moving-in'], [applicant({ insurance: 'nhi' })]) },
  { id: 'kokumin-nenkin', listed: visit(['divorce'], [applicant({ pension: 'category3' })]), notListed: visit(['divorce'], [applicant({ birthDate: AGED_60, pension: 'category3' })]) },
  { id: 'nenkin-mishikyu', listed: visit(['death'], [applicant(), deceased({ receivesPension: true })]), notListed: visit(['death'], [applicant({ receivesPension: true }), deceased()]), expect: { route: 'refer' } },
  { id: 'shibou-ichijikin', listed: visit(['death'], [applicant(), deceased({ pension: 'category1', receivesPension: false })]), notListed: visit(['death'], [applicant(), deceased({ pension: 'category1', receivesPension: true })]) },
  // Not with 遺族基礎年金 (a child remains).
  { id: 'shibou-ichijikin', listed: visit(['death'], [spouse(), child('2000-01-01'), deceased({ pension: 'category1', receivesPension: false })]), notListed: visit(['death'], [spouse(), child(SCHOOL), deceased({ pension: 'category1', receivesPension: false })]) },
  { id: 'izoku-kiso', listed: visit(['death'], [spouse(), child(SCHOOL), deceased({ pension: 'category1', receivesPension: false })]), notListed: visit(['death'], [spouse(), child('2000-01-01'), deceased({ pension: 'category1' })]), expect: { route: 'refer', delivery: 'none' } },
  { id: 'izoku-kiso', listed: visit(['death'], [spouse(), child(PRESCHOOL), deceased({ pension: 'category2', receivesPension: true })]), notListed: visit(['death'], [spouse(), child(PRESCHOOL), deceased({ pension: 'category2', receivesPension: false })]) },
  { id: 'fukushi-iryo-end', listed: visit(['death'], [applicant(), deceased({ welfareMedical: true })]), notListed: visit(['death'], [applicant({ welfareMedical: true }), deceased()]) },
  { id: 'kodomo-iryo-register', listed: visit(['moving-in'], [applicant(), child(SCHOOL)]), notListed: visit(['moving-in'], [applicant(), spouse()]), expect: { members: [1] } },
  { id: 'kodomo-iryo-register', listed: visit(['birth'], [applicant(), newborn()]), notListed: visit(['moving-within'], [applicant(), child(SCHOOL)]) },
  { id: 'kodomo-iryo-change', listed: visit(['moving-within'], [applicant(), child(SCHOOL)]), notListed: visit(['moving-within'], [applicant()]) },
  { id: 'kodomo-iryo-end', listed: visit(['moving-out'], [applicant(), child(PRESCHOOL)]), notListed: visit(['moving-out'], [applicant(), child('2000-01-01')]) },
  { id: 'hitorioya-iryo', listed: visit(['divorce'], [applicant(), child(SCHOOL)], { household: { singleParent: true } }), notListed: visit(['divorce'], [applicant(), child('2000-01-01')], { household: { singleParent: true } }) },
  { id: 'hitorioya-iryo', listed: visit(['birth'], [applicant(), newborn()], { household: { singleParent: true } }), notListed: visit(['birth'], [applicant(), newborn()]) },
  { id: 'hitorioya-iryo', listed: visit(['death'], [spouse(), child(SCHOOL), deceased()], { household: { singleParent: true } }), notListed: visit(['death'], [spouse(), child(SCHOOL), deceased()]) },
  { id: 'kaigo-join', listed: visit(['moving-in'], [parent(AGED_70, { insurance: 'nhi' })]), notListed: visit(['moving-in'], [parent(AGED_60, { insurance: 'nhi' })]) },
  { id: 'kaigo-certified-transfer', listed: visit(['moving-in'], [parent(AGED_80, { careCertified: true })]), notListed: visit(['moving-in'], [parent(AGED_80)]), expect: { route: 'refer' } },
  { id: 'kaigo-leave', listed: visit(['moving-out'], [parent(AGED_70, { insurance: 'nhi' })]), notListed: visit(['moving-out'], [parent(AGED_60, { insurance: 'nhi' })]), expect: { delivery: 'none' } },
  { id: 'kaigo-leave', listed: visit(['moving-out'], [applicant({ careCertified: true })]), notListed: visit(['moving-out'], [applicant()]), expect: { delivery: 'immediate' } },
  { id: 'kaigo-leave', listed: visit(['death'], [applicant(), deceased({ birthDate: AGED_70 })]), notListed: visit(['death'], [applicant(), deceased({ birthDate: AGED_60 })]), expect: { delivery: 'none' } },
  // Regression (fast-check seed 519615911): death + moving-out, the moving-out rule decides the delivery.
  { id: 'kaigo-leave', listed: visit(['death', 'moving-out'], [applicant({ careCertified: true }), deceased({ birthDate: AGED_80 })]), notListed: visit(['death', 'moving-out'], [applicant(), deceased({ birthDate: AGED_60 })]), expect: { delivery: 'immediate' } },
  { id: 'kaigo-change', listed: visit(['moving-within'], [parent(AGED_70, { insurance: 'nhi' })]), notListed: visit(['moving-within'], [parent(AGED_60, { insurance: 'nhi' })]), expect: { route: 'proxy', delivery: 'later' } },
  { id: 'kaigo-change', listed: visit(['moving-within'], [applicant({ careCertified: true })]), notListed: visit(['moving-in'], [applicant({ careCertified: true })]) },
  { id: 'jidou-teate-claim', listed: visit(['birth'], [applicant(), newborn()]), notListed: visit(['birth'], [applicant(), child(PRESCHOOL), newborn()]), expect: { members: [1] } },
  { id: 'jidou-teate-claim', listed: visit(['moving-in'], [applicant(), child(SCHOOL)]), notListed: visit(['moving-in'], [applicant()]) },
  // The recipient died: the surviving guardian claims.
  { id: 'jidou-teate-claim', listed: visit(['death'], [spouse(), child(SCHOOL), deceased({ receivesChildAllowance: true })]), notListed: visit(['death'], [spouse(), child(SCHOOL), deceased({ receivesChildAllowance: false })]), expect: { members: [1] } },
  { id: 'jidou-teate-claim', listed: visit(['divorce'], [applicant({ receivesChildAllowance: false }), child(SCHOOL)]), notListed: visit(['divorce'], [applicant({ receivesChildAllowance: true }), child(SCHOOL)]) },
  { id: 'jidou-teate-change', listed: visit(['birth'], [applicant(), child(PRESCHOOL), newborn()]), notListed: visit(['birth'], [applicant(), child('2000-01-01'), newborn()]), expect: { members: [2] } },
  { id: 'jidou-teate-change', listed: visit(['marriage'], [applicant(), spouse(), child(SCHOOL)]), notListed: visit(['marriage'], [applicant(), spouse()]) },
  { id: 'jidou-teate-change', listed: visit(['divorce'], [applicant({ receivesChildAllowance: true }), child(SCHOOL)]), notListed: visit(['divorce'], [applicant({ receivesChildAllowance: false }), child(SCHOOL)]) },
  { id: 'jidou-teate-end', listed: visit(['moving-out'], [applicant(), child(SCHOOL)]), notListed: visit(['moving-out'], [applicant()]) },
  { id: 'jidou-teate-end', listed: visit(['divorce'], [applicant({ receivesChildAllowance: false }), spouse({ receivesChildAllowance: true }), child(SCHOOL)]), notListed: visit(['divorce'], [applicant({ receivesChildAllowance: true }), spouse({ receivesChildAllowance: false }), child(SCHOOL)]), expect: { members: [1] } },
  { id: 'jidou-fuyou', listed: visit(['moving-in'], [applicant(), child(SCHOOL)], { household: { singleParent: true } }), notListed: visit(['moving-in'], [applicant(), child(SCHOOL)]), expect: { route: 'refer' } },
  { id: 'jidou-fuyou', listed: visit(['death'], [spouse(), child(SCHOOL), deceased()], { household: { singleParent: true } }), notListed: visit(['death'], [spouse(), child('2000-01-01'), deceased()], { household: { singleParent: true } }) },
  { id: 'kokuho-change', listed: visit(['death'], [spouse({ insurance: 'nhi' }), deceased({ head: true })]), notListed: visit(['death'], [spouse({ insurance: 'nhi' }), deceased({ head: false })]), expect: { members: [0] } },
  { id: 'kokuho-join', listed: visit(['insurance-change'], [applicant({ previousInsurance: 'employee', insurance: 'nhi' })]), notListed: visit(['insurance-change'], [applicant({ previousInsurance: 'nhi', insurance: 'employee' })]), expect: { members: [0] } },
  { id: 'kokuho-leave', listed: visit(['insurance-change'], [applicant({ previousInsurance: 'nhi', insurance: 'employee' })]), notListed: visit(['insurance-change'], [applicant({ previousInsurance: 'employee', insurance: 'nhi' })]) },
  { id: 'kokumin-nenkin', listed: visit(['insurance-change'], [applicant({ previousInsurance: 'employee', insurance: 'nhi' })]), notListed: visit(['insurance-change'], [parent(AGED_60, { previousInsurance: 'employee', insurance: 'nhi' })]) },
  { id: 'nenkin-abroad', listed: visit(['moving-out'], [applicant({ pension: 'category1' })], { moveTo: 'abroad' }), notListed: visit(['moving-out'], [applicant({ pension: 'category1' })]), expect: { route: 'proxy', delivery: 'none' } },
  { id: 'mynumber-card-abroad', listed: visit(['moving-out'], [applicant({ myNumberCard: true })], { moveTo: 'abroad' }), notListed: visit(['moving-out'], [applicant({ myNumberCard: false })], { moveTo: 'abroad' }), expect: { route: 'accept', delivery: 'immediate' } },
  { id: 'uji-zokusho', listed: visit(['divorce'], [applicant({ nameChanges: true })]), notListed: visit(['divorce'], [applicant({ nameChanges: false })]), expect: { status: 'optional', route: 'accept' } },
  { id: 'shussei-juri', listed: visit(['birth'], [applicant({ nationality: 'BR' }), newborn()]), notListed: visit(['birth'], [applicant(), newborn()]), expect: { status: 'optional', delivery: 'immediate', members: [1] } },
  { id: 'zairyu-shikaku', listed: visit(['birth'], [applicant({ nationality: 'VN' }), { role: 'newborn', nationality: 'VN' }]), notListed: visit(['birth'], [applicant({ nationality: 'VN' }), newborn()]), expect: { route: 'refer', department: 'external', place: 'external', external: true, counter: '' } as never },
  { id: 'hoiku-apply', listed: visit(['moving-in'], [applicant(), child(PRESCHOOL)]), notListed: visit(['moving-in'], [applicant(), child(SCHOOL)]), expect: { status: 'optional', route: 'refer-optional' } },
  { id: 'hoiku-apply', listed: visit(['birth'], [applicant(), newborn()], { household: { wantsChildcare: true } }), notListed: visit(['death'], [applicant(), deceased()]), expect: { wanted: true } },
  { id: 'boshi-kenshin', listed: visit(['moving-in'], [applicant(), child(PRESCHOOL)]), notListed: visit(['moving-in'], [applicant(), child(SCHOOL)]), expect: { status: 'optional' } },
  { id: 'shinseiji-houmon', listed: visit(['birth'], [applicant(), newborn()]), notListed: visit(['moving-in'], [applicant(), child(PRESCHOOL)]) },
  { id: 'ninpu-kenshin', listed: visit(['moving-in'], [applicant(), spouse({ pregnant: true })]), notListed: visit(['moving-within'], [applicant(), spouse({ pregnant: true })]), expect: { members: [1] } },
  { id: 'tengaku', listed: visit(['moving-in'], [applicant(), child(SCHOOL)]), notListed: visit(['moving-in'], [applicant(), child(PRESCHOOL)]), expect: { route: 'proxy', delivery: 'immediate' } },
  { id: 'tengaku', listed: visit(['moving-within'], [applicant(), child('2011-06-01')]), notListed: visit(['moving-within'], [applicant(), child('2010-06-01')]) },
  { id: 'shogai-techo', listed: visit(['moving-within'], [applicant({ disabilityCertificate: true })]), notListed: visit(['moving-within'], [applicant()]) },
  { id: 'shogai-techo-return', listed: visit(['death'], [applicant(), deceased({ disabilityCertificate: true })]), notListed: visit(['death'], [applicant({ disabilityCertificate: true }), deceased()]) },
  { id: 'gentsuki-register', listed: visit(['moving-in'], [applicant()], { household: { mopeds: 1 } }), notListed: visit(['moving-in'], [applicant()], { household: { mopeds: 0 } }), expect: { route: 'refer', members: [0] } },
  { id: 'gentsuki-cancel', listed: visit(['moving-out'], [applicant()], { household: { mopeds: 2 } }), notListed: visit(['moving-within'], [applicant()], { household: { mopeds: 2 } }) },
  { id: 'inu-change', listed: visit(['moving-in'], [applicant()], { household: { dogs: 1 } }), notListed: visit(['moving-in'], [applicant()]), expect: { delivery: 'immediate' } },
  { id: 'inu-change', listed: visit(['moving-within'], [applicant()], { household: { dogs: 2 } }), notListed: visit(['moving-out'], [applicant()], { household: { dogs: 2 } }), expect: { delivery: 'none' } },
  { id: 'sozokunin-daihyo', listed: visit(['death'], [applicant(), deceased()], { household: { ownsRealEstate: true } }), notListed: visit(['death'], [applicant(), deceased()]) },
  ...(['juminhyo', 'inkan-shomei', 'koseki', 'zei-shomei', 'nozei-shomei'] as const).map((c) => ({
    id: c,
    listed: visit(['certificate'], [applicant()], { certificates: [c] }),
    notListed: visit(['certificate'], [applicant()], { certificates: [c === 'juminhyo' ? 'koseki' : 'juminhyo'] }),
    expect: { route: 'accept' as const, delivery: 'immediate' as const, members: [0] },
  })),
];

function find(facts: M, id: string): GuidanceItem | undefined {
  return guide(facts, catalog).procedures.find((p) => p.id === id);
}

describe('every catalog procedure: listed when its condition holds, not listed otherwise', () => {
  it.each(rows.map((r, i) => [`${r.id} #${i}`, r] as const))('%s', (_name, row) => {
    const item = find(row.listed, row.id);
    expect(item, `${row.id} should be listed`).toBeDefined();
    expect(item!.status).not.toBe('to-confirm');
    for (const [k, v] of Object.entries(row.expect ?? {})) expect((item as unknown as Record<string, unknown>)[k], k).toEqual(v);
    expect(find(row.notListed, row.id), `${row.id} should not be listed`).toBeUndefined();
  });

  it('has a row for every procedure in the catalog', () => {
    const covered = new Set(rows.map((r) => r.id));
    expect(catalog.procedures.map((p) => p.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe('fees, convenience store, forms, deadlines', () => {
  it('certificates carry the fee and コンビニ交付', () => {
    const r = guide(visit(['certificate'], [applicant()], { certificates: ['juminhyo', 'koseki', 'nozei-shomei'] }), catalog);
    const by = Object.fromEntries(r.procedures.map((p) => [p.id, p]));
    expect(by.juminhyo).toMatchObject({ fee: 300, convenienceStore: true, forms: ['juminhyo-seikyu'], deadline: null });
    expect(by.koseki).toMatchObject({ fee: 450 });
    expect(by['nozei-shomei']).toMatchObject({ fee: 300, convenienceStore: false });
  });

  it('deadlines count from the event day; 転出 is offered from 14 days before; claims by years', () => {
    const mi = guide(visit(['moving-in'], [applicant({ insurance: 'nhi', myNumberCard: true }), child(SCHOOL)]), catalog).procedures;
    const by = Object.fromEntries(mi.map((p) => [p.id, p]));
    expect(by.tennyu!.deadline).toBe('2026-12-04');
    // 15 days from 20 Nov is Saturday 5 Dec: the deadline moves to Monday 7 Dec.
    expect(by['jidou-teate-claim']!.deadline).toBe('2026-12-07');
    expect(by['jidou-teate-claim']!.deadlineMovedFrom).toBe('2026-12-05');
    expect(by['mynumber-card-continue']!.deadline).toBe('2026-12-04'); // second edition: with the 転入届, 14 days
    const out = guide({ ...visit(['moving-out'], [applicant()]), eventDate: '2026-12-10' }, catalog).procedures.find((p) => p.id === 'tenshutsu')!;
    expect(out.deadline).toBeNull();
    expect(out.availableFrom).toBe('2026-11-26');
    const death = guide(visit(['death'], [applicant(), deceased({ birthDate: AGED_70, insurance: 'nhi', receivesPension: true })]), catalog).procedures;
    expect(death.find((p) => p.id === 'sousaihi-kokuho')!.deadline).toBe('2028-11-20');
    expect(death.find((p) => p.id === 'nenkin-mishikyu')!.deadline).toBe('2031-11-20');
    // 戸籍法: the day of death is day 1 → 7 days end on 26 Nov.
    expect(death.find((p) => p.id === 'shibou')!.deadline).toBe('2026-11-26');
  });

  it('bring items follow their conditions and are named in the visitor language', () => {
    const abroad = guide(visit(['moving-in'], [applicant({ nationality: 'VN' })], { moveFrom: 'abroad' }), catalog, { lang: 'en' }).procedures.find((p) => p.id === 'tennyu')!;
    expect(abroad.bring.map((b) => b.id)).toEqual(['honnin-kakunin', 'passport', 'zairyu-card']);
    const jpAbroad = guide(visit(['moving-in'], [applicant()], { moveFrom: 'abroad' }), catalog).procedures.find((p) => p.id === 'tennyu')!;
    expect(jpAbroad.bring.map((b) => b.id)).toEqual(['honnin-kakunin', 'passport', 'koseki-fuhyo']);
    const konin = guide(visit(['marriage'], [applicant(), spouse({ nationality: 'PH' })]), catalog).procedures.find((p) => p.id === 'konin')!;
    expect(konin.bring.map((b) => b.id)).toEqual(['konin-todoke', 'honnin-kakunin', 'konin-yoken', 'passport', 'honyaku']);
    expect(abroad.bring[1]!.name).toBe('Passport');
    expect(abroad.name).toBe('Moving-in notification (転入届)');
    const domestic = guide(visit(['moving-in'], [applicant()]), catalog).procedures.find((p) => p.id === 'tennyu')!;
    expect(domestic.bring.map((b) => b.id)).toEqual(['honnin-kakunin', 'tenshutsu-shomei']);
  });

  it('lists no online option until the city configures its address', () => {
    const items = guide(visit(['moving-out'], [applicant(), child(SCHOOL)]), catalog).procedures;
    expect(items.flatMap((i) => i.online)).toEqual([]);
  });
});

describe('unknown facts make a procedure to-confirm, never drop it', () => {
  it('insurance unknown', () => {
    const item = find(visit(['moving-in'], [applicant({ insurance: 'unknown' })]), 'kokuho-join')!;
    expect(item.status).toBe('to-confirm');
    expect(item.toConfirm).toEqual(['members[0].insurance']);
  });
  it('a member with no birth date and no band', () => {
    const item = find(visit(['moving-in'], [applicant(), { role: 'parent', insurance: 'nhi' }]), 'kaigo-join')!;
    expect(item.status).toBe('to-confirm');
    expect(item.toConfirm).toEqual(['members[1].age']);
  });
  it('an age band that settles a rule is not to-confirm; one that straddles it is', () => {
    expect(find(visit(['moving-in'], [{ role: 'parent', ageBand: '75+', insurance: 'late-elderly' }]), 'kouki-join')!.status).toBe('required');
    expect(find(visit(['moving-in'], [{ role: 'parent', ageBand: '60-64', insurance: 'nhi' }]), 'kaigo-join')).toBeUndefined();
    expect(find(visit(['moving-in'], [applicant(), { role: 'child', ageBand: 'preschool' }]), 'tengaku')).toBeUndefined();
    expect(find(visit(['divorce'], [applicant({ birthDate: undefined, ageBand: '60-64', pension: 'category3' })]), 'kokumin-nenkin')).toBeUndefined();
  });
  it('counts and household facts', () => {
    expect(find(visit(['moving-in'], [applicant()], { household: { dogs: 'unknown' } }), 'inu-change')!.status).toBe('to-confirm');
    expect(find(visit(['death'], [applicant(), deceased()], { household: { ownsRealEstate: 'unknown' } }), 'sozokunin-daihyo')!.status).toBe('to-confirm');
    expect(find(visit(['moving-in'], [applicant({ insurance: 'nhi' })], { moveFrom: 'unknown' }), 'kokumin-nenkin')!.status).toBe('to-confirm');
  });
  it('another municipality whose prefecture nobody said: 後期 join, change and leave are to confirm', () => {
    expect(find(visit(['moving-in'], [parent(AGED_80)], { moveFrom: 'other-municipality' }), 'kouki-join')!.status).toBe('to-confirm');
    expect(find(visit(['moving-in'], [parent(AGED_80)], { moveFrom: 'other-municipality' }), 'kouki-join')!.toConfirm).toEqual(['moveFrom']);
    expect(find(visit(['moving-out'], [parent(AGED_80)], { moveTo: 'other-municipality' }), 'kouki-leave')!.status).toBe('to-confirm');
    // but the 転出届の特例 holds for any municipality in Japan
    expect(find(visit(['moving-out'], [applicant({ myNumberCard: true })], { moveTo: 'other-municipality' }), 'tenshutsu')!.delivery).toBe('none');
  });
  it('who gave birth not marked: 出産育児一時金 to confirm; divorce without the recipient: both 児童手当 items to confirm', () => {
    const b = find(visit(['birth'], [applicant(), spouse({ insurance: 'nhi' }), newborn()]), 'shussan-ikuji')!;
    expect(b.status).toBe('to-confirm');
    expect(b.toConfirm).toEqual(['members[1].gaveBirth']);
    const d = guide(visit(['divorce'], [applicant(), child(SCHOOL)]), catalog).procedures;
    expect(d.find((p) => p.id === 'jidou-teate-claim')!.status).toBe('to-confirm');
    expect(d.find((p) => p.id === 'jidou-teate-change')!.status).toBe('to-confirm');
    expect(find(visit(['death'], [spouse(), child(SCHOOL), deceased()]), 'kodomo-iryo-change')!.status).toBe('to-confirm');
  });
  it('a refer-optional procedure is optional even when a fact is known', () => {
    expect(find(visit(['birth'], [applicant(), newborn()]), 'shinseiji-houmon')!.status).toBe('optional');
  });
});

describe('order along the route and several events', () => {
  it('one-stop items first, then referred departments in building order, then optional ones', () => {
    const r = guide(
      visit(['moving-in'], [applicant({ insurance: 'nhi' }), spouse({ pregnant: true, insurance: 'nhi' }), child(PRESCHOOL, { insurance: 'nhi' }), parent(AGED_80, { careCertified: true })], {
        household: { mopeds: 1, singleParent: false },
      }),
      catalog,
    ).procedures;
    const groups = r.map((p) => (p.route === 'accept' || p.route === 'proxy' ? 0 : p.route === 'refer' ? 1 : 2));
    expect(groups).toEqual([...groups].sort());
    const refer = r.filter((p) => p.route === 'refer').map((p) => catalog.routeOrder.indexOf(p.department));
    expect(refer).toEqual([...refer].sort((a, b) => a - b));
    expect(r[0]!.id).toBe('tennyu');
    // accept/proxy items are handled at the one-stop counter's number
    for (const p of r) if (p.route === 'proxy') expect(p.counter).toBe(catalog.departments[catalog.oneStop]!.counter);
  });

  it('marriage + moving-in: the union, each procedure once, with every member it concerns', () => {
    const r = guide(
      visit(['marriage', 'moving-in'], [applicant({ insurance: 'nhi', myNumberCard: true }), spouse({ insurance: 'nhi', nameChanges: true, myNumberCard: true })]),
      catalog,
    ).procedures;
    const ids = r.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['tennyu', 'konin', 'mynumber-card-continue', 'mynumber-card-name', 'kokuho-join', 'kokuho-change']));
    expect(r.find((p) => p.id === 'tennyu')!.events).toEqual(['moving-in']);
    expect(r.find((p) => p.id === 'konin')!.events).toEqual(['marriage']);
    expect(r.find((p) => p.id === 'mynumber-card-continue')!.members).toEqual([0, 1]);
  });
});
