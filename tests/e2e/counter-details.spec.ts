import { expect, test, type Page } from '@playwright/test';
import { signIn, STAFF } from './flow';

/**
 * Details a clerk lives with all day: a paid fee does not invite a second payment; a wrong
 * department's sign-in and a refused finish are said in Japanese with names, not ids.
 */
async function certificateTicket(page: Page): Promise<number> {
  await page.goto('/?terminal=kiosk-east');
  await page.click('[data-event="certificate"]');
  await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
  await page.getByTestId('issue-ticket').click();
  await expect(page.getByTestId('ticket-number')).toBeVisible();
  return Number(await page.getByTestId('ticket-number').textContent());
}

test('after 支払を記録 the fee panel is empty and cannot take the same payment twice', async ({ page, context }) => {
  const number = await certificateTicket(page);
  const counter = await context.newPage();
  await signIn(counter, 'counter-shimin-1', STAFF.shimin);
  await counter.getByTestId('call-number-input').fill(String(number));
  await counter.getByTestId('call-number').click();
  await counter.getByTestId('start').click();
  await counter.getByTestId('pay-open').click();
  await expect(counter.getByTestId('pay-confirm')).toBeEnabled();
  await expect(counter.getByTestId('pay-total')).not.toContainText('¥0');
  await counter.getByTestId('pay-confirm').click();
  await expect(counter.getByTestId('receipt')).toContainText(`領収 #${number}`);
  await expect(counter.getByTestId('payments')).toContainText('¥');
  await expect(counter.getByTestId('pay-total')).toContainText('¥0');
  await expect(counter.getByTestId('pay-confirm')).toBeDisabled();
  for (const q of await counter.getByTestId('fee-qty').all()) await expect(q).toHaveValue('0');

  // Finishing with the certificate still 未着手 is refused, named in Japanese; nothing says "juminhyo".
  await counter.keyboard.press('Escape');
  await counter.getByTestId('finish').click();
  await expect(counter.getByTestId('finish-check')).toContainText('住民票の写し');
  await counter.getByTestId('finish-reason').fill('e2e: 手数料の確認のみ');
  await counter.getByTestId('finish-confirm').click();
  await expect(counter.getByTestId('current-number')).toHaveCount(0);
});

test('a clerk of another department is told so in Japanese, with department names', async ({ page }) => {
  await page.goto('/?terminal=counter-shimin-1');
  await page.getByTestId('signin-id').fill('kokuho01');
  await page.getByTestId('signin-pin').fill('1111');
  await page.getByTestId('signin-submit').click();
  const error = page.getByRole('alert');
  await expect(error).toContainText('国民健康保険課');
  await expect(error).toContainText('市民課');
  await expect(error).not.toContainText('belongs to');
  await expect(error).not.toContainText('shimin');
});
