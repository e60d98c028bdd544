import { expect, test, type Page } from '@playwright/test';
import { pickDate } from './flow';

/**
 * Dates are Japanese dates on Japanese screens: the kiosk's birth dates are year / month / day
 * selects, 年 月 日 with the 和暦 beside each year in Japanese, and the reader's own order and month
 * names in English and Vietnamese (never the browser's mm/dd/yyyy). Only real dates can be picked.
 */
async function member(page: Page, lang: string) {
  await page.goto('/?terminal=kiosk-east');
  await page.locator('#ui-lang').selectOption(lang);
  await page.click('[data-event="moving-in"]');
  await page.click('[data-add-role="applicant"]');
  return page.locator('[data-member]').first().getByTestId('member-birth');
}

const order = (field: ReturnType<Page['locator']>) => field.locator('select').evaluateAll((els) => els.map((e) => e.getAttribute('data-part')));

test('Japanese: 年 月 日 with 和暦, only real dates, nothing after today', async ({ page }) => {
  const field = await member(page, 'ja');
  expect(await order(field)).toEqual(['year', 'month', 'day']);
  await expect(field).toContainText('年');
  await expect(field).toContainText('月');
  await expect(field).toContainText('日');
  const year = field.locator('select[data-part="year"]');
  await expect(year.locator('option[value="1990"]')).toHaveText('1990（平成2）');
  await expect(year.locator('option[value="1989"]')).toHaveText('1989（昭和64・平成元）');
  await expect(year.locator('option[value="2019"]')).toHaveText('2019（平成31・令和元）');
  // Leap years: 29 February only when it exists; a day that no longer exists is dropped.
  await pickDate(field, '2024-01-31');
  await field.locator('select[data-part="month"]').selectOption('2');
  await expect(field).toHaveAttribute('data-value', '');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field.locator('select[data-part="day"] option')).toHaveCount(1 + 29);
  await field.locator('select[data-part="year"]').selectOption('2023');
  await expect(field.locator('select[data-part="day"] option')).toHaveCount(1 + 28);
  await pickDate(field, '1990-03-03');
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  // No year after this one, and the age it gives is used: the age band is no longer needed.
  const newest = await year.locator('option').nth(1).getAttribute('value');
  expect(Number(newest)).toBe(new Date().getFullYear());
  // Keys work: a focused year select takes typed digits.
  await year.focus();
  await page.keyboard.type('1981');
  await expect(year).toHaveValue('1981');
  // Touch targets of at least 44 px.
  for (const h of await field.locator('select').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) expect(h).toBeGreaterThanOrEqual(44);
});

test('English: month, day, year with month names; Vietnamese: day, month, year', async ({ page }) => {
  const en = await member(page, 'en');
  expect(await order(en)).toEqual(['month', 'day', 'year']);
  await expect(en.locator('select[data-part="month"] option[value="12"]')).toHaveText('December');
  await expect(en.locator('select[data-part="year"] option[value="1990"]')).toHaveText('1990');
  await expect(en).not.toContainText('年');
  await pickDate(en, '1981-12-06');
  const vi = await member(page, 'vi');
  expect(await order(vi)).toEqual(['day', 'month', 'year']);
  await expect(vi.locator('select[data-part="month"] option[value="12"]')).toHaveText(/12/);
});
