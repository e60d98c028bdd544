import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

/** Browser mode (the `web` command this run's host is) writes <data>/logs/app.log, as the README says. */
test('browser mode writes logs/app.log in its data folder', async ({ request }) => {
  expect((await request.get('/api/health')).ok()).toBe(true);
  const file = join(process.env.E2E_DATA!, 'logs', 'app.log');
  expect(existsSync(file), file).toBe(true);
  const text = readFileSync(file, 'utf8');
  expect(text).toMatch(/ INFO  web started \(pid \d+/);
  expect(text).toMatch(/ INFO  Madoguchi browser mode: http:\/\/127\.0\.0\.1:\d+\//);
});
