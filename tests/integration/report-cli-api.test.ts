/**
 * The reports through their real doors: the CLI in a child process (`demo simulate`, `report
 * daily`, `report kpi`, `report retention`) and the supervisor's API methods through the handler
 * registry with role checks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { runCliSync } from '../support/cli';
import { createApp, type App } from '../../src-main/node/app/app';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateDay } from '../../src-main/node/simulate/day';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { ensureDemoSetup } from '../../src-main/node/terminal/dataFolder';
import { seedDemoStaff } from '../../src-main/node/staff/demo';
import type { KpiReport } from '../../src-main/common/reports/kpi';

describe('report CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir('madoguchi-report-cli-');
  });
  afterAll(() => tmp?.cleanup());

  it('simulates a day into a fresh data folder and exports it in every format', () => {
    const data = join(tmp.dir, 'data');
    const sim = runCliSync(['demo', 'simulate', '--data', data, '--date', '2025-10-06', '--visitors', '40', '--seed', '9', '--format', 'json']);
    expect(sim.code, sim.stderr).toBe(0);
    const r = JSON.parse(sim.stdout) as { issued: number; anomalies: string[]; events: number };
    expect(r.issued).toBe(40);
    expect(r.anomalies).toEqual([]);
    expect(existsSync(join(data, 'config.json'))).toBe(true);

    const csv = runCliSync(['report', 'daily', '--data', data, '--date', '2025-10-06', '--format', 'csv', '--out', tmp.dir]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toContain('40 issued');
    const zip = unzipSync(new Uint8Array(readFileSync(join(tmp.dir, 'nippo-2025-10-06.zip'))));
    expect([...zip['01-summary.csv']!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(strFromU8(zip['01-summary.csv']!)).toMatch(/^\uFEFF?項目,値\r\n/);
    expect(strFromU8(zip['01-summary.csv']!)).toContain('発券数,40\r\n');

    const pdf = runCliSync(['report', 'daily', '--data', data, '--date', '2025-10-06', '--format', 'pdf', '--out', join(tmp.dir, 'day.pdf')]);
    expect(pdf.code, pdf.stderr).toBe(0);
    expect(readFileSync(join(tmp.dir, 'day.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const kpi = runCliSync(['report', 'kpi', '--data', data, '--fy', '2025', '--format', 'json']);
    expect(kpi.code, kpi.stderr).toBe(0);
    const k = JSON.parse(kpi.stdout) as KpiReport;
    expect(k.fiscalYear).toBe(2025);
    expect(k.label).toBe('令和7年度');
    expect(k.days).toBe(1);
    expect(k.kpis.map((x) => x.id)).toEqual(['guideUses', 'oneStopAccepted', 'cashlessRate', 'cashlessSatisfaction', 'citizenSurvey', 'guideSatisfaction', 'averageVisitMinutes', 'citizenWaitMinutes']);
    const kcsv = runCliSync(['report', 'kpi', '--data', data, '--fy', '2025', '--format', 'csv']);
    expect(kcsv.stdout.startsWith('\uFEFFid,指標')).toBe(true);
    expect(kcsv.stdout).toContain('キャッシュレス決済率');

    const ret = runCliSync(['report', 'retention', '--data', data, '--days', '30']);
    expect(ret.code, ret.stderr).toBe(0);
    expect(ret.stdout).toMatch(/2025-10-06: 40 visit\(s\)/);
    const again = runCliSync(['report', 'daily', '--data', data, '--date', '2025-10-06', '--format', 'csv', '--out', join(tmp.dir, 'after.zip')]);
    expect(again.stdout).toContain('40 issued');
  }, 180_000);

  it('refuses bad input naming the field, with exit code 2', () => {
    const data = join(tmp.dir, 'data');
    const f = runCliSync(['report', 'daily', '--data', data, '--date', '2025-10-06', '--format', 'doc', '--out', join(tmp.dir, 'x')]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('format:');
    const d = runCliSync(['report', 'daily', '--data', data, '--date', '2025-13-01', '--format', 'pdf', '--out', join(tmp.dir, 'x')]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('date:');
    const fy = runCliSync(['report', 'kpi', '--data', data, '--fy', 'R8']);
    expect(fy.code).toBe(2);
    expect(fy.stderr).toContain('fy:');
    const r = runCliSync(['report', 'retention', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('retention.personalDetailsDays');
  }, 120_000);
});

describe('supervisor API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let app: App;
  let clock: SimClock;
  const DATE = '2026-06-01';
  let token: string | undefined;

  beforeAll(async () => {
    tmp = tempDir('madoguchi-report-api-');
    ensureDemoSetup(tmp.dir);
    clock = new SimClock(localInstant(DATE, '07:00', 'Asia/Tokyo'));
    app = createApp(tmp.dir, { clock: clock.read });
    // Stop the day at 11:00, mid-morning: queues are live.
    simulateDay(app.terminal, defaultCatalog(), clock, { date: DATE, visitors: 60, seed: 4, closes: '11:00' });
    // The supervisor screen and its exports need a supervisor (or admin) session.
    seedDemoStaff(app.terminal);
    const s = await app.registry.call('staff.signIn', { staffId: 'super01', pin: '9999' }, app.context('supervisor', 'test'));
    token = (s as { value: { token: string } }).value.token;
  });
  afterAll(() => {
    app?.close();
    tmp?.cleanup();
  });

  const call = (name: string, input: unknown, terminal = 'supervisor') => app.registry.call(name, input, app.context(terminal, 'test', token));

  it('serves live queues, today, KPIs, unfinished visits and exports to a supervisor', async () => {
    const live = await call('supervisor.live', {});
    expect(live.ok).toBe(true);
    const board = (live as { value: { departments: Array<{ department: string; waiting: number; openCounters: number; counters: unknown[] }>; issued: number; businessDate: string } }).value;
    expect(board.businessDate).toBe(DATE);
    expect(board.issued).toBe(60);
    const shimin = board.departments.find((d) => d.department === 'shimin')!;
    expect(shimin.counters.length).toBeGreaterThanOrEqual(2);
    expect(shimin.openCounters).toBeGreaterThan(0);

    const day = await call('report.daily', {});
    expect(day.ok).toBe(true);
    const view = (day as { value: { report: { visits: { issued: number; unfinished: number } }; departmentNames: Record<string, string> } }).value;
    expect(view.report.visits.issued).toBe(60);
    expect(view.departmentNames.shimin).toBe('市民課');

    const unfinished = await call('report.unfinished', { date: DATE });
    expect(unfinished.ok).toBe(true);
    const list = (unfinished as { value: Array<{ number: number; status: string }> }).value;
    expect(list.length).toBe(view.report.visits.unfinished + (view.report as unknown as { visits: { noShow: number } }).visits.noShow);

    const kpi = await call('report.kpi', { fy: 2026 });
    expect(kpi.ok).toBe(true);
    expect((kpi as { value: KpiReport }).value.kpis).toHaveLength(8);

    const pdf = await call('report.export', { date: DATE, format: 'pdf' });
    expect(pdf.ok).toBe(true);
    const file = (pdf as { value: { filename: string; base64: string; size: number; mime: string } }).value;
    expect(file.filename).toBe('nippo-2026-06-01.pdf');
    expect(file.mime).toBe('application/pdf');
    const bytes = Buffer.from(file.base64, 'base64');
    expect(bytes.length).toBe(file.size);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a report, the live board and an export without a supervisor session', async () => {
    for (const m of ['supervisor.live', 'report.daily', 'report.kpi', 'report.unfinished'] as const) {
      expect(await app.registry.call(m, {}, app.context('supervisor', 'test'))).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    expect(await app.registry.call('report.export', { format: 'csv' }, app.context('supervisor', 'test'))).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses other terminals and bad input', async () => {
    const kiosk = await call('report.export', { format: 'pdf' }, 'kiosk-east');
    expect(kiosk).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const bad = await call('report.export', { format: 'docx' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'format' } });
    const badDate = await call('report.daily', { date: '1 June' });
    expect(badDate).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'date' } });
  });
});
