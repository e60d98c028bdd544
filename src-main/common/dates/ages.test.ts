import { describe, expect, it } from 'vitest';
import { childUntil, dayReachingAge, isChild, isKaigo65, isKouki75, isPreschool, isSchoolAge, legalAge, schoolAgeFrom, schoolAgeUntil } from './ages';
import { addDays, addYears, isIsoDate, parseIsoDate } from './isoDate';
import { formatWareki } from './wareki';

describe('age reached the day before the birthday (年齢計算ニ関スル法律)', () => {
  it.each([
    ['2000-05-10', '2026-05-08', 25],
    ['2000-05-10', '2026-05-09', 26], // the day before the 26th birthday
    ['2000-05-10', '2026-05-10', 26],
    ['2000-04-01', '2006-03-30', 5],
    ['2000-04-01', '2006-03-31', 6],
    ['2000-02-29', '2026-02-27', 25],
    ['2000-02-29', '2026-02-28', 26], // no 29 Feb: the end of 28 Feb
    ['2026-11-26', '2026-11-26', 0],
  ])('born %s, on %s → %i', (b, d, n) => expect(legalAge(b, d)).toBe(n));

  it('day reaching an age', () => {
    expect(dayReachingAge('2008-04-02', 18)).toBe('2026-04-01');
    expect(dayReachingAge('2008-04-01', 18)).toBe('2026-03-31');
  });
});

describe('child: until the first 31 March on/after reaching 18', () => {
  it('FACTS.md examples', () => {
    expect(childUntil('2008-04-02')).toBe('2027-03-31');
    expect(isChild('2008-04-02', '2027-03-31')).toBe(true);
    expect(isChild('2008-04-02', '2027-04-01')).toBe(false);
    expect(childUntil('2008-04-01')).toBe('2026-03-31');
    expect(isChild('2008-04-01', '2026-03-31')).toBe(true);
    expect(isChild('2008-04-01', '2026-04-01')).toBe(false);
  });
  it('is not a child before being born', () => expect(isChild('2026-11-27', '2026-11-26')).toBe(false));
});

describe('compulsory school age: first 1 April after reaching 6 → first 31 March on/after reaching 15', () => {
  it('born 2 April: school starts the year after reaching 6', () => {
    expect(schoolAgeFrom('2020-04-02')).toBe('2027-04-01');
    expect(isSchoolAge('2020-04-02', '2027-03-31')).toBe(false);
    expect(isPreschool('2020-04-02', '2027-03-31')).toBe(true);
    expect(isSchoolAge('2020-04-02', '2027-04-01')).toBe(true);
    expect(isPreschool('2020-04-02', '2027-04-01')).toBe(false);
  });
  it('born 1 April: belongs with those born the year before', () => {
    expect(schoolAgeFrom('2020-04-01')).toBe('2026-04-01');
    expect(isSchoolAge('2020-04-01', '2026-03-31')).toBe(false);
    expect(isSchoolAge('2020-04-01', '2026-04-01')).toBe(true);
  });
  it('ends on the first 31 March on/after reaching 15', () => {
    expect(schoolAgeUntil('2011-04-02')).toBe('2027-03-31');
    expect(isSchoolAge('2011-04-02', '2027-03-31')).toBe(true);
    expect(isSchoolAge('2011-04-02', '2027-04-01')).toBe(false);
    expect(schoolAgeUntil('2011-04-01')).toBe('2026-03-31');
    expect(isSchoolAge('2011-04-01', '2026-04-01')).toBe(false);
  });
});

describe('介護保険 65: from the day before the 65th birthday', () => {
  it.each([
    ['1961-11-28', '2026-11-26', false],
    ['1961-11-27', '2026-11-26', true],
    ['1961-11-26', '2026-11-26', true],
  ])('born %s on %s → %s', (b, d, v) => expect(isKaigo65(b, d)).toBe(v));
});

describe('後期高齢者医療 75: from the 75th birthday itself', () => {
  it.each([
    ['1951-11-27', '2026-11-26', false], // reached 75 today (legal age) but the birthday is tomorrow
    ['1951-11-26', '2026-11-26', true],
    ['1951-11-25', '2026-11-26', true],
  ])('born %s on %s → %s', (b, d, v) => expect(isKouki75(b, d)).toBe(v));
  it('legal age 75 one day before kouki75', () => {
    expect(legalAge('1951-11-27', '2026-11-26')).toBe(75);
    expect(isKouki75('1951-11-27', '2026-11-26')).toBe(false);
  });
});

describe('ISO dates and 和暦', () => {
  it('rejects dates that do not exist', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(parseIsoDate('2026-11-26T00:00')).toBeNull();
  });
  it('adds days and years', () => {
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
    expect(addYears('2024-02-29', 2)).toBe('2026-02-28');
  });
  it('formats era dates, first year as 元年', () => {
    expect(formatWareki('2026-11-26')).toBe('令和8年11月26日');
    expect(formatWareki('2019-05-01')).toBe('令和元年5月1日');
    expect(formatWareki('2019-04-30')).toBe('平成31年4月30日');
    expect(formatWareki('1989-01-07')).toBe('昭和64年1月7日');
  });
});
