import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliSync } from '../support/cli';

/**
 * A terminal's status bar tells the operator whether sync is online, when it last synced and how
 * many events wait to go out: against a real sync server on loopback that goes away and returns.
 */
test('the status bar shows sync online with its last sync, offline with the outbox growing, and online again', async ({ page }) => {
  test.setTimeout(120_000);
  const serverData = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-sync-server-'));
  const terminalData = mkdtempSync(join(tmpdir(), 'madoguchi-e2e-sync-kiosk-'));
  const syncPort = 21000 + Math.floor(Math.random() * 1000);
  const webPort = syncPort + 1000;

  const enrolled = runCliSync(['sync-server', 'enroll', '--data', serverData, '--terminal', 'kiosk-sync', '--role', 'kiosk', '--format', 'json']);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const { token } = JSON.parse(enrolled.stdout) as { token: string };
  const init = runCliSync(['terminal', 'init', '--data', terminalData, '--role', 'kiosk', '--terminal', 'kiosk-sync', '--station', 'east', '--printer', 'file:printer/ticket', '--server', `http://127.0.0.1:${syncPort}/`, '--token', token, '--no-kiosk']);
  expect(init.code, init.stderr).toBe(0);

  const startServer = () => {
    const s = runCli(['sync-server', '--port', String(syncPort), '--data', serverData, '--insecure-http']);
    return s;
  };
  let server = startServer();
  const web = runCli(['web', '--port', String(webPort), '--data', terminalData]);
  try {
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${webPort}/api/health`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
    await page.goto(`http://127.0.0.1:${webPort}/`);
    const status = page.getByTestId('status-sync');
    await expect(status).toContainText('オンライン', { timeout: 30_000 });
    await expect(status).toContainText('最終同期');
    await expect(status).toContainText('未送信 0 件');

    // The LAN goes: the terminal keeps working and counts what waits to go out.
    server.kill('SIGKILL');
    await server.done;
    await page.click('[data-event="certificate"]');
    await page.getByRole('button', { name: '住民票の写し', exact: true }).click();
    await page.getByTestId('issue-ticket').click();
    await expect(page.getByTestId('ticket-number')).toHaveText('1001');
    await expect(status).toContainText('オフライン', { timeout: 30_000 });
    await expect(status).not.toContainText('未送信 0 件');

    // It comes back: the outbox drains by itself.
    server = startServer();
    await expect(status).toContainText('オンライン', { timeout: 60_000 });
    await expect(status).toContainText('未送信 0 件', { timeout: 30_000 });

    // An event an older server stored, that this terminal cannot fold: set aside, counted on the
    // status bar, and sync stays online (issue 12, quarantine not poison).
    const db = new Database(join(serverData, 'sync-server.sqlite'), { timeout: 5000 });
    const hlc = `${String(Date.now()).padStart(15, '0')}.000000.kiosk-old`;
    db.prepare('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)').run('kiosk-old', hlc, 'visit.issued', 'honcho', 'v-old', JSON.stringify({ visitId: 'v-old', number: 'x' }), new Date().toISOString());
    db.prepare(`INSERT INTO origins (origin, site, max_seq) VALUES ('kiosk-old', 'honcho', 1)`).run();
    db.close();
    await expect(page.getByTestId('status-sync-quarantine')).toContainText('隔離 1 件', { timeout: 30_000 });
    await expect(status).toContainText('オンライン');
  } finally {
    web.kill('SIGTERM');
    server.kill('SIGKILL');
    await Promise.all([web.done, server.done]);
  }
});
