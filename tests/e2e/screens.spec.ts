import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { signIn, STAFF } from './flow';

/**
 * Acceptance pictures at 1920×1080, saved under test-results/ by every e2e run: the kiosk in four
 * languages, the counter with the resident panel, the display and the supervisor screen, on the
 * real host with real data (no fixtures). They are for people to look at; the visual baselines
 * (visual.spec.ts) are the ones compared.
 */
test.describe.configure({ mode: 'serial' });

async function save(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
}

async function kioskFamily(page: Page, lang: string): Promise<void> {
  await page.goto('/?terminal=kiosk-east');
  await page.locator('#ui-lang').selectOption(lang);
  await page.click('[data-event="moving-in"]');
  for (const r of ['applicant', 'spouse', 'child']) await page.click(`[data-add-role="${r}"]`);
  await expect(page.getByTestId('guidance-list')).toBeVisible();
}

for (const lang of ['ja', 'en', 'ja-easy', 'vi']) {
  test(`kiosk (${lang})`, async ({ page }, testInfo) => {
    await kioskFamily(page, lang);
    await save(page, testInfo, `kiosk-${lang}`);
  });
}

/** A supervisor screen asks for a supervisor's sign-in where the host requires one. */
async function supervisorSignIn(page: Page): Promise<void> {
  const form = page.getByTestId('signin-id');
  const ready = page.getByTestId('today-tiles');
  await expect(form.or(ready).first()).toBeVisible();
  if (await form.isVisible()) {
    await form.fill('super01');
    await page.getByTestId('signin-pin').fill('9999');
    await page.getByTestId('signin-submit').click();
    await expect(ready).toBeVisible();
  }
}

test('counter with the resident panel, display, supervisor', async ({ page, context }, testInfo) => {
  // A ticket through the kiosk's own API (the interview itself is pictured above).
  await page.goto('/?terminal=kiosk-east');
  const issued = await page.evaluate(async () => {
    const r = await fetch('/api/call/ticket.issue', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-madoguchi-terminal': 'kiosk-east' },
      body: JSON.stringify({ lang: 'vi', priority: false, facts: { events: ['moving-in'], members: [{ role: 'applicant', ageBand: '20-59' }, { role: 'spouse', ageBand: '20-59' }, { role: 'child', ageBand: 'preschool' }], 'move-from': 'other-municipality' }, adjustments: [], source: 'kiosk' }),
    });
    return (await r.json()) as { ok: boolean; value?: { number: number }; error?: unknown };
  });
  expect(issued.ok, JSON.stringify(issued.error)).toBe(true);
  const number = issued.value!.number;

  const display = await context.newPage();
  await display.goto('/?terminal=display-hall');

  const counter = await context.newPage();
  await signIn(counter, 'counter-shimin-1', STAFF.shimin);
  await counter.getByTestId('call-number-input').fill(String(number));
  await counter.getByTestId('call-number').click();
  await expect(counter.getByTestId('current-number')).toHaveText(String(number));
  await counter.getByTestId('start').click();
  await counter.keyboard.press('d');
  await expect(counter.getByTestId('resident-kana')).toBeFocused();
  await counter.keyboard.type('たかさき みなと');
  await counter.keyboard.press('Enter');
  await counter.locator('[data-testid="resident-hits"] tr[data-resident="1000000604"]').getByTestId('resident-open-household').click();
  await counter.getByTestId('resident-household').getByTestId('resident-attach').click();
  // Where the interview and the register differ, the clerk decides before anything is linked.
  const diffs = counter.getByTestId('fact-diffs');
  await expect(diffs.or(counter.getByTestId('resident-attached')).first()).toBeVisible();
  if (await diffs.getByTestId('diff-confirm').isVisible()) {
    await save(counter, testInfo, 'counter-link-differences');
    await diffs.getByTestId('diff-accept-all').click();
    await diffs.getByTestId('diff-confirm').click();
  }
  await expect(counter.getByTestId('resident-attached')).toBeVisible();
  await save(counter, testInfo, 'counter-residents');
  // Scrolled down a long visit, the queue and the notes stay in view (sticky columns).
  const scroll = await counter.evaluate(() => ({ height: document.documentElement.scrollHeight, view: window.innerHeight }));
  expect(scroll.height, 'the open visit with its household is longer than the screen').toBeGreaterThan(scroll.view + 200);
  await counter.mouse.wheel(0, scroll.height);
  await expect.poll(() => counter.evaluate(() => window.scrollY)).toBeGreaterThan(200);
  for (const panel of ['.counter-grid > .queue-panel', '.visit-area > .visit-side']) {
    const box = (await counter.locator(panel).boundingBox())!;
    expect(box.y, `${panel} stays at the top of the screen`).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(20);
  }
  await save(counter, testInfo, 'counter-scrolled');
  await counter.evaluate(() => window.scrollTo(0, 0));

  await expect(display.getByTestId('display-latest')).toHaveText(String(number));
  // The second line is the visitor's own language (the ticket's), not always English.
  await expect(display.getByTestId('display-latest-second')).toHaveAttribute('lang', 'vi');
  await expect(display.getByTestId('display-latest-second')).toContainText('Xin mời đến quầy số');
  await save(display, testInfo, 'display');

  const supervisor = await context.newPage();
  await supervisor.goto('/?terminal=supervisor');
  await supervisorSignIn(supervisor);
  await save(supervisor, testInfo, 'supervisor');

  // Leave the one-stop counter free for the other specs.
  await counter.keyboard.press('Escape');
  await counter.getByTestId('cancel-open').click();
  await counter.getByTestId('cancel-reason').fill('e2e: 画面の撮影用');
  await counter.getByTestId('cancel-confirm').click();
  await expect(counter.getByTestId('current-number')).toHaveCount(0);
});
