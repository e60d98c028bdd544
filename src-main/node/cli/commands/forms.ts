import { writeFileSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import { cliReader } from '../../residents/cliReader';
import { formTemplates, pickTemplates, renderHouseholdForms } from '../../forms/service';
import { householdContext, printHouseholdForms, calibrationFor } from '../../forms/overlayService';
import { placeOverlays } from '../../forms/overlayLayout';
import { renderOverlayPdf } from '../../forms/overlayPdf';
import { formPlan } from '../../forms/plan';
import { requiredFlag, stringFlag, type CliCommand } from '../command';
import { withResidents } from './residents';
import { backgroundFile, checkFormsFolder, printCalibrationSheet, storeCalibration } from '../../forms/calibrate';
import { defaultDataDir } from '../../terminal/dataFolder';

export const commands: CliCommand[] = [
  {
    name: 'forms render',
    summary: 'Render pre-filled forms for a household to a PDF (audited as a print)',
    usage: 'forms render --household ID [--form FORM …] [--applicant ID] [--overlay [--background] [--printer SPEC]] --out FILE.pdf [--data DIR]\n  --overlay: the data only, placed for the city\'s pre-printed sheet (no title, no captions); --background draws the scanned sheet under it (preview only); --printer applies that printer\'s calibration',
    options: { data: { type: 'string' }, household: { type: 'string' }, form: { type: 'string', multiple: true }, applicant: { type: 'string' }, out: { type: 'string' }, purpose: { type: 'string' }, overlay: { type: 'boolean' }, background: { type: 'boolean' }, printer: { type: 'string' } },
    async run(args, io) {
      const householdId = requiredFlag(args, 'household');
      const out = requiredFlag(args, 'out');
      const formIds = (args.values.form as string[] | undefined) ?? [];
      if (args.values.overlay === true) return renderOverlay(args, io, householdId, formIds, out);
      return withResidents(args, io, async (r, t) => {
        const res = await renderHouseholdForms(r, cliReader(t.config), {
          householdId,
          formIds,
          ...(stringFlag(args, 'applicant') ? { applicantId: stringFlag(args, 'applicant')! } : {}),
          purpose: stringFlag(args, 'purpose') ?? `CLI: forms render → ${out}`,
          action: 'print',
        }, formTemplates(t.dataDir));
        try {
          writeFileSync(out, res.pdf);
        } catch (e) {
          throw new AppError('bad-input', `cannot write ${out}: ${(e as Error).message}`, { field: 'out' });
        }
        io.out(`wrote ${out}: ${res.forms.map((f) => f.id).join(', ')} (${res.pages} pages, ${res.pdf.length} bytes)`);
        for (const s of res.skipped) io.err(`skipped ${s.id}: ${s.reason}`);
        return 0;
      });
    },
  },
  {
    name: 'forms print',
    summary: 'Print pre-filled forms for a household to a printer, one stored job per form (audited as a print)',
    usage:
      'forms print --household ID [--form FORM …] --printer SPEC [--overlay] [--applicant ID] [--data DIR] [--json]\n' +
      '  SPEC: escp:serial:/dev/ttyUSB1?baud=9600 | escp:tcp:HOST:9100 | escp:usb:VID:PID | escp:file:DIR (ESC/P-K, dot-matrix: always overlay)\n' +
      '        cups:QUEUE | lp:QUEUE | windows:PRINTER | file:DIR (PDF: the whole A4 form, or with --overlay the data only)',
    options: { data: { type: 'string' }, household: { type: 'string' }, form: { type: 'string', multiple: true }, applicant: { type: 'string' }, printer: { type: 'string' }, overlay: { type: 'boolean' }, purpose: { type: 'string' }, json: { type: 'boolean' } },
    async run(args, io) {
      const householdId = requiredFlag(args, 'household');
      const printer = requiredFlag(args, 'printer');
      const formIds = (args.values.form as string[] | undefined) ?? [];
      return withResidents(args, io, async (r, t) => {
        const res = await printHouseholdForms(r, cliReader(t.config), t.store.db, {
          householdId,
          formIds,
          ...(stringFlag(args, 'applicant') ? { applicantId: stringFlag(args, 'applicant')! } : {}),
          purpose: stringFlag(args, 'purpose') ?? `CLI: forms print → ${printer}`,
          printer,
          overlay: args.values.overlay === true,
        }, formTemplates(t.dataDir));
        if (args.values.json === true) io.out(JSON.stringify(res));
        else {
          for (const j of res.jobs) (j.status === 'printed' ? io.out : io.err)(`${j.form} (${j.mode}, ${j.pages} pages, ${j.bytes} bytes) → ${j.printer}: ${j.status}${j.destination ? ` ${j.destination}` : ''}${j.lastError ? ` — ${j.lastError}` : ''} [job ${j.id}]`);
          for (const s of res.skipped) io.err(`skipped ${s.id}: ${s.reason}`);
        }
        return res.jobs.every((j) => j.status === 'printed') ? 0 : 1;
      });
    },
  },
  {
    name: 'forms plan',
    summary: 'Who each form is printed for, and why a member is left out',
    usage: 'forms plan --household ID [--form FORM …] [--data DIR] [--json]',
    options: { data: { type: 'string' }, household: { type: 'string' }, form: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    async run(args, io) {
      const householdId = requiredFlag(args, 'household');
      return withResidents(args, io, (r, t) => {
        const ctx = householdContext(r, cliReader(t.config), { householdId, purpose: 'CLI: forms plan' }, 'preview');
        const plan = formPlan(pickTemplates(formTemplates(t.dataDir), (args.values.form as string[] | undefined) ?? []), ctx);
        if (args.values.json === true) io.out(JSON.stringify(plan));
        else for (const e of plan) io.out(`${e.form.padEnd(22)} ${(e.member?.name ?? '—').padEnd(10)} ${e.included ? '印刷する' : `印刷しない: ${e.reason?.ja ?? ''}`}`);
        return 0;
      });
    },
  },
  {
    name: 'forms check',
    summary: 'Check the form templates and their overlay layouts (a field off the paper or overlapping another is named)',
    usage: 'forms check [--data DIR | --dir FORMS_DIR]',
    options: { data: { type: 'string' }, dir: { type: 'string' } },
    async run(args, io) {
      const res = checkFormsFolder(stringFlag(args, 'dir'), stringFlag(args, 'data'));
      for (const p of res.problems) io.err(`${p.file}: ${p.field}: ${p.message}`);
      for (const f of res.ok) io.out(`ok ${f}`);
      return res.problems.length ? 2 : 0;
    },
  },
  {
    name: 'forms calibrate',
    summary: "Print a form's calibration grid on a printer; with --dx/--dy, store that printer's offsets in this terminal's config",
    usage: 'forms calibrate --printer SPEC --form FORM [--dx MM --dy MM] [--data DIR]\n  offsets in mm, + is right / down; write a negative one as --dy=-1.5',
    options: { data: { type: 'string' }, printer: { type: 'string' }, form: { type: 'string' }, dx: { type: 'string' }, dy: { type: 'string' } },
    async run(args, io) {
      const printer = requiredFlag(args, 'printer');
      const form = requiredFlag(args, 'form');
      const dataDir = stringFlag(args, 'data') ?? defaultDataDir();
      const num = (name: string) => {
        const v = stringFlag(args, name);
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n) || Math.abs(n) > 50) throw new AppError('bad-input', `--${name} must be a number of millimetres between -50 and 50, got "${v}"`, { field: name });
        return Math.round(n * 10) / 10;
      };
      const dx = num('dx');
      const dy = num('dy');
      if ((dx === undefined) !== (dy === undefined)) throw new AppError('bad-input', 'give both --dx and --dy (0 for no shift)', { field: dx === undefined ? 'dx' : 'dy' });
      if (dx !== undefined && dy !== undefined) {
        storeCalibration(dataDir, { printer, form, dx, dy });
        io.out(`stored offsets for ${form} on ${printer}: dx=${dx} mm, dy=${dy} mm`);
      }
      const r = await printCalibrationSheet(dataDir, printer, form);
      (r.status === 'printed' ? io.out : io.err)(`calibration sheet for ${form} (dx=${r.dx}, dy=${r.dy}) → ${printer}: ${r.status}${r.error ? ` — ${r.error}` : ''}`);
      return r.status === 'printed' ? 0 : 1;
    },
  },
  {
    name: 'forms list',
    summary: 'List the form templates (fixtures/forms)',
    usage: 'forms list [--data DIR]',
    options: { data: { type: 'string' } },
    async run(args, io) {
      for (const t of formTemplates(stringFlag(args, 'data')).values()) io.out(`${t.id.padEnd(22)} ${t.name}  (${t.scope}${t.filter ? ' ' + JSON.stringify(t.filter) : ''})${t.overlay ? `  overlay: ${t.overlay.paper}, ${t.overlay.era === 'wareki' ? '和暦' : '西暦'}` : ''}`);
      return 0;
    },
  },
];

