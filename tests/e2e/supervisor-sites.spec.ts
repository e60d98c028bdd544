import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliSync } from '../support/cli';

/**
 * Two buildings of one municipality (本庁舎 and 境支所) both number a station "east" 1001–1999.
 * Their kiosks sync through a real sync server; the supervisor terminal, which pulls every site,
 * shows the two "east" apart and named by site (the central site.json's siteNames): in today's
 * by-station line, the live table (each site's 市民課 line) and the unfinished visits.
 */
test('a supervisor holding two sites that both number station "east" sees them apart, named by site', async ({ browser }) => {
  test.setTimeout(180_000);
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-sites-'));
  const serverData = join(root, 'server');
  const cli = (args: string[], input?: string) => {
    const r = runCliSync(args, input === undefined ? {} : { input });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const syncPort = 24000 + Math.floor(Math.random() * 1000);
  const webPort = syncPort + 1000;
  const syncUrl = `http://127.0.0.1:${syncPort}/`;
  const enroll = (id: string, role: string, site: string, extra: string[] = []) =>
    (JSON.parse(cli(['sync-server', 'enroll', '--data', serverData, '--terminal', id, '--role', role, '--site', site, ...extra, '--format', 'json'])) as { token: string }).token;
  for (const site of ['honcho', 'sakai']) {
    mkdirSync(join(root, 'central', site), { recursive: true });
    writeFileSync(
      join(root, 'central', site, 'site.json'),
      JSON.stringify({ site, siteNames: { honcho: '本庁舎', sakai: '境支所' }, stations: [{ id: 'east', name: '東口', range: { from: 1001, to: 1999 } }] }),
    );
    const data = join(root, `kiosk-${site}`);
    cli(['terminal', 'init', '--data', data, '--role', 'kiosk', '--terminal', `kiosk-${site}`, '--station', 'east', '--from-central', join(root, 'central', site), '--server', syncUrl, '--token', enroll(`kiosk-${site}`, 'kiosk', site, ['--station', 'east']), '--no-kiosk']);
  }
  const sup = join(root, 'supervisor');
  cli(['terminal', 'init', '--data', sup, '--role', 'supervisor', '--terminal', 'supervisor', '--from-central', join(root, 'central', 'honcho'), '--server', syncUrl, '--token', enroll('supervisor', 'supervisor', 'honcho')]);
  cli(['staff', 'add', '--data', sup, '--id', 'super01', '--name', '監督者', '--role', 'supervisor', '--department', 'shimin'], '9999\n');

  const server = runCli(['sync-server', '--port', String(syncPort), '--data', serverData, '--insecure-http']);
  let host: ReturnType<typeof runCli> | undefined;
  try {
    await expect.poll(async () => (await fetch(`${syncUrl}health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    cli(['ticket', 'issue', '--data', join(root, 'kiosk-honcho'), '--event', 'moving-in', '--count', '2']);
    cli(['ticket', 'issue', '--data', join(root, 'kiosk-sakai'), '--event', 'moving-in']);
    for (const d of [join(root, 'kiosk-honcho'), join(root, 'kiosk-sakai'), sup]) cli(['sync', 'once', '--data', d]);
    // The CLI's list names the site where the database holds two; a kiosk's own list reads as before.
    const listed = cli(['visits', 'list', '--data', sup]);
    expect(listed.match(/#\s*1001 (\S+)/g)?.map((l) => l.split(' ').pop()).sort()).toEqual(['honcho/east', 'sakai/east']);
    expect(cli(['visits', 'list', '--data', join(root, 'kiosk-sakai')])).toMatch(/# {1}1001 east {7}/);
    // The JSON list carries each visit's site, so a script can tell the two "east" apart too.
    const json = JSON.parse(cli(['visits', 'list', '--data', sup, '--format', 'json'])) as Array<{ number: number; station: string; site: string }>;
    expect(json.map((v) => `${v.site}/${v.station}#${v.number}`).sort()).toEqual(['honcho/east#1001', 'honcho/east#1002', 'sakai/east#1001']);

    host = runCli(['web', '--port', String(webPort), '--data', sup]);
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${webPort}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    const ctx = await browser.newContext({ baseURL: `http://127.0.0.1:${webPort}` });
    const page = await ctx.newPage();
    await page.goto('/?terminal=supervisor');
    await page.getByTestId('signin-id').fill('super01');
    await page.getByTestId('signin-pin').fill('9999');
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('staff-name')).toContainText('super01');

    const byStation = page.getByTestId('by-station');
    await expect(byStation).toContainText(/東口（本庁舎）\s*2/);
    await expect(byStation).toContainText(/東口（境支所）\s*1/);
    const line = (site: string) => page.locator(`[data-testid="live-table"] tr[data-department="shimin"][data-site="${site}"]`);
    await expect(line('honcho').locator('th')).toHaveText('市民課（本庁舎）');
    await expect(line('sakai').locator('th')).toHaveText('市民課（境支所）');
    await expect(line('honcho').locator('td').first()).toHaveText(/^2/);
    await expect(line('sakai').locator('td').first()).toHaveText(/^1/);
    const unfinished = page.getByTestId('unfinished-table');
    await expect(unfinished.locator('tbody tr')).toHaveCount(3);
    await expect(unfinished.locator('tbody tr', { hasText: '東口（境支所）' })).toHaveCount(1);
    await expect(unfinished.locator('tbody tr', { hasText: '東口（本庁舎）' })).toHaveCount(2);
    await ctx.close();
  } finally {
    host?.kill('SIGTERM');
    server.kill('SIGTERM');
    await Promise.all([host?.done, server.done]);
    rmSync(root, { recursive: true, force: true });
  }
});
