#!/usr/bin/env node
// Compiles src-main (common, node, electron) to dist-main/ for Electron and packaging.
// One output file per source file, same folders: code that finds files next to itself
// (the CLI's command folder, APP_ROOT, the catalog) works the same compiled as under tsx.
// The preload is bundled instead: a sandboxed preload may require nothing but `electron`.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
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

export async function buildMain({ quiet = false } = {}) {
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
