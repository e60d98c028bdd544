import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogText } from '../../src-main/common/catalog/texts';
import { guide, visitBring } from '../../src-main/common/guidance';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { caching } from '../../src-main/node/forms/pdfText';
import { formTemplates, renderHouseholdForms } from '../../src-main/node/forms/service';
import { renderGuidanceList } from '../../src-main/node/guidanceList/render';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { Residents } from '../../src-main/node/residents/residents';
import { ensureDemoSetup, openTerminal, type Terminal } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { DEMO_CSV } from './residents-support';

/**
 * The PDF layer keeps parsed fonts, shaped runs and string widths for the life of the process
 * (issue 15). The bytes it prints must be exactly those of pdfkit's own path (fonts read from the
 * file per document, every string shaped and measured again), for a first print and a later one.
 */
let tmp: ReturnType<typeof tempDir>;
let t: Terminal;
let residents: Residents;

beforeAll(() => {
  tmp = tempDir('madoguchi-forms-caches-');
  ensureDemoSetup(tmp.dir);
  t = openTerminal(tmp.dir);
  residents = new Residents(t.store, t.config);
  residents.import(readFileSync(DEMO_CSV, 'utf8'), 'demo-residents.csv', cliReader(t.config));
});
afterAll(() => {
  caching.enabled = true;
  t?.close();
  tmp?.cleanup();
});

async function printAll(): Promise<Buffer[]> {
  const who = cliReader(t.config);
  const out: Buffer[] = [];
  // The rare-kanji household (𠮷), a foreign household, and the next one.
  for (const householdId of ['200000001', '200000002', '200000003']) {
    out.push((await renderHouseholdForms(residents, who, { householdId, formIds: [...formTemplates().keys()], purpose: 'test', action: 'preview' })).pdf);
  }
  const catalog = loadCatalog();
  const facts = { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1986-04-01', insurance: 'nhi' }, { role: 'child', birthDate: '2020-05-05' }] };
  for (const lang of ['ja', 'vi', 'zh-CN', 'pt-BR']) {
    const items = guide(facts, catalog, { lang }).procedures;
    out.push((await renderGuidanceList({ lang, cityName: '伊勢崎市', stationName: '東口', number: 1001, date: '2026-11-26', items, bring: visitBring(items), statusName: (x) => catalogText(catalog, `status.${x}`, lang) })).pdf);
  }
  return out;
}

describe('PDF caches', () => {
  it('print the same bytes as pdfkit without them, cold and warm', async () => {
    caching.enabled = false;
    const reference = await printAll();
    caching.enabled = true;
    const first = await printAll();
    const again = await printAll();
    expect(reference.length).toBe(7);
    for (let i = 0; i < reference.length; i++) {
      expect(first[i]!.equals(reference[i]!), `document ${i}, first print`).toBe(true);
      expect(again[i]!.equals(reference[i]!), `document ${i}, later print`).toBe(true);
    }
  });
});
