import { addDays, civilOfDayNumber, dayNumber, fromDayNumber, parseIsoDate, toDayNumber, type CivilDate, type IsoDate } from './isoDate';

/**
 * Ages as Japanese law counts them (年齢計算ニ関スル法律 and 民法143条): a person reaches age N at the
 * end of the day before their Nth birthday. Every rule of the catalog is one of the functions below.
 */

function birth(iso: IsoDate) {
  const c = parseIsoDate(iso);
  if (!c) throw new RangeError(`not an ISO date: ${iso}`);
  return c;
}

/** The Nth birthday; a 29 February birth has its birthday on 1 March in a common year. */
export function nthBirthday(birthDate: IsoDate, n: number): IsoDate {
  const b = birth(birthDate);
  return fromDayNumber(dayNumber(b.y + n, b.m, b.d));
}

/** The day the person reaches age N: the day before the Nth birthday. */
export function dayReachingAge(birthDate: IsoDate, n: number): IsoDate {
  return addDays(nthBirthday(birthDate, n), -1);
}

/** Age reached on `date` (0 for a date before the first birthday's eve). */
export function legalAge(birthDate: IsoDate, date: IsoDate): number {
  const q = byDayNumbers(birthDate, date);
  if (q) {
    const { b, t } = q;
    let n = Math.max(0, q.y - b.y);
    while (n > 0 && reachDay(b, n) > t) n--;
    while (reachDay(b, n + 1) <= t) n++;
    return n;
  }
  const b = birth(birthDate);
  const t = toDayNumber(date);
  let n = Math.max(0, birth(date).y - b.y);
  while (n > 0 && toDayNumber(dayReachingAge(birthDate, n)) > t) n--;
  while (toDayNumber(dayReachingAge(birthDate, n + 1)) <= t) n++;
  return n;
}

/**
 * A birth and a day as day numbers, when both fall in years where day numbers order as the ISO
 * strings do and every birthday the rules ask stays a 4-digit year (100–9900): the age rules then
 * count on numbers, not on a date string per step (a guidance list asks each member's classes).
 * Outside those years (never a real visit) the string definitions below answer. ages.test.ts holds
 * the two paths to the same answers.
 */
function byDayNumbers(birthDate: IsoDate, date: IsoDate): { b: CivilDate; bn: number; t: number; y: number } | null {
  const b = parseIsoDate(birthDate);
  const d = parseIsoDate(date);
  if (!b || !d || b.y < 100 || b.y > 9900 || d.y < 100 || d.y > 9900) return null;
  return { b, bn: dayNumber(b.y, b.m, b.d), t: dayNumber(d.y, d.m, d.d), y: d.y };
}

/** dayReachingAge as a day number. */
function reachDay(b: CivilDate, n: number): number {
  return dayNumber(b.y + n, b.m, b.d) - 1;
}

/** firstMarch31OnOrAfter as a day number. */
function march31OnOrAfterDay(n: number): number {
  const c = civilOfDayNumber(n);
  return dayNumber(c.m > 3 ? c.y + 1 : c.y, 3, 31);
}

/** firstApril1After as a day number. */
function april1AfterDay(n: number): number {
  const c = civilOfDayNumber(n);
  return dayNumber(c.m >= 4 ? c.y + 1 : c.y, 4, 1);
}

/** First 31 March on or after `iso`. */
export function firstMarch31OnOrAfter(iso: IsoDate): IsoDate {
  const c = birth(iso);
  const y = c.m > 3 ? c.y + 1 : c.y;
  return `${String(y).padStart(4, '0')}-03-31`;
}

/** First 1 April strictly after `iso`. */
export function firstApril1After(iso: IsoDate): IsoDate {
  const c = birth(iso);
  const y = c.m >= 4 ? c.y + 1 : c.y;
  return `${String(y).padStart(4, '0')}-04-01`;
}

/** Last day someone counts as a child (児童手当・子ども医療費・ひとり親): the first 31 March on/after reaching 18. */
export function childUntil(birthDate: IsoDate): IsoDate {
  return firstMarch31OnOrAfter(dayReachingAge(birthDate, 18));
}

export function isChild(birthDate: IsoDate, date: IsoDate): boolean {
  return date >= birthDate && date <= childUntil(birthDate);
}

/** First day of compulsory school age (学齢): the first 1 April after reaching 6. */
export function schoolAgeFrom(birthDate: IsoDate): IsoDate {
  return firstApril1After(dayReachingAge(birthDate, 6));
}

/** Last day of compulsory school age: the first 31 March on/after reaching 15. */
export function schoolAgeUntil(birthDate: IsoDate): IsoDate {
  return firstMarch31OnOrAfter(dayReachingAge(birthDate, 15));
}

export function isSchoolAge(birthDate: IsoDate, date: IsoDate): boolean {
  return date >= schoolAgeFrom(birthDate) && date <= schoolAgeUntil(birthDate);
}

/** A child before compulsory school age (a newborn is one). */
export function isPreschool(birthDate: IsoDate, date: IsoDate): boolean {
  return date >= birthDate && date < schoolAgeFrom(birthDate);
}

/** 介護保険 第1号被保険者: from the day they reach 65 (the day before the 65th birthday). */
export function isKaigo65(birthDate: IsoDate, date: IsoDate): boolean {
  return date >= dayReachingAge(birthDate, 65);
}

/** 後期高齢者医療: from the 75th birthday itself, not the day before. */
export function isKouki75(birthDate: IsoDate, date: IsoDate): boolean {
  return date >= nthBirthday(birthDate, 75);
}

/** The age classes the catalog's conditions name. */
export type AgeClass = 'child' | 'school-age' | 'preschool' | 'kaigo65' | 'kouki75';
export const AGE_CLASSES: readonly AgeClass[] = ['child', 'school-age', 'preschool', 'kaigo65', 'kouki75'];

export function inAgeClass(cls: AgeClass, birthDate: IsoDate, date: IsoDate): boolean {
  const q = byDayNumbers(birthDate, date);
  if (q) {
    const { b, bn, t } = q;
    switch (cls) {
      case 'child':
        return t >= bn && t <= march31OnOrAfterDay(reachDay(b, 18));
      case 'school-age':
        return t >= april1AfterDay(reachDay(b, 6)) && t <= march31OnOrAfterDay(reachDay(b, 15));
      case 'preschool':
        return t >= bn && t < april1AfterDay(reachDay(b, 6));
      case 'kaigo65':
        return t >= reachDay(b, 65);
      case 'kouki75':
        return t >= dayNumber(b.y + 75, b.m, b.d);
    }
  }
  switch (cls) {
    case 'child':
      return isChild(birthDate, date);
    case 'school-age':
      return isSchoolAge(birthDate, date);
    case 'preschool':
      return isPreschool(birthDate, date);
    case 'kaigo65':
      return isKaigo65(birthDate, date);
    case 'kouki75':
      return isKouki75(birthDate, date);
  }
}
