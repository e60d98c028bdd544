import { AppError } from '../../../common/errors';
import { intFlag, requiredFlag, stringFlag, type CliCommand } from '../command';
import { parsePrinterSpec, formatPrinterSpec } from '../../printer/spec';
import { openTransport } from '../../printer/transport';
import { renderTestPage } from '../../printer/ticketLayout';

export const commands: CliCommand[] = [
  {
    name: 'printer test',
    summary: 'Print a test page (Kanji, QR, raster line, cut) and report the printer status',
    usage: 'printer test --printer SPEC [--timeout MS] [--paper 80|58]\n  SPEC: serial:/dev/ttyUSB0?baud=38400 | tcp:HOST:9100 | file:DIR',
    options: { printer: { type: 'string' }, timeout: { type: 'string' }, paper: { type: 'string' } },
    async run(args, io) {
      const spec = parsePrinterSpec(requiredFlag(args, 'printer'));
      const timeoutMs = intFlag(args, 'timeout', 3000, 1);
      const paperText = stringFlag(args, 'paper') ?? '80';
      if (paperText !== '80' && paperText !== '58') throw new AppError('bad-input', `--paper must be 80 or 58, got "${paperText}"`, { field: 'paper' });
      const printer = formatPrinterSpec(spec);
      const page = renderTestPage({ printer, paperWidthMm: Number(paperText) as 80 | 58 });
      const t = openTransport(spec, { writeTimeoutMs: Math.max(timeoutMs, 5000), openTimeoutMs: timeoutMs });
      let writeError: string | null = null;
      try {
        try {
          await t.write(page, { jobId: 'printer-test' });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          writeError = e.message;
        }
        const status = await t.status(timeoutMs);
        const ok = writeError === null && status.state === 'online';
        const line = writeError ? `printer ${printer}: FAULT — ${writeError}` : ok ? `printer ${printer}: ${status.summary}, test page sent (${page.length} bytes)` : `printer ${printer}: FAULT — ${status.summary} (test page sent, ${page.length} bytes)`;
        (ok ? io.out : io.err)(line);
        io.out(JSON.stringify({ printer, ok, bytes: page.length, writeError, status }));
        return ok ? 0 : 1;
      } finally {
        await t.close();
      }
    },
  },
];
