import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANGUAGES } from '../../src-main/common/config/schema';
import { businessDate } from '../../src-main/common/dates/businessDay';
import { validateFacts, type Facts } from '../../src-main/common/guidance/facts';
import { decodeHandover, encodeHandover } from '../../src-main/common/handover';
import { encodeTicketQr } from '../../src-main/common/visit/ticketQr';
import { ROOT } from '../support/cli';
import { startStaticServer, type StaticServer } from '../support/staticServer';

/**
 * The online guide as residents get it: the BUILT site (npm run build:guide) on a plain static
 * server, in Chromium. Its list must equal `madoguchi guide` for every example case, its QR code
 * must open the same visit at the kiosk (browser mode, the Playwright webServer), and it must pass
 * axe in all eight languages.
 */
const DIST = join(ROOT, 'dist-guide');
const FACTS_DIR = join(ROOT, 'fixtures', 'facts');
const FIXTURES = readdirSync(FACTS_DIR).filter((f) => f.endsWith('.json')).sort();
const SOURCES = ['src-renderer/guide', 'src-renderer/guidance', 'src-main/common', 'locales', 'fixtures/catalog'].map((d) => join(ROOT, d));

type Listed = Array<{ id: string; status: string }>;
const PITTARI_URL = 'https://online.example.lg.jp/jidou-teate'; // a test address, not the city's

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
}

