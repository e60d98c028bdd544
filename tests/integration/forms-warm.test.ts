import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caching } from '../../src-main/node/forms/pdfText';
import { formTemplates, renderHouseholdForms } from '../../src-main/node/forms/service';
import { formWarmups, warmFormRenderer } from '../../src-main/node/forms/warm';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { Residents } from '../../src-main/node/residents/residents';
import type { App } from '../../src-main/node/app/app';
import { tempDir } from '../support/tmp';
import { demoApp, importDemo } from './residents-support';

/**
 * The startup warm-up of the form renderer (issue 15: the first print after startup under 150 ms):
 * a forms terminal renders every template once for a made-up household soon after it starts. The
 * prints after it are byte for byte those of pdfkit's own path, and it reads no resident.
 */
let tmp: ReturnType<typeof tempDir>;
let app: App;

beforeAll(() => {
  tmp = tempDir('madoguchi-forms-warm-');
  app = demoApp(tmp.dir);
  importDemo(app);
});
afterAll(() => {
  caching.enabled = true;
  app?.close();
  tmp?.cleanup();
});

async function printHouseholds(): Promise<Buffer[]> {
  const residents = new Residents(app.terminal.store, app.terminal.config);
  const who = cliReader(app.terminal.config);
  const out: Buffer[] = [];
  for (const householdId of ['200000001', '200000002', '200000003']) {
    out.push((await renderHouseholdForms(residents, who, { householdId, formIds: [...formTemplates().keys()], purpose: 'test', action: 'preview' })).pdf);
  }
  return out;
}

describe('form renderer warm-up', () => {
  it('starts soon after a forms terminal starts, and the prints after it are the same bytes as without caches', async () => {
    // The demo data folder has counter terminals: their app warms the renderer once, by itself.
    for (let i = 0; i < 600 && formWarmups.runs === 0; i++) await new Promise((ok) => setTimeout(ok, 25));
    expect(formWarmups.runs).toBe(1);

    caching.enabled = false;
    const reference = await printHouseholds();
    caching.enabled = true;
    const audited = (app.terminal.store.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    await warmFormRenderer(formTemplates().values(), { cityName: app.terminal.config.cityName, today: '2026-12-03' });
    expect(formWarmups.runs).toBe(2);
    // The made-up household is nobody's data: nothing is read through the residents module, nothing audited.
    expect((app.terminal.store.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n).toBe(audited);
    const after = await printHouseholds();
    for (let i = 0; i < reference.length; i++) expect(after[i]!.equals(reference[i]!), `household ${i}`).toBe(true);
  });
});
