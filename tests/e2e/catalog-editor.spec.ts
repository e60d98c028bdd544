import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliSync } from '../support/cli';

/**
 * The acceptance (issue 19): on an admin terminal (its own browser-mode host) an
 * administrator moves 介護保険課 to another counter and adds a procedure, previews the effect on
 * the sample households, and publishes effective today. A kiosk (another host, another browser
 * context) receives the version through a real sync server and shows the new counter and the new
 * procedure for a household it concerns.
 */
const LANGS = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'];

async function interviewFamily(page: Page): Promise<void> {
  await page.click('[data-event="moving-in"]');
  for (const r of ['applicant', 'spouse', 'child', 'child', 'parent']) await page.click(`[data-add-role="${r}"]`);
  const bands = ['20-59', '20-59', 'preschool', 'school-age', '75+'];
  for (const [i, b] of bands.entries()) await page.locator(`[data-member="${i}"] select[data-age-band]`).selectOption(b);
  await page.locator('[data-question="move-from"]').getByRole('button', { name: '群馬県外の市区町村', exact: true }).click();
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

test('an admin moves a counter and adds a procedure, previews, publishes today; a kiosk shows both after sync', async ({ browser }) => {
  test.setTimeout(240_000);
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-catalog-'));
  const serverData = join(root, 'server');
  const adminData = join(root, 'admin');
  const kioskData = join(root, 'kiosk');
  const syncPort = 23000 + Math.floor(Math.random() * 1000);
  const adminPort = syncPort + 1000;
  const kioskPort = syncPort + 2000;
  const syncUrl = `http://127.0.0.1:${syncPort}/`;

  const enroll = (id: string, role: string, extra: string[] = []) => {
    const r = runCliSync(['sync-server', 'enroll', '--data', serverData, '--terminal', id, '--role', role, ...extra, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { token: string }).token;
  };
  const adminToken = enroll('admin', 'admin');
  const kioskToken = enroll('kiosk-east', 'kiosk', ['--station', 'east']);
  for (const args of [
    ['terminal', 'init', '--data', adminData, '--role', 'admin', '--terminal', 'admin', '--server', syncUrl, '--token', adminToken],
    ['terminal', 'init', '--data', kioskData, '--role', 'kiosk', '--terminal', 'kiosk-east', '--station', 'east', '--printer', 'file:printer/ticket', '--server', syncUrl, '--token', kioskToken, '--no-kiosk'],
  ]) {
    const r = runCliSync(args);
    expect(r.code, r.stderr).toBe(0);
  }
  const staff = runCliSync(['staff', 'add', '--data', adminData, '--id', 'admin01', '--name', '窓口運用WG', '--role', 'admin', '--department', 'shimin'], { input: '9999\n' });
  expect(staff.code, staff.stderr).toBe(0);

  const server = runCli(['sync-server', '--port', String(syncPort), '--data', serverData, '--insecure-http']);
  const adminHost = runCli(['web', '--port', String(adminPort), '--data', adminData]);
  const kioskHost = runCli(['web', '--port', String(kioskPort), '--data', kioskData]);
  const adminCtx = await browser.newContext({ baseURL: `http://127.0.0.1:${adminPort}` });
  const kioskCtx = await browser.newContext({ baseURL: `http://127.0.0.1:${kioskPort}` });
  try {
    for (const port of [adminPort, kioskPort]) {
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    }

    // The administrator signs in on the admin terminal.
    const admin = await adminCtx.newPage();
    await admin.goto('/?terminal=admin');
    await admin.getByTestId('signin-id').fill('admin01');
    await admin.getByTestId('signin-pin').fill('9999');
    await admin.getByTestId('signin-submit').click();
    await expect(admin.getByTestId('catalog-editor')).toBeVisible();
    await expect(admin.getByTestId('catalog-issues-count')).toContainText('問題はありません');

    // 介護保険課 moves to counter 21; a blank counter is refused field by field while typing.
    await admin.getByTestId('tab-departments').click();
    await admin.getByTestId('dep-counter-kaigo').fill('');
    await expect(admin.getByTestId('catalog-issues-count')).toContainText('件の問題');
    await admin.getByTestId('dep-counter-kaigo').fill('21');
    await expect(admin.getByTestId('catalog-issues-count')).toContainText('問題はありません');

    // A new procedure: names in every language, 環境保全課, ④, for moving-in households with a child.
    await admin.getByTestId('tab-procedures').click();
    await admin.getByTestId('proc-new-id').fill('gomi-guide');
    await admin.getByTestId('proc-add').click();
    await expect(admin.getByTestId('proc-form')).toBeVisible();
    await expect(admin.getByTestId('catalog-issues-count')).toContainText('件の問題');
    // Each missing name is named next to its own field.
    await expect(admin.locator('.ce-field', { has: admin.getByTestId('proc-name-en') }).getByRole('alert')).toContainText('missing translation');
    for (const lang of LANGS) await admin.getByTestId(`proc-name-${lang}`).fill(lang.startsWith('ja') ? 'ごみの出し方の案内' : `Garbage sorting guide (${lang})`);
    await admin.getByTestId('proc-department').selectOption('kankyo');
    await admin.getByTestId('proc-route').selectOption('refer-optional');
    await admin.getByTestId('rule-add-if').click();
    await expect(admin.locator('.ce-cond select').first()).toHaveValue('members');
    await expect(admin.getByTestId('catalog-issues-count')).toContainText('問題はありません');
    await expect(admin.locator('.ce-field', { has: admin.getByTestId('proc-name-en') }).getByRole('alert')).toHaveCount(0);
    const axe = await new AxeBuilder({ page: admin }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

    // Preview on the sample households, then publish effective today.
    await admin.getByTestId('tab-publish').click();
    await admin.getByTestId('preview').click();
    await expect(admin.getByTestId('preview-summary')).toContainText('世帯の一覧が変わります');
    await expect(admin.locator('[data-testid="preview-result"] tr[data-household="moving-in-family-preschool"]')).toContainText('gomi-guide');
    await expect(admin.locator('[data-testid="preview-result"] tr[data-household="moving-in-elderly"]')).toContainText('21');
    await admin.getByTestId('publish-today').click();
    await admin.getByTestId('publish-reason').fill('介護保険課を21番窓口へ移設、ごみの出し方の案内を追加');
    await admin.getByTestId('publish').click();
    await expect(admin.getByTestId('publish-message')).toContainText('版 1 を公開しました');
    await expect(admin.getByTestId('catalog-active')).toContainText('使用中: 版 1');

    // The kiosk receives it through the sync server and switches (effective today).
    await expect
      .poll(
        async () => {
          const r = await fetch(`http://127.0.0.1:${kioskPort}/api/call/catalog.status`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-madoguchi-terminal': 'kiosk-east', origin: `http://127.0.0.1:${kioskPort}` }, body: '{}' }).catch(() => null);
          return r ? ((await r.json()) as { value?: { version: number } }).value?.version : undefined;
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    const kiosk = await kioskCtx.newPage();
    await kiosk.goto('/?terminal=kiosk-east');
    await interviewFamily(kiosk);
    await expect(kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]')).toContainText('21');
    await expect(kiosk.locator('[data-procedure-id="gomi-guide"]')).toContainText('ごみの出し方の案内');
  } finally {
    await adminCtx.close();
    await kioskCtx.close();
    for (const p of [adminHost, kioskHost, server]) p.kill('SIGTERM');
    await Promise.all([adminHost.done, kioskHost.done, server.done]);
    rmSync(root, { recursive: true, force: true });
  }
});
