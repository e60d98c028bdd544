import { writeFileSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import { cliReader } from '../../residents/cliReader';
import { formTemplates, renderHouseholdForms } from '../../forms/service';
import { requiredFlag, stringFlag, type CliCommand } from '../command';
import { withResidents } from './residents';

export const commands: CliCommand[] = [
  {
    name: 'forms render',
    summary: 'Render pre-filled forms for a household to a PDF (audited as a print)',
    usage: 'forms render --household ID [--form FORM …] [--applicant ID] --out FILE.pdf [--data DIR]',
    options: { data: { type: 'string' }, household: { type: 'string' }, form: { type: 'string', multiple: true }, applicant: { type: 'string' }, out: { type: 'string' }, purpose: { type: 'string' } },
    async run(args, io) {
      const householdId = requiredFlag(args, 'household');
      const out = requiredFlag(args, 'out');
      const formIds = (args.values.form as string[] | undefined) ?? [];
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
    name: 'forms list',
    summary: 'List the form templates (fixtures/forms)',
    usage: 'forms list [--data DIR]',
    options: { data: { type: 'string' } },
    async run(args, io) {
      for (const t of formTemplates(stringFlag(args, 'data')).values()) io.out(`${t.id.padEnd(22)} ${t.name}  (${t.scope}${t.filter ? ' ' + JSON.stringify(t.filter) : ''})`);
      return 0;
    },
  },
];
