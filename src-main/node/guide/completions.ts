import type { IncomingMessage, ServerResponse } from 'node:http';
import { LANGUAGES } from '../../common/config/schema';
import { businessDate } from '../../common/dates/businessDay';
import { addDays, isIsoDate } from '../../common/dates/isoDate';
import type { App } from '../app/app';

/**
 * KPI①, the online guide's half: a resident's phone posts `{"count":1,"date":"YYYY-MM-DD","lang":"xx"}`
 * when the guide is finished (only if the city set `completionCountUrl` when building the guide).
 * Each accepted post becomes one `guide.completed` event, which the reports count and sync carries
 * like any other. Anything more than those three fields is refused: the count must never become a
 * channel for answers or identifiers.
 */
export const GUIDE_COMPLETED_PATH = '/api/guide/completed';
export const GUIDE_COMPLETED_EVENT = 'guide.completed';

export interface GuideCompleted {
  count: number;
  date: string;
  lang: string;
}

const MAX_BODY = 1024;

/** Checks a posted count; returns the reason when it is refused. */
export function checkCompletion(raw: unknown, today: string): { ok: true; value: GuideCompleted } | { ok: false; field: string; message: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, field: '(body)', message: 'must be a JSON object' };
  const o = raw as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'count' && k !== 'date' && k !== 'lang');
  if (extra.length > 0) return { ok: false, field: extra[0]!, message: 'only count, date and lang are accepted' };
  if (o.count !== 1) return { ok: false, field: 'count', message: 'must be 1 (one completed guide per post)' };
  if (!isIsoDate(o.date)) return { ok: false, field: 'date', message: 'must be a date YYYY-MM-DD' };
  // A phone's clock may be a day off; a count for a far-away day is noise in the report.
  if (o.date > addDays(today, 1) || o.date < addDays(today, -7)) return { ok: false, field: 'date', message: `must be within a week of ${today}` };
  if (typeof o.lang !== 'string' || !(LANGUAGES as readonly string[]).includes(o.lang)) return { ok: false, field: 'lang', message: `must be one of ${LANGUAGES.join(', ')}` };
  return { ok: true, value: { count: 1, date: o.date, lang: o.lang } };
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  // The guide is hosted on the city's web site, another origin: allow it to post (no credentials).
  res.writeHead(status, {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '86400',
    'cache-control': 'no-store',
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readText(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An `extraRoutes` handler for the browser-mode host (src-main/node/http/host.ts). */
export function guideCompletionRoute(app: App): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path !== GUIDE_COMPLETED_PATH) return false;
    if (req.method === 'OPTIONS') {
      reply(res, 204);
      return true;
    }
    if (req.method !== 'POST') {
      reply(res, 405, { ok: false, error: { code: 'bad-input', message: 'use POST' } });
      return true;
    }
    const text = await readText(req);
    if (text === null) {
      reply(res, 413, { ok: false, error: { code: 'bad-input', message: `body larger than ${MAX_BODY} bytes` } });
      return true;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      reply(res, 400, { ok: false, error: { code: 'bad-input', field: '(body)', message: 'not JSON' } });
      return true;
    }
    const { store, config } = app.terminal;
    const checked = checkCompletion(raw, businessDate(store.now(), config.timeZone));
    if (!checked.ok) {
      reply(res, 400, { ok: false, error: { code: 'bad-input', field: checked.field, message: checked.message } });
      return true;
    }
    store.append<GuideCompleted>(GUIDE_COMPLETED_EVENT, checked.value);
    reply(res, 204);
    return true;
  };
}
