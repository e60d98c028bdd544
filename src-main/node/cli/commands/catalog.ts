import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkCatalogDir, DEFAULT_CATALOG_DIR, loadCatalog, localesDirFor } from '../../catalog/load';
import { formatFlag, intFlag, requiredFlag, stringFlag, type CliCommand } from '../command';
import { diffCatalogs, diffLines } from '../../../common/catalog/diff';
import { checkCatalog } from '../../../common/catalog/parse';
import type { CatalogVersionInfo } from '../../../common/catalog/published';
import { AppError } from '../../../common/errors';
import { baseCatalogContent, issueLines, publishCatalog, rollbackCatalog } from '../../catalog/publish';
import { catalogHash } from '../../catalog/versions';
import { activeOf, announceActive, bundleFromDir, resolveRef, withTerminal } from '../../catalog/refs';
import { loadSampleHouseholds } from '../../catalog/samples';

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

const when = (v: { effective: string }, today: string): string => (v.effective <= today ? `in effect since ${v.effective}` : `takes effect ${v.effective}`);

function versionLine(v: CatalogVersionInfo, today: string, active: number): string {
  const by = `${v.publisher.staff ? `${v.publisher.staff} @ ` : ''}${v.publisher.terminal}`;
  const mark = v.version === active ? '*' : ' ';
  const state = v.problem !== null ? `KEPT OUT: ${v.problem}` : when(v, today);
  return `${mark} v${v.version}  ${v.hash.slice(0, 12)}  ${v.at}  by ${by}  ${state}${v.rollbackOf !== undefined ? `  (rollback to v${v.rollbackOf})` : ''}  — ${v.reason}`;
}

