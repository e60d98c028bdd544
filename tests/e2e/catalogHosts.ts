import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliSync } from '../support/cli';

/**
 * Two browser-mode hosts that sync through a real sync server (plain http on loopback): an admin
 * terminal with the administrator admin01 (PIN 9999) and a kiosk, each with its own data folder,
 * for the catalog version specs (issue 19). `beforeStart` runs on the data folders before the
 * hosts start (e.g. a first version published from the command line).
 */
export interface CatalogHosts {
  root: string;
  adminData: string;
  kioskData: string;
  adminCtx: BrowserContext;
  kioskCtx: BrowserContext;
  kioskPort: number;
  close(): Promise<void>;
}

export async function startCatalogHosts(browser: Browser, prefix: string, beforeStart?: (h: { adminData: string; kioskData: string }) => void): Promise<CatalogHosts> {
  const root = mkdtempSync(join(tmpdir(), prefix));
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
  beforeStart?.({ adminData, kioskData });

  const server = runCli(['sync-server', '--port', String(syncPort), '--data', serverData, '--insecure-http']);
  const adminHost = runCli(['web', '--port', String(adminPort), '--data', adminData]);
  const kioskHost = runCli(['web', '--port', String(kioskPort), '--data', kioskData]);
  const adminCtx = await browser.newContext({ baseURL: `http://127.0.0.1:${adminPort}` });
  const kioskCtx = await browser.newContext({ baseURL: `http://127.0.0.1:${kioskPort}` });
  const close = async () => {
    await adminCtx.close();
    await kioskCtx.close();
    for (const p of [adminHost, kioskHost, server]) p.kill('SIGTERM');
    await Promise.all([adminHost.done, kioskHost.done, server.done]);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const port of [adminPort, kioskPort]) {
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { root, adminData, kioskData, adminCtx, kioskCtx, kioskPort, close };
}

/** The kiosk's catalog status (`catalog.status`), as its screens read it. */
export async function kioskCatalogStatus(kioskPort: number): Promise<{ version: number; refused?: { version: number; reason: string } } | undefined> {
  const r = await fetch(`http://127.0.0.1:${kioskPort}/api/call/catalog.status`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-madoguchi-terminal': 'kiosk-east', origin: `http://127.0.0.1:${kioskPort}` }, body: '{}' }).catch(() => null);
  return r ? ((await r.json()) as { value?: { version: number; refused?: { version: number; reason: string } } }).value : undefined;
}

/** Signs the administrator in on the admin terminal's editor. */
export async function signInAdmin(page: Page): Promise<void> {
  await page.goto('/?terminal=admin');
  await page.getByTestId('signin-id').fill('admin01');
  await page.getByTestId('signin-pin').fill('9999');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('catalog-editor')).toBeVisible();
}

/** At the kiosk: the moving-in family of the counter specs, up to kaigo-certified-transfer on the list. */
export { interviewMovingInFamily as interviewFamily } from './flow';
