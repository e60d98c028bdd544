import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../common/errors';

/**
 * One CLI command. Files in `cli/commands/` export `commands: CliCommand[]`; `main.ts` discovers
 * them, so adding a command never edits a shared list.
 */
export interface CliCommand {
  /** Words that select it, e.g. `ticket issue`, `guide`, `sync-server enroll`. */
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  /** Positional arguments allowed (default false). */
  allowPositionals?: boolean;
  run(args: CommandArgs, io: CliIO): Promise<number>;
}

export interface CommandArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Reads all of stdin (for `--facts -`). */
  readStdin(): Promise<string>;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

export function parseCommandArgs(cmd: CliCommand, argv: string[]): CommandArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: cmd.options ?? {}, allowPositionals: cmd.allowPositionals ?? false, strict: true });
    return { values: values as CommandArgs['values'], positionals };
  } catch (e) {
    throw new AppError('bad-input', `${(e as Error).message}\nusage: madoguchi ${cmd.usage}`);
  }
}

export function stringFlag(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new AppError('bad-input', `--${name} needs a value`, { field: name });
  return v;
}

/** `--format`, one of `allowed` (default `def`); anything else is refused naming the field. */
export function formatFlag(args: CommandArgs, allowed: readonly string[], def: string): string {
  const f = stringFlag(args, 'format') ?? def;
  if (!allowed.includes(f)) throw new AppError('bad-input', `--format must be ${allowed.join(' or ')}, got "${f}"`, { field: 'format' });
  return f;
}

export function requiredFlag(args: CommandArgs, name: string): string {
  const v = stringFlag(args, name);
  if (v === undefined) throw new AppError('bad-input', `--${name} is required`, { field: name });
  return v;
}

export function intFlag(args: CommandArgs, name: string, def: number, min = 0): number {
  const v = stringFlag(args, name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new AppError('bad-input', `--${name} must be a whole number ≥ ${min}, got "${v}"`, { field: name });
  return n;
}
