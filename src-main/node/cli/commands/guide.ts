import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalogText } from '../../../common/catalog/texts';
import type { Catalog } from '../../../common/catalog/types';
import { AppError } from '../../../common/errors';
import { parseConfig } from '../../../common/config/schema';
import { deadlineText } from '../../../common/guidance/deadlineText';
import { guide, visitBring, visitRoute, type GuidanceResult } from '../../../common/guidance/guide';
import { rubyToParens } from '../../../common/i18n/ruby';
import { parseFactsText, rejectUnknownFactKeys } from '../../../common/guidance/facts';
import { defaultCatalog, loadCatalog } from '../../catalog/load';
import { stringFlag, requiredFlag, type CliCommand, type CliIO } from '../command';
import { activeOf, withTerminal } from '../../catalog/refs';

async function readFacts(src: string, io: CliIO): Promise<unknown> {
  let text: string;
  if (src === '-') text = await io.readStdin();
  else {
    try {
      text = readFileSync(resolve(src), 'utf8');
    } catch (e) {
      throw new AppError('bad-input', `cannot read facts file "${src}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { field: 'facts' });
    }
  }
  // A byte-order mark is accepted; a key FACTS.md does not define is refused, naming it.
  const raw = parseFactsText(text);
  rejectUnknownFactKeys(raw);
  return raw;
}

/** The city's extra closed days from a terminal config file (validated: a bad date names `closedDays[i]`). */
function readClosedDays(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (e) {
    throw new AppError('bad-input', `cannot read config file "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { field: 'config' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('bad-config', `${file}: not valid JSON: ${(e as Error).message}`, { field: 'config' });
  }
  return parseConfig(raw, file).closedDays ?? [];
}

export function catalogFromFlag(dir: string | undefined): Catalog {
  return dir === undefined ? defaultCatalog() : loadCatalog(resolve(dir));
}

/** A readable list for a person, in the visitor's language (readings in brackets for やさしい日本語). */
export function formatGuidanceText(result: GuidanceResult, catalog: Catalog, lang: string, opts: { visitYear?: number } = {}): string[] {
  const t = (k: string): string => rubyToParens(catalogText(catalog, k, lang));
  const lines: string[] = [t('list.title')];
  if (result.procedures.length === 0) lines.push(`  ${t('list.none')}`);
  else {
    const places = visitRoute(result.procedures, catalog).map((d) => {
      const dep = catalog.departments[d];
      const name = d === catalog.oneStop ? t('list.oneStop') : t(`department.${d}`);
      return `${name} (${t('list.counter')} ${dep?.counter ?? '?'}${dep?.floor ? `, ${dep.floor}` : ''})`;
    });
    lines.push(`${t('list.route')}: ${places.join(' → ')}`, '');
    result.procedures.forEach((p, i) => {
      const head = `${i + 1}. ${rubyToParens(p.name)} [${t(`status.${p.status}`)}${p.wanted ? `, ${t('list.wanted')}` : ''}]`;
      lines.push(head);
      lines.push(`   ${t(`route.${p.route}`)} / ${t(`delivery.${p.delivery}`)} / ${rubyToParens(p.departmentName)} — ${t('list.counter')} ${p.counter}${p.floor ? ` (${p.floor})` : ''}`);
      if (p.members.length > 0) lines.push(`   ${t('list.members')}: ${p.members.map((m) => `#${m + 1}`).join(', ')}`);
      const due = deadlineText(p, lang, t, opts);
      if (due) lines.push(`   ${t('list.deadline')}: ${due}`);
      if (p.availableFrom) lines.push(`   ${t('list.availableFrom')}: ${deadlineText({ deadline: p.availableFrom }, lang, t, opts)}`);
      if (p.external) lines.push(`   ${t('list.external')}`);
      if (p.fee !== undefined) lines.push(`   ${t('list.fee')}: ${p.fee} ${t('list.yen')}`);
      if (p.convenienceStore) lines.push(`   ${t('list.convenienceStore')}`);
      if (p.bring.length > 0) lines.push(`   ${t('list.bring')}: ${p.bring.map((b) => rubyToParens(b.name)).join(' / ')}`);
      if (p.forms.length > 0) lines.push(`   ${t('list.forms')}: ${p.forms.map((f) => t(`form.${f}`)).join(' / ')}`);
      for (const o of p.online) lines.push(`   ${t('list.online')}: ${rubyToParens(o.label)} ${o.url}`);
      if (p.toConfirm && p.toConfirm.length > 0) lines.push(`   ${t('list.toConfirm')}: ${p.toConfirm.map((f) => f.replace(/^members\[(\d+)\]\./, (_m, i: string) => `#${Number(i) + 1} `)).join(', ')}`);
    });
    const all = visitBring(result.procedures);
    if (all.length > 0) {
      lines.push('', `${t('list.bringAll')}:`);
      for (const b of all) lines.push(`  - ${rubyToParens(b.name)}`);
    }
  }
  if (result.warnings.length > 0) {
    lines.push('', `${t('list.warnings')}:`);
    for (const w of result.warnings) lines.push(`  ! ${w}`);
  }
  return lines;
}

export const commands: CliCommand[] = [
  {
    name: 'guide',
    summary: 'Print the guidance list (procedures, route, what to bring) for a visit facts file',
    usage: 'guide --facts FILE|- [--lang ja|ja-easy|en|pt-BR|es|vi|zh-CN|tl] [--format json|text] [--catalog DIR | --data DIR (that terminal\'s active catalog version)] [--config FILE (the city\'s extra closed days)]',
    options: {
      config: { type: 'string' },
      facts: { type: 'string' },
      lang: { type: 'string' },
      format: { type: 'string' },
      catalog: { type: 'string' },
      data: { type: 'string' },
    },
    async run(args, io) {
      const src = requiredFlag(args, 'facts');
      const format = stringFlag(args, 'format') ?? 'json';
      if (format !== 'json' && format !== 'text') throw new AppError('bad-input', `--format must be json or text, got "${format}"`, { field: 'format' });
      const dataDir = stringFlag(args, 'data');
      if (dataDir !== undefined && stringFlag(args, 'catalog') !== undefined) throw new AppError('bad-input', 'give --catalog DIR or --data DIR, not both', { field: 'catalog' });
      let dataClosedDays: string[] | undefined;
      // --data: the terminal's active published version (issue 19), read without writing to it.
      const catalog =
        dataDir === undefined
          ? catalogFromFlag(stringFlag(args, 'catalog'))
          : withTerminal(dataDir, (t) => {
              dataClosedDays = t.config.closedDays ?? [];
              return activeOf(t).catalog();
            });
      const lang = stringFlag(args, 'lang') ?? 'ja';
      if (!catalog.languages.includes(lang)) throw new AppError('bad-input', `unknown language "${lang}"; available: ${catalog.languages.join(', ')}`, { field: 'lang' });
      const configFile = stringFlag(args, 'config');
      const closedDays = configFile === undefined ? dataClosedDays : readClosedDays(configFile);
      const raw = await readFacts(src, io);
      const result = guide(raw, catalog, { lang, ...(closedDays ? { closedDays } : {}) });
      if (format === 'json') io.out(JSON.stringify({ procedures: result.procedures, warnings: result.warnings }, null, 2));
      else {
        const date = (raw as { date?: unknown } | null)?.date;
        const visitYear = typeof date === 'string' ? Number(date.slice(0, 4)) : new Date().getFullYear();
        for (const l of formatGuidanceText(result, catalog, lang, { visitYear })) io.out(l);
      }
      return 0;
    },
  },
];
