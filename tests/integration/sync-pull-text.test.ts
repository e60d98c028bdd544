/**
 * Issue 15: the sync server sends a pull's answer as text built from the stored rows (pullPage.ts),
 * splicing in the stored payload text of each event the caller's role reads whole instead of
 * parsing and serialising it again. The text must be byte for byte what JSON.stringify made of
 * the objects before, for every role (full, redacted and withheld events), on random payloads full
 * of what JSON escapes. Replay: SYNC_PULL_TEXT_SEED=<seed printed below>.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src-main/common/config/schema';
import { mulberry32 } from '../../src-main/common/random';
import { EVENT_TYPES, WITHHELD_EVENT } from '../../src-main/common/sync/authorisation';
import { encodeHlc } from '../../src-main/common/sync/hlc';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { PageBytes } from '../../src-main/node/sync/pageBytes';
import { eventHead, pullAnswer, pullAnswerText, writePullAnswer, type StoredEventRow } from '../../src-main/node/sync/pullPage';
import { tempDir } from '../support/tmp';

const SEED = Number(process.env.SYNC_PULL_TEXT_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`sync-pull-text: SYNC_PULL_TEXT_SEED=${SEED}`);

/** Characters JSON escapes or that trip hand-made JSON: quotes, backslashes, controls, separators, surrogates (paired and lone). */
const NASTY = ['"', '\\', '/', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '😀', '\ud83d', '\ude00', 'é', '窓口', '</script>', '{', '}', '[', ']', ',', ':', 'a', ' '];

function nastyString(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += NASTY[Math.floor(r() * NASTY.length)];
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 5 : 7));
  switch (k) {
    case 0:
      return nastyString(r);
    case 1:
      return [0, -0, 1, -1, 0.1, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, -123.456][Math.floor(r() * 9)];
    case 2:
      return r() < 0.5;
    case 3:
      return null;
    case 4:
      return Math.floor(r() * 1e6);
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) o[r() < 0.1 ? '__proto__' : nastyString(r) || `k${i}`] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** A payload: an object (what every type carries), with the fields redaction rewrites sometimes present. */
function randomPayload(r: () => number): Record<string, unknown> {
  const p = (randomValue(r, 0) as Record<string, unknown> | null) ?? {};
  const o = typeof p === 'object' && !Array.isArray(p) ? p : { value: p };
  if (r() < 0.5) o.reason = nastyString(r);
  if (r() < 0.3) o.leftOpen = { items: ['item-0'], reason: nastyString(r) };
  if (r() < 0.3) o.adjustments = [{ reason: nastyString(r) }];
  if (r() < 0.3) o.facts = { note: nastyString(r) };
  if (r() < 0.1) o.redacted = true;
  return o;
}

