import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type TerminalConfig } from '../../src-main/common/config/schema';
import { liveBoardBySite } from '../../src-main/common/reports/live';
import { reportTables } from '../../src-main/common/reports/tables';
import { exportDaily, tableOptions } from '../../src-main/node/reports/export';
import { computeDayFromStore, dailyReport, ensureReportSchema, readVisitSitesOn, readVisitsOn, storeDay } from '../../src-main/node/reports/source';
import { Store } from '../../src-main/node/store/store';
import { SyncClient, stationClaimsOf } from '../../src-main/node/sync/client';
import { SyncServerStore } from '../../src-main/node/sync/serverStore';
import { SqliteSyncStorage } from '../../src-main/node/sync/storage';
import { VisitService } from '../../src-main/node/visits/service';
import { tempDir } from '../support/tmp';
import { DirectTransport, rng, terminalConfig, type StationDef } from './sync-support';

/**
 * Two buildings of one municipality may both number a station "east" 1001–1999 (claims per site).
 * A supervisor's database pulls every site: its daily report, exports and live board keep the two
 * "east" apart, keyed by (site, station), and name the site; with one site they read as before.
 */
const EAST: StationDef = { id: 'east', from: 1001, to: 1999 };
const WEST: StationDef = { id: 'west', from: 2001, to: 2999 };
const NOW = Date.UTC(2026, 10, 27, 0, 30); // Friday 27 Nov 2026, 09:30 in Tokyo
const DATE = '2026-11-27';
const SITE_NAMES = { honcho: '本庁舎', sakai: '境支所' };

type Made = { id: string; store: Store; visits: VisitService; client: SyncClient; config: TerminalConfig };

