import { describe, expect, it } from 'vitest';
import { daysInMonth, dayNumber, formatIsoDate, fromDayNumber, parseIsoDate } from './isoDate';

// What the functions answered when each made a Date (before 2026-12-03): the reference.
const viaDate = {
  daysInMonth: (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(),
  fromDayNumber: (n: number) => {
    const t = new Date(n * 86_400_000);
    return formatIsoDate({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
  },
  dayNumber: (y: number, m: number, d: number) => Math.round(Date.UTC(y, m - 1, d) / 86_400_000),
};

// What parseIsoDate answered with its pattern (before issue 15's second round): the reference.
function viaPattern(s: unknown) {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  if (d > viaDate.daysInMonth(y, mo)) return null;
  return { y, m: mo, d };
}

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

  it('reads dates character by character as the pattern did: every day of 1600–2400, every year, and strings that are nearly dates', () => {
    for (let n = dayNumber(1600, 1, 1); n <= dayNumber(2400, 12, 31); n++) {
      const iso = fromDayNumber(n);
      const [got, want] = [parseIsoDate(iso), viaPattern(iso)];
      if (got?.y !== want?.y || got?.m !== want?.m || got?.d !== want?.d) expect(got).toEqual(want);
    }
    for (let y = 0; y <= 9999; y++) for (const md of ['-02-29', '-02-28', '-12-31', '-01-01', '-00-01', '-13-01', '-04-31', '-06-00']) {
      const s = `${String(y).padStart(4, '0')}${md}`;
      if (JSON.stringify(parseIsoDate(s)) !== JSON.stringify(viaPattern(s))) expect(`${s}: ${JSON.stringify(parseIsoDate(s))}`).toBe(`${s}: ${JSON.stringify(viaPattern(s))}`);
    }
    const odd = ['2026-1-01', '2026-01-1', ' 2026-01-01', '2026-01-01 ', '2026-01-01\n', '2026/01/01', '2026-01-01T00:00', '２０２６-01-01', '2026-0a-01', '20260-01-01', '-026-01-01', '+2026-01-01', '2026--1-01', '2026-01-٠١', '', '2026-01-0', 'abcd-ef-gh'];
    for (const s of odd) expect(parseIsoDate(s), s).toEqual(viaPattern(s));
    for (const v of [20260101, null, undefined, {}, ['2026-01-01'], new String('2026-01-01')]) expect(parseIsoDate(v)).toEqual(viaPattern(v));
    // Random strings over the characters a date is made of.
    let x = 12345;
    const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x / 2 ** 31);
    const chars = '0123456789-';
    const wider = '0123456789-/ aT:٠９+';
    for (let k = 0; k < 50_000; k++) {
      // Random strings, and real dates with one character changed (each position in turn).
      let s = Array.from({ length: 10 }, () => chars[Math.floor(next() * chars.length)]).join('');
      if (k % 2 === 1) {
        const iso = fromDayNumber(Math.floor(next() * 200_000) - 100_000);
        const at = k % 20 >> 1;
        s = iso.slice(0, at) + wider[Math.floor(next() * wider.length)] + iso.slice(at + 1);
      }
      if (JSON.stringify(parseIsoDate(s)) !== JSON.stringify(viaPattern(s))) expect(`${s}: ${JSON.stringify(parseIsoDate(s))}`).toBe(`${s}: ${JSON.stringify(viaPattern(s))}`);
    }
  });

  it('counts day numbers as Date.UTC did, rolling months and days over, and keeps its answer for 0–99, fractions and far years', () => {
    for (let y = 95; y <= 3000; y += y < 2100 ? 1 : 7) {
      for (let m = -14; m <= 27; m++) for (const d of [-40, -1, 0, 1, 15, 28, 29, 30, 31, 32, 60, 400]) {
        if (dayNumber(y, m, d) !== viaDate.dayNumber(y, m, d)) expect(`${y}-${m}-${d}: ${dayNumber(y, m, d)}`).toBe(`${y}-${m}-${d}: ${viaDate.dayNumber(y, m, d)}`);
      }
    }
    const far: Array<[number, number, number]> = [[0, 1, 1], [99, 12, 31], [100, 1, 1], [100, -1200, 1], [100, -1201, 1], [199_999, 12, 31], [200_000, 1, 1], [200_001, 1, 1], [275_760, 9, 13], [275_760, 9, 14], [-1, 1, 1], [2026.5, 1, 1], [2026, 1.5, 1], [2026, 1, 1.5], [2026, 1, 100_000], [2026, 1, 100_001], [2026, 1, -100_001], [NaN, 1, 1], [Infinity, 1, 1], [2026, 1201, 1], [2026, -1201, 1]];
    for (const [y, m, d] of far) expect(dayNumber(y, m, d), `${y}-${m}-${d}`).toBe(viaDate.dayNumber(y, m, d));
  });
});
