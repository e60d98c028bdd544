import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

/**
 * One live connection per browser: a browser keeps six HTTP/1.1 connections per host and every
 * server-sent event stream holds one, so before, the seventh screen stayed on "読み込み中…".
 * Ten screens in one browser (one context = one profile) load, share one stream, stay live, and
 * the stream moves to another screen when the one holding it closes.
 */
async function api<T>(request: APIRequestContext, terminal: string, method: string, body: unknown, session?: string): Promise<T> {
  const res = await request.post(`/api/call/${method}`, { headers: { 'x-madoguchi-terminal': terminal, ...(session ? { 'x-madoguchi-session': session } : {}) }, data: body });
  const json = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${method}: ${json.error?.message}`);
  return json.value as T;
}

const family = { events: ['moving-in'], members: [{ role: 'applicant', ageBand: '20-59' }], moveFrom: 'other-municipality' };

test('ten screens in one browser all load, share one live stream and stay live; the stream moves when its screen closes', async ({ browser, context, request }) => {
  // Streams that opened (a refused attempt has no response).
  const streams: string[] = [];
  context.on('response', (r) => {
    if (new URL(r.url()).pathname === '/api/stream') streams.push(r.url());
  });
  const displays: Page[] = [];
  const kiosks: Page[] = [];
  for (let i = 0; i < 10; i++) {
    const page = await context.newPage();
    if (i % 2 === 0) {
      await page.goto('/?terminal=display-hall');
      await expect(page.getByTestId('display')).toBeVisible();
      displays.push(page);
    } else {
      await page.goto('/?terminal=kiosk-east');
      await expect(page.locator('[data-event="moving-in"]')).toBeVisible();
      kiosks.push(page);
    }
  }
  for (const p of [...displays, ...kiosks]) await expect(p.getByTestId('status-link')).toHaveText('接続中');
  expect(new Set(streams).size).toBe(1);
  expect(streams).toHaveLength(1);

  // Live: a call made elsewhere shows on every display at once, no reload.
  const { token } = await api<{ token: string }>(request, 'counter-shimin-2', 'staff.signIn', { staffId: 'shimin01', pin: '1111' });
  const call = async () => {
    const ticket = await api<{ number: number; visit: { id: string } }>(request, 'kiosk-west', 'ticket.issue', { lang: 'ja', facts: family });
    await api(request, 'counter-shimin-2', 'counter.callNumber', { number: ticket.number }, token);
    return ticket;
  };
  const first = await call();
  for (const d of displays) await expect(d.getByTestId('display-latest')).toHaveText(String(first.number));
  await api(request, 'counter-shimin-2', 'counter.finish', { visitId: first.visit.id, leftOpenReason: 'e2e: 表示の確認のみ' }, token);

  // The first screen held the stream (it opened first). Close it: another takes the lock and opens
  // it. A call made before the new stream is open is never pushed: the screens re-read on open.
  // The next stream is held back until the call is made and pushed (a display in another browser,
  // with its own stream, shows it), so the gap is there on every run.
  const witness = await (await browser.newContext()).newPage();
  await witness.goto('/?terminal=display-hall');
  await expect(witness.getByTestId('status-link')).toHaveText('接続中');
  let held = 0;
  let release = () => undefined as void;
  const gate = new Promise<void>((r) => (release = r));
  await context.route('**/api/stream', async (r) => {
    held += 1;
    await gate;
    await r.continue();
  });
  await displays[0]!.close();
  await expect.poll(() => held).toBe(1);
  const second = await call();
  try {
    await expect(witness.getByTestId('display-latest')).toHaveText(String(second.number));
    release();
    for (const d of displays.slice(1)) await expect(d.getByTestId('display-latest')).toHaveText(String(second.number));
    expect(streams).toHaveLength(2);
  } finally {
    // Counter 2 is free for the next spec even when this one fails.
    await api(request, 'counter-shimin-2', 'counter.finish', { visitId: second.visit.id, leftOpenReason: 'e2e: 表示の確認のみ' }, token);
  }
  for (const p of [...displays.slice(1), ...kiosks]) await p.close();
  await witness.context().close();
});
