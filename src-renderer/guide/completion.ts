import { guideConfig } from './config';

const SENT_KEY = 'madoguchi-guide-completed';

/**
 * KPI①: one anonymous "the guide was used" count, only when the city configured an address.
 * The body is exactly {count, date, lang}: no answers, no identifiers, no cookies. Sent as a
 * simple cross-origin request (text/plain, no credentials) so the city's counter needs no CORS
 * preflight; once per page session, so reloading does not count twice.
 */
export function completionBody(date: string, lang: string): string {
  return JSON.stringify({ count: 1, date, lang });
}

export function sendCompletion(date: string, lang: string, url: string = guideConfig.completionCountUrl): boolean {
  if (!url) return false;
  try {
    if (sessionStorage.getItem(SENT_KEY) === date) return false;
    sessionStorage.setItem(SENT_KEY, date);
  } catch {
    // Storage blocked (private mode): still count once for this page.
  }
  const body = completionBody(date, lang);
  void fetch(url, { method: 'POST', body, mode: 'no-cors', credentials: 'omit', keepalive: true, headers: { 'content-type': 'text/plain' } }).catch(() => {
    // Offline or blocked: a count is not worth bothering the resident about.
  });
  return true;
}
