#!/usr/bin/env node
// `npm start`: the whole app on its embedded default — demo data in ./data (or --data DIR /
// MADOGUCHI_DATA), SQLite, a file printer. Electron when its binary is here; otherwise one line
// saying so, and browser mode (`madoguchi web`) instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { buildMain } from './build-main.mjs';
import { electronBinary, ROOT } from './lib/electron.mjs';

const args = process.argv.slice(2);
const dataFlag = args.indexOf('--data');
const dataDir = resolve(dataFlag >= 0 && args[dataFlag + 1] ? args[dataFlag + 1] : process.env.MADOGUCHI_DATA ?? 'data');
const rest = dataFlag >= 0 ? args.filter((_, i) => i !== dataFlag && i !== dataFlag + 1) : args;

if (!existsSync(join(ROOT, 'dist-renderer', 'index.html'))) {
  const r = spawnSync('npm', ['run', '-s', 'build:renderer'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await buildMain({ quiet: true });
const require = createRequire(join(ROOT, 'package.json'));
const { ensureDemoSetup } = require(join(ROOT, 'dist-main', 'node', 'terminal', 'dataFolder.js'));
if (ensureDemoSetup(dataDir).created) console.log(`set up the demo terminal in ${dataDir} (config.json from fixtures/config/demo.json)`);

const electron = electronBinary();
const child = electron.ok
  ? spawn(electron.path, [ROOT, '--data', dataDir, ...rest], { cwd: ROOT, stdio: 'inherit' })
  : (console.log(`Electron is not available here (${electron.why}); serving browser mode instead.`),
    spawn(process.execPath, [join(ROOT, 'dist-main', 'node', 'cli', 'main.js'), 'web', '--data', dataDir, ...rest], { cwd: ROOT, stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
