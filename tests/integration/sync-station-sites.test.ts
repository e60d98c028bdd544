import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/node/store/store';
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { PgSyncStorage, pgMigrations } from '../../src-main/node/sync/pgStore';
import { SyncServerStore, serverMigrations } from '../../src-main/node/sync/serverStore';
import { SqliteSyncStorage, type SyncStorage } from '../../src-main/node/sync/storage';
import { SyncError } from '../../src-main/node/sync/pushRules';
import { migrate } from '../../src-main/node/store/migrate';
import { migratePg } from '../../src-main/node/sync/pgStore';
import { VisitService } from '../../src-main/node/visits/service';
import { postgresMissing, startPgCluster, type PgCluster } from '../support/pgCluster';
import { tempDir } from '../support/tmp';
import { DirectTransport, rng, terminalConfig, type StationDef } from './sync-support';

/**
 * Station ranges are per building: a station and its ticket numbers are claimed per tenant and
 * site. Two sites of one municipality may both have a station "east" numbering 1001–1999; within
 * one site a station, or an overlapping range, has one kiosk; one tenant never blocks another.
 */
const pgMissing = postgresMissing();
if (pgMissing) console.log(`station claims per site on PostgreSQL: skipped, ${pgMissing}`);

const EAST: StationDef = { id: 'east', from: 1001, to: 1999 };
const push = (id: string, stations: Array<{ station: string; from: number; to: number }>) => ({ protocol: 1, terminal: id, now: Date.now(), events: [], stations });

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SyncError) return { status: e.status, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected the claim to be refused');
}

stationSuite('sqlite');
stationSuite('postgresql');

