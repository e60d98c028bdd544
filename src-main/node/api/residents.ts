import type { SkippedForm } from '../../common/contract/residents';
import { AppError } from '../../common/errors';
import type { Catalog } from '../../common/catalog/types';
import { catalogText } from '../../common/catalog/texts';
import type { VisitState } from '../../common/visit/state';
import type { App } from '../app/app';
import type { CallContext } from './registry';
import type { ResidentReader } from '../residents/access';
import { attachMembers } from '../residents/attach';
import { auditBetween, auditCsv, writeAudit } from '../residents/audit';
import { Residents } from '../residents/residents';
import { formTemplates, renderHouseholdForms } from '../forms/service';
import { warmFormRenderer } from '../forms/warm';
import { businessDate } from '../../common/dates/businessDay';
import { printPdf } from '../forms/print';
import { listForVisit, renderGuidanceList } from '../guidanceList/render';
import { resolvePrinterSpec } from '../terminal/dataFolder';

/** How long after startup a forms terminal warms its form renderer (startup itself comes first). */
export const FORMS_WARM_DELAY_MS = 1500;

/** The reader behind an API call: the signed-in staff member at this terminal. */
export function apiReader(ctx: CallContext): ResidentReader {
  if (!ctx.staff) throw new AppError('unauthenticated', 'sign in first (staff id and PIN)');
  const department = ctx.staff.department || ctx.terminal.department;
  return { actor: ctx.staff.id, terminal: ctx.terminal.id, role: ctx.terminal.role, ...(department ? { department } : {}), via: 'api' };
}

/**
 * Forms asked for but not rendered, with names and a reason code the screens translate: `no-member`
 * (nobody in the household the form applies to); another reason from the forms module passes as is.
 */
export function skippedForms(skipped: ReadonlyArray<{ id: string; reason: string }>, templates: ReadonlyMap<string, { name: string }>): SkippedForm[] {
  return skipped.map((s) => ({ id: s.id, name: templates.get(s.id)?.name ?? s.id, reason: /^nobody/.test(s.reason) ? 'no-member' : s.reason }));
}

/** Forms the visit's list needs, in template order (catalog: procedure → forms). */
export function formsForVisit(visit: VisitState, catalog: Catalog, dataDir?: string): string[] {
  const wanted = new Set<string>();
  for (const it of visit.items) {
    if (it.status === 'declined') continue;
    const i = catalog.procedureIndex[it.id];
    const p = i === undefined ? undefined : catalog.procedures[i];
    for (const f of p?.forms ?? []) wanted.add(f);
  }
  return [...formTemplates(dataDir).keys()].filter((id) => wanted.has(id));
}

/**
 * What a form job prints for: the visit, its household (given, or the applicant's) and its forms
 * (given, or those its list needs). Refused naming the field when the household or the forms
 * cannot be told.
 */
export function formTarget(
  visit: VisitState,
  input: { forms?: string[] | undefined; householdId?: string | undefined },
  residents: Pick<Residents, 'householdIdOf'>,
  catalog: Catalog | undefined,
  dataDir?: string,
): { householdId: string; formIds: string[]; applicantId?: string } {
  const applicantId = visit.residentIds[0];
  let householdId = input.householdId;
  if (!householdId) {
    if (!applicantId) throw new AppError('bad-input', 'attach the household to the visit first (residents.attach), or give householdId', { field: 'householdId' });
    householdId = residents.householdIdOf(applicantId);
  }
  let formIds = input.forms;
  if (!formIds || formIds.length === 0) {
    formIds = catalog ? formsForVisit(visit, catalog, dataDir) : [];
    if (formIds.length === 0) throw new AppError('bad-input', `the list of #${visit.number} needs no pre-filled form; choose forms to print`, { field: 'forms' });
  }
  // The applicant is named only when they belong to the household the forms are for.
  return { householdId, formIds, ...(applicantId && residents.householdIdOf(applicantId) === householdId ? { applicantId } : {}) };
}

