import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn, STAFF } from './flow';

/**
 * 自動印字 in Chromium: the demo's counter-shimin-1 prints 住民異動届 on a dot-matrix printer
 * (ESC/P-K to a file printer) and 住民票の写し等交付請求書 on pre-printed stock (data-only PDF);
 * すべて印刷 shows each job, a job reprints, and the 位置合わせ dialog stores the offsets.
 */
const DATA = process.env.E2E_DATA!;
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

test('counter: すべて印刷 sends each form to its printer, shows each job and reprints; 位置合わせ stores the offsets', async ({ page, context }) => {
  await page.goto('/?terminal=kiosk-east');
  const issued = await page.evaluate(async () => {
    const r = await fetch('/api/call/ticket.issue', { method: 'POST', headers: { 'content-type': 'application/json', 'x-madoguchi-terminal': 'kiosk-east' }, body: JSON.stringify({ lang: 'ja', facts: { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant' }] } }) });
    return (await r.json()) as { ok: boolean; value: { visit: { number: number } } };
  });
  expect(issued.ok).toBe(true);
  const number = issued.value.visit.number;

  const counter = await context.newPage();
  await signIn(counter, 'counter-shimin-1', STAFF.shimin);
  await counter.getByTestId('call-number-input').fill(String(number));
  await counter.getByTestId('call-number').click();
  await expect(counter.getByTestId('current-number')).toHaveText(String(number));
  await counter.getByTestId('start').click();
  await counter.keyboard.press('d');
  await expect(counter.getByTestId('resident-kana')).toBeFocused();
  await counter.keyboard.type('たかさき けんいち');
  await counter.keyboard.press('Enter');
  await counter.getByTestId('resident-hits').locator('tr[data-resident="1000000001"]').getByTestId('resident-open-household').click();
  await expect(counter.getByTestId('resident-household')).toHaveAttribute('data-household', '200000001');
  await counter.getByTestId('resident-household').getByTestId('resident-attach').click();
  await expect(counter.getByTestId('resident-attached')).toBeVisible();

  const escpDir = join(DATA, 'printer', 'escp-shimin-1');
  const escpBefore = files(escpDir).length;
  await counter.getByTestId('forms-print-all').click();
  const table = counter.getByTestId('form-jobs-table');
  await expect(table).toBeVisible();
  const rows = table.locator('tbody tr');
  await expect(rows.first()).toContainText('住民異動届（重ね印刷）');
  await expect(rows.first()).toContainText('印刷済み');
  await expect(rows.first()).toHaveAttribute('data-state', 'printed');
  expect(files(escpDir).length).toBe(escpBefore + 1);
  const job = readFileSync(join(escpDir, files(escpDir).sort().at(-1)!));
  expect(job.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));

  await counter.getByTestId('form-job-reprint-juminido').click();
  await expect.poll(() => files(escpDir).length).toBe(escpBefore + 2);
  await expect(rows.first()).toHaveAttribute('data-state', 'printed');

  await counter.getByTestId('forms-calibrate-open').click();
  const dialog = counter.getByTestId('calibration-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('calibration-form')).toHaveValue('juminido');
  await dialog.getByTestId('calibration-dx').fill('1.5');
  await dialog.getByTestId('calibration-dy').fill('-0.5');
  await dialog.getByTestId('calibration-save').click();
  await expect(dialog.getByTestId('calibration-message')).toHaveText('ずれを保存しました：右へ 1.5 mm、下へ -0.5 mm');
  const config = JSON.parse(readFileSync(join(DATA, 'config.json'), 'utf8')) as { printCalibration: Array<{ form: string; dx: number; dy: number }> };
  expect(config.printCalibration).toContainEqual(expect.objectContaining({ form: 'juminido', dx: 1.5, dy: -0.5 }));
  expect(files(escpDir).length).toBe(escpBefore + 3); // the check sheet
  await dialog.getByTestId('calibration-close').click();
  await expect(dialog).toBeHidden();

  // The counter hands the visit on (the procedures stay open, with a reason), so the next test finds the counter free.
  await counter.getByTestId('finish').click();
  await expect(counter.getByTestId('finish-check')).toBeVisible();
  await counter.getByTestId('finish-reason').fill('印刷の確認のみ');
  await counter.getByTestId('finish-confirm').click();
  await expect(counter.getByTestId('current-number')).toHaveCount(0);
});
