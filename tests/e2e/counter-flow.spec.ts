import { expect, test } from '@playwright/test';
import { issueFamilyTicket, item, signIn, signInWithKeyboard, STAFF } from './flow';

test.describe.configure({ mode: 'serial' });

test('one visit: kiosk → 市民課 (call, accept two items, note, finish) → 介護保険課 (same number, sees note and statuses) → no-show, reactivate → complete', async ({ page, context }) => {
  const number = await issueFamilyTicket(page);

  const display = await context.newPage();
  await display.goto('/?terminal=display-hall');
  await expect(display.getByTestId('display')).toBeVisible();

  const shimin = await context.newPage();
  await signIn(shimin, 'counter-shimin-1', STAFF.shimin);
  await expect(shimin.locator(`[data-testid="waiting"] li[data-number="${number}"]`)).toBeVisible();
  // The 介護保険課 sees the visit coming before it arrives (来庁を通知).
  const kaigo = await context.newPage();
  await signIn(kaigo, 'counter-kaigo-12', STAFF.kaigo);
  await expect(kaigo.locator(`[data-testid="coming"] li[data-number="${number}"]`)).toBeVisible();

  await shimin.getByTestId('call-number-input').fill(String(number));
  await shimin.getByTestId('call-number').click();
  await expect(shimin.getByTestId('current-number')).toHaveText(String(number));
  // The display, already open, shows the call without a reload.
  await expect(display.getByTestId('display-latest')).toHaveText(String(number));
  await expect(display.getByTestId('display-latest-counter')).toContainText('1番窓口');
  await expect(display.locator(`[data-testid="display-counters"] li[data-counter="1"]`)).toHaveAttribute('data-number', String(number));

  await shimin.getByTestId('start').click();
  await expect(shimin.getByTestId('visit-status')).toHaveText('対応中');
  await item(shimin, 'tennyu').getByTestId('item-advance').click();
  await expect(item(shimin, 'tennyu')).toHaveAttribute('data-status', 'accepted');
  await item(shimin, 'kouki-join').getByTestId('item-advance').click();
  await expect(item(shimin, 'kouki-join')).toHaveAttribute('data-status', 'proxy-accepted');
  await expect(item(shimin, 'kouki-join').locator('.steps')).toContainText('shimin01');

  const note = '転入届は受付済み。祖母の介護認定は前住所地で要介護2、受給資格証明書は持参済み。';
  await shimin.getByTestId('note-text').fill(note);
  await shimin.getByTestId('note-save').click();
  await expect(shimin.getByTestId('notes')).toContainText(note);
  // Workflow integrity: procedures still 未着手 or only 受付 hold the hand-over, named, not by id.
  await shimin.getByTestId('finish').click();
  const check = shimin.getByTestId('finish-check');
  await expect(check).toBeVisible();
  await expect(check.locator('[data-open-item="tennyu"]')).toContainText('転入届');
  await expect(check.locator('[data-open-item="tennyu"]')).toContainText('受付済');
  await expect(check).not.toContainText('tennyu');
  await expect(shimin.getByTestId('current-number')).toHaveText(String(number));
  await expect(shimin.getByTestId('finish-confirm')).toBeDisabled();
  await shimin.getByTestId('finish-reason').fill('入力は2線で午後にまとめて行う');
  await shimin.getByTestId('finish-confirm').click();
  await expect(shimin.getByTestId('counter-message')).toContainText('介護保険課');
  await expect(shimin.getByTestId('current-number')).toHaveCount(0);

  // Same number, now in the 介護保険課's queue, with the note and how far each item got.
  await expect(kaigo.locator(`[data-testid="waiting"] li[data-number="${number}"]`)).toBeVisible();
  await kaigo.getByTestId('call-next').click();
  await expect(kaigo.getByTestId('current-number')).toHaveText(String(number));
  await expect(kaigo.getByTestId('notes')).toContainText(note);
  await expect(item(kaigo, 'tennyu')).toHaveAttribute('data-status', 'accepted');
  await expect(item(kaigo, 'kouki-join')).toHaveAttribute('data-status', 'proxy-accepted');
  await expect(item(kaigo, 'kaigo-certified-transfer')).toHaveAttribute('data-status', 'listed');
  // The 市民課's confirmed reason is in the timeline every counter sees, with names, not ids.
  const leftOpen = kaigo.locator('[data-testid="timeline"] li[data-type="left-open"]');
  await expect(leftOpen).toContainText('転入届');
  await expect(leftOpen).toContainText('入力は2線で午後にまとめて行う');
  await expect(leftOpen).not.toContainText('tennyu');
  await expect(kaigo.locator('[data-testid="route"] li[data-route-dept="shimin"]')).toHaveAttribute('data-state', 'done');
  await expect(display.getByTestId('display-latest-counter')).toContainText('12番窓口');

  // Not there: two recalls, then no-show; the visitor turns up and is reactivated.
  await expect(kaigo.getByTestId('no-show')).toBeDisabled();
  await kaigo.getByTestId('recall').click();
  await expect(kaigo.getByTestId('no-show')).toContainText('(1/2)');
  await kaigo.getByTestId('recall').click();
  await expect(kaigo.getByTestId('no-show')).toBeEnabled();
  await kaigo.getByTestId('no-show').click();
  await expect(kaigo.locator(`[data-testid="no-shows"] li[data-number="${number}"]`)).toBeVisible();
  await kaigo.locator(`[data-testid="no-shows"] li[data-number="${number}"]`).getByTestId('reactivate').click();
  await expect(kaigo.locator(`[data-testid="waiting"] li[data-number="${number}"]`)).toBeVisible();
  await kaigo.getByTestId('call-number-input').fill(String(number));
  await kaigo.getByTestId('call-number').click();
  await expect(kaigo.getByTestId('current-number')).toHaveText(String(number));
  await kaigo.getByTestId('start').click();

  // The visitor answers the survey on the counter's visitor-facing screen.
  const survey = await context.newPage();
  await survey.goto('/?terminal=counter-kaigo-12&view=survey');
  await expect(survey.getByTestId('survey-idle')).toBeVisible();
  await kaigo.getByTestId('survey-offer').click();
  await expect(survey.getByTestId('survey')).toBeVisible();
  await survey.locator('[data-question="ease"] label').nth(4).click();
  await survey.locator('[data-question="waiting"] label').nth(3).click();
  await survey.getByTestId('survey-submit').click();
  await expect(survey.getByTestId('survey-idle')).toBeVisible();

  await item(kaigo, 'kaigo-certified-transfer').getByTestId('item-advance').click();
  await expect(item(kaigo, 'kaigo-certified-transfer')).toHaveAttribute('data-status', 'accepted');
  // The last stop: 受付 only still holds the finish; the check moves it on to 事後交付.
  await kaigo.getByTestId('finish').click();
  const last = kaigo.locator('[data-testid="finish-check"] [data-open-item="kaigo-certified-transfer"]');
  await expect(last).toContainText('介護保険');
  await last.getByTestId('open-later').click();
  await expect(item(kaigo, 'kaigo-certified-transfer')).toHaveAttribute('data-status', 'awaiting-delivery');
  await expect(last).toHaveCount(0);
  // Whatever else is still open here is left with a reason.
  if ((await kaigo.locator('[data-testid="finish-check"] [data-open-item]').count()) > 0) await kaigo.getByTestId('finish-reason').fill('残りは後日');
  await kaigo.getByTestId('finish-confirm').click();
  await expect(kaigo.getByTestId('counter-message')).toContainText('完了');

  await kaigo.getByTestId('tab-board').click();
  const row = kaigo.locator(`[data-testid="board"] tr[data-number="${number}"]`);
  await expect(row).toContainText('完了');
  await expect(row).toHaveAttribute('data-position', 'passed');
});

