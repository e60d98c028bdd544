import { expect, test } from '@playwright/test';

/**
 * 待ち時間の見込み on the screens: the kiosk's issued screen shows the estimate for the new ticket,
 * the display shows one per department that has a line, and the supervisor's live table shows it
 * beside the measured waits (the same figure `supervisor.live` answers).
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

test('the supervisor sees the estimate per department beside the measured waits', async ({ page }) => {
  await page.goto('/?terminal=kiosk-east');
  await page.click('[data-event="certificate"]');
  await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
  await page.getByTestId('issue-ticket').click();
  await expect(page.getByTestId('ticket-number')).toBeVisible();

  // What the screen reads: every supervisor.live answer it gets.
  const answered: number[] = [];
  page.on('response', (r) => {
    if (!r.url().endsWith('/api/call/supervisor.live')) return;
    void r
      .json()
      .then((b: { ok?: boolean; value?: { waitEstimates?: Record<string, number> } }) => {
        const w = b.value?.waitEstimates?.shimin;
        if (typeof w === 'number') answered.push(w);
      })
      .catch(() => undefined);
  });
  await page.goto('/?terminal=supervisor');
  await page.getByTestId('signin-id').fill('super01');
  await page.getByTestId('signin-pin').fill('9999');
  await page.getByTestId('signin-submit').click();
  const table = page.getByTestId('live-table');
  await expect(table).toBeVisible();
  // The column sits right after the measured waits (longest, mean, recent).
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const at = headers.indexOf('待ち時間の見込み');
  expect(at, headers.join(' | ')).toBeGreaterThan(0);
  expect(headers.slice(at - 3, at).every((h) => /待ち/.test(h)), headers.join(' | ')).toBe(true);
  const cell = table.locator('tr[data-department="shimin"] [data-testid="sv-wait-estimate"] [data-testid="wait-estimate"]');
  await expect(cell).toHaveText(/^(約\d+分|まもなく)$/);
  const shown = Number(await cell.getAttribute('data-minutes'));
  // The figure is the one the API answered for 市民課.
  await expect.poll(() => answered.length).toBeGreaterThan(0);
  expect(answered).toContain(shown);
});
