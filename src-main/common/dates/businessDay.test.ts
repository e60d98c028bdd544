import { describe, expect, it } from 'vitest';
import { businessDate } from './businessDay';

/** The formatter is kept per zone (issue 15); the dates must be those of a fresh formatter. */
describe('businessDate', () => {
  it('gives the same date as a formatter built for the call, across zones and midnights', () => {
    const seed = Number(process.env.BUSINESS_DAY_SEED ?? 20261203);
    let x = seed;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const zone = ['Asia/Tokyo', 'UTC', 'America/Sao_Paulo', 'Asia/Ho_Chi_Minh'][i % 4]!;
      // Around local midnights and ordinary hours of 2020–2030.
      const at = Date.UTC(2020, 0, 1) + Math.floor(next() * 3650) * 86_400_000 + Math.floor(next() * 86_400_000);
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(at));
      const get = (t: string) => parts.find((p) => p.type === t)!.value;
      expect(businessDate(at, zone), `seed ${seed}, ${new Date(at).toISOString()} in ${zone}`).toBe(`${get('year')}-${get('month')}-${get('day')}`);
    }
    expect(businessDate('2026-03-31T15:00:00Z', 'Asia/Tokyo')).toBe('2026-04-01');
    expect(() => businessDate(0, 'Not/AZone')).toThrow(RangeError);
  });

  it('answers an instant asked again (the last one per zone is kept) with the date in that zone, never that of another zone or instant', () => {
    const at = Date.parse('2025-06-15T20:00:00Z');
    for (let i = 0; i < 3; i++) {
      expect(businessDate(at, 'Asia/Tokyo')).toBe('2025-06-16');
      expect(businessDate(at, 'UTC')).toBe('2025-06-15');
      expect(businessDate(new Date(at), 'Asia/Tokyo')).toBe('2025-06-16');
    }
    // The same Date object moved on: its new instant is asked, not the kept one.
    const d = new Date(at);
    expect(businessDate(d, 'UTC')).toBe('2025-06-15');
    d.setTime(at + 4 * 3_600_000);
    expect(businessDate(d, 'UTC')).toBe('2025-06-16');
    expect(businessDate(at + 4 * 3_600_000 - 1, 'UTC')).toBe('2025-06-15');
  });
});
