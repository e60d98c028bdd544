import { chromium, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli';
import { startStaticServer } from '../support/staticServer';
import { summarize } from './stats';

/**
 * The online guide as a resident's phone gets it: the built site's JS+CSS (gzip -9, what a web
 * server sends) against its budget, and how long the first screen takes in headless Chromium —
 * unthrottled, and as a cheap phone on a slow line (CPU ×4 slower, 1.6 Mbit/s, 150 ms RTT) —
 * plus a repeat visit with no connection at all (service worker).
 */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const RUNS = 7;

interface SizeReport {
  initialGzip: number;
  totalGzip: number;
  files: Record<string, number>;
  budgetKiB: { initial: number; total: number };
}

async function firstScreenMs(browser: Browser, url: string, throttle: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
  }
  const started = Date.now();
  await page.goto(url);
  await page.locator('[data-event="certificate"]').waitFor();
  const ms = Date.now() - started;
  await context.close();
  return ms;
}

async function offlineRepeatMs(browser: Browser, url: string): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('offline-ready').waitFor();
  await context.setOffline(true);
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = Date.now();
    await page.reload();
    await page.locator('[data-event="certificate"]').waitFor();
    out.push(Date.now() - started);
  }
  await context.close();
  return out;
}

export async function benchGuideSite(): Promise<Record<string, number | string>> {
  execFileSync('npm', ['run', '-s', 'build:guide'], { cwd: ROOT, stdio: 'pipe' });
  const dist = join(ROOT, 'dist-guide');
  const size = JSON.parse(readFileSync(join(dist, 'build-size.json'), 'utf8')) as SizeReport;
  const kib = (n: number) => Math.round((n / 1024) * 10) / 10;
  const server = await startStaticServer(dist);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    const url = server.url + '/';
    await firstScreenMs(browser, url, false); // warm the OS file cache, not counted
    const fast: number[] = [];
    const slow: number[] = [];
    for (let i = 0; i < RUNS; i++) fast.push(await firstScreenMs(browser, url, false));
    for (let i = 0; i < RUNS; i++) slow.push(await firstScreenMs(browser, url, true));
    const offline = await offlineRepeatMs(browser, url);
    const f = summarize(fast);
    const s = summarize(slow);
    const o = summarize(offline);
    return {
      'first load JS+CSS gzip (KiB)': kib(size.initialGzip),
      'first load budget (KiB)': size.budgetKiB.initial,
      'all languages JS+CSS gzip (KiB)': kib(size.totalGzip),
      'all languages budget (KiB)': size.budgetKiB.total,
      'files (JS+CSS)': Object.keys(size.files).length,
      'first screen, unthrottled p50 (ms)': f.p50,
      'first screen, unthrottled p95 (ms)': f.p95,
      'first screen, CPU x4 + 1.6 Mbit/s 150 ms p50 (ms)': s.p50,
      'first screen, CPU x4 + 1.6 Mbit/s 150 ms p95 (ms)': s.p95,
      'repeat visit offline (service worker) p50 (ms)': o.p50,
      runs: RUNS,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
