import type { Role } from '../../common/config/schema';
import { PROTOCOL_VERSION, type PullResponse, type WireEvent } from '../../common/sync/protocol';
import { eventForRole, pullAccess } from '../../common/sync/authorisation';
import { PageBytes } from './pageBytes';

/** An event as both server stores hold it: its payload is the JSON text the store wrote (JSON.stringify of the checked value). */
export interface StoredEventRow {
  origin: string;
  seq: number;
  hlc: string;
  type: string;
  site: string;
  visit_id: string | null;
  payload: string;
}

/**
 * What a row adds to a page, in UTF-16 units, for LIMITS.maxPullPageChars: its stored payload and
 * a bound on its envelope (keys, origin, hlc, type, site, visit id; a redacted payload is smaller
 * than the stored one).
 */
export function pageCharsOf(r: StoredEventRow): number {
  return r.payload.length + r.origin.length + r.hlc.length + r.type.length + r.site.length + (r.visit_id?.length ?? 4) + 96;
}

/** The event a terminal of `role` receives of a stored row (withheld or redacted per the sync rules). */
export function wireEventOf(role: Role, r: StoredEventRow): WireEvent {
  return eventForRole(role, { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: JSON.parse(r.payload) as WireEvent['payload'] });
}

/** A pull's answer as objects (the stores' `pull`, for callers in this process). */
export function pullAnswer(role: Role, rows: readonly StoredEventRow[], more: boolean, serverNow: number): PullResponse {
  return { protocol: PROTOCOL_VERSION, events: rows.map((r) => wireEventOf(role, r)), more, serverNow };
}

/**
 * A pull's answer as the UTF-8 JSON sent on the wire, written into `out` (cleared first): the
 * same bytes as JSON.stringify(pullAnswer(...)), built without parsing and serialising again the
 * payloads the role receives whole (most of a catch-up). Their stored text is written as it is:
 * both stores write it with JSON.stringify of the value they checked, and
 * JSON.stringify(JSON.parse(t)) === t for such a text. A payload the role receives redacted or
 * withheld goes through wireEventOf and JSON.stringify, as before.
 * tests/integration/sync-pull-text.test.ts holds the two forms equal.
 */
export function writePullAnswer(out: PageBytes, role: Role, rows: readonly StoredEventRow[], more: boolean, serverNow: number): PageBytes {
  out.clear();
  out.write(`{"protocol":${PROTOCOL_VERSION},"events":[`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (pullAccess(role, r.type) === 'full') {
      out.write(i ? `,${eventHead(r)}` : eventHead(r));
      out.write(r.payload);
      out.write('}');
    } else out.write((i ? ',' : '') + JSON.stringify(wireEventOf(role, r)));
  }
  out.write(`],"more":${more},"serverNow":${JSON.stringify(serverNow)}}`);
  return out;
}

/** A character JSON.stringify writes otherwise than as itself: a quote, a backslash, a control character or a surrogate (paired ones are kept, lone ones escaped: any sends a string the slow way). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * An event's JSON up to its payload, the last member: `{"origin":…,"visitId":…,"payload":`, as
 * JSON.stringify writes it. The store's ids, clocks and types are plain text (nothing to escape),
 * so the head is put together as it is; a row with anything else goes through JSON.stringify.
 */
export function eventHead(r: StoredEventRow): string {
  if (!NEEDS_ESCAPE.test(r.origin) && !NEEDS_ESCAPE.test(r.hlc) && !NEEDS_ESCAPE.test(r.type) && !NEEDS_ESCAPE.test(r.site) && (r.visit_id === null || !NEEDS_ESCAPE.test(r.visit_id)) && Number.isFinite(r.seq)) {
    return `{"origin":"${r.origin}","seq":${r.seq},"hlc":"${r.hlc}","type":"${r.type}","site":"${r.site}","visitId":${r.visit_id === null ? 'null' : `"${r.visit_id}"`},"payload":`;
  }
  // The event with a placeholder payload (0), cut before the 0 and the closing brace.
  return JSON.stringify({ origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: 0 }).slice(0, -2);
}

/** The same answer as text (for callers that want a string: tests, tools). */
export function pullAnswerText(role: Role, rows: readonly StoredEventRow[], more: boolean, serverNow: number): string {
  return writePullAnswer(new PageBytes(), role, rows, more, serverNow).text();
}
