import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFacts } from '../../src-main/common/guidance/facts';
import { encodeHandover } from '../../src-main/common/handover';
import { ROOT, runCliSync } from '../support/cli';
import { startStaticServer, type StaticServer } from '../support/staticServer';

/**
 * The online guide built from a published catalog version (issue 19): the 窓口運用WG adds a
 * procedure, rewords 転入届, the name of a thing to bring (本人確認書類) and of an online option
 * (ぴったりサービス,児童手当, whose address the city now gives), in Japanese, English and
 * Vietnamese only, and publishes it
 * effective today. The guide built from that version (its published JSON, or the terminal's active
 * version) shows the new and changed texts in English and Vietnamese; in Tagalog, which the WG
 * did not translate, it shows them in English (the guide's fallback for Tagalog), never the app's
 * older Tagalog wording, and the build log says so.
 */
const TEXTS = {
  ja: { new: 'ごみの出し方の案内', tennyu: '転入届(新しい様式)', bring: '顔写真付きの本人確認書類(改)', online: '児童手当のオンライン申請(改)' },
  en: { new: 'Guide to sorting household waste', tennyu: 'Moving-in notification (new form)', bring: 'Photo ID (reworded)', online: 'Apply for the child allowance online (reworded)' },
  vi: { new: 'Hướng dẫn phân loại rác sinh hoạt', tennyu: 'Khai báo chuyển đến (mẫu mới)', bring: 'Giấy tờ tùy thân có ảnh (sửa)', online: 'Đăng ký trợ cấp nuôi con trực tuyến (sửa)' },
} as const;
/** The address the city gives for the option in this test (a test address, not a real service). */
const ONLINE_URL = 'https://pittari.example.org/jidou-teate';

let root: string;
let site: StaticServer;
let buildLog = '';

function build(env: Record<string, string>): string {
  const r = spawnSync('npm', ['run', '-s', 'build:guide'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 180_000 });
  expect(r.status, r.stderr).toBe(0);
  return `${r.stdout}\n${r.stderr}`;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  root = mkdtempSync(join(tmpdir(), 'madoguchi-guide-published-'));
  const admin = join(root, 'admin');
  const edited = join(root, 'edited');
  const init = runCliSync(['terminal', 'init', '--data', admin, '--role', 'admin', '--terminal', 'admin']);
  expect(init.code, init.stderr).toBe(0);

  // The WG's folder: the shipped catalog, its own locales in ja, en and vi only.
  cpSync(join(ROOT, 'fixtures', 'catalog'), edited, { recursive: true });
  const procs = JSON.parse(readFileSync(join(edited, 'procedures.json'), 'utf8')) as { procedures: Array<Record<string, unknown>> };
  procs.procedures.push({ id: 'gomi-guide', department: 'kankyo', route: 'proxy', delivery: 'none', deadline: null, appearsWhen: [{ events: ['moving-in'] }], bring: [], source: '窓口運用WG' });
  writeFileSync(join(edited, 'procedures.json'), JSON.stringify(procs, null, 1));
  const online = JSON.parse(readFileSync(join(edited, 'online.json'), 'utf8')) as { options: Array<{ id: string; url: string }> };
  online.options.find((o) => o.id === 'pittari-jidou-teate')!.url = ONLINE_URL;
  writeFileSync(join(edited, 'online.json'), JSON.stringify(online, null, 1));
  for (const lang of ['ja', 'en', 'vi'] as const) {
    mkdirSync(join(edited, 'locales', lang), { recursive: true });
    const texts = JSON.parse(readFileSync(join(ROOT, 'locales', lang, 'catalog.json'), 'utf8')) as { procedure: Record<string, string>; bring: Record<string, string>; online: Record<string, string> };
    texts.procedure['gomi-guide'] = TEXTS[lang].new;
    texts.procedure.tennyu = TEXTS[lang].tennyu;
    texts.bring['honnin-kakunin'] = TEXTS[lang].bring;
    texts.online['pittari-jidou-teate'] = TEXTS[lang].online;
    writeFileSync(join(edited, 'locales', lang, 'catalog.json'), JSON.stringify(texts, null, 1));
  }
  const pub = runCliSync(['catalog', 'publish', '--from', edited, '--data', admin, '--effective', 'today', '--reason', 'ごみの出し方の案内を追加、転入届の様式変更', '--by', 'admin01']);
  expect(pub.code, pub.stdout + pub.stderr).toBe(0);

  // Built from the published JSON, and from the terminal's active version: the same site.
  const json = join(root, 'v1.json');
  const exp = runCliSync(['catalog', 'export', '--data', admin, '--out', json]);
  expect(exp.code, exp.stderr).toBe(0);
  buildLog = build({ GUIDE_CATALOG_JSON: json, GUIDE_OUT_DIR: join(root, 'site') });
  const fromData = build({ GUIDE_DATA_DIR: admin, GUIDE_OUT_DIR: join(root, 'site-data') });
  expect(fromData).toContain('the active version of');
  expect(readdirSync(join(root, 'site-data', 'assets')).sort()).toEqual(readdirSync(join(root, 'site', 'assets')).sort());
  site = await startStaticServer(join(root, 'site'));
});

