import { AppError } from '../../common/errors';
import { businessDate } from '../../common/dates/businessDay';
import type { ResidentReader } from '../residents/access';
import type { Residents } from '../residents/residents';
import type { FormContext } from './bindings';
import { renderForms, type RenderedForms } from './render';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FORMS_DIR, loadFormTemplates, type FormTemplate } from './template';

export interface HouseholdFormsRequest {
  householdId: string;
  /** Form ids in print order; all templates when absent. */
  formIds?: string[];
  /** Who files; the 世帯主 when absent. */
  applicantId?: string;
  visit?: FormContext['visit'];
  purpose: string;
  action: 'preview' | 'print';
}

const cache = new Map<string, Map<string, FormTemplate>>();
/**
 * Templates are read once per process: they change with a release or a city edit, not per print.
 * A data folder with its own `forms/` (a city's edited layouts) uses those instead of the shipped ones.
 */
export function formTemplates(dataDir?: string): Map<string, FormTemplate> {
  const dir = dataDir && existsSync(join(dataDir, 'forms')) ? join(dataDir, 'forms') : FORMS_DIR;
  let t = cache.get(dir);
  if (!t) {
    t = loadFormTemplates(dir);
    cache.set(dir, t);
  }
  return t;
}

export function pickTemplates(all: Map<string, FormTemplate>, ids: string[] | undefined): FormTemplate[] {
  if (!ids || ids.length === 0) return [...all.values()];
  return ids.map((id, i) => {
    const t = all.get(id);
    if (!t) throw new AppError('bad-input', `unknown form "${id}" (known: ${[...all.keys()].join(', ')})`, { field: `forms[${i}]` });
    return t;
  });
}

/**
 * Reads the household through the residents module (access check + audit lines for this preview or
 * print) and renders the chosen forms, filled in, as one PDF.
 */
export async function renderHouseholdForms(residents: Residents, who: ResidentReader, req: HouseholdFormsRequest, templates: Map<string, FormTemplate> = formTemplates()): Promise<RenderedForms> {
  const chosen = pickTemplates(templates, req.formIds);
  const household = residents.household(who, req.householdId, { purpose: req.purpose, ...(req.visit ? { visitId: req.visit.id } : {}) }, req.action);
  const applicant = req.applicantId ? household.members.find((m) => m.id === req.applicantId) : (household.members.find((m) => m.head) ?? household.members[0]);
  if (!applicant) throw new AppError('bad-input', `resident "${req.applicantId}" is not in household ${req.householdId}`, { field: 'applicantId' });
  const today = req.visit?.businessDate ?? businessDate(residents.store.now(), residents.config.timeZone);
  const ctx: FormContext = { today, cityName: residents.config.cityName, householdId: req.householdId, members: household.members, applicant, ...(req.visit ? { visit: req.visit } : {}) };
  return renderForms(chosen, ctx);
}
