import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliSync } from '../support/cli';
import { interviewFamily, kioskCatalogStatus, signInAdmin, startCatalogHosts } from './catalogHosts';

/**
 * The acceptance (issue 19): on an admin terminal (its own browser-mode host) an
 * administrator moves 介護保険課 to another counter and adds a procedure, previews the effect on
 * the sample households, and publishes effective today. A kiosk (another host, another browser
 * context) receives the version through a real sync server and shows the new counter and the new
 * procedure for a household it concerns. On the way the administrator renames, in English, a thing
 * to bring and a form of 介護保険 受給資格証明書の提出 (names of what a procedure lists are edited in
 * every language): the English kiosk list and `guide --data --lang en` on the kiosk show them.
 */
const LANGS = ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl'];
const BRING_EN = 'Care eligibility certificate from your former city (edited)';
const FORM_EN = 'Long-term care insurance: change of address form (edited)';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test('an admin moves a counter and adds a procedure, previews, publishes today; a kiosk shows both after sync', async ({ browser }) => {
  test.setTimeout(240_000);
  const { adminCtx, kioskCtx, kioskPort, kioskData, root, close } = await startCatalogHosts(browser, 'madoguchi-e2e-catalog-');
  try {
    // The administrator signs in on the admin terminal.
    const admin = await adminCtx.newPage();
    await signInAdmin(admin);
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

    // Names of what a procedure lists, in every language. A blank English name of a thing to bring is
    // named at its field, and its row on the 持ち物・書類・オンライン tab opens by itself.
    const count = admin.getByTestId('catalog-issues-count');
    await admin.getByTestId('proc-kaigo-certified-transfer').click();
    const names = admin.getByTestId('proc-item-names');
    await expect(names.getByTestId('bring-name-kaigo-jukyu-shikaku-summary')).toContainText('受給資格証明書');
    await names.getByTestId('bring-name-kaigo-jukyu-shikaku-summary').click();
    await admin.getByTestId('bring-name-kaigo-jukyu-shikaku-en').fill('');
    await expect(admin.locator('.ce-field', { has: admin.getByTestId('bring-name-kaigo-jukyu-shikaku-en') }).getByRole('alert')).toContainText('missing translation');
    await expect(count).toContainText('件の問題');
    await admin.getByTestId('tab-items').click();
    await expect(admin.getByTestId('bring-name-kaigo-jukyu-shikaku-en')).toBeVisible();
    await expect(admin.getByTestId('bring-name-honnin-kakunin-en')).toBeHidden(); // a sound row stays folded
    await admin.getByTestId('bring-name-kaigo-jukyu-shikaku-en').fill(BRING_EN);
    await expect(count).toContainText('問題はありません');
    await admin.getByTestId('tab-procedures').click();
    await admin.getByTestId('form-name-kaigo-ido-summary').click();
    await admin.getByTestId('form-name-kaigo-ido-en').fill(FORM_EN);
    await expect(count).toContainText('問題はありません');
    await shot(admin, 'procedure-item-names');
    const axe2 = await new AxeBuilder({ page: admin }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(axe2.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

    // Preview on the sample households, then publish effective today.
    await admin.getByTestId('tab-publish').click();
    await admin.getByTestId('preview').click();
    await expect(admin.getByTestId('preview-summary')).toContainText('世帯の一覧が変わります');
    await expect(admin.locator('[data-testid="preview-result"] tr[data-household="moving-in-family-preschool"]')).toContainText('gomi-guide');
    await expect(admin.locator('[data-testid="preview-result"] tr[data-household="moving-in-elderly"]')).toContainText('21');
    // The renamed thing to bring and form change no list: the preview names them, with their languages.
    await expect(admin.getByTestId('preview-texts')).toContainText('bring.kaigo-jukyu-shikaku (en)');
    await expect(admin.getByTestId('preview-texts')).toContainText('form.kaigo-ido (en)');
    await admin.getByTestId('publish-today').click();
    await admin.getByTestId('publish-reason').fill('介護保険課を21番窓口へ移設、ごみの出し方の案内を追加');
    await admin.getByTestId('publish').click();
    await expect(admin.getByTestId('publish-message')).toContainText('版 1 を公開しました');
    await expect(admin.getByTestId('catalog-active')).toContainText('使用中: 版 1');

    // The kiosk receives it through the sync server and switches (effective today).
    await expect.poll(async () => (await kioskCatalogStatus(kioskPort))?.version, { timeout: 60_000 }).toBe(1);
    const kiosk = await kioskCtx.newPage();
    await kiosk.goto('/?terminal=kiosk-east');
    await interviewFamily(kiosk);
    await expect(kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]')).toContainText('21');
    await expect(kiosk.locator('[data-procedure-id="gomi-guide"]')).toContainText('ごみの出し方の案内');
    // In English, the list names the thing to bring as the administrator wrote it.
    await kiosk.locator('#ui-lang').selectOption('en');
    await expect(kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]')).toContainText(BRING_EN);
    await kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]').screenshot({ path: test.info().outputPath('kiosk-english-bring-name.png') });
    // So does `guide --data` on the kiosk's folder, with the form's English name.
    const facts = join(root, 'facts.json');
    writeFileSync(facts, JSON.stringify({ date: '2026-11-26', eventDate: '2026-11-20', events: ['moving-in'], moveFrom: 'other-prefecture', members: [{ role: 'applicant', birthDate: '1955-04-01', insurance: 'nhi', careCertified: true, head: true }] }));
    const g = runCliSync(['guide', '--data', kioskData, '--facts', facts, '--lang', 'en', '--format', 'text']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toContain(BRING_EN);
    expect(g.stdout).toContain(FORM_EN);
  } finally {
    await close();
  }
});
