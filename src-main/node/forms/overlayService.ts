import type { Database } from 'better-sqlite3';
import type { FormPrinter, PrintCalibration, TerminalConfig } from '../../common/config/schema';
import { businessDate } from '../../common/dates/businessDay';
import { AppError } from '../../common/errors';
import { encodeEscp } from '../printer/escp';
import type { ResidentReader } from '../residents/access';
import { accessRules } from '../residents/access';
import type { Residents } from '../residents/residents';
import type { FormContext } from './bindings';
import { FormJobs, formRef, type FormJob } from './formJobs';
import { PAPERS } from './overlay';
import { offsetPieces, placeOverlays } from './overlayLayout';
import { renderOverlayPdf } from './overlayPdf';
import { formPlan, type FormPlanEntry } from './plan';
import { parseFormsTarget, type FormsTarget } from './printTarget';
import { renderForms } from './render';
import { pickTemplates } from './service';
import type { FormTemplate } from './template';

/**
 * 自動印字 for a household: each form goes to the printer where its paper is (the terminal's
 * formPrinters, or one printer for all from the CLI), as the whole A4 form or as the data only on
 * the city's sheet, each as its own stored job so its state shows and it can be reprinted.
 */

export interface FormRoute {
  printer: string;
  mode: 'full' | 'overlay';
}

/** The calibration offsets stored for a printer and form (0, 0 when never calibrated). */
export function calibrationFor(config: TerminalConfig, printer: string, form: string): { dx: number; dy: number } {
  const c = (config.printCalibration ?? []).find((x: PrintCalibration) => x.printer === printer && x.form === form);
  return c ? { dx: c.dx, dy: c.dy } : { dx: 0, dy: 0 };
}

/** Where each form prints at a terminal: its own entry, else the terminal's forms printer as full A4. */
export function routeFor(formId: string, formPrinters: Record<string, FormPrinter> | undefined, fallback: string | undefined): FormRoute {
  const own = formPrinters?.[formId];
  if (own) return { printer: own.printer, mode: own.mode };
  if (!fallback) throw new AppError('bad-config', `no printer for form "${formId}": add it to formPrinters or set printers.forms`, { field: `formPrinters.${formId}` });
  return { printer: fallback, mode: 'full' };
}

export interface RenderedJob {
  form: string;
  formName: string;
  bytes: Buffer;
  pages: number;
  paper: { name: string; w: number; h: number };
  overlay: boolean;
  target: FormsTarget;
}

/** The bytes of one form for one printer: a full A4 PDF, a data-only PDF, or an ESC/P-K job. */
export async function renderFormFor(t: FormTemplate, ctx: FormContext, route: FormRoute, config: TerminalConfig): Promise<RenderedJob | null> {
  const target = parseFormsTarget(route.printer, `formPrinters.${t.id}.printer`);
  const overlay = route.mode === 'overlay' || target.language === 'escp';
  if (!overlay) {
    const r = await renderForms([t], ctx);
    if (r.forms.length === 0) return null;
    return { form: t.id, formName: t.name, bytes: r.pdf, pages: r.pages, paper: { name: 'A4', ...PAPERS.A4 }, overlay: false, target };
  }
  if (!t.overlay) throw new AppError('bad-config', `form "${t.id}" has no overlay layout, so it cannot print on ${target.language === 'escp' ? 'a dot-matrix printer' : 'pre-printed stock'} (${route.printer})`, { field: `formPrinters.${t.id}` });
  const od = placeOverlays([t], ctx);
  if (od.pages.length === 0) return null;
  const { dx, dy } = calibrationFor(config, route.printer, t.id);
  const bytes = target.language === 'escp' ? encodeEscp(od.pages.map((p) => offsetPieces(p.pieces, dx, dy)), { paper: od.paper }) : await renderOverlayPdf(od, { dx, dy, title: t.name, today: ctx.today });
  return { form: t.id, formName: t.name, bytes, pages: od.pages.length, paper: od.paper, overlay: true, target };
}

