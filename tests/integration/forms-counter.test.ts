import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FormCalibration, FormJobView, FormPlanEntry, FormsPrintAllOutcome } from '../../src-main/common/contract/formPrint';
import type { App } from '../../src-main/node/app/app';
import type { CallContext } from '../../src-main/node/api/registry';
import type { VisitState } from '../../src-main/common/visit/state';
import { decodeEscp, escpLines } from '../../src-main/node/printer/escpDecode';
import { tempDir } from '../support/tmp';
import { demoApp, importDemo, pdftotext, signIn, squeeze } from './residents-support';

/** The counter prints where each form lives (demo: 住民異動届 on a dot-matrix printer, 住民票請求書 on pre-printed stock, the rest as A4). */
let dir: string;
let cleanup: () => void;
let app: App;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('madoguchi-forms-counter-'));
  app = demoApp(dir);
  importDemo(app);
});
afterEach(() => {
  app.close();
  cleanup();
});

async function ok<T>(name: string, input: unknown, ctx: CallContext): Promise<T> {
  const r = await app.registry.call(name, input, ctx);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function attachedVisit(counter: CallContext): Promise<VisitState> {
  const t = await ok<{ visit: VisitState }>('ticket.issue', { lang: 'ja', facts: { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant' }] } }, app.context('kiosk-east', 'test'));
  const ids = ['1000000001', '1000000004', '1000000002', '1000000003'];
  const check = await ok<{ checks: Array<{ member: number; field: string }> }>('residents.attach', { visitId: t.visit.id, residentIds: ids, applicantId: '1000000001', check: true }, counter);
  await ok('residents.attach', { visitId: t.visit.id, residentIds: ids, applicantId: '1000000001', decisions: check.checks.map((c) => ({ ...c, keep: 'data' })) }, counter);
  return t.visit;
}

describe('すべて印刷 at the counter', () => {
  it('sends each form to its printer and mode, shows each job’s state, reprints, and reports a printer that fails without losing the job', async () => {
    const counter = await signIn(app, 'counter-shimin-1', 'shimin01');
    const visit = await attachedVisit(counter);
    const out = await ok<FormsPrintAllOutcome>('forms.printAll', { visitId: visit.id, forms: ['juminido', 'juminhyo-seikyu', 'kokuho-ido'] }, counter);
    expect(out.jobs.map((j) => [j.form, j.mode, j.status])).toEqual([
      ['juminido', 'overlay', 'printed'],
      ['juminhyo-seikyu', 'overlay', 'printed'],
      ['kokuho-ido', 'full', 'printed'],
    ]);
    // 住民異動届 on the dot-matrix printer: ESC/P-K, 転入 circled (an image), the head's name with 髙﨑 as images.
    const escp = readdirSync(join(dir, 'printer', 'escp-shimin-1'));
    expect(escp).toHaveLength(1);
    const lines = escpLines(decodeEscp(readFileSync(join(dir, 'printer', 'escp-shimin-1', escp[0]!))));
    expect(lines.some((l) => l.text.includes('⟦image 24×24 "髙"⟧⟦image 24×24 "﨑"⟧ 健一'))).toBe(true);
    // 住民票の写し等交付請求書 as a data-only PDF; 国保 as the whole A4 form.
    const overlay = readdirSync(join(dir, 'printer', 'overlay-shimin-1'));
    const overlayText = squeeze(pdftotext(join(dir, 'printer', 'overlay-shimin-1', overlay[0]!), '-layout'));
    expect(overlayText).toContain('髙﨑健一');
    expect(overlayText).not.toContain('住民票の写し等交付請求書');
    const full = readdirSync(join(dir, 'printer', 'forms-shimin-1'));
    expect(squeeze(pdftotext(join(dir, 'printer', 'forms-shimin-1', full[0]!), '-layout'))).toContain('国民健康保険異動届');

    // The dot-matrix printer's folder becomes a file: "offline". The job fails, names why, and is kept.
    rmSync(join(dir, 'printer', 'escp-shimin-1'), { recursive: true });
    writeFileSync(join(dir, 'printer', 'escp-shimin-1'), 'not a folder');
    const second = await ok<FormsPrintAllOutcome>('forms.printAll', { visitId: visit.id, forms: ['juminido', 'kokuho-ido'] }, counter);
    const failed = second.jobs.find((j) => j.form === 'juminido')!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toMatch(/escp-shimin-1/);
    expect(second.jobs.find((j) => j.form === 'kokuho-ido')!.status).toBe('printed');

    // The printer is back: reprint sends the stored bytes again, as a new job pointing at the failed one.
    rmSync(join(dir, 'printer', 'escp-shimin-1'));
    const again = await ok<FormJobView>('forms.reprint', { jobId: failed.id }, counter);
    expect(again).toMatchObject({ status: 'printed', reprintOf: failed.id, form: 'juminido', mode: 'overlay' });
    expect(readdirSync(join(dir, 'printer', 'escp-shimin-1'))).toHaveLength(1);

    const prints = (app.terminal.store.db.prepare(`SELECT resident_id FROM audit_log WHERE action = 'print'`).all() as Array<{ resident_id: string }>).length;
    expect(prints).toBe(4 * 3); // two printAll calls and one reprint, each for the four members
  });

  it('says why a member is not on a form', async () => {
    const counter = await signIn(app, 'counter-shimin-1', 'shimin01');
    const visit = await attachedVisit(counter);
    const plan = await ok<FormPlanEntry[]>('forms.plan', { visitId: visit.id, forms: ['inkan-toroku-shinsei', 'kaigo-ido'] }, counter);
    expect(plan.find((e) => e.form === 'inkan-toroku-shinsei' && e.member?.id === '1000000003')).toMatchObject({ included: false, reason: { code: 'under-age', params: { min: 15 } } });
    expect(plan.find((e) => e.form === 'kaigo-ido' && e.member?.id === '1000000004')).toMatchObject({ included: true });
  });

  it('calibration from the counter: offsets stored in the config and used by the next print', async () => {
    const counter = await signIn(app, 'counter-shimin-1', 'shimin01');
    const list = await ok<FormCalibration[]>('forms.calibration', {}, counter);
    expect(list.map((c) => c.form)).toEqual(['juminido', 'juminhyo-seikyu']);
    const c = await ok<FormCalibration>('forms.calibrate', { form: 'juminido', dx: 1.2, dy: -0.8 }, counter);
    expect(c).toMatchObject({ form: 'juminido', dx: 1.2, dy: -0.8, printed: { status: 'printed', error: null } });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.printCalibration).toEqual([{ printer: `escp:file:${join(dir, 'printer', 'escp-shimin-1')}`, form: 'juminido', dx: 1.2, dy: -0.8 }]);
    const sheet = escpLines(decodeEscp(readFileSync(join(dir, 'printer', 'escp-shimin-1', readdirSync(join(dir, 'printer', 'escp-shimin-1'))[0]!))));
    expect(sheet.some((l) => l.text === 'dx=1.2 dy=-0.8 mm')).toBe(true);
    const bad = await app.registry.call('forms.calibrate', { form: 'juminido', dx: 80, dy: 0 }, counter);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.field).toBe('dx');
  });
});

describe('form jobs and the resident data’s time to live', () => {
  it('stored form jobs are deleted once older than residentAccess.ttlHours, reprint links included', async () => {
    const { FormJobs } = await import('../../src-main/node/forms/formJobs');
    let now = Date.parse('2026-11-26T01:00:00Z');
    const jobs = new FormJobs(app.terminal.store.db, () => now);
    const spec = `escp:file:${join(dir, 'printer', 'ttl')}`;
    const first = jobs.enqueue(spec, 'form:200000001:juminido:e30', Buffer.from([0x1b, 0x40]));
    await jobs.send(first.id);
    now += 3_600_000;
    const copy = await jobs.reprint(first.id);
    expect(copy.reprintOf).toBe(first.id);
    now += 11.5 * 3_600_000; // the first is 12.5 h old, the reprint 11.5 h
    expect(jobs.purgeOlderThan(12 * 3_600_000)).toBe(1);
    expect(() => jobs.get(first.id)).toThrow(/no form print job/);
    expect(jobs.get(copy.id).reprintOf).toBeNull();
  });
});
