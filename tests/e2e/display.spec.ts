import { expect, test, type APIRequestContext } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

/** A visit straight through the API (the kiosk UI has its own spec), in the visitor's language. */
async function api<T>(request: APIRequestContext, terminal: string, method: string, body: unknown, session?: string): Promise<T> {
  const res = await request.post(`/api/call/${method}`, { headers: { 'x-madoguchi-terminal': terminal, ...(session ? { 'x-madoguchi-session': session } : {}) }, data: body });
  const json = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${method}: ${json.error?.message}`);
  return json.value as T;
}

const family = { events: ['moving-in'], members: [{ role: 'applicant', ageBand: '20-59' }], moveFrom: 'other-municipality' };

test.describe.configure({ mode: 'serial' });
// A hall display is set up to play sound without a tap (Electron does the same for the display role).
test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] } });

test.beforeEach(async ({ context }) => {
  // Headless Chromium has no speech voices: give it a Japanese and an English one, and record what is said.
  await context.addInitScript(() => {
    const said: string[] = [];
    (window as unknown as { __said: string[] }).__said = said;
    const voices = [
      { lang: 'ja-JP', name: 'ja', default: true, localService: true, voiceURI: 'ja' },
      { lang: 'en-US', name: 'en', default: false, localService: true, voiceURI: 'en' },
    ];
    class Utterance {
      text: string;
      voice: unknown = null;
      lang = '';
      rate = 1;
      constructor(text: string) {
        this.text = text;
      }
    }
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true });
    Object.defineProperty(window, 'speechSynthesis', { value: { getVoices: () => voices, speak: (u: Utterance) => said.push(`${u.lang}: ${u.text}`) }, configurable: true });
  });
});

test('the display shows a call within the second, chimes, speaks Japanese and the visitor’s language, without a reload', async ({ page, request }) => {
  await page.goto('/?terminal=display-hall');
  await expect(page.getByTestId('display')).toBeVisible();
  await expect(page.getByTestId('enable-sound')).toHaveCount(0);
  const navigations: string[] = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));

  const ticket = await api<{ number: number }>(request, 'kiosk-west', 'ticket.issue', { lang: 'en', facts: family });
  const { token } = await api<{ token: string }>(request, 'counter-shimin-2', 'staff.signIn', { staffId: 'shimin01', pin: '1111' });
  await api(request, 'counter-shimin-2', 'counter.callNumber', { number: ticket.number }, token);

  await expect(page.getByTestId('display-latest')).toHaveText(String(ticket.number));
  await expect(page.getByTestId('display-latest-counter')).toContainText('2番窓口');
  await expect(page.getByTestId('display')).toHaveAttribute('data-last-call', `${ticket.number}@2`);
  await expect(page.getByTestId('display')).toHaveAttribute('data-chimes', '1');
  await expect(page.getByTestId('display')).toHaveAttribute('data-spoken', 'ja en');
  const said = await page.evaluate(() => (window as unknown as { __said: string[] }).__said);
  expect(said).toEqual([`ja-JP: ${ticket.number}番の方、2番窓口へお越しください。`, `en-US: Number ${ticket.number}, please go to counter 2.`]);
  await expect(page.locator('[data-testid="display-counters"] li[data-counter="2"]')).toHaveAttribute('data-number', String(ticket.number));

  // A recall chimes again; the waiting count follows the queue.
  await api(request, 'counter-shimin-2', 'counter.recall', { visitId: (await api<{ current: { id: string } }>(request, 'counter-shimin-2', 'counter.queue', {}, token)).current.id }, token);
  await expect(page.getByTestId('display')).toHaveAttribute('data-chimes', '2');
  const q = await api<{ current: { id: string } }>(request, 'counter-shimin-2', 'counter.queue', {}, token);
  await api(request, 'counter-shimin-2', 'counter.finish', { visitId: q.current.id, leftOpenReason: 'e2e: 表示の確認のみ' }, token);
  await expect(page.locator('[data-testid="display-counters"] li[data-counter="2"]')).toHaveAttribute('data-number', '');
  expect(navigations).toEqual([]);
});

test('shows "reconnecting" while the link is down and catches up by itself when it returns', async ({ page, request }) => {
  await page.route('**/api/stream', (r) => r.abort());
  await page.goto('/?terminal=display-hall');
  await expect(page.getByTestId('reconnecting')).toBeVisible();
  await expect(page.getByTestId('reconnecting')).toContainText('再接続');

  // A call made while the display is cut off…
  const ticket = await api<{ number: number }>(request, 'kiosk-west', 'ticket.issue', { lang: 'ja', facts: family });
  const { token } = await api<{ token: string }>(request, 'counter-shimin-2', 'staff.signIn', { staffId: 'shimin01', pin: '1111' });
  await api(request, 'counter-shimin-2', 'counter.callNumber', { number: ticket.number }, token);

  // …shows once EventSource reconnects on its own.
  await page.unroute('**/api/stream');
  await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('display-latest')).toHaveText(String(ticket.number));
  const q = await api<{ current: { id: string } }>(request, 'counter-shimin-2', 'counter.queue', {}, token);
  await api(request, 'counter-shimin-2', 'counter.finish', { visitId: q.current.id, leftOpenReason: 'e2e: 表示の確認のみ' }, token);
});
