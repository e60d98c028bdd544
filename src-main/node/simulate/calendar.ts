import { addDays, toDayNumber } from '../../common/dates/isoDate';

/**
 * Days the city hall is open: weekdays that are not national holidays or the year-end closure
 * (12/29–1/3). Holidays with a fixed date and the Monday holidays are modelled; equinoxes use their
 * usual dates and substitute holidays are left out (a simulation, not the official calendar).
 */
const FIXED = new Set(['01-01', '01-02', '01-03', '02-11', '02-23', '03-20', '04-29', '05-03', '05-04', '05-05', '08-11', '09-23', '11-03', '11-23', '12-29', '12-30', '12-31']);
const NTH_MONDAY: ReadonlyArray<[month: number, nth: number]> = [
  [1, 2],
  [7, 3],
  [9, 3],
  [10, 2],
];

export function weekday(date: string): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isOpenDay(date: string): boolean {
  const wd = weekday(date);
  if (wd === 0 || wd === 6) return false;
  if (FIXED.has(date.slice(5))) return false;
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  for (const [hm, nth] of NTH_MONDAY) if (m === hm && wd === 1 && Math.ceil(d / 7) === nth) return false;
  return true;
}

export function openDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isOpenDay(d)) out.push(d);
  return out;
}

/** Relative visitor volume: Mondays and the spring moving season are busiest. */
export function dayWeight(date: string): number {
  const wd = weekday(date);
  let w = wd === 1 ? 1.25 : wd === 5 ? 1.05 : 1;
  const md = date.slice(5);
  if ((md >= '03-15' && md <= '03-31') || (md >= '04-01' && md <= '04-15')) w *= 1.5;
  return w;
}
