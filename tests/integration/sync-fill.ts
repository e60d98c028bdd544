/**
 * Fills a sync server's SQLite store with many realistic events, fast (issue 15's memory bench and
 * its cheaper regression test). A small seed is made the slow, honest way: kiosk/counter
 * databases issue, call, start and finish visits through the real VisitService, so every event is
 * one a terminal pushes. The seed is then copied in bulk SQL under other origins (other halls'
 * terminals) and earlier periods (the same halls weeks before), each copy with its own visit ids,
 * so the store holds `events` valid events whose origins are contiguous from seq 1.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { wireEventSchema, type WireEvent } from '../../src-main/common/sync/protocol';
import { checkEventPayload } from '../../src-main/common/sync/authorisation';
import { parseConfig } from '../../src-main/common/config/schema';
import { Store } from '../../src-main/node/store/store';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { VisitService } from '../../src-main/node/visits/service';

export interface FillOptions {
  /** Events the store holds when done (a multiple of the seed's size, rounded up). */
  events: number;
  /** Events per seed origin (4 events a visit: a multiple of 4). */
  seedPerOrigin?: number;
  seedOrigins?: number;
  /** Origin groups the copies are spread over (halls × terminals = groups × seedOrigins origins). */
  groups?: number;
  /** Where the seed databases go (scratch; removed after). */
  scratch: string;
}

export interface FillResult {
  events: number;
  origins: number;
  seedEvents: number;
  copies: number;
  seedMs: number;
  copyMs: number;
}

const DAY_MS = 86_400_000;

function hallConfig(id: string, station: { id: string; from: number; to: number }) {
  return parseConfig({
    site: 'honcho',
    node: { id },
    stations: [{ id: station.id, name: station.id, range: { from: station.from, to: station.to } }],
    terminals: [{ id, role: 'kiosk', station: station.id }],
  });
}