export function registerResidents(app: App): void {
  const { store, config, visits } = app.terminal;
  const residents = new Residents(store, config);
  // Expired resident data leaves this terminal even when nobody reads it.
  residents.purgeExpired();
  const timer = setInterval(() => {
    try {
      residents.purgeExpired();
    } catch {
      /* closed */
    }
  }, 10 * 60_000);
  timer.unref();
  app.onClose(() => clearInterval(timer));

  // A terminal that prints forms renders them once for a made-up household soon after it starts,
  // so a clerk's first print does not wait for fonts to load and labels to be laid out (issue 15).
  if (config.terminals.some((t) => t.role === 'counter' || t.role === 'supervisor' || t.printers.forms || t.formPrinters)) {
    const warm = setTimeout(() => {
      // A city's broken template is reported by the first real print, not here.
      (async () => warmFormRenderer(formTemplates(app.terminal.dataDir).values(), { cityName: config.cityName, today: businessDate(store.now(), config.timeZone) }))().catch(() => undefined);
    }, FORMS_WARM_DELAY_MS);
    warm.unref();
    app.onClose(() => clearTimeout(warm));
  }

  const catalog = (): Catalog | undefined => {
    try {
      return app.catalog();
    } catch {
      return undefined;
    }
  };

  app.registry.register('residents.search', (input, ctx) =>
    residents.search(apiReader(ctx), { ...(input.kana ? { kana: input.kana } : {}), ...(input.birthDate ? { birthDate: input.birthDate } : {}), ...(input.householdId ? { householdId: input.householdId } : {}), limit: input.limit }, { purpose: input.purpose, ...(input.visitId ? { visitId: input.visitId } : {}) }),
  );

  app.registry.register('residents.household', (input, ctx) => residents.household(apiReader(ctx), input.householdId, { purpose: input.purpose, ...(input.visitId ? { visitId: input.visitId } : {}) }));

  app.registry.register('residents.attach', (input, ctx) => {
    const who = apiReader(ctx);
    const ids = input.applicantId ? [input.applicantId, ...input.residentIds.filter((id) => id !== input.applicantId)] : input.residentIds;
    const cat = catalog();
    return attachMembers({ residents, visits, ...(cat ? { catalog: cat } : {}) }, who, { visitId: input.visitId, residentIds: ids, ...(input.applicantId ? { applicantId: input.applicantId } : {}), purpose: input.purpose, ...(input.check ? { check: true } : {}), ...(input.decisions ? { decisions: input.decisions } : {}) }, { terminal: ctx.terminal.id, staff: who.actor });
  });

  app.registry.register('forms.list', (input) => {
    const all = [...formTemplates(app.terminal.dataDir).values()].map((t) => ({ id: t.id, name: t.name }));
    if (!input.visitId) return all;
    const cat = catalog();
    if (!cat) return all;
    const need = new Set(formsForVisit(visits.get(input.visitId), cat, app.terminal.dataDir));
    return all.filter((f) => need.has(f.id));
  });

  const renderFor = async (input: { visitId: string; forms?: string[] | undefined; householdId?: string | undefined }, ctx: CallContext, action: 'preview' | 'print') => {
    const who = apiReader(ctx);
    const visit = visits.get(input.visitId);
    const { householdId, formIds, applicantId } = formTarget(visit, input, residents, catalog(), app.terminal.dataDir);
    const res = await renderHouseholdForms(residents, who, {
      householdId,
      formIds,
      ...(applicantId ? { applicantId } : {}),
      visit: { id: visit.id, number: visit.number, station: visit.station, businessDate: visit.businessDate, facts: visit.facts },
      purpose: action === 'print' ? '届出書の印刷（書かない窓口）' : '届出書のプレビュー（書かない窓口）',
      action,
    }, formTemplates(app.terminal.dataDir));
    return { res, visit, skipped: skippedForms(res.skipped, formTemplates(app.terminal.dataDir)) };
  };

  app.registry.register('forms.preview', async (input, ctx) => {
    const { res, skipped } = await renderFor(input, ctx, 'preview');
    return { pdfBase64: res.pdf.toString('base64'), pages: res.pages, bytes: res.pdf.length, forms: res.forms, skipped };
  });

  app.registry.register('forms.print', async (input, ctx) => {
    const spec = ctx.terminal.printers.forms;
    if (!spec) throw new AppError('bad-config', `terminal "${ctx.terminal.id}" has no forms printer (terminals[].printers.forms)`, { field: 'printers.forms' });
    const { res, visit, skipped } = await renderFor(input, ctx, 'print');
    const printer = resolvePrinterSpec(spec, app.terminal.dataDir);
    // Form PDFs are not kept in print_jobs: they hold resident data, which must not outlive its ttl.
    const out = await printPdf(res.pdf, printer, { ref: `forms-${visit.businessDate}-${visit.number}`, title: `#${visit.number} ${res.forms.map((f) => f.name).join('・')}`, now: store.now() });
    return { printer: out.printer, forms: res.forms, pages: res.pages, bytes: res.pdf.length, destination: out.destination, skipped };
  });

  app.registry.register('guidance.listPdf', async (input, ctx) => {
    const cat = catalog();
    if (!cat) throw new AppError('unavailable', 'the procedure catalog could not be loaded', { field: 'catalog' });
    const visit = visits.get(input.visitId);
    const lang = input.lang ?? visit.lang ?? ctx.terminal.language ?? config.defaultLanguage;
    const { items, bring } = listForVisit(visit, cat, lang, { closedDays: config.closedDays ?? [] });
    const station = config.stations.find((s) => s.id === visit.station)?.name ?? visit.station;
    const { pdf, pages } = await renderGuidanceList({ lang, cityName: config.cityName, stationName: station, number: visit.number, date: visit.businessDate, items, bring, statusName: (s) => catalogText(cat, `status.${s}`, lang), placeName: (d) => catalogText(cat, `department.${d}`, lang), text: (k) => catalogText(cat, k, lang) });
    return { pdfBase64: pdf.toString('base64'), pages, bytes: pdf.length, forms: [] };
  });

  app.registry.register('audit.export', (input, ctx) => {
    if (input.from > input.to) throw new AppError('bad-input', `from ${input.from} is after to ${input.to}`, { field: 'from' });
    const who = apiReader(ctx);
    const records = auditBetween(store, input.from, input.to, config.timeZone);
    writeAudit(store, who, [{ action: 'audit-export', purpose: '監査ログの出力', detail: `${input.from}..${input.to}, ${records.length} records` }]);
    return { records, csv: auditCsv(records) };
  });
}
