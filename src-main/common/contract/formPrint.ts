import { z } from 'zod';
import { method } from './define';

/**
 * 自動印字 at the counter: each form to the printer where its paper is, one job per form with its
 * state, reprints, why a member is left off a form, and the printer's calibration for a form.
 */

/** Why a form leaves a member out: a code the screens translate (params fill it in) and the Japanese sentence. */
export interface FormPlanReason {
  code: 'under-age' | 'over-age' | 'not-child' | 'not-foreign' | 'foreign' | 'not-kokuho' | 'kokuho' | 'not-koki' | 'koki' | 'no-seal' | 'seal' | 'no-one';
  params: Record<string, string | number>;
  ja: string;
}

export interface FormPlanEntry {
  form: string;
  formName: string;
  /** Absent for a form that concerns nobody in the household (code `no-one`). */
  member?: { id: string; name: string };
  included: boolean;
  reason?: FormPlanReason;
}

export type FormJobState = 'pending' | 'printed' | 'failed';

export interface FormJobView {
  id: string;
  form: string;
  formName: string;
  printer: string;
  mode: 'full' | 'overlay';
  status: FormJobState;
  /** The printer's or spooler's reason when failed (offline, paper out, cable pulled …). */
  error: string | null;
  attempts: number;
  pages: number;
  reprintOf: string | null;
}

export interface FormsPrintAllOutcome {
  jobs: FormJobView[];
  plan: FormPlanEntry[];
  skipped: Array<{ id: string; reason: string }>;
}

export interface FormCalibration {
  form: string;
  printer: string;
  mode: 'full' | 'overlay';
  dx: number;
  dy: number;
  /** The calibration sheet was sent (only when asked to print). */
  printed?: { status: FormJobState; error: string | null };
}

const visitId = z.string().uuid();
const formId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a form id');
const offset = z.number().min(-50, 'at most 50 mm').max(50, 'at most 50 mm');

export const formPrintMethods = {
  'forms.plan': method<FormPlanEntry[]>()(z.object({ visitId, forms: z.array(formId).max(20).optional(), householdId: z.string().min(1).max(40).optional() }), { roles: ['counter', 'supervisor', 'admin'], staff: true }),
  'forms.printAll': method<FormsPrintAllOutcome>()(z.object({ visitId, forms: z.array(formId).max(20).optional(), householdId: z.string().min(1).max(40).optional() }), { roles: ['counter', 'supervisor'], staff: true }),
  'forms.reprint': method<FormJobView>()(z.object({ jobId: z.string().uuid() }), { roles: ['counter', 'supervisor'], staff: true }),
  'forms.calibration': method<FormCalibration[]>()(z.object({}), { roles: ['counter', 'admin'], staff: true }),
  'forms.calibrate': method<FormCalibration>()(
    z.object({ form: formId, dx: offset.optional(), dy: offset.optional(), print: z.boolean().default(true) }).refine((x) => (x.dx === undefined) === (x.dy === undefined), { message: 'give both dx and dy', path: ['dy'] }),
    { roles: ['counter', 'admin'], staff: true },
  ),
};
