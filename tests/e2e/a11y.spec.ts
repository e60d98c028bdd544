import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { attachHousehold, issueFamilyTicket, signIn, STAFF } from './flow';

/** WCAG 2.2 AA rules; a screen passes when nothing serious or critical is found. */
async function scan(page: Page, name: string) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${name}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`),
    `${name} has serious/critical accessibility violations`,
  ).toEqual([]);
  expect(r.passes.length).toBeGreaterThan(10);
}

test.describe.configure({ mode: 'serial' });

test('kiosk: start screen and a filled-in interview', async ({ page }) => {
  await page.goto('/?terminal=kiosk-east');
  await expect(page.locator('[data-event="moving-in"]')).toBeVisible();
  await scan(page, 'kiosk (start)');
  await page.click('[data-event="moving-in"]');
  await page.click('[data-add-role="applicant"]');
  await page.click('[data-add-role="child"]');
  await expect(page.getByTestId('guidance-list')).toBeVisible();
  await scan(page, 'kiosk (interview)');
});

test('counter: sign-in, a called visit with its list, notes and history, the payment panel, the board, the shortcut list', async ({ page, context }) => {
  // Seven axe scans of a busy screen: room on a loaded 2-core machine.
  test.setTimeout(120_000);
  await page.goto('/?terminal=counter-shimin-1');
  await expect(page.getByTestId('signin-id')).toBeVisible();
  await scan(page, 'counter (sign-in)');

  const kiosk = await context.newPage();
  const number = await issueFamilyTicket(kiosk);
  await signIn(page, 'counter-shimin-1', STAFF.shimin);
  await page.getByTestId('call-number-input').fill(String(number));
  await page.getByTestId('call-number').click();
  await expect(page.getByTestId('current-number')).toHaveText(String(number));
  await page.getByTestId('start').click();
  await page.getByTestId('note-text').fill('a11y: メモ');
  await page.getByTestId('note-save').click();
  await expect(page.getByTestId('notes')).toContainText('a11y');
  await scan(page, 'counter (visit)');
  await page.getByTestId('pay-open').click();
  await expect(page.getByTestId('pay-confirm')).toBeVisible();
  await scan(page, 'counter (fees)');
  await page.keyboard.press('Escape');
  // The resident data panel with results, a household and the attach outcome (the PDF preview
  // frame is the browser's own viewer, not our page, so it is not scanned).
  await page.getByTestId('residents-open').click();
  await page.getByTestId('resident-kana').fill('タカサキ ミナト');
  await page.getByTestId('resident-search').click();
  await page.locator('[data-testid="resident-hits"] tr[data-resident="1000000604"]').getByTestId('resident-open-household').click();
  await attachHousehold(page, () => scan(page, 'counter (linkage differences)'));
  await expect(page.getByTestId('forms-needed')).toBeVisible();
  await scan(page, 'counter (resident data)');
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts-toggle').click();
  await expect(page.getByTestId('shortcut-help')).toBeVisible();
  await scan(page, 'counter (shortcuts)');
  await page.keyboard.press('Escape');
  await page.getByTestId('tab-board').click();
  await expect(page.getByTestId('board')).toBeVisible();
  await scan(page, 'counter (board)');
  // Leave the one-stop counter free for the other specs.
  await page.getByTestId('tab-queue').click();
  await page.getByTestId('cancel-open').click();
  await page.getByTestId('cancel-reason').fill('a11y の確認用');
  await page.getByTestId('cancel-confirm').click();
  await expect(page.getByTestId('current-number')).toHaveCount(0);
});

test('display and the visitor survey screen', async ({ page }) => {
  await page.goto('/?terminal=display-hall');
  await expect(page.getByTestId('display')).toBeVisible();
  await expect(page.locator('[data-testid="display-counters"] li').first()).toBeVisible();
  await scan(page, 'display');
  await page.goto('/?terminal=counter-shimin-1&view=survey');
  await expect(page.getByTestId('survey-idle')).toBeVisible();
  await scan(page, 'survey (idle)');
});
