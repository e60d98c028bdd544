import { expect, test } from '@playwright/test';
import { STATUS_SNAPSHOT_VERSION, type StatusSnapshot } from '../../src-main/common/wait/snapshot';
import { createStatusRelay, type StatusRelay } from '../../src-main/node/statusRelay/server';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signSnapshot } from '../../src-main/node/statusRelay/signature';

/**
 * The visitor's phone (360×640) on the status relay's page: it shows the wait, then the call, in
 * the ticket's language (ja and vi); and says the status is not available when the network is gone.
 * In a dead spot, a reload still opens the page (its service worker kept it) and shows the last
 * status read, marked as old. The relay runs here on loopback; snapshots are signed and posted as
 * the sync service does.
 */
const KEY = 'e2e-phone-page-key-0123456789';
let relay: StatusRelay;
let base = '';
let clock = Date.now();

test.beforeAll(async () => {
  relay = createStatusRelay({ key: KEY, rateLimit: { burst: 1000, perSecond: 1000 } });
  base = (await relay.listen(0)).url;
});
test.afterAll(async () => {
  await relay.close();
});

async function publish(tickets: StatusSnapshot['tickets'], to = base): Promise<void> {
  clock = Math.max(clock + 1, Date.now());
  const snap: StatusSnapshot = { v: STATUS_SNAPSHOT_VERSION, site: 'honcho', businessDate: '2026-04-01', generatedAt: clock, departments: [], called: tickets.filter((t) => t.s === 'called').map((t) => ({ n: t.n, c: t.c! })), tickets };
  const body = JSON.stringify(snap);
  const r = await fetch(`${to}/publish`, { method: 'POST', body, headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(clock), [SIGNATURE_HEADER]: signSnapshot(KEY, clock, body) } });
  expect(r.status).toBe(200);
}

const cases = [
  { lang: 'ja', wait: 'あと約15分 · 3人', call: 'お呼びしています: 1番窓口', none: 'いまは呼び出し状況を表示できません', stale: /^通信できません。\d\d:\d\d 時点の状況を表示しています。$/ },
  { lang: 'vi', wait: 'Còn khoảng 15 phút · 3 người', call: 'Đang gọi bạn: Quầy số 1', none: 'Hiện không thể hiển thị tình trạng', stale: /^Mất kết nối\. Đang hiển thị tình trạng lúc \d\d:\d\d\.$/ },
];

for (const c of cases) {
  test(`phone page in ${c.lang}: the wait, then the call`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 640 });
    await page.clock.install();
    await publish([{ n: 1003, s: 'waiting', a: 3, e: 15 }, { n: 1001, s: 'serving', c: '2' }]);
    await page.goto(`${base}/s/honcho/1003?lang=${c.lang}`);
    await expect(page.locator('html')).toHaveAttribute('lang', c.lang);
    await expect(page.locator('#num')).toHaveText('1003');
    await expect(page.getByRole('status')).toHaveText(c.wait);
    // Fits the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await publish([{ n: 1003, s: 'called', c: '1' }]);
    await page.clock.runFor(16_000);
    await expect(page.getByRole('status')).toHaveText(c.call);
    await expect(page.getByRole('status')).toHaveAttribute('data-s', 'called');
  });

  test(`phone page in ${c.lang}: no network → the status is not available`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 640 });
    await page.route('**/status/**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${base}/s/honcho/1003?lang=${c.lang}`);
    await expect(page.getByRole('status')).toContainText(c.none);
  });
}

for (const c of cases) {
  test(`phone page in ${c.lang}: reloaded in a dead spot, it opens and shows the last status, marked as old`, async ({ page }) => {
    // A relay of its own, stopped halfway: the phone then reaches nothing at all.
    const own = createStatusRelay({ key: KEY, rateLimit: { burst: 1000, perSecond: 1000 } });
    const url = (await own.listen(0)).url;
    try {
      await page.setViewportSize({ width: 360, height: 640 });
      await publish([{ n: 1003, s: 'called', c: '1' }], url);
      await page.goto(`${url}/s/honcho/1003?lang=${c.lang}`);
      await expect(page.getByRole('status')).toHaveText(c.call);
      await expect(page.getByRole('status')).not.toHaveAttribute('data-stale');
      await expect(page.locator('#stale')).toBeEmpty();
      // The service worker is in place and has kept the page.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        for (let i = 0; i < 100 && !(await (await caches.open('madoguchi-status-page-v1')).match('/s/page')); i++) await new Promise((ok) => setTimeout(ok, 50));
      });
    } finally {
      await own.close();
    }
    await page.reload();
    await expect(page.locator('#num')).toHaveText('1003');
    await expect(page.getByRole('status')).toHaveText(c.call);
    await expect(page.getByRole('status')).toHaveAttribute('data-stale', '');
    await expect(page.locator('#stale')).toHaveText(c.stale);
    await expect(page.locator('#updated')).toBeEmpty();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
}

test('phone page: a status kept from another day is not shown as today\'s', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await page.route('**/status/**', (route) => route.abort('internetdisconnected'));
  await page.goto(`${base}/s/honcho/1004?lang=ja`);
  await page.evaluate(() => localStorage.setItem('madoguchi-status:honcho/1004', JSON.stringify({ site: 'honcho', number: 1004, state: 'called', counter: '1', ahead: null, estimateMinutes: null, updatedAt: new Date(Date.now() - 86_400_000).toISOString() })));
  await page.reload();
  await expect(page.getByRole('status')).toContainText('いまは呼び出し状況を表示できません');
  await expect(page.locator('#stale')).toBeEmpty();
});