describe('daily report and live board of a supervisor holding two sites that both have station "east"', () => {
  const tmp = tempDir('madoguchi-report-sites-');
  let server: SqliteSyncStorage;
  const made: Made[] = [];
  let sup: Made;

  async function terminal(id: string, role: 'kiosk' | 'counter' | 'supervisor', site: string, extra: Record<string, string> = {}, stations: StationDef[] = [EAST]): Promise<Made> {
    const token = (await server.enroll(id, role, { site })).token;
    const base = terminalConfig({ id, role, site, ...extra }, stations);
    const config = parseConfig({ ...base, stations: base.stations.map((s) => ({ ...s, name: s.id === 'east' ? '東口' : '西口' })), siteNames: SITE_NAMES });
    const store = Store.open({ file: ':memory:', nodeId: id, site, clock: () => NOW });
    const net = { online: true, dropRequest: 0, loseAnswer: 0, duplicate: 0, mangle: 0 };
    const client = new SyncClient({ store, transport: new DirectTransport({ current: server }, token, net, rng(1)), stations: stationClaimsOf(config), stream: false });
    const t = { id, store, visits: new VisitService(store, config), client, config };
    made.push(t);
    return t;
  }
  const issue = (k: Made, station: string, times: number) => {
    for (let i = 0; i < times; i++) k.visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: ['shimin'] }, { terminal: k.id });
  };

  beforeAll(async () => {
    server = new SqliteSyncStorage(SyncServerStore.open({ file: join(tmp.dir, 'server.sqlite'), log: () => undefined }));
    const kh = await terminal('kiosk-h-east', 'kiosk', 'honcho', { station: 'east' }, [EAST, WEST]);
    const khw = await terminal('kiosk-h-west', 'kiosk', 'honcho', { station: 'west' }, [EAST, WEST]);
    const ks = await terminal('kiosk-s-east', 'kiosk', 'sakai', { station: 'east' });
    const cs = await terminal('counter-s-1', 'counter', 'sakai', { department: 'shimin', counter: '1' });
    sup = await terminal('supervisor-h', 'supervisor', 'honcho', {}, [EAST, WEST]);
    issue(kh, 'east', 3);
    issue(khw, 'west', 1);
    issue(ks, 'east', 2);
    for (const t of made) await t.client.syncOnce();
    // sakai's counter 1 calls its first visitor (#1001 of sakai, not of 本庁舎).
    expect(cs.visits.callNext('shimin', '1', { terminal: cs.id })?.number).toBe(1001);
    for (const t of made) await t.client.syncOnce();
  });
  afterAll(async () => {
    for (const t of made) {
      await t.client.stop();
      t.store.close();
    }
    await server.close();
    tmp.cleanup();
  });

  it('byStation and the unfinished visits are keyed by (site, station)', () => {
    const r = computeDayFromStore(sup.store, sup.config, DATE);
    expect(r.visits.issued).toBe(6);
    expect(r.byStation).toEqual([
      { site: 'honcho', station: 'east', issued: 3 },
      { site: 'honcho', station: 'west', issued: 1 },
      { site: 'sakai', station: 'east', issued: 2 },
    ]);
    const unfinished = r.unfinishedVisits.map((u) => `${u.site}/${u.station}#${u.number}:${u.status}`).sort();
    expect(unfinished).toEqual(['honcho/east#1001:waiting', 'honcho/east#1002:waiting', 'honcho/east#1003:waiting', 'honcho/west#2001:waiting', 'sakai/east#1001:called', 'sakai/east#1002:waiting']);
    // Each site's own terminals still see only their own, unnamed by site in their tables.
    const own = made.find((t) => t.id === 'kiosk-s-east')!;
    const ownReport = computeDayFromStore(own.store, own.config, DATE);
    expect(ownReport.byStation).toEqual([{ site: 'sakai', station: 'east', issued: 2 }]);
    expect(reportTables(ownReport, tableOptions(own.config)).find((t) => t.id === '02-by-station')!.rows).toEqual([['東口', 2]]);
  });

  it('a day stored before stations were kept per site is folded again while its visits are there', () => {
    ensureReportSchema(sup.store);
    const fresh = computeDayFromStore(sup.store, sup.config, DATE);
    // As the old code stored it: both sites' "east" in one row, no site.
    const old = { ...fresh, byStation: [{ station: 'east', issued: 5 }, { station: 'west', issued: 1 }], unfinishedVisits: fresh.unfinishedVisits.map(({ site: _s, ...u }) => u) };
    storeDay(sup.store, old);
    expect(dailyReport(sup.store, sup.config, DATE).byStation).toEqual(fresh.byStation);
    // Once personal details are erased the stored day is all there is: it is kept as stored.
    storeDay(sup.store, old, '2026-12-01T00:00:00.000Z');
    expect(dailyReport(sup.store, sup.config, DATE).byStation).toEqual(old.byStation);
    sup.store.db.prepare('DELETE FROM report_days WHERE date = ?').run(DATE);
  });

  it('the tables name each station with its site (config siteNames), the one-site case as before', () => {
    const r = computeDayFromStore(sup.store, sup.config, DATE);
    const tables = reportTables(r, tableOptions(sup.config));
    expect(tables.find((t) => t.id === '02-by-station')!.rows).toEqual([
      ['東口（本庁舎）', 3],
      ['西口（本庁舎）', 1],
      ['東口（境支所）', 2],
    ]);
    const un = tables.find((t) => t.id === '13-unfinished')!;
    expect(un.rows.map((row) => `${row[1]} #${row[0]}`).sort()).toEqual(['東口（境支所） #1001', '東口（境支所） #1002', '東口（本庁舎） #1001', '東口（本庁舎） #1002', '東口（本庁舎） #1003', '西口（本庁舎） #2001']);
    // Without site names, the site ids.
    const { siteNames: _drop, ...noNames } = tableOptions(sup.config);
    expect(reportTables(r, noNames).find((t) => t.id === '02-by-station')!.rows[2]).toEqual(['東口（sakai）', 2]);
    // A report of one site (or one stored before sites were kept) reads exactly as it did.
    const oneSite = { ...r, byStation: r.byStation.filter((s) => s.site === 'honcho'), unfinishedVisits: r.unfinishedVisits.filter((u) => u.site === 'honcho') };
    expect(reportTables(oneSite, tableOptions(sup.config)).find((t) => t.id === '02-by-station')!.rows).toEqual([
      ['東口', 3],
      ['西口', 1],
    ]);
    const stored = { ...oneSite, byStation: oneSite.byStation.map(({ site: _s, ...x }) => x) };
    expect(reportTables(stored, tableOptions(sup.config)).find((t) => t.id === '02-by-station')!.rows).toEqual([
      ['東口', 3],
      ['西口', 1],
    ]);
  });

  it('CSV, XLSX and PDF exports keep the two "east" apart', async () => {
    const csv = await exportDaily(sup.store, sup.config, DATE, 'csv');
    const files = unzipSync(new Uint8Array(csv.bytes));
    const byStation = strFromU8(files[Object.keys(files).find((f) => f.includes('02-by-station'))!]!).replace(/^\uFEFF/, '');
    expect(byStation).toContain('東口（本庁舎）,3');
    expect(byStation).toContain('東口（境支所）,2');

    const xlsx = await exportDaily(sup.store, sup.config, DATE, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = wb.worksheets.find((w) => w.getCell('A1').value === '発券所')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows.slice(1)).toEqual([
      ['東口（本庁舎）', 3],
      ['西口（本庁舎）', 1],
      ['東口（境支所）', 2],
    ]);

    const pdf = await exportDaily(sup.store, sup.config, DATE, 'pdf');
    const file = join(tmp.dir, 'nippo.pdf');
    writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/東口（本庁舎）\s+3/);
    expect(text).toMatch(/東口（境支所）\s+2/);
  });

  it('the live board keeps each site\'s line and counters apart; one site gives the board as before', () => {
    const visits = readVisitsOn(sup.store, DATE);
    const sites = readVisitSitesOn(sup.store, DATE);
    expect(sites.size).toBe(6);
    const board = liveBoardBySite(visits, (v) => sites.get(v.id)!, { businessDate: DATE, now: NOW, configuredCounters: [{ department: 'shimin', counter: '1' }], ownSite: 'honcho' });
    const rows = board.departments.map((d) => ({ site: d.site, department: d.department, waiting: d.waiting, called: d.called, counters: d.counters.map((c) => `${c.counter}:${c.status}:${c.number}`) }));
    expect(rows).toEqual([
      { site: 'honcho', department: 'shimin', waiting: 4, called: 0, counters: ['1:idle:null'] },
      { site: 'sakai', department: 'shimin', waiting: 1, called: 1, counters: ['1:called:1001'] },
    ]);
    expect(board.issued).toBe(6);
    const honchoOnly = visits.filter((v) => sites.get(v.id) === 'honcho');
    const one = liveBoardBySite(honchoOnly, () => 'honcho', { businessDate: DATE, now: NOW, configuredCounters: [{ department: 'shimin', counter: '1' }], ownSite: 'honcho' });
    expect(one.departments.map((d) => d.site)).toEqual([undefined]);
    expect(one.departments[0]).toMatchObject({ department: 'shimin', waiting: 4 });
  });
});