/** Fills `server` (an open, empty store); returns what it holds. */
export function fillServerStore(server: SyncServerStore, opts: FillOptions): FillResult {
  const seedOrigins = opts.seedOrigins ?? 4;
  const perOrigin = opts.seedPerOrigin ?? 5000;
  if (perOrigin % 4 !== 0) throw new Error(`seedPerOrigin must be a multiple of 4 (a visit is 4 events), got ${perOrigin}`);
  const t0 = performance.now();
  const seedFiles: string[] = [];
  const items = [
    [{ id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' }],
    [
      { id: 'item-0', department: 'shimin', route: 'accept', delivery: 'none', need: 'required' },
      { id: 'item-1', department: 'hoken', route: 'accept', delivery: 'none', need: 'required' },
    ],
  ] as const;
  for (let o = 0; o < seedOrigins; o++) {
    const id = `hall-${o + 1}`;
    const st = { id: `st${o + 1}`, from: (o + 1) * 10_000, to: (o + 1) * 10_000 + 9_999 };
    const file = join(opts.scratch, `seed-${id}.sqlite`);
    rmSync(file, { force: true });
    seedFiles.push(file);
    const store = Store.open({ file, nodeId: id, site: 'honcho' });
    try {
      const visits = new VisitService(store, hallConfig(id, st));
      const by = { terminal: id };
      for (let done = 0, i = 0; done < perOrigin; ) {
        store.tx(() => {
          for (let k = 0; k < 250 && done < perOrigin; k++, i++) {
            const v = visits.issue(
              { station: st.id, lang: i % 9 === 0 ? 'pt-BR' : 'ja', priority: i % 13 === 0, events: [i % 2 ? 'moving-in' : 'birth'], facts: {}, items: [...items[i % 2]!].map((x) => ({ ...x })), route: i % 2 ? ['shimin'] : ['shimin', 'hoken'] },
              by,
            );
            visits.callNumber(v.number, 'shimin', '1', by);
            visits.start(v.id, '1', by);
            visits.finishHere(v.id, '1', by, { leftOpenReason: 'moved to another counter' });
            done += 4;
          }
        });
      }
    } finally {
      store.close();
    }
  }
  const seedMs = performance.now() - t0;

  const db = server.db;
  const seedEvents = seedFiles.length * perOrigin;
  const copies = Math.max(1, Math.ceil(opts.events / seedEvents));
  const groups = Math.min(copies, opts.groups ?? 20);
  const periods = Math.ceil(copies / groups);
  // The periods spread over a year, the latest ending now: a period is a year divided by their number.
  const periodMs = Math.floor((365 / periods) * DAY_MS);
  const t1 = performance.now();
  for (let s = 0; s < seedFiles.length; s++) {
    db.prepare('ATTACH DATABASE ? AS seed').run(seedFiles[s]);
    try {
      const seedMax = (db.prepare('SELECT MAX(seq) AS n FROM seed.events').get() as { n: number }).n;
      const insert = db.prepare(
        `INSERT INTO events (origin, seq, hlc, type, site, visit_id, payload, received_at)
         SELECT @origin, seq + @seqOffset,
                printf('%015d', CAST(substr(hlc, 1, 15) AS INTEGER) - @shift) || substr(hlc, 16, 8) || @origin,
                type, site,
                CASE WHEN visit_id IS NULL THEN NULL ELSE @tag || substr(visit_id, 9) END,
                replace(CASE WHEN visit_id IS NULL THEN payload ELSE replace(payload, visit_id, @tag || substr(visit_id, 9)) END, @quotedSeed, @quotedOrigin),
                received_at
         FROM seed.events ORDER BY seq`,
      );
      const seedOrigin = (db.prepare('SELECT origin FROM seed.events LIMIT 1').get() as { origin: string }).origin;
      db.transaction(() => {
        for (let g = 0; g < groups; g++) {
          const origin = `g${String(g).padStart(2, '0')}-${seedOrigin}`;
          let held = 0;
          for (let p = 0; p < periods; p++) {
            const k = p * groups + g;
            if (k >= copies) break;
            // A visit id stays a UUID: its first 8 hex digits name the copy and the seed hall.
            const tag = ((k * seedFiles.length + s) >>> 0).toString(16).padStart(8, '0');
            insert.run({ origin, seqOffset: p * seedMax, shift: (periods - 1 - p) * periodMs, tag, quotedSeed: `"${seedOrigin}"`, quotedOrigin: `"${origin}"` });
            held = (p + 1) * seedMax;
          }
          db.prepare('INSERT INTO origins (origin, site, max_seq) VALUES (?, ?, ?)').run(origin, 'honcho', held);
        }
      })();
    } finally {
      db.prepare('DETACH DATABASE seed').run();
    }
  }
  for (const f of seedFiles) for (const x of ['', '-wal', '-shm']) rmSync(f + x, { force: true });
  const copyMs = performance.now() - t1;
  return { events: server.eventCount(), origins: groups * seedFiles.length, seedEvents, copies, seedMs, copyMs };
}

/** Checks `n` stored events spread over the store with the same schemas a push is checked with. */
export function checkSample(server: SyncServerStore, n: number): string[] {
  const total = server.eventCount();
  const step = Math.max(1, Math.floor(total / n));
  const problems: string[] = [];
  const rows = server.db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events WHERE seq % ? = 1').iterate(step) as IterableIterator<{ origin: string; seq: number; hlc: string; type: string; site: string; visit_id: string | null; payload: string }>;
  let seen = 0;
  for (const r of rows) {
    const ev: WireEvent = { origin: r.origin, seq: r.seq, hlc: r.hlc, type: r.type, site: r.site, visitId: r.visit_id, payload: JSON.parse(r.payload) as WireEvent['payload'] };
    const env = wireEventSchema.safeParse(ev);
    if (!env.success) problems.push(`${r.origin}#${r.seq}: ${env.error.issues[0]!.message}`);
    const p = checkEventPayload(ev);
    if (p) problems.push(p.message);
    if (!r.hlc.endsWith(`.${r.origin}`)) problems.push(`${r.origin}#${r.seq}: hlc ${r.hlc} names another origin`);
    if (++seen >= n) break;
  }
  return problems;
}
