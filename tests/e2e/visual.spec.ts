import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import type { CounterQueue, DisplayState, QueueEntry } from '../../src-main/common/contract/counter';
import type { Actor, VisitEvent, VisitItemSeed } from '../../src-main/common/visit/events';
import { foldVisit } from '../../src-main/common/visit/fold';
import type { VisitState } from '../../src-main/common/visit/state';

/**
 * Visual baselines at 1920×1080. The data is fixed (API answers replaced with the fixtures below,
 * folded by the real visit fold) and so is the clock, so the pictures change only when the screens do.
 */
// As installed: the hall display plays sound without a tap, so no "turn on sound" button shows.
test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] } });

const NOW = new Date('2026-04-01T00:25:00Z'); // 09:25 in Asia/Tokyo
const DAY = '2026-04-01';
const at = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+09:00`).toISOString();

async function fixed(page: Page, overrides: Record<string, unknown>, staff?: { id: string; name: string; role: string; department: string }) {
  await page.clock.setFixedTime(NOW);
  await page.route('**/api/call/*', async (route) => {
    const method = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop()!);
    if (method === 'terminal.info') {
      const res = await route.fetch();
      const body = (await res.json()) as { ok: boolean; value: Record<string, unknown> };
      body.value.businessDate = DAY;
      if (staff) body.value.staff = staff;
      return route.fulfill({ json: body });
    }
    if (method in overrides) return route.fulfill({ json: { ok: true, value: overrides[method] } });
    return route.continue();
  });
}

const seed = (id: string, department: string, route: VisitItemSeed['route'], delivery: VisitItemSeed['delivery'], need: VisitItemSeed['need'] = 'required'): VisitItemSeed => ({ id, department, route, delivery, need });
const kiosk: Actor = { terminal: 'kiosk-east', staff: 'concierge01' };
const shimin: Actor = { terminal: 'counter-shimin-1', staff: 'shimin01' };

function familyVisit(): VisitState {
  const visitId = '6f1c2a9e-3b7d-4c1e-9a55-2d8e7f10c003';
  const ev = (e: VisitEvent) => e;
  const events: VisitEvent[] = [
    ev({
      type: 'visit.issued',
      payload: {
        visitId,
        businessDate: DAY,
        station: 'east',
        number: 1003,
        lang: 'ja',
        priority: true,
        events: ['moving-in'],
        facts: { events: ['moving-in'], members: [{ role: 'applicant', ageBand: '20-59' }, { role: 'spouse', ageBand: '20-59' }, { role: 'child', ageBand: 'preschool' }, { role: 'child', ageBand: 'school-age' }, { role: 'parent', ageBand: '75+' }] },
        items: [
          seed('tennyu', 'shimin', 'accept', 'none'),
          seed('kokuho-join', 'kokuho', 'proxy', 'later'),
          seed('kouki-join', 'nenkin-iryo', 'proxy', 'later'),
          seed('kodomo-iryo-register', 'nenkin-iryo', 'proxy', 'later'),
          seed('jidou-teate-claim', 'kodomo', 'proxy', 'none'),
          seed('tengaku', 'gakko', 'proxy', 'immediate'),
          seed('kaigo-certified-transfer', 'kaigo', 'refer', 'later'),
          seed('hoiku-apply', 'hoiku', 'refer-optional', 'none', 'optional'),
        ],
        route: ['shimin', 'kaigo'],
        adjustments: [],
        source: 'kiosk',
        at: at('09:02'),
        by: kiosk,
      },
    }),
    ev({ type: 'visit.called', payload: { visitId, department: 'shimin', counter: '1', at: at('09:14'), by: shimin } }),
    ev({ type: 'visit.started', payload: { visitId, department: 'shimin', counter: '1', at: at('09:15'), by: shimin } }),
    ev({ type: 'visit.itemStatus', payload: { visitId, itemId: 'tennyu', status: 'accepted', department: 'shimin', at: at('09:16'), by: shimin } }),
    ev({ type: 'visit.itemStatus', payload: { visitId, itemId: 'tennyu', status: 'entered', department: 'shimin', at: at('09:19'), by: shimin } }),
    ev({ type: 'visit.itemStatus', payload: { visitId, itemId: 'kokuho-join', status: 'proxy-accepted', department: 'shimin', at: at('09:20'), by: shimin } }),
    ev({ type: 'visit.itemStatus', payload: { visitId, itemId: 'kouki-join', status: 'proxy-accepted', department: 'shimin', at: at('09:21'), by: shimin } }),
    ev({ type: 'visit.itemStatus', payload: { visitId, itemId: 'hoiku-apply', status: 'declined', department: 'shimin', reason: '祖母が在宅で保育', at: at('09:22'), by: shimin } }),
    ev({ type: 'visit.noteAdded', payload: { visitId, noteId: 'n1', department: 'shimin', counter: '1', text: '転入届は受付済み。祖母（要介護2・前住所地で認定）の受給資格証明書は持参済み。', at: at('09:23'), by: shimin } }),
  ];
  return foldVisit(events)!;
}

function entry(number: number, status: QueueEntry['status'], issued: string, extra: Partial<QueueEntry> = {}): QueueEntry {
  return { visitId: `00000000-0000-4000-8000-00000000${String(number).padStart(4, '0')}`, number, status, priority: false, lang: 'ja', issuedAt: at(issued), calls: 0, from: [], ...extra };
}

test('kiosk', async ({ page }) => {
  await fixed(page, {});
  await page.goto('/?terminal=kiosk-east');
  await page.click('[data-event="moving-in"]');
  await page.click('[data-add-role="applicant"]');
  await page.click('[data-add-role="child"]');
  await expect(page.getByTestId('guidance-list')).toBeVisible();
  await expect(page.getByTestId('status-link')).toHaveText('接続中');
  await expect(page).toHaveScreenshot('kiosk.png', { animations: 'disabled', caret: 'hide', maxDiffPixelRatio: 0.01 });
});

test('counter', async ({ page }) => {
  const current = familyVisit();
  const queue: CounterQueue = {
    department: 'shimin',
    counter: '1',
    recallsBeforeNoShow: 2,
    waiting: [entry(2004, 'waiting', '09:06', { priority: true }), entry(1005, 'waiting', '09:08'), entry(3002, 'waiting', '09:11', { lang: 'vi' }), entry(1006, 'waiting', '09:17')],
    active: [{ ...entry(1003, 'serving', '09:02', { priority: true, counter: '1', calls: 1 }), visitId: current.id }, entry(2003, 'called', '09:04', { counter: '2', calls: 2 })],
    noShows: [entry(1002, 'no-show', '08:58')],
    coming: [],
    current,
    conflicts: [],
  };
  await fixed(page, { 'counter.queue': queue, 'counter.visit': current }, { id: 'shimin01', name: '市民 花子', role: 'counter', department: 'shimin' });
  await page.goto('/?terminal=counter-shimin-1');
  await expect(page.getByTestId('current-number')).toHaveText('1003');
  await expect(page.locator('[data-item-id="tennyu"] [data-testid="item-status"]')).toHaveText('入力済（2線）');
  await expect(page.getByTestId('status-link')).toHaveText('接続中');
  await expect(page).toHaveScreenshot('counter.png', { animations: 'disabled', caret: 'hide', maxDiffPixelRatio: 0.01 });
});

test('display', async ({ page }) => {
  const state: DisplayState = {
    businessDate: DAY,
    recent: [
      { number: 1003, counter: '1', department: 'shimin', at: at('09:14'), lang: 'ja' },
      { number: 2003, counter: '2', department: 'shimin', at: at('09:12'), lang: 'en' },
      { number: 1001, counter: '12', department: 'kaigo', at: at('09:10'), lang: 'ja' },
      { number: 3001, counter: '10', department: 'kokuho', at: at('09:08'), lang: 'vi' },
      { number: 2002, counter: '20', department: 'kodomo', at: at('09:05'), lang: 'ja' },
      { number: 1002, counter: '1', department: 'shimin', at: at('09:01'), lang: 'ja' },
      { number: 2001, counter: '2', department: 'shimin', at: at('08:58'), lang: 'pt-BR' },
      { number: 1004, counter: '11', department: 'nenkin-iryo', at: at('08:56'), lang: 'ja' },
      { number: 2005, counter: '2', department: 'shimin', at: at('08:52'), lang: 'zh-CN' },
    ],
    counters: [
      { counter: '1', department: 'shimin', number: 1003, status: 'serving' },
      { counter: '2', department: 'shimin', number: 2003, status: 'called' },
      { counter: '10', department: 'kokuho', number: 3001, status: 'serving' },
      { counter: '11', department: 'nenkin-iryo', number: null, status: null },
      { counter: '12', department: 'kaigo', number: 1001, status: 'serving' },
      { counter: '20', department: 'kodomo', number: 2002, status: 'serving' },
    ],
    waiting: [
      { department: 'shimin', count: 4 },
      { department: 'kokuho', count: 2 },
      { department: 'nenkin-iryo', count: 1 },
      { department: 'kaigo', count: 0 },
      { department: 'kodomo', count: 3 },
    ],
  };
  await fixed(page, { 'display.state': state });
  await page.goto('/?terminal=display-hall');
  await expect(page.getByTestId('display-latest')).toHaveText('1003');
  await expect(page.getByTestId('enable-sound')).toHaveCount(0);
  await expect(page.getByTestId('status-link')).toHaveText('接続中');
  await expect(page).toHaveScreenshot('display.png', { animations: 'disabled', caret: 'hide', maxDiffPixelRatio: 0.01 });
});
