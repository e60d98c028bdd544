import { defineConfig } from '@playwright/test';

// The Electron suite: `npx playwright test -c tests/e2e-electron/playwright.config.ts`.
// It skips with one line where the Electron binary cannot be had (as on the CI machines).
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  reporter: [['list']],
});
