import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

/**
 * The question editor and the rest of a procedure's fields (issue 19), on a demo host of its own
 * (publishing changes its catalog, so it must not be the shared e2e host). The 窓口運用WG's story:
 * moving out ends a seal registration, so after "where to?" the kiosk asks who has a registered
 * seal, and a new procedure (印鑑登録の廃止) is listed for them; 印鑑登録 becomes optional and
 * 戸籍証明書 is no longer offered at convenience stores. A question still in use cannot be deleted.
 */
const LANGS = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'];
const Q = 'seal-registered-moving-out';

test.use({ actionTimeout: 20_000 });

async function expectNoSeriousAxe(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test('an admin adds a follow-up question, uses it in a procedure, edits optional/convenience store, previews and publishes; a question in use is not deleted', async ({ browser }) => {
  test.setTimeout(240_000);
  const data = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-questions-'));
  const port = 26000 + Math.floor(Math.random() * 2000);
  const host = runCli(['web', '--port', String(port), '--data', data]);
  const adminCtx = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
  const kioskCtx = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
  try {
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    const admin = await adminCtx.newPage();
    const pageErrors: string[] = [];
    admin.on('pageerror', (e) => pageErrors.push(e.message));
    admin.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
    await admin.goto('/?terminal=admin');
    await admin.getByTestId('signin-id').fill('admin01');
    await admin.getByTestId('signin-pin').fill('9999');
    await admin.getByTestId('signin-submit').click();
    const count = admin.getByTestId('catalog-issues-count');
    await expect(count).toContainText('問題はありません');

    // A question that procedures still need is not deleted: the screen names them.
    await admin.getByTestId('tab-questions').click();
    await admin.getByTestId('q-mopeds').click();
    await expect(admin.getByTestId('q-usage')).toContainText('gentsuki-register');
    await admin.getByTestId('q-delete').click();
    const refused = admin.getByTestId('q-delete-refused');
    await expect(refused).toContainText('削除できません');
    await expect(refused).toContainText('原動機付自転車 登録');
    await expect(refused).toContainText('gentsuki-cancel');
    await expect(admin.getByTestId('q-mopeds')).toBeVisible();
    await shot(admin, 'question-delete-refused');
    // A parent question is in use by its follow-up.
    await admin.getByTestId('q-name-changes').click();
    await admin.getByTestId('q-delete').click();
    await expect(admin.getByTestId('q-delete-refused')).toContainText('seal-registered');

    // A new question's id must be well-formed and unique, said while typing.
    await admin.getByTestId('q-new-id').fill('Seal Card');
    await expect(admin.getByTestId('q-new-id-issue')).toContainText('使えません');
    await expect(admin.getByTestId('q-add')).toBeDisabled();
    await admin.getByTestId('q-new-id').fill('seal-registered');
    await expect(admin.getByTestId('q-new-id-issue')).toContainText('すでにある');
    await admin.getByTestId('q-new-id').fill(Q);
    await expect(admin.getByTestId('q-new-id-issue')).toHaveCount(0);
    await admin.getByTestId('q-add').click();
    await expect(admin.getByTestId('q-form')).toContainText(Q);
    await expect(count).toContainText('件の問題');

    // It asks who has a registered seal, as a follow-up of "where are you moving to?" (any place).
    await admin.getByTestId('q-fact').selectOption('member.sealRegistered');
    await expect(admin.getByTestId('q-type')).toHaveValue('member-pick');
    await admin.getByTestId('q-tier').selectOption('follow-up');
    await admin.getByTestId('q-parent').selectOption('move-to');
    await expect(admin.getByTestId('q-parent-answers').getByRole('alert')).toContainText('pick at least one answer');
    for (const v of ['same-prefecture', 'other-prefecture', 'other-municipality', 'abroad']) await admin.getByTestId(`q-parent-in-${v}`).check();
    await expect(admin.getByTestId('q-parent-answers').getByRole('alert')).toHaveCount(0);
    // Each language's missing text is named at its own field, then written.
    await expect(admin.locator('.ce-field', { has: admin.getByTestId('q-text-en') }).getByRole('alert')).toContainText('missing translation');
    for (const lang of LANGS) await admin.getByTestId(`q-text-${lang}`).fill(lang.startsWith('ja') ? '印鑑登録をしている方は?' : `Who has a registered seal? (${lang})`);
    await admin.getByTestId('q-text-en').fill('Who has a registered seal (inkan)? Moving out ends the registration.');
    await expect(admin.locator('.ce-field', { has: admin.getByTestId('q-text-en') }).getByRole('alert')).toHaveCount(0);
    await expect(count).toContainText('問題はありません');
    await expect(admin.getByTestId('q-usage')).toContainText('seal-registered');
    await shot(admin, 'question-new-follow-up');
    await expectNoSeriousAxe(admin);

    // Department names in every language: a blank translation is named at its field.
    await admin.getByTestId('tab-departments').click();
    await admin.getByTestId('dep-name-shimin-summary').click();
    await admin.getByTestId('dep-name-shimin-en').fill('');
    await expect(admin.locator('.ce-field', { has: admin.getByTestId('dep-name-shimin-en') }).getByRole('alert')).toContainText('missing translation');
    await admin.getByTestId('dep-name-shimin-en').fill('Citizens Division (Resident Records)');
    await expect(count).toContainText('問題はありません');
    await shot(admin, 'departments');

    // A new procedure listed on moving-out for members with a registered seal, bringing the seal card.
    await admin.getByTestId('tab-procedures').click();
    await admin.getByTestId('proc-new-id').fill('inkan-haishi');
    await admin.getByTestId('proc-add').click();
    for (const lang of LANGS) await admin.getByTestId(`proc-name-${lang}`).fill(lang.startsWith('ja') ? '印鑑登録の廃止(印鑑登録証の返納)' : `Ending the seal registration (${lang})`);
    const form = admin.getByTestId('proc-form');
    await form.getByTestId('rule-event-moving-in').uncheck();
    await form.getByTestId('rule-event-moving-out').check();
    await form.getByTestId('rule-add-if').click();
    await form.getByLabel('人の条件の種類').selectOption('field');
    await form.getByLabel('人の事実').selectOption('sealRegistered');
    await expect(count).toContainText('件の問題'); // "nhi" is not a value of sealRegistered
    await form.locator('.ce-member').getByLabel('値').fill('true');
    await form.getByRole('group', { name: '持ち物', exact: true }).getByLabel(/^印鑑登録証/).check();
    await form.getByTestId('bring-add-if-inkan-torokusho').click();
    await expect(form.locator('[data-bring="inkan-torokusho"]')).toContainText('次のときだけ');
    await form.getByTestId('proc-optional').check();
    await expect(count).toContainText('問題はありません');
    await shot(admin, 'procedure-extras');
    await expectNoSeriousAxe(admin);

    // 印鑑登録 only if the visitor wishes; 戸籍証明書 no longer at convenience stores.
    await admin.getByTestId('proc-inkan-toroku').click();
    expect(pageErrors).toEqual([]);
    await admin.getByTestId('proc-optional').check();
    await admin.getByTestId('proc-koseki').click();
    await expect(admin.getByTestId('proc-convenience-store')).toBeChecked();
    await admin.getByTestId('proc-convenience-store').uncheck();
    await expect(count).toContainText('問題はありません');

    // The preview shows what changes for the sample households, then it is published today.
    await admin.getByTestId('tab-publish').click();
    await admin.getByTestId('preview').click();
    const preview = admin.getByTestId('preview-result');
    await expect(preview).toContainText('追加された手続: inkan-haishi');
    await expect(preview.locator('tr', { hasText: 'inkan-toroku: 区分 必要な手続き → ご希望により' }).first()).toBeVisible();
    await shot(admin, 'preview');
    await admin.getByTestId('publish-today').click();
    await admin.getByTestId('publish-reason').fill('転出時の印鑑登録の廃止を案内、印鑑登録は任意に');
    await admin.getByTestId('publish').click();
    await expect(admin.getByTestId('publish-message')).toContainText('版 1 を公開しました');

    // The published version holds the question and the procedure's fields.
    await admin.getByTestId('tab-questions').click();
    await admin.getByTestId(`q-${Q}`).click();
    await expect(admin.getByTestId('q-text-en')).toHaveValue('Who has a registered seal (inkan)? Moving out ends the registration.');
    await expect(admin.getByTestId('q-parent')).toHaveValue('move-to');
    await admin.getByTestId('tab-procedures').click();
    await admin.getByTestId('proc-koseki').click();
    await expect(admin.getByTestId('proc-convenience-store')).not.toBeChecked();
    await admin.getByTestId('proc-inkan-toroku').click();
    await expect(admin.getByTestId('proc-optional')).toBeChecked();

    // A kiosk of the same host asks the new follow-up only after "where to?", and lists the new procedure.
    const kiosk = await kioskCtx.newPage();
    await kiosk.goto('/?terminal=kiosk-east');
    await kiosk.click('[data-event="moving-out"]');
    await kiosk.click('[data-add-role="applicant"]');
    await kiosk.locator('[data-member="0"] select[data-age-band]').selectOption('20-59');
    await expect(kiosk.locator('[data-question="move-to"]')).toBeVisible();
    await expect(kiosk.locator(`[data-question="${Q}"]`)).toHaveCount(0);
    await kiosk.locator('[data-question="move-to"]').getByRole('button', { name: '群馬県外の市区町村', exact: true }).click();
    const asked = kiosk.locator(`[data-question="${Q}"]`);
    await expect(asked).toContainText('印鑑登録をしている方は?');
    // The English text edited in the editor is what the kiosk shows in English.
    await kiosk.locator('#ui-lang').selectOption('en');
    await expect(asked).toContainText('Who has a registered seal (inkan)? Moving out ends the registration.');
    await kiosk.locator('#ui-lang').selectOption('ja');
    await asked.getByRole('button', { name: /^1\. 本人/ }).click();
    await expect(kiosk.locator('[data-procedure-id="inkan-haishi"]')).toContainText('印鑑登録の廃止');
    await shot(kiosk, 'kiosk-follow-up');
  } finally {
    await adminCtx.close();
    await kioskCtx.close();
    host.kill('SIGTERM');
    await host.done;
    rmSync(data, { recursive: true, force: true });
  }
});
