/**
 * `madoguchi guide --facts FILE --format json` for many files in one process: the CLI's own entry
 * (runCli, exactly what `npm run -s madoguchi --` calls) with its output captured, so an e2e spec
 * pays Node's start-up once instead of once per case. Prints a JSON array, one result per file.
 */
import { runCli } from '../../src-main/node/cli/main';

async function main(): Promise<void> {
  const results: Array<{ file: string; code: number; stdout: string; stderr: string }> = [];
  for (const file of process.argv.slice(2)) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['guide', '--facts', file, '--format', 'json'], {
      out: (l) => (stdout += l + '\n'),
      err: (l) => (stderr += l + '\n'),
      readStdin: async () => '',
    });
    results.push({ file, code, stdout, stderr });
  }
  process.stdout.write(JSON.stringify(results));
}

void main();
