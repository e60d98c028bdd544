import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalogText } from '../../src-main/common/catalog/texts';
import { guide, visitBring } from '../../src-main/common/guidance';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { renderHouseholdForms, formTemplates } from '../../src-main/node/forms/service';
import { warmFormRenderer } from '../../src-main/node/forms/warm';
import { renderGuidanceList } from '../../src-main/node/guidanceList/render';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { Residents } from '../../src-main/node/residents/residents';
import { DEMO_CSV } from '../integration/residents-support';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { benchFormsPeer } from './formsPeer';
import { summarize } from './stats';

/**
 * 書かない窓口 at the counter: the 8-form set for one household (read + audit + render, fonts
 * subset and embedded) and the printed guidance list, as the counter waits for them. Also the
 * linkage import of the demo data (1,120 residents) in one transaction.
 */
export async function benchForms(): Promise<Record<string, number | string>> {
  const { dir, cleanup } = tempDir('madoguchi-bench-forms-');
  ensureDemoSetup(dir);
  const t = openTerminal(dir);
  try {
    const res = new Residents(t.store, t.config);
    const who = cliReader(t.config);
    const csv = readFileSync(DEMO_CSV, 'utf8');
    const i0 = performance.now();
    const report = res.import(csv, 'demo-residents.csv', who);
    const importMs = performance.now() - i0;
    const templates = formTemplates();
    const all = [...templates.keys()];
    // The first print after startup: a forms terminal's app renders every template once for a
    // made-up household 1.5 s after it starts (forms/warm.ts), then the clerk's first real print
    // (read + audit + render of household 200000001) is timed. The warm-up is timed on its own.
    const warmMs = await warmFormRenderer(templates.values(), { cityName: t.config.cityName, today: '2026-11-26' });
    const c0 = performance.now();
    const first = await renderHouseholdForms(res, who, { householdId: '200000001', formIds: all, purpose: 'bench', action: 'preview' });
    const coldMs = performance.now() - c0;
    // The same first print in fresh processes (templates loaded, residents imported, nothing
    // rendered yet), with and without the warm-up: the median of 3 runs each, alternated.
    const fresh = { warm: [] as number[], cold: [] as number[] };
    for (let i = 0; i < 3; i++) {
      for (const mode of ['cold', 'warm'] as const) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'formsFirst.ts'), mode], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`formsFirst.ts ${mode} failed: ${r.stderr}`);
        fresh[mode].push((JSON.parse(r.stdout.trim().split('\n').pop()!) as { firstMs: number }).firstMs);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const samples: number[] = [];
    let size = first.pdf.length;
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const r = await renderHouseholdForms(res, who, { householdId: '200000001', formIds: all, purpose: 'bench', action: 'preview' });
      samples.push(performance.now() - s);
      size = r.pdf.length;
    }
    const forms = summarize(samples);

    // The peer: pdfme on the same 40-field form, with this household's values.
    const household = res.household(who, '200000001', { purpose: 'bench' }, 'read');
    const applicant = household.members.find((m) => m.head) ?? household.members[0]!;
    const peer = await benchFormsPeer({ today: '2026-11-26', cityName: t.config.cityName, householdId: '200000001', members: household.members, applicant });

    const catalog = loadCatalog();
    const facts = { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1986-04-01', insurance: 'nhi' }, { role: 'child', birthDate: '2020-05-05' }, { role: 'parent', birthDate: '1948-02-02', insurance: 'late-elderly' }] };
    const listSamples: Record<string, number[]> = { ja: [], vi: [], 'zh-CN': [] };
    let listBytes = 0;
    for (const lang of Object.keys(listSamples)) {
      const items = guide(facts, catalog, { lang }).procedures;
      for (let i = 0; i < 10; i++) {
        const s = performance.now();
        const { pdf } = await renderGuidanceList({ lang, cityName: '伊勢崎市', stationName: '東口', number: 1001, date: '2026-11-26', items, bring: visitBring(items), statusName: (x) => catalogText(catalog, `status.${x}`, lang) });
        listSamples[lang]!.push(performance.now() - s);
        if (lang === 'ja') listBytes = pdf.length;
      }
    }
    const ja = summarize(listSamples.ja!);
    const vi = summarize(listSamples.vi!);
    const zh = summarize(listSamples['zh-CN']!);
    return {
      'linkage import, 1,120 residents (ms)': importMs,
      'import rows': report.rows,
      '8-form set, startup warm-up (ms)': warmMs,
      '8-form set, household of 4, first render (ms)': coldMs,
      '8-form set, first render, fresh process, warmed (ms)': median(fresh.warm),
      '8-form set, first render, fresh process, no warm-up (ms)': median(fresh.cold),
      '8-form set, p50 (ms)': forms.p50,
      '8-form set, p95 (ms)': forms.p95,
      '8-form set pages': first.pages,
      '8-form set PDF size (bytes)': size,
      '40-field form, Madoguchi p50 (ms)': peer.madoguchiP50,
      '40-field form, pdfme p50 (ms)': peer.pdfmeP50,
      'ratio pdfme time / Madoguchi time (40 fields)': peer.ratio,
      'guidance list ja, p50 (ms)': ja.p50,
      'guidance list vi, p50 (ms)': vi.p50,
      'guidance list zh-CN, p50 (ms)': zh.p50,
      'guidance list ja PDF size (bytes)': listBytes,
    };
  } finally {
    t.close();
    cleanup();
  }
}
