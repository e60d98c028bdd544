/**
 * Issue 15: a terminal parses a large pull page in slices cut between events (pullAnswerJson.ts)
 * instead of decoding it as one 800 KB string. Whatever the bytes, the result must be what
 * JSON.parse of their whole text gives, and an answer that is not JSON must fail as before.
 * Pages are written by the server's own writer (pullPage.ts) from random rows whose payloads hold
 * what the cut looks for (`,{"origin":` in strings, nested objects keyed "origin"), then mutated
 * at random. Replay: FC_SEED=<seed printed below>.
 */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/common/random';
import { PROTOCOL_VERSION } from '../../src-main/common/sync/protocol';
import { PageBytes } from '../../src-main/node/sync/pageBytes';
import { parseAnswerJson, parsePageInSlices, SLICE_BYTES } from '../../src-main/node/sync/pullAnswerJson';
import { writePullAnswer, type StoredEventRow } from '../../src-main/node/sync/pullPage';
import { HttpTransport, SyncRemoteError } from '../../src-main/node/sync/transport';
import { testSeed } from '../support/seed';

const SEED = testSeed('sync-answer-json');

/** Strings that aim at the cut, the brackets around it, and UTF-8 of every length. */
const PIECES = [',{"origin":', '},{"origin":"x"}', ']', '[', '{', '}', ',', '"', '\\', '\n', ' ', '窓口', 'é', '😀', '\u2028', 'a', '],"more":true,"serverNow":1}'];

function piece(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

/** A payload; one in `hostile` of them (0: none) aims at the cut. */
function payload(r: () => number, hostile: number): unknown {
  const aimed = hostile > 0 && r() < hostile;
  switch (aimed ? Math.floor(r() * 2) : 2 + Math.floor(r() * 3)) {
    case 0:
      return { reason: piece(r, 1 + Math.floor(r() * 20)) };
    case 1:
      // Objects keyed "origin" inside arrays: `,{"origin":` outside a string, but not between events.
      return { list: Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => ({ origin: `o${i}`, n: i })) };
    case 2:
      return { note: 'x'.repeat(Math.floor(r() * 3000)), lang: 'ja' };
    case 3:
      return { text: '窓口'.repeat(Math.floor(r() * 500)) };
    default:
      return { facts: { moving: r() < 0.5, members: Math.floor(r() * 5) } };
  }
}

/** A page as the sync server writes it, over `bytes` bytes at least. */
function page(r: () => number, bytes: number, hostile: number, more = r() < 0.5): Buffer {
  const rows: StoredEventRow[] = [];
  let size = 0;
  for (let seq = 1; size < bytes; seq++) {
    const row: StoredEventRow = {
      origin: r() < 0.5 ? 'hall-1' : 'kiosk-east',
      seq,
      hlc: `${String(1_700_000_000_000 + seq).padStart(15, '0')}.000000.hall-1`,
      type: 'visit.called',
      site: 'honcho',
      visit_id: r() < 0.9 ? `v-${seq}` : null,
      payload: JSON.stringify(payload(r, hostile)),
    };
    rows.push(row);
    size += row.payload.length * 2 + 120;
  }
  return Buffer.from(writePullAnswer(new PageBytes(), 'admin', rows, more, 1_764_800_000_000 + Math.floor(r() * 1e6)).bytes());
}

/** JSON.parse of the whole text: its value, or the fact that it threw (and what). */
function whole(bytes: Buffer): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(bytes.toString('utf8')) };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

