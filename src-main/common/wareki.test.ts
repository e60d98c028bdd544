import { describe, expect, it } from 'vitest';
import { ERA_STARTS, formatWareki, warekiParts } from './wareki';

describe('和暦', () => {
  it.each([
    ['2026-11-26', '令和8年11月26日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['1989-01-08', '平成元年1月8日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1926-12-25', '昭和元年12月25日'],
    ['1926-12-24', '大正15年12月24日'],
    ['1912-07-30', '大正元年7月30日'],
    ['1912-07-29', '明治45年7月29日'],
    ['1868-10-23', '明治元年10月23日'],
  ])('%s is %s', (iso, text) => {
    expect(formatWareki(iso)).toBe(text);
  });

  it('every era starts on its table date, and the day before belongs to the previous era', () => {
    for (let i = 0; i < ERA_STARTS.length - 1; i++) {
      const e = ERA_STARTS[i]!;
      expect(formatWareki(e.start).startsWith(`${e.era}元年`)).toBe(true);
      const prev = new Date(Date.parse(e.start) - 86_400_000).toISOString().slice(0, 10);
      expect(formatWareki(prev).startsWith(ERA_STARTS[i + 1]!.era)).toBe(true);
    }
  });

  it('splits into parts for boxed forms, and leaves non-dates alone', () => {
    expect(warekiParts('1989-01-08')).toEqual({ era: '平成', year: '元', month: '1', day: '8' });
    expect(warekiParts('1989-02-30')).toBeNull();
    expect(formatWareki('not a date')).toBe('not a date');
  });
});