test('the same counter flow with the keyboard only', async ({ page, context }) => {
  const number = await issueFamilyTicket(page);
  const shimin = await context.newPage();
  await signInWithKeyboard(shimin, 'counter-shimin-1', STAFF.shimin);
  const k = shimin.keyboard;
  // The answers to 呼出 and 開始 are held back, so the screen shows each step (pushed) while its
  // call is still in flight: keys pressed then are not lost, and the buttons stay disabled until
  // the last call ends (a 1 pressed meanwhile focuses its button when they come back).
  const held = async (method: string) => {
    let answer = () => undefined as void;
    const answered = new Promise<void>((r) => (answer = r));
    await shimin.route(`**/api/call/${method}`, async (r) => {
      const res = await r.fetch();
      await answered;
      await r.fulfill({ response: res });
    });
    return answer;
  };
  const answerCall = await held('counter.callNumber');
  const answerStart = await held('counter.start');
  await k.press('g');
  await expect(shimin.getByTestId('call-number-input')).toBeFocused();
  await k.type(String(number));
  await k.press('Enter');
  await expect(shimin.getByTestId('current-number')).toHaveText(String(number));
  await k.press('Escape');
  await k.press('s');
  await expect(shimin.getByTestId('visit-status')).toHaveText('対応中');
  const callAnswered = shimin.waitForResponse('**/api/call/counter.callNumber');
  answerCall();
  await callAnswered;
  await expect(shimin.getByTestId('counter-message')).toContainText(String(number));
  await expect(item(shimin, 'tennyu').getByTestId('item-advance')).toBeDisabled();
  await k.press('1');
  answerStart();
  await expect(item(shimin, 'tennyu').getByTestId('item-advance')).toBeFocused();
  await shimin.unrouteAll();
  await k.press('Enter');
  await expect(item(shimin, 'tennyu')).toHaveAttribute('data-status', 'accepted');
  await k.press('2');
  await expect(shimin.locator('[data-testid="items"] > li').nth(1).getByTestId('item-advance')).toBeFocused();
  await k.press('Enter');
  await expect(shimin.locator('[data-testid="items"] > li').nth(1)).not.toHaveAttribute('data-status', 'listed');
  await k.press('m');
  await expect(shimin.getByTestId('note-text')).toBeFocused();
  await k.type('キーボードだけで受付。');
  await k.press('Control+Enter');
  await expect(shimin.getByTestId('notes')).toContainText('キーボードだけで受付。');
  await k.press('Escape');
  await k.press('f');
  await expect(shimin.getByTestId('finish-reason')).toBeFocused();
  await k.type('残りは後日、本人が来庁');
  await k.press('Enter');
  await expect(shimin.getByTestId('counter-message')).toContainText('介護保険課');

  const kaigo = await context.newPage();
  await signInWithKeyboard(kaigo, 'counter-kaigo-12', STAFF.kaigo);
  const kk = kaigo.keyboard;
  await expect(kaigo.locator(`[data-testid="waiting"] li[data-number="${number}"]`)).toBeVisible();
  await kk.press('g');
  await kk.type(String(number));
  await kk.press('Enter');
  await expect(kaigo.getByTestId('current-number')).toHaveText(String(number));
  await expect(kaigo.getByTestId('notes')).toContainText('キーボードだけで受付。');
  await kk.press('Escape');
  await kk.press('r');
  await expect(kaigo.getByTestId('no-show')).toContainText('(1/2)');
  await kk.press('r');
  await expect(kaigo.getByTestId('no-show')).toContainText('(2/2)');
  await kk.press('x');
  await expect(kaigo.locator(`[data-testid="no-shows"] li[data-number="${number}"]`)).toBeVisible();
  // Reactivate: V takes the first no-show back into the queue.
  await expect(kaigo.locator(`[data-testid="no-shows"] li[data-number="${number}"]`).getByTestId('reactivate')).toContainText('V');
  await kk.press('v');
  await expect(kaigo.locator(`[data-testid="waiting"] li[data-number="${number}"]`)).toBeVisible();
  await kk.press('g');
  await kk.type(String(number));
  await kk.press('Enter');
  await expect(kaigo.getByTestId('current-number')).toHaveText(String(number));
  await kk.press('Escape');
  await kk.press('s');
  await expect(kaigo.getByTestId('visit-status')).toHaveText('対応中');
  const idx = await kaigo.locator('[data-testid="items"] > li').evaluateAll((els) => els.findIndex((e) => e.getAttribute('data-item-id') === 'kaigo-certified-transfer') + 1);
  await kk.press(String(idx));
  await kk.press('Enter');
  await expect(item(kaigo, 'kaigo-certified-transfer')).toHaveAttribute('data-status', 'accepted');
  await kk.press('f');
  await expect(kaigo.getByTestId('finish-reason')).toBeFocused();
  await kk.type('審査は明日');
  await kk.press('Enter');
  await expect(kaigo.getByTestId('counter-message')).toContainText('完了');
  // The finish dialog closes after the message; a key typed before that would go into its field.
  await expect(kaigo.getByTestId('finish-reason')).toHaveCount(0);
  await kk.press('b');
  await expect(kaigo.locator(`[data-testid="board"] tr[data-number="${number}"]`)).toContainText('完了');
});