function viaSlices(bytes: Buffer): { value?: unknown; error?: string } {
  try {
    return { value: parseAnswerJson(bytes) };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

function sameAsWhole(bytes: Buffer, what: string): void {
  const a = viaSlices(bytes);
  const b = whole(bytes);
  expect(a.error, what).toBe(b.error);
  // JSON.stringify also compares own "__proto__" keys and key order, which toEqual may not.
  expect(JSON.stringify(a.value), what).toBe(JSON.stringify(b.value));
  expect(a.value, what).toEqual(b.value);
}

describe('pull answers parsed in slices (pullAnswerJson.ts)', () => {
  it(`give JSON.parse's value for pages the server writes, in many slices (seed ${SEED})`, () => {
    const r = mulberry32(SEED);
    for (let k = 0; k < 40; k++) {
      // Every other page has payloads that put `,{"origin":` inside strings or between the objects
      // of an array: a cut there fails to parse and the page is parsed whole. The others are sliced.
      const hostile = k % 2 ? [0.002, 0.02, 0.2][k % 3]! : 0;
      const bytes = page(r, 200_000 + Math.floor(r() * 600_000), hostile);
      const s = parsePageInSlices(bytes);
      if (!hostile) expect(s, `page ${k} (seed ${SEED})`).not.toBeNull();
      if (s) {
        expect(s.slices, `page ${k}`).toBeGreaterThan(Math.floor(bytes.length / SLICE_BYTES / 2));
        expect(JSON.stringify(s.value)).toBe(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
      }
      sameAsWhole(bytes, `page ${k} (seed ${SEED})`);
    }
  });

  it('slice a page of plain events, and their count and order are the whole page’s', () => {
    const rows: StoredEventRow[] = Array.from({ length: 2000 }, (_, i) => ({
      origin: `hall-${i % 4}`,
      seq: i + 1,
      hlc: `${String(1_700_000_000_000 + i).padStart(15, '0')}.000000.hall-${i % 4}`,
      type: 'visit.issued',
      site: 'honcho',
      visit_id: `v-${i}`,
      payload: JSON.stringify({ number: i, lang: 'ja', events: ['moving-in'], note: '窓口' }),
    }));
    const bytes = Buffer.from(writePullAnswer(new PageBytes(), 'admin', rows, true, 1).bytes());
    const s = parsePageInSlices(bytes);
    expect(s).not.toBeNull();
    expect(s!.slices).toBeGreaterThan(5);
    const value = s!.value as { protocol: number; events: Array<{ seq: number }>; more: boolean; serverNow: number };
    expect(value.protocol).toBe(PROTOCOL_VERSION);
    expect(value.events.map((e) => e.seq)).toEqual(rows.map((x) => x.seq));
    expect(Object.keys(value)).toEqual(['protocol', 'events', 'more', 'serverNow']);
    expect(value).toEqual(JSON.parse(bytes.toString('utf8')));
  });

  it(`give JSON.parse's value or its error for mutated pages (seed ${SEED})`, () => {
    const r = mulberry32(SEED ^ 0x5eed);
    const base = page(r, 300_000, 0.01, true);
    const marks = [...Buffer.from(',{"origin":[]}" \\\n\u00e9')];
    for (let k = 0; k < 400; k++) {
      const b = Buffer.from(base);
      const edits = 1 + Math.floor(r() * 3);
      let bytes: Buffer = b;
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * bytes.length);
        const kind = Math.floor(r() * 4);
        if (kind === 0) bytes[at] = marks[Math.floor(r() * marks.length)]!;
        else if (kind === 1) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + Math.floor(r() * 40))]);
        else if (kind === 2) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(piece(r, 1 + Math.floor(r() * 3))), bytes.subarray(at)]);
        else bytes = bytes.subarray(0, at);
      }
      sameAsWhole(bytes, `mutation ${k} (seed ${SEED})`);
    }
  });

  it('parse whole, with its value or error, what only looks like a page', () => {
    const head = `{"protocol":${PROTOCOL_VERSION},"events":[`;
    const event = (i: number) => `{"origin":"a","seq":${i},"payload":{"t":"${'x'.repeat(500)}"}}`;
    const many = Array.from({ length: 600 }, (_, i) => event(i + 1)).join(',');
    const cases: Record<string, string> = {
      'spaces before the first cut (would join as [,…])': `${head}${' '.repeat(SLICE_BYTES + 10)},${many}],"more":false,"serverNow":1}`,
      'a key after serverNow that replaces events': `${head}${many}],"more":true,"serverNow":1,"events":0}`,
      'events nested in another key': `{"protocol":${PROTOCOL_VERSION},"x":{"events":[${many}]},"more":true,"serverNow":1}`,
      'a trailing comma': `${head}${many},],"more":true,"serverNow":1}`,
      'an escaped key in the end': `${head}${many}],"mor\\u0065":true,"serverNow":1}`,
      'a cut inside a string': `${head}${many.replace('"t":"x', '"t":",{\\"origin\\":1}x')},{"origin":"b","seq":9,"payload":{"t":"${'},{"origin":'.repeat(5000)}"}}],"more":false,"serverNow":2}`,
      'two events arrays in a row': `${head}${many}],"more":true,"serverNow":1}{"events":[]}`,
      'cut off in the middle': `${head}${many}`.slice(0, 200_000),
      'whole and well formed, with spaces after the commas': `${head}${many.replace(/\},\{"origin"/g, '}, {"origin"')}],"more":false,"serverNow":3}`,
    };
    for (const [what, text] of Object.entries(cases)) {
      expect(text.length, what).toBeGreaterThan(4 * SLICE_BYTES);
      sameAsWhole(Buffer.from(text), what);
    }
    // The first two are refused by JSON.parse; the nested and replaced events keep JSON.parse's meaning.
    expect(() => parseAnswerJson(Buffer.from(cases['spaces before the first cut (would join as [,…])']!))).toThrow(SyntaxError);
    expect((parseAnswerJson(Buffer.from(cases['a key after serverNow that replaces events']!)) as { events: unknown }).events).toBe(0);
  });

  it('a terminal receives a large page through HTTP as the server wrote it, and an answer that is not JSON is a bad-response error', async () => {
    const r = mulberry32(SEED ^ 0xbeef);
    const good = page(r, 700_000, 0, false);
    let answer: Buffer = good;
    const srv = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
      // In small writes: the terminal receives the page in many chunks.
      for (let i = 0; i < answer.length; i += 7_001) res.write(answer.subarray(i, i + 7_001));
      res.end();
    });
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const port = (srv.address() as { port: number }).port;
    const t = new HttpTransport({ server: `http://127.0.0.1:${port}`, token: 't' });
    try {
      const got = await t.pull({}, 2000);
      expect(JSON.stringify(got)).toBe(JSON.stringify(JSON.parse(good.toString('utf8'))));
      answer = Buffer.concat([good.subarray(0, good.length - 1), Buffer.from(',')]);
      const err = await t.pull({}, 2000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncRemoteError);
      expect((err as SyncRemoteError).code).toBe('bad-response');
    } finally {
      t.close();
      await new Promise((ok) => srv.close(ok));
    }
  });
});
