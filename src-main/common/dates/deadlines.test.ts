import { describe, expect, it } from 'vitest';
import { closedDays, isNationalHoliday, nextOpenDay, weekday } from './closedDays';
import { addMonths, deadlineDay, lawfulLastDay } from './deadlines';
import { formatDisplayDate } from './format';

describe('closed days of the city hall', () => {
  it('weekdays on the UTC day count', () => {
    expect(weekday('2026-11-26')).toBe(4); // Thursday
    expect(weekday('1970-01-01')).toBe(4);
    expect(weekday('2026-11-29')).toBe(0);
  });
  it('national holidays come from the holiday_jp calendar, substitute holidays included', () => {
    expect(isNationalHoliday('2026-11-23')).toBe(true); // 勤労感謝の日
    expect(isNationalHoliday('2027-01-11')).toBe(true); // 成人の日
    expect(isNationalHoliday('2026-05-06')).toBe(true); // 振替休日 (憲法記念日 on a Sunday)
    expect(isNationalHoliday('2026-11-24')).toBe(false);
  });
  it('29 December – 3 January, weekends, holidays and the city’s own days', () => {
    const cal = closedDays(['2026-12-03']);
    expect(cal.reason('2026-12-28')).toBeNull();
    expect(cal.reason('2026-12-29')).toBe('year-end');
    expect(cal.reason('2027-01-03')).toBe('weekend');
    expect(cal.reason('2027-01-01')).toBe('holiday');
    expect(cal.reason('2027-01-04')).toBeNull();
    expect(cal.reason('2026-12-03')).toBe('city');
    expect(closedDays().isClosed('2026-12-03')).toBe(false);
    expect(() => closedDays(['2026-02-30'])).toThrow(/not an ISO date/);
  });
  it('the next open day', () => {
    expect(nextOpenDay('2026-12-31')).toBe('2027-01-04');
    expect(nextOpenDay('2027-01-09')).toBe('2027-01-12'); // Sat, Sun, 成人の日
    expect(nextOpenDay('2026-11-26')).toBe('2026-11-26');
  });
});

describe('deadlines as the laws count them', () => {
  it('戸籍法: the day of the event is day 1 (born 20 Nov: 出生届 by 3 Dec; died 24 Nov: 死亡届 by 30 Nov)', () => {
    expect(lawfulLastDay('2026-11-20', { days: 14, count: 'koseki' })).toBe('2026-12-03');
    expect(lawfulLastDay('2026-11-24', { days: 7, count: 'koseki' })).toBe('2026-11-30');
  });
  it('民法140条: the first day is not counted (14 days from 20 Nov: 4 Dec)', () => {
    expect(lawfulLastDay('2026-11-20', { days: 14 })).toBe('2026-12-04');
  });
  it('months: the same day number, the month’s end when there is none, minus one day for 戸籍法', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(lawfulLastDay('2026-11-26', { months: 3, count: 'koseki' })).toBe('2027-02-25');
    expect(lawfulLastDay('2024-02-29', { years: 2 })).toBe('2026-02-28');
  });
  it('a last day on a closed day moves to the next open day', () => {
    expect(deadlineDay('2026-11-20', { days: 15 })).toEqual({ deadline: '2026-12-07', lawful: '2026-12-05', moved: true });
    expect(deadlineDay('2026-12-25', { days: 7, count: 'koseki' })).toEqual({ deadline: '2027-01-04', lawful: '2026-12-31', moved: true });
    expect(deadlineDay('2026-11-20', { days: 14, count: 'koseki' }, closedDays(['2026-12-03'])).deadline).toBe('2026-12-04');
  });
});

describe('dates as people read them, never ISO', () => {
  it('Japanese: 12月3日(木), the year only when it is not the visit’s', () => {
    expect(formatDisplayDate('2026-12-03', 'ja', { visitYear: 2026 })).toBe('12月3日(木)');
    expect(formatDisplayDate('2028-11-20', 'ja-easy', { visitYear: 2026 })).toBe('2028年11月20日(月)');
  });
  it('other languages use their own formats', () => {
    expect(formatDisplayDate('2026-12-03', 'en', { visitYear: 2026 })).toBe('Thu, December 3');
    expect(formatDisplayDate('2026-12-03', 'pt-BR', { visitYear: 2026 })).toMatch(/3 de dezembro/);
    expect(formatDisplayDate('2026-12-03', 'zh-CN', { visitYear: 2026 })).toMatch(/12月3日/);
    for (const l of ['es', 'vi', 'tl']) expect(formatDisplayDate('2026-12-03', l, { visitYear: 2026 })).not.toMatch(/2026-12-03/);
  });
});

describe('和暦 on forms', () => {
  it('an unknown event day prints as an empty box', async () => {
    const { formatWareki } = await import('./wareki');
    expect(formatWareki('unknown')).toBe('');
    expect(formatWareki('2026-12-03')).toBe('令和8年12月3日');
  });
});
