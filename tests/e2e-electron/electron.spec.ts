import { _electron as electron, expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEscPos } from '../../src-main/node/printer/decode';

const ROOT = join(__dirname, '..', '..');

/**
 * What require('electron') would return, without requiring it: electron's index.js starts a
 * download when the binary is missing, which offline means a long wait instead of a skip.
 */
function electronBinary(): { path?: string; why?: string } {
  const pkg = join(ROOT, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = existsSync(join(pkg, 'path.txt')) ? readFileSync(join(pkg, 'path.txt'), 'utf8').trim() : 'electron';
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    return existsSync(p) ? { path: p } : { why: `ELECTRON_OVERRIDE_DIST_PATH has no ${p}` };
  }
  if (!existsSync(join(pkg, 'path.txt'))) return { why: 'node_modules/electron has no binary (its download never happened)' };
  const p = join(pkg, 'dist', readFileSync(join(pkg, 'path.txt'), 'utf8').trim());
  return existsSync(p) ? { path: p } : { why: `${p} does not exist` };
}

const bin = electronBinary();
const SKIP = `Electron suite skipped: ${bin.why}; the same screens are tested in browser mode (tests/e2e).`;

let data: string;
test.beforeAll(() => {
  if (!bin.path) return;
  if (!existsSync(join(ROOT, 'dist-renderer', 'index.html'))) expect(spawnSync('npm', ['run', '-s', 'build:renderer'], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  expect(spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-main.mjs')], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  data = mkdtempSync(join(tmpdir(), 'madoguchi-electron-'));
  const init = spawnSync(process.execPath, [join(ROOT, 'dist-main', 'node', 'cli', 'main.js'), 'terminal', 'init', '--data', data, '--role', 'kiosk', '--terminal', 'kiosk-east', '--station', 'east', '--printer', 'file:printer/kiosk-east', '--no-kiosk'], { cwd: ROOT, encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
});
test.afterAll(() => data && rmSync(data, { recursive: true, force: true }));

test('the Electron app starts hardened and a concierge issues a ticket that reaches the printer', async () => {
  if (!bin.path) {
    // One line in the run's output, then skip (the list reporter does not print skip reasons).
    console.log(SKIP);
    test.skip(true, SKIP);
    return;
  }
  const app = await electron.launch({ executablePath: bin.path!, args: [ROOT, '--data', data], cwd: ROOT });
  try {
    const page = await app.firstWindow();
    expect(page.url()).toMatch(/^app:\/\/madoguchi\//);
    // The page is a sandboxed web page: no Node, only the contract pipe.
    expect(await page.evaluate(() => [typeof (window as any).require, typeof (window as any).process, Object.keys((window as any).madoguchi ?? {}).sort().join(',')])).toEqual(['undefined', 'undefined', 'call,onPush']);
    // The pipe works, and the terminal is the one main chose, not one the page names.
    const info = await page.evaluate(() => (window as any).madoguchi.call('terminal.info', {}));
    expect(info).toMatchObject({ ok: true, value: { terminal: { id: 'kiosk-east', role: 'kiosk' } } });
    expect(await app.evaluate(({ app: a }) => a.hasSingleInstanceLock())).toBe(true);
    // Navigation away from app:// is refused.
    await page.evaluate(() => (location.href = 'https://example.invalid/'));
    await page.waitForTimeout(300);
    expect(page.url()).toMatch(/^app:\/\/madoguchi\//);

    await expect(page.getByRole('heading', { name: /総合案内/ })).toBeVisible();
    await page.click('[data-event="certificate"]');
    await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
    await page.getByTestId('issue-ticket').click();
    const number = Number(await page.getByTestId('ticket-number').textContent());
    expect(number).toBeGreaterThanOrEqual(1001);
    expect(number).toBeLessThanOrEqual(1999);
    await expect(page.getByTestId('print-status')).toContainText('印刷しました');
    const dir = join(data, 'printer', 'kiosk-east');
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(files).toHaveLength(1);
    const items = decodeEscPos(readFileSync(join(dir, files[0]!)));
    expect(items.some((i) => i.type === 'text' && i.text.trim() === String(number))).toBe(true);
    expect(items.at(-1)?.type).toBe('cut');
  } finally {
    await app.close();
  }
});