function buildGuide(env: Record<string, string> = {}): void {
  execFileSync('npm', ['run', '-s', 'build:guide'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
}

/** `madoguchi guide --facts FILE --format json` for each file (one child process, the CLI's own entry). */
async function cliLists(files: string[]): Promise<Listed[]> {
  const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'tests', 'support', 'guideCliLists.ts'), ...files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(out) as Array<{ file: string; code: number; stdout: string; stderr: string }>).map((r) => {
    if (r.code !== 0) throw new Error(`madoguchi guide --facts ${r.file}: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { procedures: Listed }).procedures.map((p) => ({ id: p.id, status: p.status }));
  });
}

function writeFacts(facts: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), 'madoguchi-guide-facts-')), 'facts.json');
  writeFileSync(f, JSON.stringify(facts));
  return f;
}

async function shownList(page: Page, scope = '[data-testid="guidance-list"]'): Promise<Listed> {
  return page.locator(`${scope} [data-procedure-id]`).evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-procedure-id')!, status: e.getAttribute('data-status')! })));
}

const loadFixture = (f: string): Facts => validateFacts(JSON.parse(readFileSync(join(FACTS_DIR, f), 'utf8'))).facts;

let site: StaticServer;
let counted: StaticServer;
let countedDir: string;
const expected = new Map<string, Listed>();

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // The kiosk screens come from dist-renderer (served by the webServer): rebuild when it predates the hand-over field.
  const rendererAssets = join(ROOT, 'dist-renderer', 'assets');
  const hasHandover = existsSync(rendererAssets) && readdirSync(rendererAssets).some((f) => f.endsWith('.js') && readFileSync(join(rendererAssets, f), 'utf8').includes('handover-code-input'));
  if (!hasHandover) execFileSync('npm', ['run', '-s', 'build:renderer'], { cwd: ROOT, stdio: 'pipe' });
  const index = join(DIST, 'index.html');
  if (!existsSync(index) || Math.max(...SOURCES.map(newest)) > statSync(index).mtimeMs) buildGuide();
  // A second build with the city's completion-count address set to this run's browser-mode host.
  countedDir = mkdtempSync(join(tmpdir(), 'madoguchi-guide-counted-'));
  const cfg = join(countedDir, 'guide.config.json');
  writeFileSync(cfg, JSON.stringify({ completionCountUrl: `http://127.0.0.1:${process.env.E2E_PORT}/api/guide/completed`, timeZone: 'Asia/Tokyo' }));
  // …and with the city's own catalog folder, where it has configured an online application address.
  const catalogDir = join(countedDir, 'catalog');
  cpSync(join(ROOT, 'fixtures', 'catalog'), catalogDir, { recursive: true });
  const online = JSON.parse(readFileSync(join(catalogDir, 'online.json'), 'utf8')) as { options: Array<{ id: string; url: string }> };
  for (const o of online.options) if (o.id === 'pittari-jidou-teate') o.url = PITTARI_URL;
  writeFileSync(join(catalogDir, 'online.json'), JSON.stringify(online));
  buildGuide({ GUIDE_CONFIG: cfg, GUIDE_OUT_DIR: join(countedDir, 'site'), GUIDE_CATALOG_DIR: catalogDir });
  site = await startStaticServer(DIST);
  counted = await startStaticServer(join(countedDir, 'site'));
  const lists = await cliLists(FIXTURES.map((f) => join(FACTS_DIR, f)));
  FIXTURES.forEach((f, i) => expected.set(f, lists[i]!));
});

test.afterAll(async () => {
  await site?.close();
  await counted?.close();
});

async function openGuide(page: Page, facts: Facts, lang = 'ja', base = site.url): Promise<void> {
  await page.goto('about:blank'); // a fresh load, as when a resident opens a saved link
  await page.goto(`${base}/#facts=${encodeHandover(facts)}&lang=${lang}`);
  await expect(page.getByTestId('guide-notice')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', lang === 'ja-easy' ? 'ja' : lang);
}

async function finishAndReadCode(page: Page): Promise<string> {
  await page.getByTestId('finish').click();
  await expect(page.getByTestId('handover-qr').locator('svg')).toBeVisible();
  return (await page.getByTestId('handover-code').textContent())!.trim();
}

test('every example case: the guide shows `madoguchi guide`\'s list, with place, deadline, what to bring', async ({ page }) => {
  for (const f of FIXTURES) {
    const facts = loadFixture(f);
    await openGuide(page, facts);
    const want = expected.get(f)!;
    if (want.length === 0) await expect(page.getByText('必要な手続きはありません。')).toBeVisible();
    else await expect(page.locator('[data-testid="guidance-list"] [data-procedure-id]')).toHaveCount(want.length);
    expect(await shownList(page), f).toEqual(want);
    for (const it of await page.locator('[data-procedure-id]').all()) await expect(it.locator('.meta').first(), f).toContainText('番窓口');
    // The code the guide hands over carries exactly these facts.
    expect(decodeHandover(await finishAndReadCode(page)), f).toEqual(facts);
  }
  // Certificates for My Number card holders: コンビニ交付.
  await openGuide(page, loadFixture('certificate.json'));
  await expect(page.locator('[data-procedure-id="juminhyo"]')).toContainText('コンビニ交付');
  await expect(page.locator('[data-procedure-id="juminhyo"]')).toContainText('持ち物');
});

test('a saved link with a broken or foreign code says so, and the guide still works', async ({ page }) => {
  await page.goto(`${site.url}/#facts=MDG-T1|not-a-guide-code`);
  await expect(page.getByTestId('guide-notice')).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('guide-notice')).toContainText('番号札');
  await page.click('[data-event="certificate"]');
  await expect(page.locator('[data-question="certificates"]')).toBeVisible();
});

test('keyboard only: choose, answer, finish; switching language keeps the answers; nothing is sent anywhere', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(site.url) && !r.url().startsWith('data:')) outside.push(r.url());
  });
  await page.goto(site.url + '/');
  const tabTo = async (selector: string) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.locator(selector).evaluate((el) => el === document.activeElement).catch(() => false)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  };
  await tabTo('[data-event="certificate"]');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-event="certificate"]')).toHaveAttribute('aria-pressed', 'true');
  await tabTo('[data-question="certificates"] button:has-text("住民票の写し")');
  await page.keyboard.press('Enter');
  // An answered question folds away (the flow asks only what the list still needs).
  await expect(page.locator('[data-procedure-id="juminhyo"]')).toBeVisible();
  const before = await shownList(page);

  await tabTo('#guide-lang');
  await page.keyboard.press('ArrowDown'); // ja → やさしい日本語, by keyboard
  await expect(page.locator('#guide-lang')).toHaveValue('ja-easy');
  await expect(page.locator('ruby').first()).toBeVisible();
  expect(await shownList(page)).toEqual(before);
  await page.locator('#guide-lang').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Madoguchi procedure guide');
  expect(await shownList(page)).toEqual(before);
  await expect(page.locator('[data-event="certificate"]')).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#guide-lang').selectOption('vi');
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  expect(await shownList(page)).toEqual(before);

  await tabTo('[data-testid="finish"]');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('handover-qr')).toBeVisible();
  await expect(page.locator('#qr-title')).toBeFocused();
  const facts = decodeHandover((await page.getByTestId('handover-code').textContent())!);
  expect(facts.events).toEqual(['certificate']);
  expect(facts.certificates).toEqual(['juminhyo']);
  const [cli] = await cliLists([writeFacts(facts)]);
  expect(await shownList(page)).toEqual(cli);
  expect(outside, 'requests leaving the guide site').toEqual([]);
  await expect(page.locator('[data-procedure-id] a')).toHaveCount(0); // no address configured: no invented link
  expect(site.requests.filter((r) => r.method !== 'GET')).toEqual([]);
});

