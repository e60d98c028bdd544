import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { toErrorData } from '../../common/errors';
import { parseCommandArgs, processIO, type CliCommand, type CliIO } from './command';

/** Exit codes: 0 ok, 1 a check or operation failed, 2 bad input (facts, flags, config). */
const BAD_INPUT_CODES = new Set(['bad-input', 'bad-config', 'bad-facts', 'bad-catalog']);

export async function loadCommands(): Promise<CliCommand[]> {
  const dir = join(__dirname, 'commands');
  const files = readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|d)\.(ts|js)$/.test(f)).sort();
  const all: CliCommand[] = [];
  for (const f of files) {
    const mod = (await import(join(dir, f))) as { commands?: CliCommand[] };
    for (const c of mod.commands ?? []) all.push(c);
  }
  const seen = new Set<string>();
  for (const c of all) {
    if (seen.has(c.name)) throw new Error(`two CLI commands are named "${c.name}"`);
    seen.add(c.name);
  }
  return all;
}

function help(commands: CliCommand[], io: CliIO): void {
  io.out('madoguchi — one-stop counter (総合窓口) terminal and tools\n');
  io.out('usage: npm run -s madoguchi -- <command> [options]\n');
  for (const c of [...commands].sort((a, b) => a.name.localeCompare(b.name))) io.out(`  ${c.name.padEnd(22)} ${c.summary}`);
}

export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  const commands = await loadCommands();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    help(commands, io);
    return argv.length === 0 ? 2 : 0;
  }
  // Longest match on the leading words: `sync-server enroll` before `sync-server`.
  let cmd: CliCommand | undefined;
  let used = 0;
  for (const c of commands) {
    const words = c.name.split(' ');
    if (words.length > used && words.every((w, i) => argv[i] === w)) {
      cmd = c;
      used = words.length;
    }
  }
  if (!cmd) {
    io.err(`madoguchi: unknown command "${argv.slice(0, 2).join(' ')}". Run "npm run -s madoguchi -- help".`);
    return 2;
  }
  const rest = argv.slice(used);
  if (rest.includes('--help')) {
    io.out(`usage: madoguchi ${cmd.usage}\n\n${cmd.summary}`);
    return 0;
  }
  try {
    return await cmd.run(parseCommandArgs(cmd, rest), io);
  } catch (e) {
    const data = toErrorData(e);
    if (data.code === 'internal') io.err(`madoguchi ${cmd.name}: ${(e as Error)?.stack ?? String(e)}`);
    else io.err(`madoguchi ${cmd.name}: ${data.field ? `${data.field}: ` : ''}${data.message}`);
    return BAD_INPUT_CODES.has(data.code) ? 2 : 1;
  }
}

if (require.main === module) {
  // `madoguchi … | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  runCli(process.argv.slice(2)).then(
    (code) => {
      // Long-running commands (web, sync-server, sync run) resolve only when they stop.
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`madoguchi: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
