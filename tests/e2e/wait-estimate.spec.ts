import { expect, test } from '@playwright/test';

/**
 * 待ち時間の見込み on the screens: the kiosk's issued screen shows the estimate for the new ticket,
 * and the display shows one per department that has a line. (The supervisor's column is not
 * checked here: the supervisor screen is getting a sign-in in a parallel change.)
 */
test('the kiosk shows the estimated wait of a new ticket, and the display the estimate per department', async ({ page }) => {
  for (let i = 0; i < 2; i++) {
    await page.goto('/?terminal=kiosk-east');
    await page.click('[data-event="certificate"]');
    await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
    await page.getByTestId('issue-ticket').click();
    await expect(page.getByTestId('ticket-number')).toBeVisible();
    const est = page.getByTestId('ticket-issued').getByTestId('wait-estimate');
    await expect(est).toBeVisible();
    const minutes = Number(await est.getAttribute('data-minutes'));
    expect(Number.isInteger(minutes) && minutes >= 0).toBe(true);
    await expect(est).toHaveText(minutes < 1 ? 'まもなくお呼びします' : `待ち時間の見込み: 約${minutes}分`);
  }

  await page.goto('/?terminal=display-hall');
  const shimin = page.locator('[data-testid="display-waiting"] li[data-department="shimin"]');
  await expect(shimin).toBeVisible();
  await expect(shimin.getByTestId('wait-estimate')).toHaveText(/約\d+分|まもなく/);
});