export interface PrintFormsRequest {
  householdId: string;
  formIds?: string[];
  applicantId?: string;
  visit?: FormContext['visit'];
  purpose: string;
  /** One printer for every form (CLI); otherwise each form's route at the terminal. */
  printer?: string;
  overlay?: boolean;
  formPrinters?: Record<string, FormPrinter>;
  fallbackPrinter?: string;
}

export interface PrintFormsOutcome {
  jobs: Array<FormJob & { form: string; formName: string; pages: number; bytes: number; mode: 'full' | 'overlay' }>;
  /** Why a form or a member is not printed (the counter panel shows it). */
  plan: FormPlanEntry[];
  skipped: Array<{ id: string; reason: string }>;
}

export function householdContext(residents: Residents, who: ResidentReader, req: Pick<PrintFormsRequest, 'householdId' | 'applicantId' | 'visit' | 'purpose'>, action: 'preview' | 'print'): FormContext {
  const household = residents.household(who, req.householdId, { purpose: req.purpose, ...(req.visit ? { visitId: req.visit.id } : {}) }, action);
  const applicant = req.applicantId ? household.members.find((m) => m.id === req.applicantId) : (household.members.find((m) => m.head) ?? household.members[0]);
  if (!applicant) throw new AppError('bad-input', `resident "${req.applicantId}" is not in household ${req.householdId}`, { field: 'applicantId' });
  const today = req.visit?.businessDate ?? businessDate(residents.store.now(), residents.config.timeZone);
  return { today, cityName: residents.config.cityName, householdId: req.householdId, members: household.members, applicant, ...(req.visit ? { visit: req.visit } : {}) };
}

/**
 * Reads the household once through the residents module (access check, one audit line per member
 * for this print), renders each form for its printer, stores every job, then sends them one by one.
 * A job that fails stays stored as 'failed' with the printer's reason; the others still print.
 */
export async function printHouseholdForms(residents: Residents, who: ResidentReader, db: Database, req: PrintFormsRequest, templates: Map<string, FormTemplate>): Promise<PrintFormsOutcome> {
  const chosen = pickTemplates(templates, req.formIds);
  // Routes are checked before anything is read or printed: a bad printer spec prints nothing.
  const routes = chosen.map((t) => (req.printer ? { printer: req.printer, mode: req.overlay ? ('overlay' as const) : ('full' as const) } : routeFor(t.id, req.formPrinters, req.fallbackPrinter)));
  routes.forEach((r, i) => parseFormsTarget(r.printer, req.printer ? 'printer' : `formPrinters.${chosen[i]!.id}.printer`));
  const ctx = householdContext(residents, who, req, 'print');
  const jobs = new FormJobs(db, () => residents.store.now());
  jobs.purgeOlderThan(accessRules(residents.config).ttlHours * 3_600_000);
  const rendered: Array<{ r: RenderedJob; route: FormRoute }> = [];
  const skipped: PrintFormsOutcome['skipped'] = [];
  // Render everything first: a value refused for its box stops the whole print before any paper moves.
  for (let i = 0; i < chosen.length; i++) {
    const r = await renderFormFor(chosen[i]!, ctx, routes[i]!, residents.config);
    if (r) rendered.push({ r, route: routes[i]! });
    else skipped.push({ id: chosen[i]!.id, reason: 'nobody in the household matches this form' });
  }
  const stored = rendered.map(({ r, route }) => ({ r, route, job: jobs.enqueue(route.printer, formRef(req.householdId, r.form, { title: r.formName, paper: r.paper, overlay: r.overlay, pages: r.pages }), r.bytes) }));
  const out: PrintFormsOutcome['jobs'] = [];
  for (const s of stored) {
    const j = await jobs.send(s.job.id);
    out.push({ ...j, form: s.r.form, formName: s.r.formName, pages: s.r.pages, bytes: s.r.bytes.length, mode: s.r.overlay ? 'overlay' : 'full' });
  }
  return { jobs: out, plan: formPlan(chosen, ctx), skipped };
}
