import { describe, expect, it } from 'vitest';
import { fiscalYearLabel, fiscalYearOf, fiscalYearRange, parseFiscalYear } from './fiscalYear';
import { median, percentile, summarize } from './stats';
import { redactPayload } from './redact';
import { computeKpis, emptyKpiInputs, mergeKpiTargets, parseKpiTargets } from './kpi';
import { itemOutcome, acceptedAtOneStop, computeDailyReport } from './daily';
import { applyVisitEvent } from '../visit/fold';
import type { VisitEvent } from '../visit/events';
import type { VisitState } from '../visit/state';
import { emptyDayCounts, KPI_DAY_COLUMNS } from './kpiShare';

describe('stats', () => {
  it('median and nearest-rank p90', () => {
    expect(median([])).toBeNull();
    expect(median([3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    const xs = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentile([7], 90)).toBe(7);
    expect(summarize([5, 1, 3])).toEqual({ count: 3, mean: 3, median: 3, p90: 5, sum: 9 });
    expect(summarize([])).toEqual({ count: 0, mean: null, median: null, p90: null, sum: 0 });
  });
});

describe('fiscal years', () => {
  it('run April to March and carry the 令和 year', () => {
    expect(fiscalYearOf('2026-04-01')).toBe(2026);
    expect(fiscalYearOf('2027-03-31')).toBe(2026);
    expect(fiscalYearOf('2026-03-31')).toBe(2025);
    expect(fiscalYearRange(2026)).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    expect(fiscalYearLabel(2026)).toBe('令和8年度');
    expect(fiscalYearLabel(2019)).toBe('令和元年度');
    expect(() => parseFiscalYear('R8')).toThrow(/fiscal year/);
  });
});

describe('KPI targets and progress', () => {
  const base = parseKpiTargets({ years: { '2026': { cashlessRate: 8, averageVisitMinutes: 20 } } });
  it('merges a data folder override and refuses a bad file naming the field', () => {
    const m = mergeKpiTargets(base, parseKpiTargets({ years: { '2026': { cashlessRate: 10 } } }));
    expect(m.years['2026']).toEqual({ cashlessRate: 10, averageVisitMinutes: 20 });
    expect(() => parseKpiTargets({ years: { '26': {} } })).toThrow(/years\.26/);
    expect(() => parseKpiTargets({ years: { '2026': { nope: 1 } } })).toThrow(/years\.2026/);
  });
  it('reads lower-is-better for times', () => {
    const inputs = { ...emptyKpiInputs(), payments: 50, cashlessPayments: 5, visitStay: { sum: 40 * 60 * 2, n: 2 } };
    const k = computeKpis(2026, '2026-06-01', 1, inputs, base);
    const by = Object.fromEntries(k.kpis.map((x) => [x.id, x]));
    expect(by.cashlessRate!.value).toBe(10);
    expect(by.cashlessRate!.progress).toBe(1.25);
    expect(by.cashlessRate!.met).toBe(true);
    expect(by.averageVisitMinutes!.value).toBe(40);
    expect(by.averageVisitMinutes!.progress).toBe(0.5);
    expect(by.averageVisitMinutes!.met).toBe(false);
    expect(by.citizenSurvey!.value).toBeNull();
  });
});

describe('procedure outcomes', () => {
  const step = (status: string) => ({ status, at: '', by: { terminal: 't' }, department: 'shimin' }) as never;
  it('follow the last status and whether it was proxy-accepted', () => {
    expect(itemOutcome({ status: 'awaiting-delivery', steps: [step('proxy-accepted')] })).toBe('awaiting-delivery');
    expect(itemOutcome({ status: 'proxy-accepted', steps: [step('listed'), step('proxy-accepted')] })).toBe('proxy');
    expect(itemOutcome({ status: 'done', steps: [step('accepted'), step('done')] })).toBe('accepted');
    expect(itemOutcome({ status: 'listed', steps: [step('listed')] })).toBe('pending');
    expect(acceptedAtOneStop({ id: 'juminhyo', route: 'accept', steps: [step('accepted')] })).toBe(false);
    expect(acceptedAtOneStop({ id: 'tennyu', route: 'accept', steps: [step('accepted')] })).toBe(true);
    expect(acceptedAtOneStop({ id: 'jidou-fuyou', route: 'refer', steps: [step('accepted')] })).toBe(false);
  });
});

describe('the daily report by hour', () => {
  const issued = (n: number, at: string): VisitState =>
    applyVisitEvent(undefined, {
      type: 'visit.issued',
      payload: { visitId: `v${n}`, businessDate: '2026-12-05', station: 'east', number: n, lang: 'ja', priority: false, events: ['moving-in'], facts: null, items: [], route: ['shimin'], adjustments: [], source: 'kiosk', at, by: { terminal: 'k' } },
    } as VisitEvent)!;
  const hours = (visits: VisitState[]) => computeDailyReport({ date: '2026-12-05', timeZone: 'Asia/Tokyo', visits }).byHour;

  it('runs without a gap from a visit before opening hours to the last opening hour', () => {
    // 01:35 and 10:05 in Japan.
    const h = hours([issued(1, '2026-12-04T16:35:00Z'), issued(2, '2026-12-05T01:05:00Z')]);
    expect(h.map((x) => x.hour)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(h.filter((x) => x.issued).map((x) => [x.hour, x.issued])).toEqual([
      [1, 1],
      [10, 1],
    ]);
  });

  it('keeps the opening hours alone on an ordinary day, and runs on to a late visit', () => {
    expect(hours([issued(1, '2026-12-05T01:05:00Z')]).map((x) => x.hour)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(hours([issued(1, '2026-12-05T12:30:00Z')]).map((x) => x.hour)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});

describe('redaction', () => {
  it('removes facts, note text, resident ids and typed reasons, and nothing else', () => {
    expect(redactPayload('visit.issued', { visitId: 'v', facts: { members: [{ birthDate: '1980-01-01' }] }, items: [1], adjustments: [{ itemId: 'x', reason: '田中さんの希望' }] })).toEqual({
      visitId: 'v',
      facts: null,
      items: [1],
      adjustments: [{ itemId: 'x', reason: '' }],
      redacted: true,
    });
    expect(redactPayload('visit.noteAdded', { text: '電話 090' })).toMatchObject({ text: '', redacted: true });
    expect(redactPayload('visit.membersAttached', { residentIds: ['r1'], facts: {} })).toMatchObject({ residentIds: [], facts: null });
    expect(redactPayload('visit.itemStatus', { status: 'accepted' })).toBeNull();
    expect(redactPayload('visit.paymentTaken', { amount: 300 })).toBeNull();
    expect(redactPayload('visit.noteAdded', { text: '', redacted: true })).toBeNull();
  });
});

describe('KPI day counts', () => {
  it('a visit share starts from every day column at 0, and only those (the literal follows KPI_DAY_COLUMNS, which the day-sum SQL is built from)', () => {
    const d = emptyDayCounts();
    expect(Object.keys(d)).toEqual([...KPI_DAY_COLUMNS]);
    expect(Object.values(d).every((x) => x === 0)).toBe(true);
    expect(emptyDayCounts()).not.toBe(d);
  });
});