async function renderOverlay(args: Parameters<CliCommand['run']>[0], io: Parameters<CliCommand['run']>[1], householdId: string, formIds: string[], out: string): Promise<number> {
  return withResidents(args, io, async (r, t) => {
    const templates = pickTemplates(formTemplates(t.dataDir), formIds);
    const ctx = householdContext(r, cliReader(t.config), { householdId, purpose: stringFlag(args, 'purpose') ?? `CLI: forms render --overlay → ${out}` }, 'print');
    const od = placeOverlays(templates, ctx);
    const printer = stringFlag(args, 'printer');
    const { dx, dy } = printer && templates.length === 1 ? calibrationFor(t.config, printer, templates[0]!.id) : { dx: 0, dy: 0 };
    const bg = args.values.background === true && templates.length === 1 && templates[0]!.overlay?.background ? backgroundPath(t.dataDir, templates[0]!.overlay.background) : undefined;
    const pdf = await renderOverlayPdf(od, { dx, dy, title: templates.map((x) => x.name).join('・'), today: ctx.today, ...(bg ? { background: bg } : {}) });
    try {
      writeFileSync(out, pdf);
    } catch (e) {
      throw new AppError('bad-input', `cannot write ${out}: ${(e as Error).message}`, { field: 'out' });
    }
    io.out(`wrote ${out}: overlay ${templates.map((x) => x.id).join(', ')} on ${od.paper.name} (${od.pages.length} pages, ${pdf.length} bytes)`);
    for (const s of od.skipped) io.err(`skipped ${s.id}: ${s.reason}`);
    return 0;
  });
}

function backgroundPath(dataDir: string, file: string): string {
  return backgroundFile(dataDir, file);
}
