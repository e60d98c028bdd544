import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Shared steps of the browser-mode specs. The demo staff (src-main/node/staff/demo.ts) are seeded
 * by the `web` command on the demo terminal.
 */
export const STAFF = {
  shimin: { id: 'shimin01', pin: '1111' },
  kaigo: { id: 'kaigo01', pin: '1111' },
} as const;

/**
 * The kiosk issues a ticket for a moving-in family: two parents, two children and a grandparent
 * with a care certificate, so the route is 市民課 (one-stop) → 介護保険課.
 */
export async function issueFamilyTicket(page: Page): Promise<number> {
  await page.goto('/?terminal=kiosk-east');
  await interviewMovingInFamily(page);
  await page.click('[data-testid="issue-ticket"]');
  await expect(page.getByTestId('ticket-number')).toBeVisible();
  return Number(await page.getByTestId('ticket-number').textContent());
}

/**
 * At the kiosk: the moving-in family's interview (two parents, two children, a care-certified
 * grandparent from another prefecture), up to the list showing 介護保険 受給資格証明書の提出
 * (kaigo-certified-transfer, at 介護保険課's counter).
 */
export async function interviewMovingInFamily(page: Page): Promise<void> {
  await page.click('[data-event="moving-in"]');
  for (const r of ['applicant', 'spouse', 'child', 'child', 'parent']) await page.click(`[data-add-role="${r}"]`);
  const bands = ['20-59', '20-59', 'preschool', 'school-age', '75+'];
  for (const [i, b] of bands.entries()) await page.locator(`[data-member="${i}"] select[data-age-band]`).selectOption(b);
  // From another prefecture: the grandparent joins 後期高齢者医療 here (same prefecture would be a change).
  await page.locator('[data-question="move-from"]').getByRole('button', { name: '群馬県外の市区町村', exact: true }).click();
  // The question may fold away as answers make it moot, so answer whichever member is still open.
  for (let guard = 0; guard < 6; guard++) {
    const open = page.locator('[data-question="insurance"] [role="group"]').filter({ hasNot: page.locator('button[aria-pressed="true"]') });
    if ((await open.count()) === 0) break;
    const g = open.first();
    const label = (await g.getAttribute('aria-label')) ?? '';
    await g.getByRole('button', { name: label.includes('親') ? '後期高齢者医療' : '国民健康保険', exact: true }).click();
  }
  for (const q of ['my-number-card', 'pregnant', 'disability-certificate']) await page.locator(`[data-question="${q}"] [data-answer="none"]`).click();
  await page.locator('[data-question="care-certified"]').getByRole('button', { name: '5. 親' }).click();
  await page.locator('[data-question="single-parent"] button').nth(1).click();
  for (const q of ['dogs', 'mopeds']) await page.locator(`[data-question="${q}"] button`).first().click();
  await expect(page.locator('[data-procedure-id="kaigo-certified-transfer"]')).toBeVisible();
}

export async function signIn(page: Page, terminal: string, staff: { id: string; pin: string }): Promise<void> {
  await page.goto(`/?terminal=${terminal}`);
  await page.getByTestId('signin-id').fill(staff.id);
  await page.getByTestId('signin-pin').fill(staff.pin);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('staff-name')).toContainText(staff.id);
}

export async function signInWithKeyboard(page: Page, terminal: string, staff: { id: string; pin: string }): Promise<void> {
  await page.goto(`/?terminal=${terminal}`);
  await expect(page.getByTestId('signin-id')).toBeFocused();
  await page.keyboard.type(staff.id);
  await page.keyboard.press('Tab');
  await page.keyboard.type(staff.pin);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('staff-name')).toContainText(staff.id);
}

export function item(page: Page, id: string) {
  return page.locator(`[data-testid="items"] > li[data-item-id="${id}"]`);
}

/** Picks an ISO date in a DateField (src-renderer/app/DateField.tsx): its year, month and day selects. */
export async function pickDate(field: Locator, iso: string): Promise<void> {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  await field.locator('select[data-part="year"]').selectOption(String(y));
  await field.locator('select[data-part="month"]').selectOption(String(m));
  await field.locator('select[data-part="day"]').selectOption(String(d));
  await expect(field).toHaveAttribute('data-value', iso);
}

/**
 * Presses 連携 in the resident panel; where the interview and the register differ, the clerk's
 * decision comes first (here: the register's values for all), then the household is linked.
 */
export async function attachHousehold(page: Page, onDifferences?: () => Promise<void>): Promise<void> {
  await page.getByTestId('resident-household').getByTestId('resident-attach').click();
  const confirm = page.getByTestId('diff-confirm');
  await expect(confirm.or(page.getByTestId('resident-attached')).first()).toBeVisible();
  if (await confirm.isVisible()) {
    if (onDifferences) await onDifferences();
    await page.getByTestId('diff-accept-all').click();
    await confirm.click();
  }
  await expect(page.getByTestId('resident-attached')).toBeVisible();
}
