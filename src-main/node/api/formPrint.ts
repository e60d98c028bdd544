import type { FormCalibration, FormJobView } from '../../common/contract/formPrint';
import type { FormPrinter, PrintCalibration } from '../../common/config/schema';
import type { Catalog } from '../../common/catalog/types';
import { AppError } from '../../common/errors';
import type { App } from '../app/app';
import { printCalibrationSheet, storeCalibration } from '../forms/calibrate';
import { FormJobs, metaOf, refParts, type FormJob } from '../forms/formJobs';
import { householdContext, printHouseholdForms, calibrationFor, routeFor } from '../forms/overlayService';
import { formPlan } from '../forms/plan';
import { parseFormsTarget, resolveFormsSpec } from '../forms/printTarget';
import { formTemplates, pickTemplates } from '../forms/service';
import { Residents } from '../residents/residents';
import { accessRules } from '../residents/access';
import type { CallContext } from './registry';
import { apiReader, formTarget } from './residents';

export { resolveFormsSpec } from '../forms/printTarget';

function view(j: FormJob, extra?: { form: string; formName: string; pages: number; mode: 'full' | 'overlay' }): FormJobView {
  const meta = metaOf(j.ref);
  return {
    id: j.id,
    form: extra?.form ?? refParts(j.ref).form,
    formName: extra?.formName ?? meta.title,
    printer: j.printer,
    mode: extra?.mode ?? (meta.overlay ? 'overlay' : 'full'),
    status: j.status,
    error: j.lastError,
    attempts: j.attempts,
    pages: extra?.pages ?? meta.pages ?? 0,
    reprintOf: j.reprintOf,
  };
}

export function registerFormPrint(app: App): void {
  const { store, config, visits, dataDir } = app.terminal;
  const residents = new Residents(store, config);
  // Form jobs hold resident data: they leave this terminal with it, even when nobody prints.
  const purge = () => {
    try {
      new FormJobs(store.db, () => store.now()).purgeOlderThan(accessRules(config).ttlHours * 3_600_000);
    } catch {
      /* closed */
    }
  };
  purge();
  const timer = setInterval(purge, 10 * 60_000);
  timer.unref();
  app.onClose(() => clearInterval(timer));
  const catalog = (): Catalog | undefined => {
    try {
      return app.catalog();
    } catch {
      return undefined;
    }
  };
  const routesOf = (ctx: CallContext): { formPrinters: Record<string, FormPrinter>; fallback?: string } => {
    const formPrinters: Record<string, FormPrinter> = {};
    for (const [id, r] of Object.entries(ctx.terminal.formPrinters ?? {})) formPrinters[id] = { printer: resolveFormsSpec(r.printer, dataDir), mode: r.mode };
    const fb = ctx.terminal.printers.forms;
    return { formPrinters, ...(fb ? { fallback: resolveFormsSpec(fb, dataDir) } : {}) };
  };
  const target = (input: { visitId: string; forms?: string[] | undefined; householdId?: string | undefined }) => {
    const visit = visits.get(input.visitId);
    const t = formTarget(visit, input, residents, catalog(), dataDir);
    return {
      visit,
      ...t,
      visitRef: { id: visit.id, number: visit.number, station: visit.station, businessDate: visit.businessDate, facts: visit.facts },
    };
  };

  app.registry.register('forms.plan', (input, ctx) => {
    const t = target(input);
    const fctx = householdContext(residents, apiReader(ctx), { householdId: t.householdId, ...(t.applicantId ? { applicantId: t.applicantId } : {}), visit: t.visitRef, purpose: '届出書の対象者の確認（書かない窓口）' }, 'preview');
    return formPlan(pickTemplates(formTemplates(dataDir), t.formIds), fctx);
  });

  app.registry.register('forms.printAll', async (input, ctx) => {
    const t = target(input);
    const routes = routesOf(ctx);
    const out = await printHouseholdForms(
      residents,
      apiReader(ctx),
      store.db,
      { householdId: t.householdId, formIds: t.formIds, ...(t.applicantId ? { applicantId: t.applicantId } : {}), visit: t.visitRef, purpose: '届出書の自動印字（書かない窓口）', formPrinters: routes.formPrinters, ...(routes.fallback ? { fallbackPrinter: routes.fallback } : {}) },
      formTemplates(dataDir),
    );
    return { jobs: out.jobs.map((j) => view(j, j)), plan: out.plan, skipped: out.skipped };
  });

  app.registry.register('forms.reprint', async (input, ctx) => {
    const jobs = new FormJobs(store.db, () => store.now());
    const job = jobs.get(input.jobId);
    // The same resident data printed again: checked and audited like the first print.
    residents.household(apiReader(ctx), refParts(job.ref).householdId, { purpose: '届出書の再印刷（書かない窓口）' }, 'print');
    return view(await jobs.reprint(job.id));
  });

  const calibrations = (ctx: CallContext): FormCalibration[] => {
    const routes = routesOf(ctx);
    const out: FormCalibration[] = [];
    for (const t of formTemplates(dataDir).values()) {
      if (!t.overlay) continue;
      let r;
      try {
        r = routeFor(t.id, routes.formPrinters, routes.fallback);
      } catch {
        continue;
      }
      if (r.mode !== 'overlay' && parseFormsTarget(r.printer).language !== 'escp') continue;
      out.push({ form: t.id, printer: r.printer, mode: 'overlay', ...calibrationFor(config, r.printer, t.id) });
    }
    return out;
  };

  app.registry.register('forms.calibration', (_input, ctx) => calibrations(ctx));

  app.registry.register('forms.calibrate', async (input, ctx) => {
    const c = calibrations(ctx).find((x) => x.form === input.form);
    if (!c) throw new AppError('bad-input', `form "${input.form}" does not print as an overlay at this terminal (formPrinters.${input.form})`, { field: 'form' });
    if (input.dx !== undefined && input.dy !== undefined) {
      const entry: PrintCalibration = { printer: c.printer, form: c.form, dx: Math.round(input.dx * 10) / 10, dy: Math.round(input.dy * 10) / 10 };
      storeCalibration(dataDir, entry);
      // This process keeps using the config it read at start: update it too.
      config.printCalibration = [...(config.printCalibration ?? []).filter((x) => !(x.printer === entry.printer && x.form === entry.form)), entry];
    }
    const now = { ...c, ...calibrationFor(config, c.printer, c.form) };
    if (!input.print) return now;
    const r = await printCalibrationSheet(dataDir, c.printer, c.form);
    return { ...now, printed: { status: r.status, error: r.error ?? null } };
  });
}
