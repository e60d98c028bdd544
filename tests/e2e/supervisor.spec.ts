import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, STAFF } from './flow';

/**
 * The supervisor screen on real activity: a ticket from the kiosk, called and started at 市民課,
 * shows up in the live queue, today's figures and the unfinished list; the daily PDF downloads
 * and names the business date; nothing serious for a screen reader.
 */
test.describe.configure({ mode: 'serial' });

const issued = (page: Page) => page.locator('[data-tile="issued"] dd');
const shiminRow = (page: Page) => page.locator('[data-testid="live-table"] tr[data-department="shimin"]');
const cell = (page: Page, column: number) => shiminRow(page).locator('td').nth(column);

async function issueCertificateTicket(page: Page): Promise<number> {
  await page.goto('/?terminal=kiosk-east');
  await page.click('[data-event="certificate"]');
  await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
  await page.getByTestId('issue-ticket').click();
  await expect(page.getByTestId('ticket-number')).toBeVisible();
  return Number(await page.getByTestId('ticket-number').textContent());
}

/** The supervisor screen asks for a sign-in (issue 14): a supervisor or administrator session. */
async function signInSupervisor(page: Page): Promise<void> {
  await expect(page.getByTestId('signin-id')).toBeVisible();
  await expect(page.getByTestId('today-tiles')).toHaveCount(0);
  await page.getByTestId('signin-id').fill(SUPERVISOR.id);
  await page.getByTestId('signin-pin').fill(SUPERVISOR.pin);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('staff-name')).toContainText(SUPERVISOR.id);
}

const SUPERVISOR = { id: 'super01', pin: '9999' };

test('asks for a sign-in, refuses a counter clerk and a wrong PIN, signs out', async ({ page }) => {
  await page.goto('/?terminal=supervisor');
  await expect(page.getByRole('heading', { level: 1, name: '監督者画面' })).toBeVisible();
  await expect(page.getByTestId('signin-id')).toBeVisible();
  await expect(page.getByTestId('live-table')).toHaveCount(0);
  // A counter clerk may not sign in here.
  await page.getByTestId('signin-id').fill(STAFF.shimin.id);
  await page.getByTestId('signin-pin').fill(STAFF.shimin.pin);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
  await expect(page.getByTestId('live-table')).toHaveCount(0);
  await page.getByTestId('signin-id').fill(SUPERVISOR.id);
  await page.getByTestId('signin-pin').fill('0000');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toBeVisible();
  await signInSupervisor(page);
  await expect(page.getByTestId('live-table')).toBeVisible();
  // The exports, too, are refused without the session (the API, not only the screen).
  const noSession = await page.request.post('/api/call/report.export', { headers: { 'content-type': 'application/json', 'x-madoguchi-terminal': 'supervisor' }, data: { format: 'csv' } });
  expect(noSession.status()).toBe(401);
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('signin-id')).toBeVisible();
  await expect(page.getByTestId('live-table')).toHaveCount(0);
});