test('with a completion address configured, finishing posts one anonymous count that becomes a guide.completed event', async ({ page }) => {
  const db = new Database(join(process.env.E2E_DATA!, 'madoguchi.sqlite'), { readonly: true, fileMustExist: true });
  const count = () => (db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'guide.completed'").get() as { n: number }).n;
  try {
    const before = count();
    await openGuide(page, loadFixture('birth-second-child.json'), 'pt-BR', counted.url);
    // The city configured an online application for 児童手当: the guide links it; nothing else gains a link.
    await expect(page.locator('[data-procedure-id="jidou-teate-change"] a')).toHaveAttribute('href', PITTARI_URL);
    await expect(page.locator('[data-procedure-id] a')).toHaveCount(1);
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/guide/completed') && r.method() === 'POST');
    await page.getByTestId('finish').click();
    const req = await posted;
    const body = JSON.parse(req.postData() ?? '{}') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['count', 'date', 'lang']);
    expect(body).toMatchObject({ count: 1, lang: 'pt-BR' });
    // Dated the day it was finished in the city's time zone, not the saved link's date (the fixture's).
    const fixtureDate = loadFixture('birth-second-child.json').date;
    const today = [Date.now() - 5000, Date.now()].map((t) => businessDate(t, 'Asia/Tokyo'));
    expect(today).toContain(body.date);
    if (!today.includes(fixtureDate)) expect(body.date).not.toBe(fixtureDate);
    await expect.poll(count).toBe(before + 1);
    const last = db.prepare("SELECT payload FROM events WHERE type = 'guide.completed' ORDER BY hlc DESC LIMIT 1").get() as { payload: string };
    expect(JSON.parse(last.payload)).toEqual(body);
    // Once per session: showing the code again does not count again.
    await page.reload();
    await page.getByTestId('finish').click();
    await expect(page.getByTestId('handover-qr')).toBeVisible();
    await page.waitForTimeout(300);
    expect(count()).toBe(before + 1);
  } finally {
    db.close();
  }
});

test('round trip: the guide\'s code typed by a scanner at the kiosk opens a visit with the same facts and list, marked guide-qr', async ({ page }) => {
  const db = new Database(join(process.env.E2E_DATA!, 'madoguchi.sqlite'), { readonly: true, fileMustExist: true });
  const checks: Array<{ f: string; facts: unknown; kioskList: Listed; items: string[] }> = [];
  try {
    for (const [i, f] of ['moving-in-family.json', 'death-elderly.json', 'certificate.json'].entries()) {
      const facts = loadFixture(f);
      const lang = ['vi', 'ja', 'en'][i]!;
      await openGuide(page, facts, lang);
      const code = await finishAndReadCode(page);

      await page.goto('/?terminal=kiosk-east');
      if (i === 0) {
        await page.getByTestId('handover-code-input').click();
      } else {
        // A scanner types wherever the focus is: here on a purpose button, not in the field.
        await page.locator('[data-event="birth"]').focus();
      }
      await page.keyboard.type(code, { delay: 2 });
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('handover-message')).toHaveClass(/notice/);
      // The visitor read the guide in this language: the ticket and list will be in it too.
      await expect(page.getByTestId('visitor-lang')).toHaveValue(lang);
      await expect(page.locator('[data-event="birth"]')).toHaveAttribute('aria-pressed', facts.events.includes('birth') ? 'true' : 'false');
      const kioskList = await shownList(page, 'aside');
      await page.getByTestId('issue-ticket').click();
      const number = Number(await page.getByTestId('ticket-number').textContent());
      const row = db.prepare('SELECT state FROM visits WHERE number = ? ORDER BY business_date DESC LIMIT 1').get(number) as { state: string };
      const visit = JSON.parse(row.state) as { businessDate: string; facts: Facts; source: string; lang: string; items: Array<{ id: string }> };
      expect(visit.source).toBe('guide-qr');
      expect(visit.lang).toBe(lang);
      // The visit happens today: the guide's facts with the kiosk's business date.
      const sameFacts = { ...facts, date: visit.businessDate };
      expect(visit.facts).toEqual(sameFacts);
      checks.push({ f, facts: sameFacts, kioskList, items: visit.items.map((x) => x.id).sort() });
    }
    const lists = await cliLists(checks.map((c) => writeFacts(c.facts)));
    checks.forEach((c, i) => {
      expect(c.kioskList, c.f).toEqual(lists[i]);
      expect(c.items, c.f).toEqual(lists[i]!.map((x) => x.id).sort());
    });
    const issued = db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'visit.issued' AND json_extract(payload, '$.source') = 'guide-qr'").get() as { n: number };
    expect(issued.n).toBeGreaterThanOrEqual(3);
  } finally {
    db.close();
  }
});

