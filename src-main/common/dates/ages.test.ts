import { describe, expect, it } from 'vitest';
import { AGE_CLASSES, childUntil, dayReachingAge, inAgeClass, isChild, isKaigo65, isKouki75, isPreschool, isSchoolAge, legalAge, nthBirthday, schoolAgeFrom, schoolAgeUntil, type AgeClass } from './ages';
import { addDays, addYears, fromDayNumber, isIsoDate, parseIsoDate, toDayNumber } from './isoDate';
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

describe('age rules on day numbers answer as the date-string definitions', () => {
  // legalAge as it counted on date strings (before issue 15's second round): the reference.
  function legalAgeByStrings(birthDate: string, date: string): number {
    const t = toDayNumber(date);
    let n = Math.max(0, parseIsoDate(date)!.y - parseIsoDate(birthDate)!.y);
    while (n > 0 && toDayNumber(dayReachingAge(birthDate, n)) > t) n--;
    while (toDayNumber(dayReachingAge(birthDate, n + 1)) <= t) n++;
    return n;
  }
  const byStrings: Record<AgeClass, (b: string, d: string) => boolean> = { child: isChild, 'school-age': isSchoolAge, preschool: isPreschool, kaigo65: isKaigo65, kouki75: isKouki75 };
  const edges = (b: string): Record<AgeClass, string> => ({
    child: childUntil(b),
    'school-age': schoolAgeFrom(b),
    preschool: schoolAgeFrom(b),
    kaigo65: dayReachingAge(b, 65),
    kouki75: nthBirthday(b, 75),
  });
  const mismatch = (what: string, got: unknown, want: unknown) => expect(`${what}: ${String(got)}`).toBe(`${what}: ${String(want)}`);

  it('every birth day of 1940–2030: each class on the day before, on and after its edge (and the birth and school-leaving days), and the age around a birthday', () => {
    let x = 7;
    const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x / 2 ** 31);
    for (let n = toDayNumber('1940-01-01'); n <= toDayNumber('2030-12-31'); n++) {
      const b = fromDayNumber(n);
      const e = edges(b);
      const cls = AGE_CLASSES[((n % AGE_CLASSES.length) + AGE_CLASSES.length) % AGE_CLASSES.length]!;
      const around = cls === 'school-age' ? [e[cls], schoolAgeUntil(b)] : cls === 'child' || cls === 'preschool' ? [e[cls], b] : [e[cls]];
      for (const edge of around) for (const d of [addDays(edge, -1), edge, addDays(edge, 1)]) {
        if (inAgeClass(cls, b, d) !== byStrings[cls](b, d)) mismatch(`${cls} ${b} on ${d}`, inAgeClass(cls, b, d), byStrings[cls](b, d));
      }
      const age = Math.floor(next() * 100);
      const birthday = dayReachingAge(b, age);
      for (const d of [addDays(birthday, -1), birthday, addDays(birthday, 1)]) if (legalAge(b, d) !== legalAgeByStrings(b, d)) mismatch(`age ${b} on ${d}`, legalAge(b, d), legalAgeByStrings(b, d));
    }
  });

  it('random births and days of years 100–9900, and outside them (where the strings answer, errors included)', () => {
    let x = 11;
    const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x / 2 ** 31);
    const answer = (f: () => unknown) => {
      try {
        return String(f());
      } catch (err) {
        return `throws ${(err as Error).message}`;
      }
    };
    const day = (lo: number, hi: number) => fromDayNumber(toDayNumber(`${String(lo).padStart(4, '0')}-01-01`) + Math.floor(next() * 365.25 * (hi - lo)));
    for (let k = 0; k < 20_000; k++) {
      const [b, d] = k % 4 === 0 ? [day(0, 150), day(0, 300)] : k % 4 === 1 ? [day(9800, 9999), day(9850, 9999)] : (() => {
        const b = day(100, 9850);
        return [b, addDays(b, Math.floor(next() * 40_000) - 200)];
      })();
      for (const cls of AGE_CLASSES) {
        const got = answer(() => inAgeClass(cls, b, d));
        const want = answer(() => byStrings[cls](b, d));
        if (got !== want) mismatch(`${cls} ${b} on ${d}`, got, want);
      }
      const got = answer(() => legalAge(b, d));
      const want = answer(() => legalAgeByStrings(b, d));
      if (got !== want) mismatch(`age ${b} on ${d}`, got, want);
    }
    expect(legalAge('9990-01-01', '9995-06-01')).toBe(5);
  });
});
