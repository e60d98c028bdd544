import { join, resolve } from 'node:path';

export interface LaunchInput {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  packaged: boolean;
  platform: NodeJS.Platform;
  /** app.getPath('userData'). */
  userDataDir: string;
  cwd: string;
}

export interface Launch {
  dataDir: string;
  /** Which profile of config.json this window is; absent = the config's first (an installed terminal has one). */
  terminalId?: string;
}

function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/**
 * Where the terminal's data folder is: --data, then MADOGUCHI_DATA, then for an installed app
 * %ProgramData%\Madoguchi on Windows (per-machine, shared by whoever signs in to the kiosk PC) or
 * the user's app data folder on Linux; in development ./data like the CLI.
 */
export function resolveLaunch(i: LaunchInput): Launch {
  const explicit = flag(i.argv, 'data') ?? i.env.MADOGUCHI_DATA;
  let dataDir: string;
  if (explicit) dataDir = resolve(i.cwd, explicit);
  else if (!i.packaged) dataDir = resolve(i.cwd, 'data');
  else if (i.platform === 'win32') dataDir = join(i.env.ProgramData ?? i.env.PROGRAMDATA ?? 'C:\\ProgramData', 'Madoguchi');
  else dataDir = join(i.userDataDir, 'data');
  const terminalId = flag(i.argv, 'terminal') ?? i.env.MADOGUCHI_TERMINAL;
  return { dataDir, ...(terminalId ? { terminalId } : {}) };
}

export type CrashAction = 'ignore' | 'reload' | 'relaunch';

/**
 * What to do when the page's process dies. Reload the page a few times; if it keeps dying (a
 * corrupt GPU state, a leak) restart the whole app, which resets everything but the data.
 */
export class CrashGuard {
  private crashes: number[] = [];
  constructor(private readonly opts: { maxReloads?: number; windowMs?: number; clock?: () => number } = {}) {}

  onRendererGone(reason: string): CrashAction {
    if (reason === 'clean-exit') return 'ignore';
    const now = (this.opts.clock ?? Date.now)();
    const windowMs = this.opts.windowMs ?? 5 * 60_000;
    this.crashes = this.crashes.filter((t) => now - t < windowMs);
    this.crashes.push(now);
    return this.crashes.length > (this.opts.maxReloads ?? 3) ? 'relaunch' : 'reload';
  }
}