test('a wrong or foreign QR gets a clear message and changes nothing; the camera says when it cannot scan', async ({ page }) => {
  await page.goto('/?terminal=kiosk-east');
  const input = page.getByTestId('handover-code-input');
  const cases: Array<[string, RegExp]> = [
    [encodeTicketQr({ visitId: '6f1c2b1e-0c7a-4a59-9d3e-0a1b2c3d4e5f', businessDate: '2026-11-26', number: 1001, procedures: ['juminhyo'] }), /番号札のQRコード/],
    ['https://www.city.isesaki.lg.jp/', /オンラインガイドのQRコードではありません/],
    ['MDG-G3.ABCDEFGH', /新しい版のガイド/],
    [encodeHandover(loadFixture('certificate.json')).slice(0, -4), /欠けているか、壊れています/],
  ];
  for (const [text, message] of cases) {
    await input.fill(text);
    await input.press('Enter');
    await expect(page.getByTestId('handover-message')).toHaveText(message);
    await expect(page.getByTestId('handover-message')).toHaveAttribute('role', 'alert');
    await expect(page.locator('[data-event][aria-pressed="true"]')).toHaveCount(0);
  }
  await page.getByTestId('handover-camera').click();
  const hasDetector = await page.evaluate(() => 'BarcodeDetector' in window);
  if (!hasDetector) await expect(page.getByTestId('handover-no-camera')).toContainText('カメラでのQRコード読み取りに対応していません');
});

for (const lang of LANGUAGES) {
  test(`axe finds no serious or critical violation in ${lang}`, async ({ page }) => {
    await openGuide(page, loadFixture('moving-in-family.json'), lang);
    await finishAndReadCode(page);
    if (lang === 'ja-easy') expect(await page.locator('ruby rt').count()).toBeGreaterThan(10);
    const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
    expect(bad).toEqual([]);
  });
}

test('reflows at 320 CSS px (400 %) and 640 px (200 %) without sideways scrolling or lost content; phone and desktop screenshots', async ({ page }) => {
  const facts = loadFixture('moving-in-family.json');
  for (const width of [320, 640]) {
    await page.setViewportSize({ width, height: 800 });
    await openGuide(page, facts, 'en');
    await finishAndReadCode(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `width ${width}`).toBeLessThanOrEqual(0);
    await expect(page.locator('[data-procedure-id]')).toHaveCount(expected.get('moving-in-family.json')!.length);
    for (const b of await page.locator('main button').all()) expect(await b.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await openGuide(page, facts, 'en');
  await page.screenshot({ path: test.info().outputPath('guide-phone.png') });
  await finishAndReadCode(page);
  await page.screenshot({ path: test.info().outputPath('guide-phone-qr.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: test.info().outputPath('guide-desktop.png'), fullPage: true });
});

test('print shows the list and the QR code without the controls; save downloads the list as text', async ({ page }) => {
  await openGuide(page, loadFixture('moving-in-family.json'), 'en');
  const code = await finishAndReadCode(page);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.events-step')).toBeHidden();
  await expect(page.locator('#guide-lang')).toBeHidden();
  await expect(page.getByTestId('print')).toBeHidden();
  await expect(page.locator('[data-procedure-id]').first()).toBeVisible();
  await expect(page.getByTestId('handover-qr')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  const download = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const file = await (await download).path();
  const text = readFileSync(file, 'utf8');
  expect(text).toContain('Moving-in notification');
  expect(text).toContain(code);
  expect(text).toContain('Deadline');
});

test('works offline once loaded: reload and a new language without a connection', async ({ page, context }) => {
  await page.goto(site.url + '/');
  await expect(page.getByTestId('offline-ready')).toBeVisible();
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.locator('[data-event="certificate"]')).toBeVisible();
    await page.locator('#guide-lang').selectOption('tl');
    await expect(page.locator('html')).toHaveAttribute('lang', 'tl');
    await page.click('[data-event="certificate"]');
    await expect(page.locator('[data-question="certificates"]')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
