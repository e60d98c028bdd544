import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real CUPS scheduler for one test file: its own cupsd.conf and cups-files.conf in a temp folder,
 * listening on a free loopback port and a socket of its own, with one cups-pdf queue whose PDFs land
 * in the temp folder. Nothing of the machine's own CUPS (if any runs) is used or changed, except
 * one cups-pdf instance file in /etc/cups (the backend reads its config only from there), which
 * stop() removes.
 */
export interface CupsServer {
  /** host:port for `lp -h` or CUPS_SERVER. */
  server: string;
  queue: string;
  /** Where cups-pdf writes each job's PDF. */
  outDir: string;
  /** Waits until the queue has written a PDF (the job went through the spooler and its filters). */
  waitForPdf(count: number, timeoutMs?: number): Promise<string[]>;
  log(): string;
  stop(): Promise<void>;
}

const CUPSD = '/usr/sbin/cupsd';
const BACKEND = '/usr/lib/cups/backend/cups-pdf';
const PPD = '/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd';

/** Why CUPS cannot run here, or null when it can. */
export function cupsUnavailable(): string | null {
  for (const f of [CUPSD, BACKEND, PPD]) if (!existsSync(f)) return `${f} is missing (install Debian's cups and printer-driver-cups-pdf)`;
  for (const cmd of ['lp', 'lpadmin', 'lpstat']) if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `${cmd} is not on PATH`;
  try {
    accessSync('/etc/cups', constants.W_OK);
  } catch {
    return 'cups-pdf reads its instance config only from /etc/cups, which is not writable here (run as root, as CI does)';
  }
  return null;
}

function jobNo(file: string): number {
  return Number(/^job_(\d+)-/.exec(file)?.[1] ?? 0);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export async function startCups(): Promise<CupsServer> {
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-cups-'));
  // Filters run as the unprivileged lp user: they must reach the spool's temp folder.
  chmodSync(root, 0o755);
  for (const d of ['etc/ppd', 'spool/tmp', 'cache', 'run', 'log', 'out']) mkdirSync(join(root, d), { recursive: true });
  chmodSync(join(root, 'spool/tmp'), 0o1777);
  const port = await freePort();
  const sock = join(root, 'cups.sock');
  writeFileSync(
    join(root, 'etc/cupsd.conf'),
    [`Listen 127.0.0.1:${port}`, `Listen ${sock}`, 'LogLevel debug', 'WebInterface No', 'Browsing No', 'DefaultAuthType None', '<Location />', '  Order allow,deny', '  Allow all', '</Location>', '<Policy default>', '  <Limit All>', '    Order deny,allow', '  </Limit>', '</Policy>', ''].join('\n'),
  );
  writeFileSync(
    join(root, 'etc/cups-files.conf'),
    [`ServerRoot ${root}/etc`, `RequestRoot ${root}/spool`, `TempDir ${root}/spool/tmp`, `CacheDir ${root}/cache`, `StateDir ${root}/run`, `ErrorLog ${root}/log/error_log`, `AccessLog ${root}/log/access_log`, `PageLog ${root}/log/page_log`, 'ServerBin /usr/lib/cups', 'DataDir /usr/share/cups', 'SystemGroup root', 'FileDevice No', ''].join('\n'),
  );
  const instance = `madoguchi-${port}`;
  const instanceConf = `/etc/cups/cups-pdf-${instance}.conf`;
  writeFileSync(instanceConf, [`Out ${root}/out`, `AnonDirName ${root}/out`, 'UserUMask 0000', 'Label 1', ''].join('\n'));
  const proc: ChildProcess = spawn(CUPSD, ['-f', '-c', join(root, 'etc/cupsd.conf'), '-s', join(root, 'etc/cups-files.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exitP = new Promise<void>((r) => proc.on('exit', () => ((exited = true), r())));
  const server = `127.0.0.1:${port}`;
  const cleanup = async () => {
    if (!exited) proc.kill('SIGTERM');
    await exitP;
    rmSync(instanceConf, { force: true });
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 20_000;
    while (spawnSync('lpstat', ['-h', server, '-r'], { encoding: 'utf8' }).stdout?.includes('scheduler is running') !== true) {
      if (exited) throw new Error(`cupsd exited: ${out}`);
      if (Date.now() > deadline) throw new Error(`cupsd did not answer on ${server} within 20 s: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const queue = 'Madoguchi_PDF';
    // pdftocairo keeps the PDF's text as text through the PostScript step cups-pdf needs.
    const add = spawnSync('lpadmin', ['-h', sock, '-p', queue, '-E', '-v', `cups-pdf:/${instance}`, '-P', PPD, '-o', 'pdftops-renderer-default=pdftocairo'], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`lpadmin failed: ${add.stderr}`);
    return {
      server,
      queue,
      outDir: join(root, 'out'),
      async waitForPdf(count, timeoutMs = 60_000) {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const pdfs = readdirSync(join(root, 'out')).filter((f) => f.endsWith('.pdf')).sort((a, b) => jobNo(a) - jobNo(b));
          // cups-pdf writes the file while Ghostscript runs: done once the queue is idle and the PDF is whole.
          const idle = spawnSync('lpstat', ['-h', server, '-W', 'not-completed', '-o'], { encoding: 'utf8' }).stdout.trim() === '';
          const whole = pdfs.every((f) => /%%EOF\s*$/.test(readFileSync(join(root, 'out', f), 'latin1').slice(-64)));
          if (pdfs.length >= count && idle && whole) return pdfs.map((f) => join(root, 'out', f));
          if (Date.now() > until) throw new Error(`cups-pdf wrote ${pdfs.length} of ${count} PDFs within ${timeoutMs} ms; error_log:\n${spawnSync('tail', ['-40', join(root, 'log/error_log')], { encoding: 'utf8' }).stdout}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      log: () => spawnSync('cat', [join(root, 'log/error_log')], { encoding: 'utf8' }).stdout,
      stop: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
