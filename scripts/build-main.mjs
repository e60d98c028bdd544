#!/usr/bin/env node
// Compiles src-main (common, node, electron) to dist-main/ for Electron and packaging.
// One output file per source file, same folders: code that finds files next to itself
// (the CLI's command folder, APP_ROOT, the catalog) works the same compiled as under tsx.
// The preload is bundled instead: a sandboxed preload may require nothing but `electron`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src-main');
const OUT = join(ROOT, 'dist-main');

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (/\.ts$/.test(name) && !/\.(test|spec|d)\.ts$/.test(name)) out.push(full);
  }
  return out;
}

const LOCK = join(tmpdir(), `madoguchi-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);

/**
 * One build or packaging step at a time on this checkout: `npm start`, `npm run dist` and the
 * packaging test all rebuild dist-main, and one must not delete it while another copies it.
 */
export async function withBuildLock(fn, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock left by a killed process goes stale after 10 minutes.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 600_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`another build holds ${LOCK}; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export async function buildMain({ quiet = false, locked = false } = {}) {
  if (!locked) return withBuildLock(() => buildMain({ quiet, locked: true }));
  rmSync(OUT, { recursive: true, force: true });
  const entries = sources(SRC).filter((f) => !f.endsWith(join('electron', 'preload.ts')));
  const common = { platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', absWorkingDir: ROOT };
  await build({ ...common, entryPoints: entries, outdir: OUT, outbase: SRC, bundle: false });
  await build({ ...common, entryPoints: [join(SRC, 'electron', 'preload.ts')], outfile: join(OUT, 'electron', 'preload.js'), bundle: true, external: ['electron'] });
  if (!quiet) console.log(`built ${entries.length + 1} files into ${relative(ROOT, OUT)}/`);
  return OUT;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildMain().catch((e) => {
    console.error(e?.message ?? e);
    process.exit(1);
  });
}