test('the survey appears on the visitor-facing screen in the visitor’s language, optional and answered once', async ({ page, context, request }) => {
  const post = async <T>(terminal: string, method: string, body: unknown, session?: string): Promise<T> => {
    const res = await request.post(`/api/call/${method}`, { headers: { 'x-madoguchi-terminal': terminal, ...(session ? { 'x-madoguchi-session': session } : {}) }, data: body });
    const json = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (!json.ok) throw new Error(`${method}: ${json.error?.message}`);
    return json.value as T;
  };
  const ticket = await post<{ number: number; visit: { id: string } }>('kiosk-west', 'ticket.issue', { lang: 'en', facts: { events: ['moving-in'], members: [{ role: 'applicant', ageBand: '20-59' }], moveFrom: 'abroad' } });
  await page.goto('/?terminal=counter-shimin-2&view=survey');
  await expect(page.getByTestId('survey-idle')).toBeVisible();
  const counter = await context.newPage();
  await signIn(counter, 'counter-shimin-2', STAFF.shimin);
  await counter.getByTestId('call-number-input').fill(String(ticket.number));
  await counter.getByTestId('call-number').click();
  await expect(counter.getByTestId('current-number')).toHaveText(String(ticket.number));
  await counter.keyboard.press('Escape');
  await counter.keyboard.press('q');
  await expect(page.getByTestId('survey')).toBeVisible();
  await expect(page.locator('main')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Number ${ticket.number}: how was your visit today?`);
  await expect(page.getByTestId('survey-submit')).toBeDisabled();
  // Keyboard on the visitor screen too: focus a point of the scale, Space picks it, Enter sends.
  await page.locator('[data-question="clarity"] input[value="4"]').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('survey-idle')).toHaveText('Thank you for your feedback.');
  await counter.getByTestId('survey-offer').click();
  await expect(page.getByTestId('survey-idle')).toBeVisible();
  await counter.getByTestId('finish').click();
  await counter.getByTestId('finish-reason').fill('アンケートの確認のみ');
  await counter.getByTestId('finish-confirm').click();
  await expect(counter.getByTestId('current-number')).toHaveCount(0);
});
