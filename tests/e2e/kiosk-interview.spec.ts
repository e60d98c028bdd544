import { expect, test, type Page } from '@playwright/test';

/**
 * The concierge's interview for a family (issue: a question about members vanished on the first
 * click, no summary, the birth date asked twice, 転入 offered "+ 亡くなった方", ids on every card).
 */
async function family(page: Page, lang = 'ja'): Promise<void> {
  await page.goto('/?terminal=kiosk-east');
  if (lang !== 'ja') await page.locator('#ui-lang').selectOption(lang);
  await page.click('[data-event="moving-in"]');
  for (const r of ['applicant', 'spouse', 'child']) await page.click(`[data-add-role="${r}"]`);
}

test('members: several answers, a clear "done", an editable summary, the age asked once, only the roles the events use', async ({ page }) => {
  await family(page);
  // 転入 has nobody deceased and no newborn; 死亡 offers the deceased.
  await expect(page.locator('[data-add-role="deceased"]')).toHaveCount(0);
  await expect(page.locator('[data-add-role="newborn"]')).toHaveCount(0);

  // Ages: asked in the members editor, and not again as a question of its own.
  await expect(page.locator('[data-member][data-needs-age]')).not.toHaveCount(0);
  await expect(page.locator('[data-question="age"]')).toHaveCount(0);
  for (const [i, b] of ['20-59', '20-59', 'preschool'].entries()) await page.locator(`[data-member="${i}"] select[data-age-band]`).selectOption(b);
  await expect(page.locator('[data-member][data-needs-age]')).toHaveCount(0);

  // Who has a My Number card: the question stays while both parents are marked.
  const cards = page.locator('[data-question="my-number-card"]');
  await cards.getByRole('button', { name: '1. 本人' }).click();
  await expect(cards).toBeVisible();
  await cards.getByRole('button', { name: '2. 配偶者' }).click();
  await expect(cards.getByRole('button', { name: '1. 本人' })).toHaveAttribute('aria-pressed', 'true');
  await expect(cards.getByRole('button', { name: '2. 配偶者' })).toHaveAttribute('aria-pressed', 'true');
  await cards.getByTestId('question-done').click();
  await expect(cards).toHaveCount(0);
  const row = page.locator('[data-testid="answers-summary"] [data-summary="my-number-card"]');
  await expect(row).toContainText('1. 本人(届出人)、2. 配偶者');

  // A single-choice answer goes to the summary at once, and can be changed from there.
  const from = page.locator('[data-question="move-from"]');
  await from.locator('button').first().click();
  await expect(from).toHaveCount(0);
  const fromRow = page.locator('[data-summary="move-from"]');
  await expect(fromRow).toBeVisible();
  await fromRow.getByTestId('summary-edit').click();
  await expect(page.locator('[data-question="move-from"] button').first()).toHaveAttribute('aria-pressed', 'true');
  await page.locator('[data-question="move-from"] button').nth(1).click();
  await expect(page.locator('[data-question="move-from"]')).toHaveCount(0);

  // Insurance per member: answering the first keeps the others on screen.
  const insurance = page.locator('[data-question="insurance"]');
  if (await insurance.count()) {
    const groups = insurance.locator('[role="group"]');
    const n = await groups.count();
    await groups.first().locator('button').first().click();
    await expect(groups).toHaveCount(n);
  }

  // The list followed every answer, live, and the summary edit reopened the card question as it was.
  await row.getByTestId('summary-edit').click();
  await expect(cards.getByRole('button', { name: '2. 配偶者' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('guidance-list')).toBeVisible();

  const death = await page.context().newPage();
  await death.goto('/?terminal=kiosk-east');
  await death.click('[data-event="death"]');
  await expect(death.locator('[data-add-role="deceased"]')).toBeVisible();
  await death.close();
});

for (const lang of ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl']) {
  test(`no procedure ids on the visitor's list (${lang}); touch targets of at least 44 px at 1920×1080`, async ({ page }) => {
    await family(page, lang);
    const list = page.getByTestId('guidance-list');
    await expect(list).toBeVisible();
    const ids = await list.locator('[data-procedure-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-procedure-id')!));
    expect(ids.length).toBeGreaterThan(3);
    const text = (await page.locator('main').innerText()).toLowerCase();
    for (const id of ids) expect(text, id).not.toContain(id);
    const small = await page.locator('main button:visible, main select:visible, main input:visible').evaluateAll((els) =>
      els.map((e) => ({ what: (e.textContent || e.getAttribute('aria-label') || e.id || e.tagName).trim().slice(0, 30), h: e.getBoundingClientRect().height })).filter((x) => x.h < 44),
    );
    expect(small).toEqual([]);
  });
}
