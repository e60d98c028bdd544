import { describe, expect, it } from 'vitest';
import { formatDate } from './dates';

describe('formatDate', () => {
  it('writes Japanese dates on Japanese screens and keeps the calendar day in every zone', () => {
    expect(formatDate('2026-12-17', 'ja')).toBe('2026年12月17日');
    expect(formatDate('2026-12-17', 'ja-easy')).toBe('2026年12月17日');
    expect(formatDate('2026-04-01', 'ja', { weekday: true })).toBe('2026年4月1日(水)');
    expect(formatDate('2026-12-17', 'en')).toBe('December 17, 2026');
    expect(formatDate('not a date', 'ja')).toBe('not a date');
  });
});
