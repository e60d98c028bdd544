import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'src-main', 'node', 'cli', 'main.ts');
/** `node --import tsx main.ts`: one process, so a kill hits the process that holds the files. */
const NODE_ARGS = ['--import', 'tsx', MAIN];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a person would (`npm run -s madoguchi -- …`). */
export function runCliSync(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, encoding: 'utf8', input: opts.input, env: { ...process.env, ...opts.env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function runCli(args: string[], opts: { env?: Record<string, string> } = {}): { done: Promise<CliResult>; kill: (signal?: NodeJS.Signals) => void; onStdout: (fn: (chunk: string) => void) => void } {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners: Array<(c: string) => void> = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    listeners.forEach((l) => l(d.toString()));
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((ok) => child.on('close', (code, signal) => ok({ code: code ?? (signal ? 128 : -1), stdout, stderr })));
  return { done, kill: (s = 'SIGKILL') => child.kill(s), onStdout: (fn) => listeners.push(fn) };
}
