import { describe, expect, it } from 'vitest';
import { guide } from '../../src-main/common/guidance/guide';
import { loadCatalog } from '../../src-main/node/catalog/load';

/** Each age rule of FACTS.md through the engine, the day before and the day of the boundary (date 2026-11-26 unless said). */
const catalog = loadCatalog();

function listed(id: string, events: string[], member: Record<string, unknown>, more: Record<string, unknown> = {}, date = '2026-11-26'): boolean {
  const facts = {
    date,
    events,
    ...(events.includes('moving-in') ? { moveFrom: 'other-prefecture' } : {}),
    members: [{ role: 'applicant', birthDate: '1980-01-01', insurance: 'employee', pension: 'category2' }, member],
    ...more,
  };
  const item = guide(facts, catalog).procedures.find((p) => p.id === id);
  if (item) expect(item.status).not.toBe('to-confirm');
  return item !== undefined;
}

const kid = (birthDate: string) => ({ role: 'child', birthDate, insurance: 'employee-dependent' });

describe('child (子ども医療費): until the first 31 March on/after reaching 18', () => {
  it('born 2008-04-01: a child on 2026-03-31, not on 2026-04-01', () => {
    expect(listed('kodomo-iryo-register', ['moving-in'], kid('2008-04-01'), {}, '2026-03-31')).toBe(true);
    expect(listed('kodomo-iryo-register', ['moving-in'], kid('2008-04-01'), {}, '2026-04-01')).toBe(false);
  });
  it('born 2008-04-02: still a child on 2027-03-31, not on 2027-04-01', () => {
    expect(listed('kodomo-iryo-register', ['moving-in'], kid('2008-04-02'), {}, '2027-03-31')).toBe(true);
    expect(listed('kodomo-iryo-register', ['moving-in'], kid('2008-04-02'), {}, '2027-04-01')).toBe(false);
  });
});

describe('school age (転入学): from the first 1 April after reaching 6 to the first 31 March on/after reaching 15', () => {
  it('start', () => {
    expect(listed('tengaku', ['moving-in'], kid('2020-04-01'), {}, '2026-03-31')).toBe(false);
    expect(listed('tengaku', ['moving-in'], kid('2020-04-01'), {}, '2026-04-01')).toBe(true);
    expect(listed('tengaku', ['moving-in'], kid('2020-04-02'), {}, '2026-04-01')).toBe(false);
    expect(listed('tengaku', ['moving-in'], kid('2020-04-02'), {}, '2027-04-01')).toBe(true);
  });
  it('end', () => {
    expect(listed('tengaku', ['moving-in'], kid('2011-04-02'), {}, '2027-03-31')).toBe(true);
    expect(listed('tengaku', ['moving-in'], kid('2011-04-02'), {}, '2027-04-01')).toBe(false);
  });
});

describe('preschool (乳幼児健診): a child before compulsory school age', () => {
  it('ends the day school age starts', () => {
    expect(listed('boshi-kenshin', ['moving-in'], kid('2020-04-02'), {}, '2027-03-31')).toBe(true);
    expect(listed('boshi-kenshin', ['moving-in'], kid('2020-04-02'), {}, '2027-04-01')).toBe(false);
  });
});

describe('介護保険 65+: from the day before the 65th birthday', () => {
  const p = (birthDate: string) => ({ role: 'parent', birthDate, insurance: 'nhi' });
  it('65th birthday on 2026-11-28: not yet on 2026-11-26', () => expect(listed('kaigo-join', ['moving-in'], p('1961-11-28'))).toBe(false));
  it('65th birthday on 2026-11-27: from 2026-11-26', () => expect(listed('kaigo-join', ['moving-in'], p('1961-11-27'))).toBe(true));
});

describe('後期高齢者医療 75+: from the 75th birthday itself', () => {
  const p = (birthDate: string) => ({ role: 'parent', birthDate, insurance: 'late-elderly' });
  it('75th birthday tomorrow: not yet', () => expect(listed('kouki-join', ['moving-in'], p('1951-11-27'))).toBe(false));
  it('75th birthday today: yes', () => expect(listed('kouki-join', ['moving-in'], p('1951-11-26'))).toBe(true));
});

describe('aged N+: the age reached on date', () => {
  const death = (birthDate: string) => ({
    members: [
      { role: 'applicant', birthDate: '1980-01-01' },
      { role: 'child', birthDate },
      { role: 'deceased', birthDate: '1950-01-01', head: true },
    ],
  });
  it('15+ (世帯主変更): reaches 15 on the day before the birthday', () => {
    const run = (b: string) => guide({ date: '2026-11-26', events: ['death'], ...death(b) }, catalog).procedures.some((p) => p.id === 'setainushi-henko');
    expect(run('2011-11-27')).toBe(true);
    expect(run('2011-11-28')).toBe(false);
  });
  it('20–59 (国民年金 第3号 after divorce): lower and upper edges', () => {
    const one = (birthDate: string) => {
      const r = guide({ date: '2026-11-26', events: ['divorce'], members: [{ role: 'applicant', birthDate, pension: 'category3' }] }, catalog);
      return r.procedures.some((p) => p.id === 'kokumin-nenkin');
    };
    expect(one('2006-11-27')).toBe(true); // reaches 20 today
    expect(one('2006-11-28')).toBe(false); // 19
    expect(one('1966-11-28')).toBe(true); // 59
    expect(one('1966-11-27')).toBe(false); // reaches 60 today
  });
});

describe("a deceased member's ages are those on the day of death (FACTS.md, second edition)", () => {
  // Died on 20 Nov 2026 at 74 (75th birthday on 22 Nov), the family comes on 26 Nov.
  const facts = (birthDate: string, insurance: string) => ({
    date: '2026-11-26',
    eventDate: '2026-11-20',
    events: ['death'],
    members: [{ role: 'spouse', birthDate: '1955-01-01', insurance: 'nhi' }, { role: 'deceased', birthDate, insurance }],
  });
  const ids = (f: unknown) => guide(f, catalog).procedures.map((p) => p.id);
  it('died at 74 with 国保: one 葬祭費 (国保), no 後期高齢 loss, even though 75 on the visit day', () => {
    const got = ids(facts('1951-11-22', 'nhi'));
    expect(got).toContain('sousaihi-kokuho');
    expect(got).not.toContain('sousaihi-kouki');
    expect(got).not.toContain('kouki-leave');
    expect(got).toContain('kokuho-leave');
  });
  it('died on the 75th birthday: 後期, one 葬祭費 (後期)', () => {
    const got = ids(facts('1951-11-20', 'late-elderly'));
    expect(got).toContain('sousaihi-kouki');
    expect(got).toContain('kouki-leave');
    expect(got).not.toContain('sousaihi-kokuho');
  });
  it('died at 64: not a 第1号 介護保険 insured (65 reached only after death)', () => {
    expect(ids(facts('1961-11-22', 'nhi'))).not.toContain('kaigo-leave');
    expect(ids(facts('1961-11-21', 'nhi'))).toContain('kaigo-leave'); // reached 65 on 20 Nov, the day of death
  });
});
