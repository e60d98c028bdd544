import { expect, test } from '@playwright/test';
import { STATUS_SNAPSHOT_VERSION, type StatusSnapshot } from '../../src-main/common/wait/snapshot';
import { createStatusRelay, type StatusRelay } from '../../src-main/node/statusRelay/server';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signSnapshot } from '../../src-main/node/statusRelay/signature';

/**
 * The visitor's phone (360×640) on the status relay's page: it shows the wait, then the call, in
 * the ticket's language (ja and vi); and says the status is not available when the network is gone.
 * The relay runs here on loopback; snapshots are signed and posted as the sync service does.
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

async function publish(tickets: StatusSnapshot['tickets']): Promise<void> {
  clock = Math.max(clock + 1, Date.now());
  const snap: StatusSnapshot = { v: STATUS_SNAPSHOT_VERSION, site: 'honcho', businessDate: '2026-04-01', generatedAt: clock, departments: [], called: tickets.filter((t) => t.s === 'called').map((t) => ({ n: t.n, c: t.c! })), tickets };
  const body = JSON.stringify(snap);
  const r = await fetch(`${base}/publish`, { method: 'POST', body, headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(clock), [SIGNATURE_HEADER]: signSnapshot(KEY, clock, body) } });
  expect(r.status).toBe(200);
}

const cases = [
  { lang: 'ja', wait: 'あと約15分 · 3人', call: 'お呼びしています: 1番窓口', none: 'いまは呼び出し状況を表示できません' },
  { lang: 'vi', wait: 'Còn khoảng 15 phút · 3 người', call: 'Đang gọi bạn: Quầy số 1', none: 'Hiện không thể hiển thị tình trạng' },
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
