import { defineConfig, runnerImport, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const __dirname = dirname(fileURLToPath(import.meta.url));

/**
 * The online guide (行かない窓口): a static site any web server can host. `npm run build:guide`.
 * GUIDE_CONFIG=<file> builds with another guide.config.json (e.g. a completion-count address),
 * GUIDE_OUT_DIR=<dir> writes somewhere else than dist-guide/, GUIDE_CATALOG_DIR=<dir> builds from a
 * city's own catalog folder (as in a terminal's data folder) instead of fixtures/catalog,
 * GUIDE_CATALOG_JSON=<file> builds from a published catalog version (`madoguchi catalog export`:
 * the `catalog.published` payload; its hash is checked, a mismatch stops the build), and
 * GUIDE_DATA_DIR=<dir> from a terminal's active version (exported with the CLI's `catalog export`).
 */
const configFile = process.env.GUIDE_CONFIG ? resolve(process.env.GUIDE_CONFIG) : join(__dirname, 'guide.config.json');
const config = JSON.parse(readFileSync(configFile, 'utf8')) as { completionCountUrl?: string; timeZone?: string; closedDays?: unknown; sizeBudgetKiB?: { initial?: number; total?: number } };
const completionCountUrl = config.completionCountUrl ?? '';
if (completionCountUrl && !/^https?:\/\//.test(completionCountUrl)) throw new Error(`${configFile}: completionCountUrl must be an http(s) address or empty, got "${completionCountUrl}"`);
// The city's extra closed days, checked as the terminals' config checks them (a bad one names its index).
const closedDays: string[] = (() => {
  const c = config.closedDays ?? [];
  if (!Array.isArray(c)) throw new Error(`${configFile}: closedDays must be a list of dates (YYYY-MM-DD)`);
  return c.map((d: unknown, i: number) => {
    if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d) throw new Error(`${configFile}: closedDays[${i}] must be a date that exists, as YYYY-MM-DD (got ${JSON.stringify(d)})`);
    return d;
  });
})();
const catalogDir = process.env.GUIDE_CATALOG_DIR ? resolve(process.env.GUIDE_CATALOG_DIR) : undefined;
const catalogJson = process.env.GUIDE_CATALOG_JSON ? resolve(process.env.GUIDE_CATALOG_JSON) : undefined;
const outDir = process.env.GUIDE_OUT_DIR ? resolve(process.env.GUIDE_OUT_DIR) : resolve(__dirname, '..', '..', 'dist-guide');
const budget = { initial: config.sizeBudgetKiB?.initial ?? 124, total: config.sizeBudgetKiB?.total ?? 220 };

// Nothing but our own files, plus the one address the city configured for the anonymous count.
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  `connect-src 'self'${completionCountUrl ? ` ${new URL(completionCountUrl).origin}` : ''}`,
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = join(dir, f);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** gzip -9 sizes of the built JS and CSS; the build fails over budget (a cheap phone on 3G). */
export function measureGuide(dir: string): { initialGzip: number; totalGzip: number; files: Record<string, number> } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const initialRefs = new Set([...html.matchAll(/(?:src|href)="\.\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
  const files: Record<string, number> = {};
  let initialGzip = 0;
  let totalGzip = 0;
  for (const full of walk(dir)) {
    const rel = relative(dir, full).split('\\').join('/');
    if (!/\.(js|css)$/.test(rel) || rel === 'sw.js') continue;
    const gz = gzipSync(readFileSync(full), { level: 9 }).length;
    files[rel] = gz;
    totalGzip += gz;
    if (initialRefs.has(rel)) initialGzip += gz;
  }
  return { initialGzip, totalGzip, files };
}

/** The build's catalog: the module the page starts with, and each other language's texts (loaded with the language). */
interface GuideCatalogBuild {
  main: string;
  texts: Record<string, Record<string, string>>;
}

/**
 * A terminal's active version (GUIDE_DATA_DIR): written as a published JSON by the CLI's own
 * `catalog export`, then built like GUIDE_CATALOG_JSON.
 */
function exportActiveVersion(dataDir: string): string {
  const root = resolve(__dirname, '../..');
  const out = join(mkdtempSync(join(tmpdir(), 'madoguchi-guide-catalog-')), 'active.json');
  try {
    execFileSync(join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx'), [join(root, 'src-main', 'node', 'cli', 'main.ts'), 'catalog', 'export', '--data', dataDir, '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`GUIDE_DATA_DIR=${dataDir}: "madoguchi catalog export" failed: ${err.stderr?.toString().trim() || err.message}`);
  }
  return out;
}

/**
 * The catalog the kiosk and the CLI read (fixtures/catalog + locales), loaded and checked by the
 * same loader and parser at build time, so the phone does not download the schema library to check
 * it again. The app's own texts come from the i18n bundles at run time; what a published version or
 * a city's own folder changes ships as deltas: Japanese (`ja+`) with the page, every other language
 * in its own chunk, loaded with the language (i18n.ts). A language the publisher did not translate
 * shows the changed texts in the language it falls back to (languages.ts), and the build log says so.
 */
function guideCatalog(): Plugin {
  const id = 'virtual:guide-catalog';
  const textsId = 'virtual:guide-catalog-texts';
  let built: Promise<GuideCatalogBuild> | undefined;
  return {
    name: 'madoguchi-guide-catalog',
    buildStart() {
      built = undefined;
    },
    resolveId: (source) => (source === id || source === textsId || source.startsWith(`${textsId}/`) ? '\0' + source : undefined),
    async load(source) {
      if (!source.startsWith('\0virtual:guide-catalog')) return undefined;
      const b = await (built ??= buildCatalog(this));
      if (source === '\0' + id) return b.main;
      if (source === '\0' + textsId) {
        // Only languages with something to add; each its own chunk.
        const entries = Object.keys(b.texts).map((l) => `${JSON.stringify(l)}: () => import(${JSON.stringify(`${textsId}/${l}`)})`);
        return `export default {${entries.join(', ')}};`;
      }
      const lang = source.slice(`\0${textsId}/`.length);
      return `export default ${JSON.stringify(b.texts[lang] ?? {})};`;
    },
  };
}

async function buildCatalog(ctx: { addWatchFile(f: string): void }): Promise<GuideCatalogBuild> {
  // Through Vite's module runner: the parser is TypeScript in a CommonJS package.
  const { module: parser } = await runnerImport<typeof import('../../src-main/common/catalog/parse')>(resolve(__dirname, '../../src-main/common/catalog/parse.ts'));
  const { module: textsLib } = await runnerImport<typeof import('../../src-main/common/catalog/texts')>(resolve(__dirname, '../../src-main/common/catalog/texts.ts'));
  const { module: langs } = await runnerImport<typeof import('./languages')>(resolve(__dirname, 'languages.ts'));
  const root = resolve(__dirname, '../..');
  const read = (file: string) => {
    ctx.addWatchFile(file);
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  };
  const appTexts = (lang: string): Record<string, string> => {
    const f = join(root, parser.localeFile(lang));
    return existsSync(f) ? textsLib.flattenTexts(read(f)) : {};
  };
  // Editors' notes (`note`) are for the city's catalog staff, never shown to a resident: left out of the phone's download.
  const main = (catalog: unknown, jaDelta: Record<string, string>) => `export default ${JSON.stringify({ ...(catalog as object), texts: { 'ja+': jaDelta }, languages: ['ja'] }, (k, v: unknown) => (k === 'note' ? undefined : v))};`;

  const dataDir = process.env.GUIDE_DATA_DIR ? resolve(process.env.GUIDE_DATA_DIR) : undefined;
  const jsonFile = catalogJson ?? (dataDir ? exportActiveVersion(dataDir) : undefined);
  let catalog: ReturnType<typeof parser.parseCatalog>;
  let label: string;
  if (jsonFile) {
    // A published version (issue 19): the same content every terminal serves, checked against its hash.
    const published = read(jsonFile) as { version?: number; hash?: string; content?: Record<string, unknown> };
    if (!published.content) throw new Error(`${jsonFile}: not a published catalog (no "content"); write one with "madoguchi catalog export"`);
    const { module: pub } = await runnerImport<typeof import('../../src-main/common/catalog/published')>(resolve(__dirname, '../../src-main/common/catalog/published.ts'));
    const hash = createHash('sha256').update(pub.canonicalJson(published.content), 'utf8').digest('hex');
    if (published.hash !== hash) throw new Error(`${jsonFile}: the content does not match its hash (${published.hash ?? 'none'} vs ${hash}); not building from it`);
    catalog = parser.parseCatalog(published.content as unknown as Parameters<typeof parser.parseCatalog>[0]);
    label = `version ${published.version ?? '?'}${dataDir && !catalogJson ? ` (the active version of ${dataDir})` : ''}`;
  } else {
    // A city's own catalog folder (the one its terminals use) when given; its locales like the terminals'.
    const dir = catalogDir ?? join(root, 'fixtures', 'catalog');
    const localesRoot = existsSync(join(dir, 'locales')) ? dir : root;
    const files = Object.fromEntries(Object.entries(parser.CATALOG_FILES).map(([k, f]) => [k, read(join(dir, f))]));
    const found = readdirSync(join(localesRoot, 'locales')).filter((l) => existsSync(join(localesRoot, parser.localeFile(l))));
    const locales = Object.fromEntries(found.map((lang) => [lang, read(join(localesRoot, parser.localeFile(lang)))]));
    catalog = parser.parseCatalog({ ...(files as Record<keyof typeof parser.CATALOG_FILES, unknown>), locales });
    label = dir;
  }

  // What differs from the app's own translation files, language by language.
  const delta = (lang: string, texts: Record<string, string>): Record<string, string> => {
    const app = appTexts(lang);
    return Object.fromEntries(Object.entries(texts).filter(([k, v]) => app[k] !== v));
  };
  const jaDelta = delta('ja', catalog.texts.ja ?? {});
  const texts: Record<string, Record<string, string>> = {};
  const notes: string[] = [];
  for (const lang of langs.LANGUAGES) {
    if (lang === 'ja') continue;
    const own = catalog.texts[lang];
    if (own) {
      const d = delta(lang, own);
      if (Object.keys(d).length) texts[lang] = d;
      continue;
    }
    // Not translated by the publisher: each text the version changes shows in the language this
    // one falls back to (as the guide does for a missing UI text), never the app's older translation.
    const changed = Object.keys(jaDelta);
    if (changed.length === 0) continue;
    const d: Record<string, string> = {};
    const used = new Map<string, string[]>();
    for (const k of changed) {
      const from = [...langs.fallbacksOf(lang), 'ja'].find((f) => catalog.texts[f]?.[k] !== undefined)!;
      d[k] = catalog.texts[from]![k]!;
      used.set(from, [...(used.get(from) ?? []), k]);
    }
    texts[lang] = d;
    const keys = (ks: string[]) => `${ks.slice(0, 5).join(', ')}${ks.length > 5 ? ` and ${ks.length - 5} more` : ''}`;
    notes.push(`guide catalog: ${label} has no ${lang} texts; ${[...used].map(([from, ks]) => `${ks.length} changed text${ks.length === 1 ? '' : 's'} show${ks.length === 1 ? 's' : ''} in ${from} (${keys(ks)})`).join('; ')}`);
  }
  for (const lang of Object.keys(catalog.texts)) if (!(langs.LANGUAGES as readonly string[]).includes(lang)) notes.push(`guide catalog: ${label} has ${lang} texts, a language the guide does not offer: left out`);
  const sizes = Object.entries(texts).map(([l, d]) => `${l} ${Object.keys(d).length}`);
  console.log(`guide catalog: ${label}; texts changed from the app's: ja ${Object.keys(jaDelta).length}${sizes.length ? `, ${sizes.join(', ')}` : ''}`);
  for (const n of notes) console.warn(n);
  return { main: main(catalog, jaDelta), texts };
}

function guideSite(): Plugin {
  return {
    name: 'madoguchi-guide-site',
    enforce: 'post',
    transformIndexHtml(html, ctx) {
      return html.replace('%GUIDE_CSP%', ctx.server ? "default-src 'self' 'unsafe-inline' 'unsafe-eval' ws: data:" : csp);
    },
    generateBundle(_opts, bundle) {
      const files = ['./', ...Object.keys(bundle).sort().map((f) => `./${f}`)];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(join(__dirname, 'sw.js'), 'utf8').replace('__GUIDE_VERSION__', version).replace('__GUIDE_FILES__', JSON.stringify(files));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
    closeBundle() {
      // A build that failed earlier (e.g. a published catalog whose hash does not match) wrote no page: let its own error show.
      if (!existsSync(join(outDir, 'index.html'))) return;
      const m = measureGuide(outDir);
      const kib = (n: number) => Math.round((n / 1024) * 10) / 10;
      writeFileSync(join(outDir, 'build-size.json'), JSON.stringify({ ...m, budgetKiB: budget }, null, 2));
      const line = `guide size (gzip): initial ${kib(m.initialGzip)} KiB of ${budget.initial}, all languages ${kib(m.totalGzip)} KiB of ${budget.total}`;
      if (m.initialGzip > budget.initial * 1024 || m.totalGzip > budget.total * 1024) throw new Error(`over the size budget: ${line}`);
      console.log(line);
    },
  };
}

export default defineConfig({
  root: resolve(__dirname),
  base: './',
  publicDir: false,
  plugins: [react(), guideCatalog(), guideSite()],
  // The catalog is validated at build time (guideCatalog above): see noValidation.ts.
  resolve: { alias: [{ find: /^zod$/, replacement: join(__dirname, 'noValidation.ts') }] },
  define: { __GUIDE_CONFIG__: JSON.stringify({ completionCountUrl, timeZone: config.timeZone ?? 'Asia/Tokyo', closedDays }) },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { fs: { allow: [resolve(__dirname, '..', '..')] } },
});