test('live queue, today, unfinished visits, the daily PDF and accessibility', async ({ page, context }) => {
  const info = page.waitForResponse((r) => r.url().endsWith('/api/call/terminal.info'));
  await page.goto('/?terminal=supervisor');
  const businessDate = ((await (await info).json()) as { value: { businessDate: string } }).value.businessDate;
  expect(businessDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await signInSupervisor(page);
  await expect(page.getByRole('heading', { level: 1, name: '監督者画面' })).toBeVisible();
  await expect(page.getByTestId('today-tiles')).toBeVisible();
  // Other specs share this host's data folder: compare with what was there before.
  const issuedBefore = Number((await issued(page).textContent())!.replace(/\D/g, ''));
  const servingBefore = (await shiminRow(page).count()) ? Number(await cell(page, 2).textContent()) : 0;

  const kiosk = await context.newPage();
  const number = await issueCertificateTicket(kiosk);
  // The screen stays open and follows the event log.
  await expect(issued(page)).toHaveText(String(issuedBefore + 1));
  await expect(cell(page, 0)).not.toHaveText('0');

  const counter = await context.newPage();
  await signIn(counter, 'counter-shimin-1', STAFF.shimin);
  await counter.getByTestId('call-number-input').fill(String(number));
  await counter.getByTestId('call-number').click();
  await expect(counter.getByTestId('current-number')).toHaveText(String(number));
  await counter.getByTestId('start').click();
  await expect(counter.getByTestId('visit-status')).toHaveText('対応中');

  await expect(cell(page, 2)).toHaveText(String(servingBefore + 1));
  await expect(shiminRow(page).locator('th')).toHaveText('市民課');
  await expect(page.getByTestId('live-summary')).toContainText('本日の発券');
  const row = page.locator('[data-testid="unfinished-table"] tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${number}$`) }) });
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').nth(1)).toHaveText('対応中');
  await expect(row.locator('td').nth(2)).toHaveText('市民課');
  await expect(page.getByTestId('by-station')).toContainText('発券所別');
  await expect(page.getByTestId('chart-hours')).toBeVisible();
  await expect(page.getByTestId('kpi-table').locator('tr[data-kpi="oneStopAccepted"] th')).toHaveText('総合窓口支援システムを利用した受付件数');
  // KPI② counts visits; the procedures the one-stop counter accepted show beside it as the detail.
  await expect(page.getByTestId('kpi-table').locator('tr[data-kpi="oneStopAccepted"] [data-detail="procedures"]')).toHaveText(/^\s*（うち手続 [\d,]+ 件）$/);

  // The daily report as the city prints it.
  await expect(page.getByTestId('export-date')).toHaveValue(businessDate);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-pdf').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.pdf$/);
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-sv-'));
  try {
    const pdf = join(dir, file.suggestedFilename());
    await file.saveAs(pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain(businessDate);
    expect(text).toContain('市民課');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await expect(page.getByTestId('export-message')).toContainText(file.suggestedFilename());

  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`)).toEqual([]);
  expect(r.passes.length).toBeGreaterThan(10);

  await page.screenshot({ path: test.info().outputPath('supervisor.png') });
  await page.screenshot({ path: test.info().outputPath('supervisor-full.png'), fullPage: true });

  // Leave the one-stop counter free for the other specs: the visit ends here (one department).
  // The certificate is still 未着手: the finish check asks why (workflow integrity).
  await counter.getByTestId('finish').click();
  await counter.getByTestId('finish-reason').fill('e2e: 監督者画面の確認のみ');
  await counter.getByTestId('finish-confirm').click();
  await expect(counter.getByTestId('current-number')).toHaveCount(0);
  await expect(row).toHaveCount(0);
});

test('in English when the terminal is set up in English: texts, catalog department names, Intl numbers and dates', async ({ page }) => {
  await page.route('**/api/call/terminal.info', async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { value: Record<string, unknown> };
    body.value.defaultLanguage = 'en';
    await route.fulfill({ json: body });
  });
  await page.goto('/?terminal=supervisor');
  await signInSupervisor(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Supervisor' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 2, name: 'Right now' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Longest wait' })).toBeVisible();
  await expect(page.locator('[data-testid="live-table"] tr[data-department="shimin"] th')).toHaveText('Citizens Division');
  await expect(page.getByTestId('today-tiles')).toContainText('Tickets issued');
  await expect(page.getByRole('heading', { level: 2, name: /^Today's figures \((Mon|Tue|Wed|Thu|Fri|Sat|Sun), [A-Z][a-z]{2} \d{1,2}, \d{4}\)$/ })).toBeVisible();
  await expect(page.getByTestId('kpi-table').locator('tr[data-kpi="cashlessRate"] th')).toHaveText('Cashless payment rate');
  await expect(page.getByRole('heading', { level: 2, name: /^KPIs \(FY\d{4}, 令和/ })).toBeVisible();
  await expect(page.getByTestId('supervisor')).not.toContainText('分');
  await page.screenshot({ path: test.info().outputPath('supervisor-en.png'), fullPage: true });
});
