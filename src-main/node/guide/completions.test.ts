import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { businessDate } from '../../common/dates/businessDay';
import { addDays } from '../../common/dates/isoDate';
import { createApp, type App } from '../app/app';
import { createHost } from '../http/host';
import { readGuideCompletions } from '../reports/source';
import { ensureDemoSetup } from '../terminal/dataFolder';
import { GUIDE_COMPLETED_EVENT, GUIDE_COMPLETED_PATH, guideCompletionRoute } from './completions';

let app: App;
let server: Server;
let base: string;
let today: string;
const t = tempDir('madoguchi-guide-count-');

beforeAll(async () => {
  ensureDemoSetup(t.dir);
  app = createApp(t.dir);
  server = createHost(app, { staticDir: t.dir, extraRoutes: guideCompletionRoute(app) });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  today = businessDate(app.terminal.store.now(), app.terminal.config.timeZone);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
  app.close();
  t.cleanup();
});

const completions = () => [...app.terminal.store.allEvents(100, { types: [GUIDE_COMPLETED_EVENT] })];

/** As the guide sends it: a "simple" cross-origin request, text/plain, no credentials. */
const post = (body: string) => fetch(base + GUIDE_COMPLETED_PATH, { method: 'POST', body, headers: { 'content-type': 'text/plain', origin: 'https://www.city.example.jp' } });

describe('guide completion count endpoint', () => {
  it('appends one guide.completed event per post, with exactly count, date and lang', async () => {
    const before = completions().length;
    const r = await post(JSON.stringify({ count: 1, date: today, lang: 'vi' }));
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const evs = completions();
    expect(evs.length).toBe(before + 1);
    expect(evs.at(-1)!.payload).toEqual({ count: 1, date: today, lang: 'vi' });
    expect(evs.at(-1)!.visitId).toBeNull();
    // The daily report's "uses of the online guide" (KPI①) counts it.
    expect(readGuideCompletions(app.terminal.store, today).uses).toBe(before + 1);
  });

  it('answers the CORS preflight a browser may send', async () => {
    const r = await fetch(base + GUIDE_COMPLETED_PATH, { method: 'OPTIONS', headers: { origin: 'https://www.city.example.jp', 'access-control-request-method': 'POST' } });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it.each([
    ['answers smuggled in', { count: 1, date: 'TODAY', lang: 'ja', answers: { members: [] } }, 'answers'],
    ['an identifier', { count: 1, date: 'TODAY', lang: 'ja', deviceId: 'abc' }, 'deviceId'],
    ['a count other than 1', { count: 50, date: 'TODAY', lang: 'ja' }, 'count'],
    ['no date', { count: 1, lang: 'ja' }, 'date'],
    ['an impossible date', { count: 1, date: '2026-02-30', lang: 'ja' }, 'date'],
    ['a date far from today', { count: 1, date: 'OLD', lang: 'ja' }, 'date'],
    ['an unknown language', { count: 1, date: 'TODAY', lang: 'fr' }, 'lang'],
    ['not an object', [1], '(body)'],
  ])('refuses %s with 400 naming the field, and records nothing', async (_name, body, field) => {
    const before = completions().length;
    const text = JSON.stringify(body).replace('TODAY', today).replace('OLD', addDays(today, -30));
    const r = await post(text);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
    expect(completions().length).toBe(before);
  });

  it('refuses bodies that are not JSON or too large, and other methods', async () => {
    expect((await post('count=1')).status).toBe(400);
    expect((await post('x'.repeat(5000))).status).toBe(413);
    expect((await fetch(base + GUIDE_COMPLETED_PATH)).status).toBe(405);
  });

  it('leaves every other route to the host', async () => {
    const r = await fetch(base + '/api/health');
    expect(r.status).toBe(200);
  });
});
