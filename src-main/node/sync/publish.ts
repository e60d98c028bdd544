import type Database from 'better-sqlite3';
import { AppError } from '../../common/errors';
import { businessDate } from '../../common/dates/businessDay';
import { applyVisitEvent } from '../../common/visit/fold';
import { isVisitEventType, type VisitEvent } from '../../common/visit/events';
import type { VisitState } from '../../common/visit/state';
import { WaitEstimator } from '../../common/wait/estimate';
import { buildWaitPrior, EMPTY_PRIOR, type WaitPrior } from '../../common/wait/prior';
import { buildStatusSnapshot, type StatusSnapshot } from '../../common/wait/snapshot';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, checkPublishKey, signSnapshot } from '../statusRelay/signature';

/**
 * The sync service's one-way, outbound publisher of the public wait board: every few seconds it
 * folds today's visits of each site from the events it holds, builds the status snapshot (numbers,
 * states, counters, counts, minutes — nothing personal), signs it with the publish key and POSTs
 * it to the publisher URL (a `madoguchi status-relay`). Nothing ever comes back in.
 */
export interface PublisherOptions {
  /** The sync server's database (read only here). */
  db: Database.Database;
  url: string;
  key: string;
  intervalMs?: number;
  timeZone?: string;
  clock?: () => number;
  log?: (line: string) => void;
}

type Row = { origin: string; seq: number; hlc: string; type: string; site: string; visit_id: string | null; payload: string };

interface Tracked {
  site: string;
  events: Array<{ hlc: string; ev: VisitEvent }>;
  state?: VisitState;
}

