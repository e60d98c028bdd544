import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCliSync } from '../support/cli';
import { pickDate } from './flow';

/** Answers every open question with its first choice until the flow asks nothing more. */
async function answerAll(page: Page): Promise<void> {
  for (let round = 0; round < 40; round++) {
    const groups = page.locator('fieldset[data-question]:not([data-question="members"]) [role="group"]:not(.date-field)');
    const n = await groups.count();
    let clicked = false;
    for (let i = 0; i < n; i++) {
      const g = groups.nth(i);
      if ((await g.locator('button[aria-pressed="true"]').count()) > 0) continue;
      await g.locator('button').first().click();
      clicked = true;
      break;
    }
    if (!clicked) return;
  }
  throw new Error('the question flow kept asking');
}

test('moving-in family: the list on screen equals `madoguchi guide`, and the printed list holds the same names in English', async ({ page }) => {
  await page.goto('/?terminal=kiosk-east');
  await page.click('[data-event="moving-in"]');
  for (const [role, birth] of [
    ['applicant', '1988-05-10'],
    ['spouse', '1990-03-03'],
    ['child', '2019-04-02'],
    ['child', '2012-07-20'],
  ] as const) {
    await page.click(`[data-add-role="${role}"]`);
    await pickDate(page.locator('[data-member]').last().getByTestId('member-birth'), birth);
  }
  await answerAll(page);
  await page.getByTestId('visitor-lang').selectOption('en');

  const onScreen = await page.locator('[data-procedure-id]').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-procedure-id'), status: e.getAttribute('data-status') })));
  expect(onScreen.length).toBeGreaterThan(5);
  expect(onScreen.map((x) => x.id)).toContain('tennyu');
  expect(onScreen.map((x) => x.id)).toContain('jidou-teate-claim');

  const issued = page.waitForResponse((r) => r.url().includes('/api/call/ticket.issue'));
  await page.getByTestId('issue-ticket').click();
  const body = (await (await issued).json()) as { ok: boolean; value: { visit: { id: string; facts: unknown; items: Array<{ id: string }> } } };
  expect(body.ok).toBe(true);
  await expect(page.getByTestId('ticket-number')).toBeVisible();

  // The same facts through the CLI give the same list, in the same order, with the same statuses.
  const factsFile = join(tmpdir(), `facts-${Date.now()}.json`);
  writeFileSync(factsFile, JSON.stringify(body.value.visit.facts));
  const cli = runCliSync(['guide', '--facts', factsFile, '--format', 'json']);
  expect(cli.code, cli.stderr).toBe(0);
  const fromCli = (JSON.parse(cli.stdout) as { procedures: Array<{ id: string; status: string }> }).procedures.map((p) => ({ id: p.id, status: p.status }));
  expect(onScreen).toEqual(fromCli);
  expect(body.value.visit.items.map((i) => i.id)).toEqual(fromCli.map((p) => p.id));

  // The printed list: an A4 PDF in the visitor's language with every procedure's name.
  const download = page.waitForEvent('download');
  await page.getByTestId('print-list').click();
  const file = join(tmpdir(), `list-${Date.now()}.pdf`);
  await (await download).saveAs(file);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const en = JSON.parse(readFileSync(join(__dirname, '..', '..', 'locales', 'en', 'catalog.json'), 'utf8')) as { procedure: Record<string, string> };
  for (const p of fromCli) {
    const name = en.procedure[p.id]!;
    expect(text.replace(/\s+/g, ''), `printed list holds "${name}"`).toContain(name.replace(/\s+/g, ''));
  }
  execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', file, join(tmpdir(), 'madoguchi-kiosk-list')]);
});
