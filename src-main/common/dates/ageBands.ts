import type { AgeClass } from './ages';

/**
 * Age bands a concierge can pick instead of a birth date (no date of birth at the kiosk).
 * Each band is cut where a catalog rule changes, so the engine decides exactly whenever the band
 * decides, and says "to confirm" (never a guess) when the band straddles a rule's boundary.
 */
export type AgeBand = 'preschool' | 'school-age' | 'child-15-18' | 'adult-18-19' | '20-59' | '60-64' | '65-74' | '75+';

export interface AgeBandInfo {
  /** Legal ages (reached on `date`) a person in the band can have, inclusive. */
  minAge: number;
  maxAge: number;
  /** Age classes the band settles; a class left out is not settled by the band. */
  classes: Partial<Record<AgeClass, boolean>>;
}

export const AGE_BANDS: Record<AgeBand, AgeBandInfo> = {
  preschool: { minAge: 0, maxAge: 6, classes: { child: true, preschool: true, 'school-age': false, kaigo65: false, kouki75: false } },
  'school-age': { minAge: 6, maxAge: 15, classes: { child: true, preschool: false, 'school-age': true, kaigo65: false, kouki75: false } },
  // After compulsory school, still a child until the first 31 March after reaching 18.
  'child-15-18': { minAge: 15, maxAge: 18, classes: { child: true, preschool: false, 'school-age': false, kaigo65: false, kouki75: false } },
  'adult-18-19': { minAge: 18, maxAge: 19, classes: { child: false, preschool: false, 'school-age': false, kaigo65: false, kouki75: false } },
  '20-59': { minAge: 20, maxAge: 59, classes: { child: false, preschool: false, 'school-age': false, kaigo65: false, kouki75: false } },
  '60-64': { minAge: 60, maxAge: 64, classes: { child: false, preschool: false, 'school-age': false, kaigo65: false, kouki75: false } },
  // Reached 65 (介護) but before the 75th birthday (後期高齢).
  '65-74': { minAge: 65, maxAge: 75, classes: { child: false, preschool: false, 'school-age': false, kaigo65: true, kouki75: false } },
  '75+': { minAge: 75, maxAge: 150, classes: { child: false, preschool: false, 'school-age': false, kaigo65: true, kouki75: true } },
};

export const AGE_BAND_IDS = Object.keys(AGE_BANDS) as AgeBand[];

export function isAgeBand(v: unknown): v is AgeBand {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(AGE_BANDS, v);
}
