import { describe, expect, it } from 'vitest';
import { daysInMonth, dayNumber, formatIsoDate, fromDayNumber, parseIsoDate } from './isoDate';

// What the functions answered when each made a Date (before 2026-12-03): the reference.
const viaDate = {
  daysInMonth: (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(),
  fromDayNumber: (n: number) => {
    const t = new Date(n * 86_400_000);
    return formatIsoDate({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
  },
};

describe('ISO dates without a Date per call', () => {
  it('counts the days of every month of years 100–3000 as Date does, and keeps Date\'s answer outside them', () => {
    for (let y = 100; y <= 3000; y++) for (let m = 1; m <= 12; m++) if (daysInMonth(y, m) !== viaDate.daysInMonth(y, m)) expect(`${y}-${m}: ${daysInMonth(y, m)}`).toBe(`${y}-${m}: ${viaDate.daysInMonth(y, m)}`);
    expect([daysInMonth(1900, 2), daysInMonth(2000, 2), daysInMonth(2024, 2), daysInMonth(2026, 2)]).toEqual([28, 29, 29, 28]);
    // Years Date.UTC reads as 19xx, months that roll over, fractions: as before.
    for (const [y, m] of [[0, 2], [4, 2], [99, 2], [2026, 0], [2026, 13], [2026, -1], [2026.5, 2], [2024, 2.5]] as const) expect(daysInMonth(y, m)).toBe(viaDate.daysInMonth(y, m));
  });

  it('turns every day number from 1600 to 2400 (and around the epoch, fractions included) into the date Date gives', () => {
    const from = dayNumber(1600, 1, 1);
    const to = dayNumber(2400, 12, 31);
    for (let n = from; n <= to; n++) if (fromDayNumber(n) !== viaDate.fromDayNumber(n)) expect(`${n}: ${fromDayNumber(n)}`).toBe(`${n}: ${viaDate.fromDayNumber(n)}`);
    for (const n of [-1.5, -0.5, -0.25, 0, 0.25, 0.5, 0.999, 1.5, 20_000.75, -719_468, -719_469, -1_000_000, 2_000_000, NaN, Infinity]) expect(fromDayNumber(n)).toBe(viaDate.fromDayNumber(n));
    // Round trip through parse and day numbers on leap days and century boundaries.
    for (const iso of ['1900-02-28', '1900-03-01', '2000-02-29', '2024-02-29', '2100-03-01', '1970-01-01', '1969-12-31']) {
      const c = parseIsoDate(iso)!;
      expect(fromDayNumber(dayNumber(c.y, c.m, c.d))).toBe(iso);
    }
  });
});
