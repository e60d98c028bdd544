import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../src-main/node/cli/main';
import { openTerminal } from '../../src-main/node/terminal/dataFolder';

export const ROOT = join(__dirname, '..', '..');

/** Runs the CLI in this process, as `madoguchi <argv>` would, capturing its lines. */
export async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' });
  return { code, out, err };
}

/** Runs the real CLI as its own process (`npm run -s madoguchi -- …` without npm's startup). */
export function cliProcess(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src-main', 'node', 'cli', 'main.ts'), ...argv], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Issues tickets the way the kiosk does (VisitService, one transaction each). */
export function issueTickets(dataDir: string, n: number, station = 'east', terminal = 'kiosk-east-1'): Array<{ visitId: string; number: number }> {
  const t = openTerminal(dataDir);
  try {
    const out: Array<{ visitId: string; number: number }> = [];
    for (let i = 0; i < n; i++) {
      const v = t.visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: [] }, { terminal });
      out.push({ visitId: v.id, number: v.number });
    }
    return out;
  } finally {
    t.close();
  }
}