export function checkPublishUrl(url: string | undefined, field = 'publish'): string {
  let u: URL;
  try {
    u = new URL(url ?? '');
  } catch {
    throw new AppError('bad-input', `--${field}: "${url ?? ''}" is not a URL (e.g. http://relay.example:8790/publish)`, { field });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('bad-input', `--${field}: use an http:// or https:// URL, not ${u.protocol}`, { field });
  return u.toString();
}

export class StatusPublisher {
  private readonly visits = new Map<string, Tracked>();
  private readonly hw = new Map<string, number>();
  private readonly clock: () => number;
  private readonly timeZone: string;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private loaded = false;
  private priors = new Map<string, WaitPrior>();
  private day = '';
  private lastError = '';
  readonly stats = { published: 0, failed: 0 };

  constructor(private readonly opts: PublisherOptions) {
    checkPublishUrl(opts.url);
    checkPublishKey(opts.key, 'publish-key');
    this.clock = opts.clock ?? Date.now;
    this.timeZone = opts.timeZone ?? 'Asia/Tokyo';
    this.log = opts.log ?? (() => {});
  }

  start(): void {
    if (this.timer) return;
    const every = this.opts.intervalMs ?? 5000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: read new events, fold, build and send each site's snapshot. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    const round = async () => {
      try {
        for (const s of this.snapshots()) await this.send(s);
      } catch (e) {
        this.report(`[publish] ${(e as Error).message}`);
      }
    };
    // Cleared only after it is set: a round with nothing to send finishes synchronously.
    const p = round().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  /** Today's snapshot per site, from the events in the database now. */
  snapshots(): StatusSnapshot[] {
    const now = this.clock();
    const today = businessDate(now, this.timeZone);
    if (today !== this.day) {
      this.day = today;
      this.priors.clear();
    }
    this.read(now);
    for (const [id, t] of this.visits) if (t.state && t.state.businessDate < today) this.visits.delete(id);
    const bySite = new Map<string, VisitState[]>();
    for (const t of this.visits.values()) {
      if (!t.state || t.state.businessDate !== today) continue;
      const l = bySite.get(t.site);
      if (l) l.push(t.state);
      else bySite.set(t.site, [t.state]);
    }
    return [...bySite].map(([site, visits]) => {
      const est = new WaitEstimator(visits, { now, timeZone: this.timeZone, prior: this.priorFor(site, today) });
      return buildStatusSnapshot(visits, est, { site, businessDate: today, now });
    });
  }

  /** The same weekday of the last four weeks, from the events the service holds (once a day). */
  private priorFor(site: string, today: string): WaitPrior {
    const hit = this.priors.get(site);
    if (hit) return hit;
    let prior = EMPTY_PRIOR;
    try {
      const days = new Set([7, 14, 21, 28].map((d) => shiftDate(today, -d)));
      const from = new Date(Date.parse(`${shiftDate(today, -29)}T00:00:00Z`)).toISOString();
      const to = new Date(Date.parse(`${shiftDate(today, -6)}T00:00:00Z`)).toISOString();
      const rows = this.opts.db
        .prepare(`SELECT hlc, type, visit_id, payload FROM events WHERE site = ? AND visit_id IS NOT NULL AND received_at >= ? AND received_at < ? AND type LIKE 'visit.%' ORDER BY hlc, origin, seq`)
        .all(site, from, to) as Array<{ hlc: string; type: string; visit_id: string; payload: string }>;
      const states = new Map<string, VisitState>();
      for (const r of rows) {
        if (!isVisitEventType(r.type)) continue;
        const s = applyVisitEvent(states.get(r.visit_id), { type: r.type, payload: JSON.parse(r.payload) } as VisitEvent);
        if (s) states.set(r.visit_id, s);
      }
      prior = buildWaitPrior([...states.values()].filter((v) => days.has(v.businessDate)), this.timeZone);
    } catch (e) {
      this.report(`[publish] could not read past weeks for the estimate: ${(e as Error).message}`);
    }
    this.priors.set(site, prior);
    return prior;
  }

  private read(now: number): void {
    const db = this.opts.db;
    const changed = new Set<string>();
    const take = (r: Row) => {
      if (!r.visit_id || !isVisitEventType(r.type)) return;
      let t = this.visits.get(r.visit_id);
      if (!t) this.visits.set(r.visit_id, (t = { site: r.site, events: [] }));
      const ev = { type: r.type, payload: JSON.parse(r.payload) } as VisitEvent;
      t.events.push({ hlc: r.hlc, ev });
      changed.add(r.visit_id);
    };
    db.transaction(() => {
      if (!this.loaded) {
        // Today's visits only: their events arrived within the last day and a bit.
        const since = new Date(now - 30 * 3600_000).toISOString();
        for (const r of db.prepare(`SELECT origin, seq, hlc, type, site, visit_id, payload FROM events WHERE received_at >= ? AND type LIKE 'visit.%'`).iterate(since) as Iterable<Row>) take(r);
        for (const o of db.prepare('SELECT origin, max_seq FROM origins').all() as Array<{ origin: string; max_seq: number }>) this.hw.set(o.origin, o.max_seq);
        this.loaded = true;
        return;
      }
      const more = db.prepare('SELECT origin, seq, hlc, type, site, visit_id, payload FROM events WHERE origin = ? AND seq > ? ORDER BY seq LIMIT 20000');
      for (const o of db.prepare('SELECT origin, max_seq FROM origins').all() as Array<{ origin: string; max_seq: number }>) {
        const have = this.hw.get(o.origin) ?? 0;
        if (o.max_seq <= have) continue;
        let last = have;
        for (const r of more.iterate(o.origin, have) as Iterable<Row>) {
          take(r);
          last = r.seq;
        }
        this.hw.set(o.origin, last);
      }
    })();
    for (const id of changed) {
      const t = this.visits.get(id)!;
      t.events.sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0));
      let s: VisitState | undefined;
      for (const e of t.events) s = applyVisitEvent(s, e.ev);
      if (s) t.state = s;
    }
  }

  private async send(snap: StatusSnapshot): Promise<void> {
    const body = JSON.stringify(snap);
    const ts = snap.generatedAt;
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signSnapshot(this.opts.key, ts, body) },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`the publisher answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      await res.arrayBuffer().catch(() => undefined);
      this.stats.published++;
      if (this.lastError) this.log(`[publish] publishing to ${this.opts.url} again`);
      this.lastError = '';
    } catch (e) {
      this.stats.failed++;
      this.report(`[publish] ${snap.site}: ${(e as Error).message}`);
    }
  }

  /** Logs a failure once until it changes, so a relay that is down does not flood the log. */
  private report(line: string): void {
    if (line === this.lastError) return;
    this.lastError = line;
    this.log(line);
  }
}

function shiftDate(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