describe('pull answers as text (pullPage.ts)', () => {
  const t = tempDir('madoguchi-pull-text-');
  afterAll(() => t.cleanup());

  it(`equal JSON.stringify of the objects for every role, page by page (seed ${SEED})`, () => {
    const r = mulberry32(SEED);
    const store = SyncServerStore.open({ file: join(t.dir, 'server.sqlite'), log: () => undefined });
    try {
      const types = [...EVENT_TYPES, 'x.unknown-type'];
      const origins = ['hall-1', 'hall-2', 'east-kiosk'];
      const insert = store.db.prepare('INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const mark = store.db.prepare('INSERT INTO origins (origin, site, max_seq) VALUES (?, ?, ?) ON CONFLICT(origin) DO UPDATE SET max_seq = excluded.max_seq');
      let written = 0;
      store.db.transaction(() => {
        for (const [o, origin] of origins.entries()) {
          const site = o === 2 ? 'east' : 'honcho';
          const n = 40 + Math.floor(r() * 60);
          for (let seq = 1; seq <= n; seq++) {
            const type = types[Math.floor(r() * types.length)]!;
            const visitId = r() < 0.2 ? null : `v-${nastyString(r)}-${seq}`;
            insert.run(origin, seq, encodeHlc({ wall: 1_790_000_000_000 + Math.floor(r() * 1e6), logical: seq }, origin), type, site, visitId, JSON.stringify(randomPayload(r)), '2026-12-03T00:00:00.000Z');
            written++;
          }
          mark.run(origin, site, n);
        }
      })();

      const byKey = new Map((store.db.prepare('SELECT origin, seq, hlc, type, site, visit_id FROM events').all() as Array<Omit<StoredEventRow, 'payload'>>).map((row) => [`${row.origin}#${row.seq}`, row]));
      // One buffer for every page of every role, as the HTTP server reuses its buffers.
      const buffer = new PageBytes(16);
      for (const role of ROLES) {
        const who = store.enroll(`t-${role}`, role, 'honcho').terminal;
        const vv: Record<string, number> = {};
        let seen = 0;
        for (let page = 0; page < 1000; page++) {
          const query = { protocol: '1', vv: JSON.stringify(vv), limit: String(1 + Math.floor(r() * 40)) };
          const text = store.pullInto(who, query, buffer).text();
          const objects = store.pull(who, query);
          // serverNow comes from the clock at each call: compare the rest byte for byte.
          expect(text.replace(/"serverNow":\d+}$/, '')).toBe(JSON.stringify(objects).replace(/"serverNow":\d+}$/, ''));
          expect({ ...(JSON.parse(text) as object), serverNow: 0 }).toEqual({ ...objects, serverNow: 0 });
          for (const e of objects.events) {
            vv[e.origin] = Math.max(vv[e.origin] ?? 0, e.seq);
            // Each event is its stored row, field by field, whatever the role's view of its payload.
            const row = byKey.get(`${e.origin}#${e.seq}`)!;
            expect([e.hlc, e.site, e.type === WITHHELD_EVENT ? row.type : e.type]).toEqual([row.hlc, row.site, row.type]);
            if (e.type !== WITHHELD_EVENT) expect(e.visitId).toBe(row.visit_id);
          }
          seen += objects.events.length;
          if (!objects.more) break;
        }
        // Every event the role may see reached it (a kiosk or display sees its own site only).
        expect(seen).toBe(['supervisor', 'admin'].includes(role) ? written : store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE site = 'honcho'").pluck().get());
      }
    } finally {
      store.close();
    }
  });

  it('builds the same text as the objects for rows given directly, with a fixed clock', () => {
    const r = mulberry32(SEED ^ 0x5bd1e995);
    const rows: StoredEventRow[] = Array.from({ length: 300 }, (_, i) => ({
      origin: 'hall-9',
      seq: i + 1,
      hlc: encodeHlc({ wall: 1_790_000_000_000 + i, logical: 0 }, 'hall-9'),
      type: [...EVENT_TYPES, 'x.unknown-type'][i % (EVENT_TYPES.length + 1)]!,
      site: 'honcho',
      visit_id: i % 7 ? `v${i}` : null,
      payload: JSON.stringify(randomPayload(r)),
    }));
    const reused = new PageBytes(8);
    for (const role of ROLES) {
      for (const more of [true, false]) {
        const objects = JSON.stringify(pullAnswer(role, rows, more, 1_790_000_123_456));
        expect(pullAnswerText(role, rows, more, 1_790_000_123_456)).toBe(objects);
        // The bytes sent, written into a buffer that held the previous answer: exactly the UTF-8 of that text.
        expect(writePullAnswer(reused, role, rows, more, 1_790_000_123_456).bytes().equals(Buffer.from(objects, 'utf8'))).toBe(true);
      }
      expect(pullAnswerText(role, [], false, 5)).toBe(JSON.stringify(pullAnswer(role, [], false, 5)));
    }
  });

  it(`puts an event's head together as JSON.stringify writes it, whatever its ids hold (seed ${SEED})`, () => {
    // The envelope's strings are put in as they are unless one holds something JSON escapes: rows
    // whose origin, clock, type, site or visit id are nasty must still give JSON.stringify's text.
    const r = mulberry32(SEED ^ 0x27d4eb2f);
    const pick = (plain: string) => (r() < 0.5 ? plain : `${plain}${nastyString(r)}`);
    const rows: StoredEventRow[] = Array.from({ length: 2000 }, (_, i) => ({
      origin: pick('hall-1'),
      seq: [i + 1, 0, Number.MAX_SAFE_INTEGER, -5][i % 4]!,
      hlc: pick(encodeHlc({ wall: 1_790_000_000_000 + i, logical: i % 3 }, 'hall-1')),
      type: pick('visit.called'),
      site: pick('honcho'),
      visit_id: r() < 0.2 ? null : pick(`v${i}`),
      payload: JSON.stringify(randomPayload(r)),
    }));
    for (const row of rows) {
      const whole = JSON.stringify({ origin: row.origin, seq: row.seq, hlc: row.hlc, type: row.type, site: row.site, visitId: row.visit_id, payload: 0 });
      expect(eventHead(row) + '0}').toBe(whole);
    }
    // Paired and lone surrogates, U+2028 and the escapes one by one in each field.
    for (const nasty of NASTY) {
      for (const field of ['origin', 'hlc', 'type', 'site', 'visit_id'] as const) {
        const row: StoredEventRow = { origin: 'o', seq: 1, hlc: 'h', type: 't', site: 's', visit_id: 'v', payload: '{}', [field]: `x${nasty}y` };
        expect(eventHead(row) + '{}}').toBe(JSON.stringify({ origin: row.origin, seq: row.seq, hlc: row.hlc, type: row.type, site: row.site, visitId: row.visit_id, payload: {} }));
      }
    }
    // The whole page too, for every role (pullAccess decides which rows take this path).
    for (const role of ROLES) expect(pullAnswerText(role, rows.slice(0, 300), true, 7)).toBe(JSON.stringify(pullAnswer(role, rows.slice(0, 300), true, 7)));
  });
});
