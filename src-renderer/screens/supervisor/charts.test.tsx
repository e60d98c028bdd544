// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeDailyReport } from '../../../src-main/common/reports/daily';
import type { VisitState } from '../../../src-main/common/visit/state';
import { i18n } from '../../i18n';
import { HourChart, RouteChart, WaitChart } from './charts';
import { supervisorFormat } from './format';

afterEach(cleanup);
// The bundled locales, as the app loads them; each test starts in Japanese, the staff default.
beforeEach(async () => {
  await i18n.changeLanguage('ja');
});

/** Two visits folded by hand: one done at 市民課 then こども支援課, one still waiting. */
function visit(id: string, number: number, issuedAt: string, stops: VisitState['stops'], status: VisitState['status'], completedAt?: string): VisitState {
  return {
    id,
    businessDate: '2026-06-01',
    station: 'east',
    number,
    lang: 'ja',
    priority: false,
    events: ['moving-in'],
    facts: null,
    source: 'kiosk',
    issuedAt,
    issuedBy: { terminal: 'k' },
    adjustments: [],
    route: stops.map((s) => s.department),
    stop: status === 'done' ? stops.length : 0,
    stops,
    status,
    items: [
      { id: 'tennyu', department: 'shimin', route: 'accept', delivery: 'none', need: 'required', members: [], status: status === 'done' ? 'done' : 'listed', steps: [{ status: 'accepted', at: issuedAt, by: { terminal: 'c' }, department: 'shimin' }] },
    ],
    notes: [],
    timeline: [],
    payments: [],
    residentIds: [],
    conflicts: [],
    ...(completedAt ? { completedAt } : {}),
  };
}

const report = computeDailyReport({
  date: '2026-06-01',
  timeZone: 'Asia/Tokyo',
  visits: [
    visit(
      'a',
      1001,
      '2026-06-01T00:00:00Z',
      [
        { department: 'shimin', arrivedAt: '2026-06-01T00:00:00Z', firstCalledAt: '2026-06-01T00:10:00Z', startedAt: '2026-06-01T00:11:00Z', finishedAt: '2026-06-01T00:30:00Z' },
        { department: 'kodomo', arrivedAt: '2026-06-01T00:30:00Z', firstCalledAt: '2026-06-01T00:50:00Z', startedAt: '2026-06-01T00:51:00Z', finishedAt: '2026-06-01T01:00:00Z' },
      ],
      'done',
      '2026-06-01T01:00:00Z',
    ),
    visit('b', 1002, '2026-06-01T01:30:00Z', [{ department: 'shimin', arrivedAt: '2026-06-01T01:30:00Z' }], 'waiting'),
  ],
});

describe('supervisor charts', () => {
  it('draws one bar per hour and value, scaled to the busiest hour', () => {
    const { getByTestId } = render(<HourChart report={report} />);
    const svg = getByTestId('chart-hours');
    const titles = [...svg.querySelectorAll('rect > title')].map((t) => t.textContent);
    expect(titles).toContain('9時 発券 1');
    expect(titles).toContain('10時 発券 1');
    expect(titles).toContain('10時 完了 1');
    const nine = [...svg.querySelectorAll('rect')].find((r) => r.querySelector('title')?.textContent === '9時 発券 1')!;
    const eight = [...svg.querySelectorAll('rect')].find((r) => r.querySelector('title')?.textContent === '8時 発券 0')!;
    expect(Number(nine.getAttribute('height'))).toBeGreaterThan(0);
    expect(Number(eight.getAttribute('height'))).toBe(0);
  });

  it('shows the mean and p90 wait per department in minutes', () => {
    const { getByTestId } = render(<WaitChart report={report} names={{ kodomo: 'こども支援課' }} />);
    const text = getByTestId('chart-waits').textContent ?? '';
    expect(text).toContain('全体');
    expect(text).toContain('市民課');
    expect(text).toContain('こども支援課');
    expect(text).toContain('20.0 / 20.0'); // こども支援課: 20 minutes, one sample
    expect(text).toContain('10.0 / 10.0'); // 市民課: 10 minutes (the waiting visit has no call yet)
  });

  it('stacks procedures by outcome, and says when there is nothing', () => {
    const { getByTestId, unmount } = render(<RouteChart report={report} />);
    expect([...getByTestId('chart-routes').querySelectorAll('title')].map((t) => t.textContent).sort()).toEqual(['受付 1', '未処理 1']);
    unmount();
    const empty = computeDailyReport({ date: '2026-06-02', timeZone: 'Asia/Tokyo', visits: [] });
    const r = render(<RouteChart report={empty} />);
    expect(r.container.textContent).toContain('データなし');
  });

  it('speaks the UI language: English labels, catalog department names, English outcomes', async () => {
    await i18n.changeLanguage('en');
    const hours = render(<HourChart report={report} />);
    const titles = [...hours.getByTestId('chart-hours').querySelectorAll('rect > title')].map((t) => t.textContent);
    expect(titles).toContain('9:00 Issued 1');
    expect(titles).toContain('10:00 Completed 1');
    expect(hours.container.textContent).toContain('Visits by hour');
    hours.unmount();
    const waits = render(<WaitChart report={report} names={{ kodomo: 'こども支援課' }} />).getByTestId('chart-waits').textContent ?? '';
    expect(waits).toContain('All departments');
    expect(waits).toContain('Citizens Division');
    expect(waits).not.toContain('市民課');
    cleanup();
    const routes = render(<RouteChart report={report} />).getByTestId('chart-routes');
    expect([...routes.querySelectorAll('title')].map((t) => t.textContent).sort()).toEqual(['Accepted 1', 'Not yet handled 1']);
    expect(routes.textContent).toContain('① Completed at the one-stop counter');
  });
});

describe('supervisor number and time formats', () => {
  it('writes minutes, percentages, clock times and business dates per language', () => {
    const ja = supervisorFormat('ja', 'Asia/Tokyo', '—', (v) => `${v}分`);
    expect(ja.minutes(605)).toBe('10.1分');
    expect(ja.minutes(null)).toBe('—');
    expect(ja.percent(0.125)).toBe('12.5%');
    expect(ja.count(12345)).toBe('12,345');
    expect(ja.clock('2026-06-01T00:05:09Z')).toBe('09:05:09');
    expect(ja.date('2026-06-01')).toBe('2026年6月1日(月)');
    expect(ja.day('2026-04-01')).toBe('2026年4月1日');
    const en = supervisorFormat('en', 'Asia/Tokyo', '—', (v) => `${v} min`);
    expect(en.minutes(605)).toBe('10.1 min');
    expect(en.date('2026-06-01')).toBe('Mon, Jun 1, 2026');
    expect(en.day('2026-04-01')).toBe('Apr 1, 2026');
    const pt = supervisorFormat('pt-BR', 'Asia/Tokyo', '—', (v) => `${v} min`);
    expect(pt.minutes(605)).toBe('10,1 min');
    // やさしい日本語 has no Intl locale of its own: Japanese conventions.
    expect(supervisorFormat('ja-easy', 'Asia/Tokyo', '—', String).date('2026-06-01')).toBe('2026年6月1日(月)');
  });
});
