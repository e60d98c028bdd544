import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_PUBLISHED } from '../../src-main/common/catalog/published';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';
import { runCliSync } from '../support/cli';
import { interviewFamily, kioskCatalogStatus, signInAdmin, startCatalogHosts } from './catalogHosts';

/**
 * Rollback in one click (issue 19). Both terminals serve the catalog shipped with the app (version
 * 0, nothing published yet); the administrator moves 介護保険課 to counter 21, effective today, and
 * the kiosk shows it after sync. Then the administrator rolls back to version 0 with a reason: a
 * new version (the shipped catalog published again), by them, at a time, with that reason; the
 * kiosk shows counter 12 again after sync. Last, a version the kiosk cannot read (its content does
 * not match its hash) reaches it through the server: its status bar says so and it keeps serving
 * the version it has.
 */
test('an admin rolls back a published change in one click; the kiosk follows; a version it cannot read is kept out, and it keeps serving', async ({ browser }) => {
  test.setTimeout(360_000);
  const hosts = await startCatalogHosts(browser, 'madoguchi-e2e-rollback-');
  const waitForKiosk = (version: number) => expect.poll(async () => (await kioskCatalogStatus(hosts.kioskPort))?.version, { timeout: 60_000 }).toBe(version);
  try {
    await waitForKiosk(0);
    const admin = await hosts.adminCtx.newPage();
    await signInAdmin(admin);
    await expect(admin.getByTestId('catalog-active')).toContainText('使用中: 版 0');
    // Nothing published yet: version 0 is in use, nothing to roll back to.
    await admin.getByTestId('tab-versions').click();
    await expect(admin.locator('[data-testid="versions-table"] tr[data-version="0"]')).toContainText('使用中');
    await expect(admin.getByTestId('rollback-0')).toHaveCount(0);

    // 介護保険課 moves to counter 21, effective today.
    await admin.getByTestId('tab-departments').click();
    await admin.getByTestId('dep-counter-kaigo').fill('21');
    await expect(admin.getByTestId('catalog-issues-count')).toContainText('問題はありません');
    await admin.getByTestId('tab-publish').click();
    await admin.getByTestId('publish-today').click();
    await admin.getByTestId('publish-reason').fill('介護保険課を21番窓口へ移設');
    await admin.getByTestId('publish').click();
    await expect(admin.getByTestId('publish-message')).toContainText('版 1 を公開しました');
    await expect(admin.getByTestId('catalog-active')).toContainText('使用中: 版 1');

    await waitForKiosk(1);
    const kiosk = await hosts.kioskCtx.newPage();
    await kiosk.goto('/?terminal=kiosk-east');
    await interviewFamily(kiosk);
    await expect(kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]')).toContainText('21');

    // One click back to version 0 (the shipped catalog, never published as a version), with a reason.
    await admin.getByTestId('tab-versions').click();
    await expect(admin.getByTestId('rollback-1')).toHaveCount(0); // the active version has no rollback button
    await expect(admin.locator('[data-testid="versions-table"] tr[data-version="0"]')).toContainText('置き換え済み');
    await admin.getByTestId('rollback-reason').fill('21番窓口の工事が遅れたため元に戻す');
    await admin.getByTestId('rollback-0').click();
    await expect(admin.getByTestId('catalog-active')).toContainText('使用中: 版 2');
    const row = admin.locator('[data-testid="versions-table"] tr[data-version="2"]');
    await expect(row).toContainText('admin01 @ admin'); // who
    await expect(row).toContainText('21番窓口の工事が遅れたため元に戻す'); // why
    await expect(row).toContainText('版 0 に戻した版'); // a rollback, itself a published version
    await expect(row).toContainText('使用中');
    const at = (await admin.getByTestId('version-at-2').textContent())!; // when
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(Date.parse(`${at.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(10 * 60_000);
    await expect(admin.locator('[data-testid="versions-table"] tr[data-version="1"]')).toContainText('置き換え済み');
    // Version 1 is one click away again.
    await expect(admin.getByTestId('rollback-1')).toBeVisible();
    await admin.locator('section[aria-labelledby="ce-versions"]').screenshot({ path: test.info().outputPath('versions-after-rollback-to-0.png') });

    // The kiosk follows after sync: counter 12 again.
    await waitForKiosk(2);
    await kiosk.goto('about:blank');
    await kiosk.goto('/?terminal=kiosk-east');
    await interviewFamily(kiosk);
    await expect(kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]')).toContainText('12');
    await expect(kiosk.locator('[data-procedure-id="kaigo-certified-transfer"]')).not.toContainText('21');
    // The admin terminal sees the kiosk serving version 3 (its catalog.activated, synced).
    await expect
      .poll(
        () => {
          const st = runCliSync(['catalog', 'status', '--data', hosts.adminData, '--format', 'json']);
          return (JSON.parse(st.stdout) as { terminals: Array<{ terminal: string; version: number }> }).terminals.find((x) => x.terminal === 'kiosk-east')?.version;
        },
        { timeout: 60_000 },
      )
      .toBe(2);

    // A version the kiosk cannot read: published on the admin terminal's log with a content that does not match its hash.
    const t = openTerminal(hosts.adminData);
    try {
      const last = t.store.db.prepare('SELECT payload FROM events WHERE type = ? ORDER BY seq DESC LIMIT 1').get(CATALOG_PUBLISHED) as { payload: string };
      const p = JSON.parse(last.payload) as { version: number; at: string; reason: string; rollbackOf?: number; content: { departments: { departments: Array<{ id: string; counter: string }> } } };
      p.version = 3;
      p.at = new Date().toISOString();
      p.reason = '改ざんされた版';
      delete p.rollbackOf;
      p.content.departments.departments.find((d) => d.id === 'kaigo')!.counter = '99';
      t.store.append(CATALOG_PUBLISHED, p);
    } finally {
      t.close();
    }
    await expect.poll(async () => (await kioskCatalogStatus(hosts.kioskPort))?.refused?.version, { timeout: 60_000 }).toBe(3);
    expect((await kioskCatalogStatus(hosts.kioskPort))?.version).toBe(2);
    await kiosk.goto('about:blank');
    await kiosk.goto('/?terminal=kiosk-east');
    await expect(kiosk.getByTestId('status-catalog')).toContainText('カタログ版 3 を受け取れません(版 2 で継続)');
    await expect(kiosk.getByTestId('status-catalog')).toHaveAttribute('title', /hash/);
    // …and keeps serving version 2: the list `guide --data` makes on the kiosk's folder (what its screens use).
    const facts = join(hosts.root, 'facts.json');
    writeFileSync(facts, JSON.stringify({ date: '2026-11-26', eventDate: '2026-11-20', events: ['moving-in'], moveFrom: 'other-prefecture', members: [{ role: 'applicant', birthDate: '1955-04-01', insurance: 'nhi', careCertified: true, head: true }] }));
    const guide = runCliSync(['guide', '--data', hosts.kioskData, '--facts', facts, '--format', 'json']);
    expect(guide.code, guide.stderr).toBe(0);
    expect((JSON.parse(guide.stdout) as { procedures: Array<{ id: string; counter: string }> }).procedures.find((p) => p.id === 'kaigo-certified-transfer')?.counter).toBe('12');
    const doctor = runCliSync(['doctor', '--data', hosts.kioskData, '--json']);
    const line = (JSON.parse(doctor.stdout) as Array<{ check: string; status: string; message: string }>).find((c) => c.check === 'catalog version')!;
    expect(line).toMatchObject({ status: 'warn' });
    expect(line.message).toMatch(/version 2 active.*version 3 is KEPT OUT: the content does not match its hash/);
  } finally {
    await hosts.close();
  }
});
