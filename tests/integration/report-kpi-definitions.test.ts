/**
 * The plan's KPI definitions (REPORTS.md, second edition): KPI② counts visits, with the procedure
 * count beside it; the 市民アンケート comes from the city's annual survey imported from a CSV
 * (audited), never the kiosk survey; a guide use handed over at the kiosk counts once; the guide's
 * satisfaction only from guide users' ratings; the one-stop counter's average time leaves out
 * certificate-only visits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal, type Terminal } from '../../src-main/node/terminal/dataFolder';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateDay } from '../../src-main/node/simulate/day';
import { computeDayFromStore, kpiReport, readVisitsOn } from '../../src-main/node/reports/source';
import { loadKpiTargets } from '../../src-main/node/reports/targets';
import { runCli } from '../../src-main/node/cli/main';
import { acceptedAtOneStop, acceptedForAnotherDepartment, isCertificateOnly, kpiOfVisit } from '../../src-main/common/reports/daily';
import { addKpiInputs, emptyKpiInputs, type KpiReport } from '../../src-main/common/reports/kpi';
import { parseCitizenSurveyCsv } from '../../src-main/common/reports/citizenSurvey';

const DATE = '2026-06-01';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('KPI definitions on a simulated day', () => {
  let tmp: ReturnType<typeof tempDir>;
  let t: Terminal;

  beforeAll(() => {
    tmp = tempDir('madoguchi-kpidef-');
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant(DATE, '07:00', 'Asia/Tokyo'));
    t = openTerminal(tmp.dir, { clock: clock.read });
    const r = simulateDay(t, defaultCatalog(), clock, { date: DATE, visitors: 90, seed: 21 });
    expect(r.anomalies).toEqual([]);
    t.store.append('guide.completed', { date: DATE, count: 4, ratings: [5, 3] });
    clock.now = localInstant('2026-06-02', '09:00', 'Asia/Tokyo');
  });
  afterAll(() => {
    t?.close();
    tmp?.cleanup();
  });

  it('KPI② counts visits that accepted a procedure for another department; the procedures are the detail', () => {
    const visits = readVisitsOn(t.store, DATE);
    let want = 0;
    let procedures = 0;
    for (const v of visits) {
      const accepted = v.items.filter(acceptedAtOneStop);
      procedures += accepted.length;
      const forOther = accepted.some((i) => i.route === 'proxy' || i.department !== 'shimin');
      if (forOther) want++;
      expect(acceptedForAnotherDepartment(v, 'shimin')).toBe(forOther);
      // a visit whose one-stop items are all 市民課's own 受付 (e.g. only a 転入届) does not count
      if (accepted.length > 0 && accepted.every((i) => i.department === 'shimin' && i.route === 'accept')) expect(kpiOfVisit(v).oneStopVisits).toBe(0);
    }
    const day = computeDayFromStore(t.store, t.config, DATE);
    expect(want).toBeGreaterThan(0);
    expect(want).toBeLessThan(procedures); // visits, not procedures
    expect(day.kpiInputs.oneStopVisits).toBe(want);
    expect(day.kpiInputs.oneStopAccepted).toBe(procedures);
    const k = kpiReport(t.store, t.config, 2026, loadKpiTargets(tmp.dir), { asOf: DATE });
    const kpi2 = k.kpis.find((x) => x.id === 'oneStopAccepted')!;
    expect(kpi2.value).toBe(want);
    expect(kpi2.detail).toEqual({ procedures });
  });

  it('a day folds to the sum of its visits (the pure per-visit function the node layer can keep incrementally)', () => {
    // In the daily fold's order (issue time), so the float sums add up in the same order.
    const visits = readVisitsOn(t.store, DATE).sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : a.number - b.number));
    let sum = { ...emptyKpiInputs(), guideOnlineUses: 4, guideSatisfaction: { sum: 8, n: 2 } };
    for (const v of visits) sum = addKpiInputs(sum, kpiOfVisit(v));
    expect(computeDayFromStore(t.store, t.config, DATE).kpiInputs).toEqual(sum);
  });

  it('the average time leaves out certificate-only visits; guide satisfaction only from guide users; a handed-over use counts once', () => {
    const visits = readVisitsOn(t.store, DATE);
    const stays = visits.filter((v) => v.status === 'done' && v.stops.length > 0 && !isCertificateOnly(v));
    expect(visits.some((v) => v.status === 'done' && isCertificateOnly(v))).toBe(true);
    const day = computeDayFromStore(t.store, t.config, DATE);
    expect(day.kpiInputs.visitStay.n).toBe(stays.length);
    // the kiosk survey of visits that came with a guide code is not the guide's satisfaction
    expect(day.kpiInputs.guideSatisfaction).toEqual({ sum: 8, n: 2 });
    const k = kpiReport(t.store, t.config, 2026, loadKpiTargets(tmp.dir), { asOf: DATE });
    const uses = k.kpis.find((x) => x.id === 'guideUses')!;
    expect(uses.value).toBe(4);
    expect(uses.detail).toEqual({ qrHandovers: day.visits.fromGuideQr });
    expect(day.guide.total).toBe(4);
    expect(k.kpis.find((x) => x.id === 'guideSatisfaction')!.value).toBe(4);
    // no city survey imported yet: the kiosk survey does not stand in for it
    expect(day.survey.responses).toBeGreaterThan(0);
    expect(k.kpis.find((x) => x.id === 'citizenSurvey')!.value).toBeNull();
  });
});

describe('report survey-import: the city’s annual 市民アンケート from its CSV, audited', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir('madoguchi-survey-');
    ensureDemoSetup(tmp.dir);
  });
  afterAll(() => tmp?.cleanup());

  it('parses Japanese or English headers, blanks as unanswered, a bad cell names its line and column', () => {
    const r = parseCitizenSurveyCsv('\uFEFF回答者,使いやすさ,利便性,待ち時間,分かりやすさ\r\n1,5,4,,3\r\n2,4,4,2,5\r\n', 2026, 'r.csv');
    expect(r.responses).toBe(2);
    expect(r.all).toEqual({ sum: 27, n: 7 });
    expect(r.questions.waiting).toEqual({ sum: 2, n: 1 });
    expect(() => parseCitizenSurveyCsv('ease,convenience,waiting,clarity\n5,4,6,3\n', 2026, 'r.csv')).toThrow(/line 2, column "waiting"/);
    expect(() => parseCitizenSurveyCsv('ease,convenience,clarity\n5,4,3\n', 2026, 'r.csv')).toThrow(/no column for "waiting"/);
  });

  it('imports, replaces on re-import, refuses a bad file without recording anything, and writes the audit log', async () => {
    const good = join(tmp.dir, 'survey-2026.csv');
    writeFileSync(good, 'id,ease,convenience,waiting,clarity\n1,5,4,3,4\n2,4,4,4,4\n3,3,,5,4\n');
    const bad = join(tmp.dir, 'survey-bad.csv');
    writeFileSync(bad, 'id,ease,convenience,waiting,clarity\n1,5,4,3,4\n2,4,x,4,4\n');

    const refused = await cli(['report', 'survey-import', '--data', tmp.dir, '--fy', '2026', '--file', bad]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('line 3, column "convenience"');
    const before = JSON.parse((await cli(['report', 'kpi', '--data', tmp.dir, '--fy', '2026', '--as-of', '2026-06-01', '--format', 'json'])).out) as KpiReport;
    expect(before.kpis.find((x) => x.id === 'citizenSurvey')!.value).toBeNull();

    const ok = await cli(['report', 'survey-import', '--data', tmp.dir, '--fy', '2026', '--file', good]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('3 respondent(s), 11 score(s)');
    const k = JSON.parse((await cli(['report', 'kpi', '--data', tmp.dir, '--fy', '2026', '--as-of', '2026-06-01', '--format', 'json'])).out) as KpiReport;
    const cs = k.kpis.find((x) => x.id === 'citizenSurvey')!;
    expect(cs.value).toBeCloseTo(44 / 11, 12);
    expect(cs.basis).toEqual({ numerator: 44, denominator: 11 });
    expect(cs.detail).toEqual({ respondents: 3 });
    // another year is untouched
    const k25 = JSON.parse((await cli(['report', 'kpi', '--data', tmp.dir, '--fy', '2025', '--format', 'json'])).out) as KpiReport;
    expect(k25.kpis.find((x) => x.id === 'citizenSurvey')!.value).toBeNull();

    writeFileSync(good, 'id,ease,convenience,waiting,clarity\n1,2,2,2,2\n');
    expect((await cli(['report', 'survey-import', '--data', tmp.dir, '--fy', '2026', '--file', good])).code).toBe(0);
    const k2 = JSON.parse((await cli(['report', 'kpi', '--data', tmp.dir, '--fy', '2026', '--as-of', '2026-06-01', '--format', 'json'])).out) as KpiReport;
    expect(k2.kpis.find((x) => x.id === 'citizenSurvey')!.value).toBe(2);

    const t = openTerminal(tmp.dir);
    try {
      const rows = t.store.db.prepare("SELECT action, purpose, detail FROM audit_log WHERE purpose LIKE '%市民アンケート%' ORDER BY id").all() as Array<{ action: string; detail: string }>;
      expect(rows).toHaveLength(2);
      expect(rows[0]!.detail).toMatch(/^FY2026 survey-2026\.csv sha256=[0-9a-f]{64} respondents=3 scores=11$/);
    } finally {
      t.close();
    }
  });
});
