import { resolve } from 'node:path';
import { checkCatalogDir, DEFAULT_CATALOG_DIR, loadCatalog, localesDirFor } from '../../catalog/load';
import { stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'catalog check',
    summary: 'Check a procedure catalog folder (ids, departments, routes, conditions, translations)',
    usage: 'catalog check [DIR] [--locales DIR]',
    allowPositionals: true,
    options: { locales: { type: 'string' } },
    async run(args, io) {
      const dir = resolve(args.positionals[0] ?? DEFAULT_CATALOG_DIR);
      const localesFlag = stringFlag(args, 'locales');
      const locales = localesFlag !== undefined ? resolve(localesFlag) : localesDirFor(dir);
      const issues = checkCatalogDir(dir, locales);
      if (issues.length > 0) {
        for (const i of issues) io.out(`${i.file}: ${i.path}: ${i.reason}`);
        io.err(`${issues.length} issue${issues.length === 1 ? '' : 's'} in ${dir}`);
        return 1;
      }
      const c = loadCatalog(dir, locales);
      io.out(`OK: ${c.procedures.length} procedures, ${Object.keys(c.departments).length} departments, ${Object.keys(c.bring).length} things to bring, ${c.questions.length} questions, ${c.languages.length} languages (${c.languages.join(', ')})`);
      return 0;
    },
  },
];