function stationSuite(kind: 'sqlite' | 'postgresql'): void {
  describe.skipIf(kind === 'postgresql' && !!pgMissing)(`station claims per site (${kind})`, () => {
    const tmp = tempDir('madoguchi-station-sites-');
    let cluster: PgCluster | undefined;
    let n = 0;
    const opened: SyncStorage[] = [];

    async function fresh(): Promise<SyncStorage> {
      const s: SyncStorage =
        kind === 'postgresql'
          ? await PgSyncStorage.open({ url: await cluster!.createDatabase(`claims_${++n}`), log: () => undefined })
          : new SqliteSyncStorage(SyncServerStore.open({ file: join(tmp.dir, `server-${++n}.sqlite`), log: () => undefined }));
      opened.push(s);
      return s;
    }
    const as = async (s: SyncStorage, token: string) => s.authenticate(`Bearer ${token}`);

    beforeAll(() => {
      if (kind === 'postgresql') cluster = startPgCluster();
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
      cluster?.stop();
      tmp.cleanup();
    });

    it('two sites of one municipality both issue from station "east" 1001–1999', async () => {
      const s = await fresh();
      const honcho = (await s.enroll('kiosk-honcho-east', 'kiosk', { site: 'honcho' })).token;
      const sakai = (await s.enroll('kiosk-sakai-east', 'kiosk', { site: 'sakai' })).token;
      await s.push(await as(s, honcho), push('kiosk-honcho-east', [{ station: 'east', from: 1001, to: 1999 }]));
      await s.push(await as(s, sakai), push('kiosk-sakai-east', [{ station: 'east', from: 1001, to: 1999 }]));
      const claims = (await s.claims()).map(({ site, station, from, to, terminal }) => ({ site, station, from, to, terminal }));
      expect(claims).toEqual([
        { site: 'honcho', station: 'east', from: 1001, to: 1999, terminal: 'kiosk-honcho-east' },
        { site: 'sakai', station: 'east', from: 1001, to: 1999, terminal: 'kiosk-sakai-east' },
      ]);
      // Pushing again holds the claim; nobody heard of a conflict.
      const again = await s.push(await as(s, sakai), push('kiosk-sakai-east', [{ station: 'east', from: 1001, to: 1999 }]));
      expect(again.conflicts).toEqual([]);
    });

    it('within one site a station, or an overlapping range, has one kiosk: 409 naming both, the holder hears of it', async () => {
      const s = await fresh();
      const holder = (await s.enroll('kiosk-east', 'kiosk', { site: 'honcho' })).token;
      const other = (await s.enroll('kiosk-east2', 'kiosk', { site: 'honcho' })).token;
      await s.push(await as(s, holder), push('kiosk-east', [{ station: 'east', from: 1001, to: 1999 }]));
      const same = await refusal(s.push(await as(s, other), push('kiosk-east2', [{ station: 'east', from: 1001, to: 1999 }])));
      expect(same).toMatchObject({ status: 409, code: 'station-conflict' });
      expect(same.message).toContain('"kiosk-east"');
      const overlap = await refusal(s.push(await as(s, other), push('kiosk-east2', [{ station: 'west', from: 1500, to: 2500 }])));
      expect(overlap).toMatchObject({ status: 409, code: 'station-conflict' });
      expect(overlap.message).toMatch(/overlaps station "east" 1001–1999/);
      // A range next to it is fine.
      await s.push(await as(s, other), push('kiosk-east2', [{ station: 'west', from: 2001, to: 2999 }]));
      const heard = await s.push(await as(s, holder), push('kiosk-east', [{ station: 'east', from: 1001, to: 1999 }]));
      expect(heard.conflicts.map((c) => c.claimant)).toEqual(['kiosk-east2', 'kiosk-east2']);
      expect((await s.claims()).map((c) => `${c.site}/${c.station}:${c.terminal}`)).toEqual(['honcho/east:kiosk-east', 'honcho/west:kiosk-east2']);
    });

    it('a kiosk re-enrolled for another site leaves its old station free there', async () => {
      const s = await fresh();
      const t = (await s.enroll('kiosk-roam', 'kiosk', { site: 'honcho' })).token;
      await s.push(await as(s, t), push('kiosk-roam', [{ station: 'east', from: 1001, to: 1999 }]));
      const moved = (await s.enroll('kiosk-roam', 'kiosk', { site: 'sakai' })).token;
      expect(await s.claims()).toEqual([]);
      await s.push(await as(s, moved), push('kiosk-roam', [{ station: 'east', from: 1001, to: 1999 }]));
      const newcomer = (await s.enroll('kiosk-new', 'kiosk', { site: 'honcho' })).token;
      await s.push(await as(s, newcomer), push('kiosk-new', [{ station: 'east', from: 1001, to: 1999 }]));
      expect((await s.claims()).map((c) => `${c.site}/${c.station}:${c.terminal}`)).toEqual(['honcho/east:kiosk-new', 'sakai/east:kiosk-roam']);
    });

    it('terminals agree: each site\'s kiosk numbers its own "east" from 1001, and each site\'s counter sees only its own', async () => {
      const s = await fresh();
      const server = { current: s };
      const net = { online: true, dropRequest: 0, loseAnswer: 0, duplicate: 0, mangle: 0 };
      const r = rng(7);
      const clock = () => Date.UTC(2026, 10, 27, 0, 30);
      const made: Array<{ store: Store; client: SyncClient; visits: VisitService; id: string }> = [];
      for (const [id, role, site] of [
        ['kiosk-h', 'kiosk', 'honcho'],
        ['kiosk-s', 'kiosk', 'sakai'],
        ['counter-h', 'counter', 'honcho'],
        ['counter-s', 'counter', 'sakai'],
      ] as const) {
        const token = (await s.enroll(id, role, { site })).token;
        const config = terminalConfig({ id, role, site, ...(role === 'kiosk' ? { station: 'east' } : { department: 'shimin', counter: '1' }) }, [EAST]);
        const store = Store.open({ file: ':memory:', nodeId: id, site, clock });
        made.push({ id, store, visits: new VisitService(store, config), client: new SyncClient({ store, transport: new DirectTransport(server, token, { ...net }, r), stations: stationClaimsOf(config), stream: false }) });
      }
      const [kh, ks, ch, cs] = made as [(typeof made)[0], (typeof made)[0], (typeof made)[0], (typeof made)[0]];
      const issue = (k: typeof kh, times: number) => {
        for (let i = 0; i < times; i++) k.visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, { terminal: k.id });
      };
      issue(kh, 3);
      issue(ks, 2);
      for (const t of made) await t.client.syncOnce();
      for (const t of made) await t.client.syncOnce();
      const numbers = (t: typeof kh) => (t.store.db.prepare("SELECT number FROM visits WHERE station = 'east' ORDER BY number").all() as Array<{ number: number }>).map((x) => x.number);
      expect(numbers(kh)).toEqual([1001, 1002, 1003]);
      expect(numbers(ks)).toEqual([1001, 1002]);
      expect(numbers(ch)).toEqual([1001, 1002, 1003]);
      expect(numbers(cs)).toEqual([1001, 1002]);
      // The sakai kiosk, caught up, goes on from its own last number, not the other building's.
      issue(ks, 1);
      await ks.client.syncOnce();
      expect(numbers(ks)).toEqual([1001, 1002, 1003]);
      for (const t of made) {
        await t.client.stop();
        t.store.close();
      }
    });

    if (kind === 'postgresql') {
      it('one tenant never blocks another: the same site, station and range in two municipalities', async () => {
        const s = await fresh();
        const x = (await s.enroll('kiosk-1', 'kiosk', { site: 'honcho', tenant: 'isesaki' })).token;
        const y = (await s.enroll('kiosk-1', 'kiosk', { site: 'honcho', tenant: 'tamamura' })).token;
        const z = (await s.enroll('kiosk-2', 'kiosk', { site: 'honcho', tenant: 'tamamura' })).token;
        await s.push(await as(s, x), push('kiosk-1', [{ station: 'east', from: 1001, to: 1999 }]));
        await s.push(await as(s, y), push('kiosk-1', [{ station: 'east', from: 1001, to: 1999 }]));
        // Within tamamura the rule still holds, and names only tamamura's kiosk.
        const refused = await refusal(s.push(await as(s, z), push('kiosk-2', [{ station: 'west', from: 1200, to: 1300 }])));
        expect(refused).toMatchObject({ status: 409, code: 'station-conflict' });
        expect((await s.claims('isesaki')).map((c) => `${c.tenant}/${c.site}/${c.station}:${c.terminal}`)).toEqual(['isesaki/honcho/east:kiosk-1']);
        expect((await s.claims('tamamura')).map((c) => `${c.tenant}/${c.site}/${c.station}:${c.terminal}`)).toEqual(['tamamura/honcho/east:kiosk-1']);
        expect(await s.conflictsFor('kiosk-1', 'isesaki')).toEqual([]);
        expect((await s.conflictsFor('kiosk-1', 'tamamura')).map((c) => c.claimant)).toEqual(['kiosk-2']);
      });

      it('migrates a database whose claims were keyed per tenant: the claims keep their site', async () => {
        const url = await cluster!.createDatabase('claims_old');
        const pool = new pg.Pool({ connectionString: url, max: 1 });
        try {
          await migratePg(pool, url, pgMigrations.slice(0, 1));
          const at = new Date().toISOString();
          await pool.query('INSERT INTO tenants VALUES ($1, $2)', ['isesaki', at]);
          await pool.query("INSERT INTO terminals (tenant, id, role, site, token_hash, created_at) VALUES ('isesaki', 'kiosk-old', 'kiosk', 'sakai', 'h1', $1)", [at]);
          await pool.query("INSERT INTO station_claims VALUES ('isesaki', 'east', 'sakai', 1001, 1999, 'kiosk-old', $1)", [at]);
        } finally {
          await pool.end();
        }
        const s = await PgSyncStorage.open({ url, log: () => undefined });
        opened.push(s);
        expect((await s.claims()).map((c) => `${c.tenant}/${c.site}/${c.station}:${c.terminal}`)).toEqual(['isesaki/sakai/east:kiosk-old']);
        const t = (await s.enroll('kiosk-honcho', 'kiosk', { site: 'honcho', tenant: 'isesaki' })).token;
        await s.push(await as(s, t), push('kiosk-honcho', [{ station: 'east', from: 1001, to: 1999 }]));
        expect(await s.claims('isesaki')).toHaveLength(2);
        const v = await s.pool.query<{ v: number }>('SELECT max(version) AS v FROM schema_migrations');
        expect(v.rows[0]!.v).toBe(pgMigrations.length);
      });
    } else {
      it('migrates a file whose claims were keyed by station alone: the claims take their kiosk\'s site', async () => {
        const file = join(tmp.dir, 'old.sqlite');
        const db = new Database(file);
        try {
          migrate(db, serverMigrations.slice(0, 2), file);
          const at = new Date().toISOString();
          db.prepare("INSERT INTO terminals (id, role, site, token_hash, created_at) VALUES ('kiosk-old', 'kiosk', 'sakai', 'h1', ?)").run(at);
          db.prepare("INSERT INTO station_claims VALUES ('east', 1001, 1999, 'kiosk-old', ?)").run(at);
        } finally {
          db.close();
        }
        const s = new SqliteSyncStorage(SyncServerStore.open({ file, log: () => undefined }));
        opened.push(s);
        expect(s.store.db.pragma('user_version', { simple: true })).toBe(serverMigrations.length);
        expect((await s.claims()).map((c) => `${c.site}/${c.station}:${c.terminal}`)).toEqual(['sakai/east:kiosk-old']);
        const t = (await s.enroll('kiosk-honcho', 'kiosk', { site: 'honcho' })).token;
        await s.push(await as(s, t), push('kiosk-honcho', [{ station: 'east', from: 1001, to: 1999 }]));
        const t2 = (await s.enroll('kiosk-sakai2', 'kiosk', { site: 'sakai' })).token;
        expect(await refusal(s.push(await as(s, t2), push('kiosk-sakai2', [{ station: 'east', from: 1001, to: 1999 }])))).toMatchObject({ status: 409 });
        expect(s.store.integrityCheck()).toBe('ok');
      });
    }
  });
}