commands.push(
  {
    name: 'catalog publish',
    summary: 'Publish a catalog folder as the next version (audited, synced; default effective: the next business day)',
    usage: 'catalog publish --from DIR --data DIR --reason TEXT [--effective YYYY-MM-DD|today] [--by STAFF]',
    options: { from: { type: 'string' }, data: { type: 'string' }, reason: { type: 'string' }, effective: { type: 'string' }, by: { type: 'string' } },
    async run(args, io) {
      const from = resolve(requiredFlag(args, 'from'));
      if (!existsSync(from)) throw new AppError('bad-input', `no catalog folder ${from}`, { field: 'from' });
      if (!statSync(from).isDirectory()) throw new AppError('bad-input', `${from} is a file; --from takes a catalog folder (departments.json, procedures.json … and optionally its own locales/)`, { field: 'from' });
      const reason = requiredFlag(args, 'reason');
      const content = bundleFromDir(from);
      const issues = checkCatalog(content).issues;
      if (issues.length > 0) {
        for (const l of issueLines(issues)) io.out(l);
        io.err(`${issues.length} issue${issues.length === 1 ? '' : 's'} in ${from}: not published`);
        return 1;
      }
      return withTerminal(stringFlag(args, 'data'), (t) => {
        const effective = stringFlag(args, 'effective');
        const staff = stringFlag(args, 'by');
        const v = publishCatalog(t, { content, reason, ...(effective !== undefined ? { effective } : {}), ...(staff !== undefined ? { staff } : {}) });
        // Effective today: this terminal switches now, and says so (catalog.activated), as the app does.
        announceActive(t);
        io.out(JSON.stringify({ version: v.version, hash: v.hash, effective: v.effective, publisher: v.publisher, at: v.at, reason: v.reason }));
        return 0;
      });
    },
  },
  {
    name: 'catalog status',
    summary: "A terminal's catalog versions: which serves, which waits for its date, which is kept out",
    usage: 'catalog status [--data DIR] [--format text|json]',
    options: { data: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const format = formatFlag(args, ['text', 'json'], 'text');
      return withTerminal(stringFlag(args, 'data'), (t) => {
        const a = activeOf(t);
        const s = a.current();
        const today = t.visits.today();
        const versions = a.versions.list();
        if (format === 'json') {
          io.out(JSON.stringify({ today, active: { version: s.version, hash: s.hash }, ...(s.pending ? { pending: { version: s.pending.version, effective: s.pending.effective } } : {}), ...(s.refused ? { refused: s.refused } : {}), versions, terminals: a.versions.terminals() }));
          return 0;
        }
        io.out(`active: version ${s.version}${s.version === 0 ? ' (the base catalog: no version published yet)' : ''}, hash ${s.hash.slice(0, 12)}, on ${today}`);
        if (s.pending) io.out(`next: version ${s.pending.version} takes effect ${s.pending.effective}`);
        if (s.refused) io.out(`kept out: version ${s.refused.version}: ${s.refused.reason} (version ${s.version} keeps serving)`);
        for (const v of versions) io.out(versionLine(v, today, s.version));
        const behind = a.versions.terminals().filter((x) => x.version < s.version);
        for (const b of behind) io.out(`terminal ${b.terminal} serves version ${b.version} (behind)`);
        return 0;
      });
    },
  },
  {
    name: 'catalog rollback',
    summary: "Publish an earlier version's catalog again, effective at once",
    usage: 'catalog rollback --data DIR --to VERSION [--reason TEXT] [--by STAFF]   (VERSION 0: the base catalog)',
    options: { data: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' } },
    async run(args, io) {
      // 0: the base catalog (shipped with the app, or the data folder's own catalog/); `v2` as
      // `catalog status` prints it is taken as 2.
      const raw = stringFlag(args, 'to');
      if (raw === undefined) throw new AppError('bad-input', '--to VERSION is required (0 = the base catalog)', { field: 'to' });
      const m = /^v?(\d+)$/i.exec(raw.trim());
      if (!m) throw new AppError('bad-input', `--to must be a version number (0, 1, 2 … or v2 as catalog status prints it), got "${raw}"`, { field: 'to' });
      const to = Number(m[1]);
      return withTerminal(stringFlag(args, 'data'), (t) => {
        const reason = stringFlag(args, 'reason');
        const staff = stringFlag(args, 'by');
        const v = rollbackCatalog(t, { to, ...(reason !== undefined ? { reason } : {}), ...(staff !== undefined ? { staff } : {}) });
        announceActive(t);
        io.out(JSON.stringify({ version: v.version, hash: v.hash, effective: v.effective, rollbackOf: v.rollbackOf, reason: v.reason }));
        return 0;
      });
    },
  },
  {
    name: 'catalog diff',
    summary: 'Which sample households get a different list from catalog A to catalog B (added, removed, route changed)',
    usage: 'catalog diff A B [--data DIR] [--households FILE] [--format text|json]   (A, B: a folder, a published JSON, or with --data a version number or "active")',
    allowPositionals: true,
    options: { data: { type: 'string' }, households: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      if (args.positionals.length !== 2) throw new AppError('bad-input', 'catalog diff needs two catalogs: A B', { field: 'catalog' });
      const format = formatFlag(args, ['text', 'json'], 'text');
      const data = stringFlag(args, 'data');
      const [a, b] = args.positionals.map((r) => resolveRef(r, data)) as [ReturnType<typeof resolveRef>, ReturnType<typeof resolveRef>];
      const parse = (x: ReturnType<typeof resolveRef>) => {
        const { catalog, issues } = checkCatalog(x.bundle);
        if (!catalog) throw new AppError('bad-catalog', `${x.label}:\n${issueLines(issues).join('\n')}`, { field: `${issues[0]?.file}:${issues[0]?.path}`, details: issues });
        return catalog;
      };
      const hh = stringFlag(args, 'households');
      const d = diffCatalogs(parse(a), parse(b), loadSampleHouseholds(hh !== undefined ? resolve(hh) : undefined));
      if (format === 'json') io.out(JSON.stringify(d));
      else {
        io.out(`${a.label} → ${b.label}`);
        for (const l of diffLines(d)) io.out(l);
      }
      return 0;
    },
  },
);

commands.push({
  name: 'catalog export',
  summary: "Write a terminal's active (or a given) catalog version as a published JSON (for GUIDE_CATALOG_JSON=FILE npm run build:guide)",
  usage: 'catalog export --data DIR --out FILE.json [--version N]   (default: the active version; 0: the base catalog)',
  options: { data: { type: 'string' }, out: { type: 'string' }, version: { type: 'string' } },
  async run(args, io) {
    const out = resolve(requiredFlag(args, 'out'));
    // Absent: the active version; 0: the base catalog (even when a later version serves).
    const want = stringFlag(args, 'version') === undefined ? undefined : intFlag(args, 'version', 0, 0);
    return withTerminal(stringFlag(args, 'data'), (t) => {
      const a = activeOf(t);
      const s = a.current();
      if (want === 0) {
        const content = baseCatalogContent(t);
        const payload = { version: 0, hash: catalogHash(content), effective: null, reason: 'base catalog', content };
        writeFileSync(out, JSON.stringify(payload));
        io.out(JSON.stringify({ version: 0, hash: payload.hash, out }));
        return 0;
      }
      const info = want ? a.versions.find(want) : s.info;
      if (want && (!info || info.problem !== null)) throw new AppError('not-found', `no sound catalog version ${want} in ${t.dataDir} (known: 0 (the base catalog)${a.versions.list().filter((v) => v.problem === null).map((v) => `, ${v.version}`).join('')})`, { field: 'version' });
      const content = info ? a.versions.content(info) : s.bundle;
      const payload = { version: info?.version ?? 0, hash: info?.hash ?? s.hash, effective: info?.effective ?? s.info?.effective ?? null, reason: info?.reason ?? 'base catalog', content };
      writeFileSync(out, JSON.stringify(payload));
      io.out(JSON.stringify({ version: payload.version, hash: payload.hash, out }));
      return 0;
    });
  },
});
