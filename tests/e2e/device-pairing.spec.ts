import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { DeviceRegistry } from '../../src-main/node/http/devices';
import { dbPath } from '../../src-main/node/terminal/dataFolder';

/**
 * Browser pairing from the supervisor terminal (issue 12): a browser on the LAN asked to be paired
 * (its request is written into the host's own database, as the host's /api/pair does for a
 * non-loopback peer); an administrator sees its code, chooses the terminal and approves it. A
 * supervisor does not see the panel. The decision is read back from the host's database.
 */
const DATA = process.env.E2E_DATA!;

async function signIn(page: Page, id: string, pin: string): Promise<void> {
  await page.goto('/?terminal=supervisor');
  await page.getByTestId('signin-id').fill(id);
  await page.getByTestId('signin-pin').fill(pin);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('staff-name')).toContainText(id);
}

function withRegistry<T>(f: (r: DeviceRegistry, db: Database.Database) => T): T {
  const db = new Database(dbPath(DATA));
  db.pragma('busy_timeout = 5000');
  try {
    return f(new DeviceRegistry(db), db);
  } finally {
    db.close();
  }
}

test('an administrator approves a waiting browser for a terminal, and refuses another; a supervisor sees no pairing panel', async ({ page, context }) => {
  const asked = withRegistry((r) => [r.request('east hall tablet', '192.0.2.17', 'kiosk-west').device, r.request('unknown laptop', '192.0.2.99', null).device]);

  await signIn(page, 'super01', '9999');
  await expect(page.getByTestId('today-tiles')).toBeVisible();
  await expect(page.getByTestId('device-pairing')).toHaveCount(0);

  const admin = await context.newPage();
  await signIn(admin, 'admin01', '9999');
  const panel = admin.getByTestId('device-pairing');
  await expect(panel).toBeVisible();
  const first = panel.locator(`tr[data-code="${asked[0]!.code}"]`);
  await expect(first).toContainText('east hall tablet');
  // The terminal the browser asked for is chosen already; the other needs a choice before it can be approved.
  await expect(first.getByTestId('device-terminal')).toHaveValue('kiosk-west');
  const second = panel.locator(`tr[data-code="${asked[1]!.code}"]`);
  await expect(second.getByTestId('device-approve')).toBeDisabled();

  await first.getByTestId('device-approve').click();
  await expect(admin.getByTestId('device-message')).toHaveText(`申請番号 ${asked[0]!.code} のブラウザを kiosk-west として承認しました。`);
  await expect(first).toHaveCount(0);
  await second.getByTestId('device-refuse').click();
  await expect(admin.getByTestId('device-message')).toHaveText(`申請番号 ${asked[1]!.code} を拒否しました。`);
  await expect(second).toHaveCount(0);

  const rows = withRegistry((_r, db) => db.prepare('SELECT id, status, terminal, decided_by FROM devices WHERE id IN (?, ?) ORDER BY requested_at').all(asked[0]!.id, asked[1]!.id)) as Array<{ id: string; status: string; terminal: string | null; decided_by: string }>;
  expect(rows.find((r) => r.id === asked[0]!.id)).toMatchObject({ status: 'approved', terminal: 'kiosk-west' });
  expect(rows.find((r) => r.id === asked[1]!.id)).toMatchObject({ status: 'revoked' });
  for (const r of rows) expect(r.decided_by).toContain('admin01');
});
