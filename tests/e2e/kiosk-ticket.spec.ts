import { expect, test } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEscPos } from '../../src-main/node/printer/decode';
import { decodeTicketQr } from '../../src-main/common/visit/ticketQr';

const printerDir = () => join(process.env.E2E_DATA!, 'printer', 'kiosk-east');
const jobFiles = () => {
  try {
    return readdirSync(printerDir()).filter((f) => f.endsWith('.bin'));
  } catch {
    return [];
  }
};

test('a concierge issues a ticket in browser mode and it comes out of the file printer', async ({ page }) => {
  const before = new Set(jobFiles());
  await page.goto('/?terminal=kiosk-east');
  await expect(page.getByRole('heading', { name: /総合案内/ })).toBeVisible();
  await page.click('[data-event="certificate"]');
  await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
  await expect(page.locator('[data-procedure-id="juminhyo"]')).toBeVisible();
  await page.getByTestId('issue-ticket').click();
  const numberText = await page.getByTestId('ticket-number').textContent();
  const number = Number(numberText);
  expect(number).toBeGreaterThanOrEqual(1001);
  expect(number).toBeLessThanOrEqual(1999);
  await expect(page.getByTestId('print-status')).toContainText('印刷しました');

  const added = jobFiles().filter((f) => !before.has(f));
  expect(added).toHaveLength(1);
  const items = decodeEscPos(readFileSync(join(printerDir(), added[0]!)));
  const numberLine = items.find((i) => i.type === 'text' && i.text.trim() === String(number));
  expect(numberLine, 'the printed number').toBeDefined();
  const qr = items.find((i) => i.type === 'qr');
  expect(qr && qr.type === 'qr' ? decodeTicketQr(qr.payload)?.number : undefined).toBe(number);
  expect(items.at(-1)?.type).toBe('cut');
});

test('the kiosk shows a printer fault, keeps the number, and a reprint succeeds once the printer is back', async ({ page }) => {
  // A plain file where the printer folder should be: the printer "is unplugged".
  const dir = join(process.env.E2E_DATA!, 'printer', 'kiosk-center');
  mkdirSync(join(process.env.E2E_DATA!, 'printer'), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(dir, 'not a printer');
  await page.goto('/?terminal=kiosk-center');
  await page.click('[data-event="certificate"]');
  await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
  await page.getByTestId('issue-ticket').click();
  const number = Number(await page.getByTestId('ticket-number').textContent());
  expect(number).toBeGreaterThanOrEqual(3001);
  await expect(page.getByTestId('print-status')).toContainText('印刷できませんでした');
  await expect(page.getByTestId('status-printer')).toContainText('印刷できませんでした');

  rmSync(dir, { force: true });
  await page.getByTestId('reprint').click();
  await expect(page.getByTestId('print-status')).toContainText('印刷しました');
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
  expect(files).toHaveLength(1);
  const items = decodeEscPos(readFileSync(join(dir, files[0]!)));
  expect(items.some((i) => i.type === 'text' && i.text.trim() === String(number))).toBe(true);
});