test.afterAll(async () => {
  await site?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const facts = validateFacts(JSON.parse(readFileSync(join(ROOT, 'fixtures', 'facts', 'moving-in-family.json'), 'utf8'))).facts;

async function open(page: Page, lang: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${site.url}/#facts=${encodeHandover(facts)}&lang=${lang}`);
  await expect(page.locator('html')).toHaveAttribute('lang', lang === 'ja-easy' ? 'ja' : lang);
  await expect(page.locator('[data-procedure-id="tennyu"]')).toBeVisible();
}

test('the build log names what changed and which language falls back to which', () => {
  expect(buildLog).toMatch(/guide catalog: version 1; texts changed from the app's: ja 4, .*en 4.*vi 4/);
  const tl = /version 1 has no tl texts; 4 changed texts show in en \(([^)]+)\)/.exec(buildLog);
  expect(tl?.[1]?.split(', ').sort()).toEqual(['bring.honnin-kakunin', 'online.pittari-jidou-teate', 'procedure.gomi-guide', 'procedure.tennyu']);
  expect(buildLog).toMatch(/version 1 has no ja-easy texts; 4 changed texts show in ja/);
});

for (const lang of ['ja', 'en', 'vi'] as const) {
  test(`in ${lang} the guide shows the new procedure and the new wording`, async ({ page }) => {
    await open(page, lang);
    await expect(page.locator('[data-procedure-id="gomi-guide"]')).toContainText(TEXTS[lang].new);
    await expect(page.locator('[data-procedure-id="tennyu"]')).toContainText(TEXTS[lang].tennyu);
    await expect(page.locator('[data-procedure-id="tennyu"]')).toContainText(TEXTS[lang].bring);
    // The online option's link, named in the page's language.
    const link = page.locator('[data-procedure-id="jidou-teate-claim"] a');
    await expect(link).toHaveAttribute('href', ONLINE_URL);
    await expect(link).toHaveText(TEXTS[lang].online);
  });
}

test('in Tagalog (not translated) the changed texts show in English, not the older Tagalog wording', async ({ page }) => {
  const tl = JSON.parse(readFileSync(join(ROOT, 'locales', 'tl', 'catalog.json'), 'utf8')) as { procedure: Record<string, string> };
  await open(page, 'tl');
  await expect(page.locator('[data-procedure-id="gomi-guide"]')).toContainText(TEXTS.en.new);
  await expect(page.locator('[data-procedure-id="tennyu"]')).toContainText(TEXTS.en.tennyu);
  await expect(page.locator('[data-procedure-id="tennyu"]')).toContainText(TEXTS.en.bring);
  await expect(page.locator('[data-procedure-id="jidou-teate-claim"] a')).toHaveText(TEXTS.en.online);
  await expect(page.locator('[data-procedure-id="tennyu"]')).not.toContainText(tl.procedure.tennyu!);
  // What the version did not change keeps the app's Tagalog.
  await expect(page.locator('[data-procedure-id="kokuho-join"]')).toContainText(tl.procedure['kokuho-join']!.replace(/\{([^|}]+)\|[^}]+\}/g, '$1'));
});
