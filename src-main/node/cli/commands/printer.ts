import { readFileSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import { intFlag, requiredFlag, stringFlag, type CliCommand } from '../command';
import { parsePrinterSpec, formatPrinterSpec } from '../../printer/spec';
import { decodeEscPos } from '../../printer/decode';
import { decodeEscp, escpLines, looksLikeEscp } from '../../printer/escpDecode';
import { openTransport } from '../../printer/transport';
import { formsPrinterStatus } from '../../forms/printerStatus';
import { renderTestPage } from '../../printer/ticketLayout';

export const commands: CliCommand[] = [
  {
    name: 'printer test',
    summary: 'Print a test page (Kanji, QR, raster line, cut) and report the printer status',
    usage: 'printer test --printer SPEC [--timeout MS] [--paper 80|58]\n  SPEC: serial:/dev/ttyUSB0?baud=38400 | tcp:HOST:9100 | file:DIR',
    options: { printer: { type: 'string' }, timeout: { type: 'string' }, paper: { type: 'string' } },
    async run(args, io) {
      const raw = requiredFlag(args, 'printer');
      if (/^(escp|cups|lp|windows):/i.test(raw.trim())) {
        throw new AppError('bad-input', `printer test prints a ticket page (ESC/POS); "${raw.trim()}" is a forms printer: print its grid sheet with "forms calibrate --printer ${raw.trim()} --form FORM" and ask it with "printer status --printer ${raw.trim()}"`, { field: 'printer' });
      }
      const spec = parsePrinterSpec(raw);
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
  {
    name: 'printer status',
    summary: 'Ask a printer how it is: online, offline, cover open, paper near end / out (tickets: DLE EOT; dot-matrix escp:…: ESC/P status; cups:QUEUE: the queue\'s state)',
    usage: 'printer status --printer SPEC [--timeout MS]\n  SPEC: serial:… | tcp:… | usb:… | file:DIR (ticket printers), escp:… (dot-matrix forms printers), cups:QUEUE',
    options: { printer: { type: 'string' }, timeout: { type: 'string' } },
    async run(args, io) {
      const raw = requiredFlag(args, 'printer');
      const timeoutMs = intFlag(args, 'timeout', 3000, 1);
      if (/^(escp|cups|lp|windows):/i.test(raw.trim())) {
        const r = await formsPrinterStatus(raw, timeoutMs);
        const ok = r.status.state === 'online';
        (ok ? io.out : io.err)(`printer ${raw.trim()}: ${r.name}: ${r.status.summary}`);
        io.out(JSON.stringify({ printer: raw.trim(), ok, status: r.status }));
        return ok ? 0 : 1;
      }
      const spec = parsePrinterSpec(raw);
      const printer = formatPrinterSpec(spec);
      const t = openTransport(spec, { openTimeoutMs: timeoutMs });
      try {
        const status = await t.status(timeoutMs);
        const ok = status.state === 'online';
        (ok ? io.out : io.err)(`printer ${printer}: ${status.summary}`);
        io.out(JSON.stringify({ printer, ok, status }));
        return ok ? 0 : 1;
      } finally {
        await t.close();
      }
    },
  },
  {
    name: 'printer decode',
    summary: 'Show what an ESC/POS (ticket) or ESC/P-K (dot-matrix form) job file would print: text, positions, images',
    usage: 'printer decode --file JOB.bin [--json] [--escp|--escpos]',
    options: { file: { type: 'string' }, json: { type: 'boolean' }, escp: { type: 'boolean' }, escpos: { type: 'boolean' } },
    async run(args, io) {
      const file = requiredFlag(args, 'file');
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new AppError('bad-input', `cannot read ${file}: ${(e as Error).message}`, { field: 'file' });
      }
      if (args.values.escp === true || (args.values.escpos !== true && looksLikeEscp(bytes))) {
        let escp;
        try {
          escp = decodeEscp(bytes);
        } catch (e) {
          throw new AppError('bad-input', `${file} is not a complete ESC/P job: ${(e as Error).message}`, { field: 'file' });
        }
        if (args.values.json === true) {
          io.out(JSON.stringify(escp));
          return 0;
        }
        const head = escp.filter((i) => i.type === 'init' || i.type === 'kanji' || i.type === 'page-length');
        const setting = (name: string) => (escp.find((i) => i.type === 'setting' && i.name === name) as { value: number } | undefined)?.value;
        const setup = [setting('character-set') === undefined ? 'character set as on the panel' : `character set ${setting('character-set') === 0 ? 'USA (ASCII)' : `#${setting('character-set')}`}`];
        if (setting('letter-quality') === 1) setup.push('letter quality');
        if (setting('unidirectional') === 1) setup.push('unidirectional');
        io.out(`ESC/P-K job: ${escp.filter((i) => i.type === 'init').length} × ESC @, Kanji mode ${head.some((i) => i.type === 'kanji' && i.on) ? 'used' : 'not used'}, page length ${(escp.find((i) => i.type === 'page-length') as { mm?: number } | undefined)?.mm ?? '?'} mm, ${setup.join(', ')}, ${escp.filter((i) => i.type === 'form-feed').length} pages, ${escp.filter((i) => i.type === 'image').length} images`);
        let page = 0;
        for (const l of escpLines(escp)) {
          if (l.page !== page) io.out(`--- page ${(page = l.page)} ---`);
          io.out(`y ${l.y.toFixed(1).padStart(5)} mm  x ${l.x.toFixed(1).padStart(5)} mm  ${l.text}`);
        }
        for (const u of escp.filter((i) => i.type === 'unknown')) io.out(`[?${(u as { hex: string }).hex}]`);
        return 0;
      }
      let items;
      try {
        items = decodeEscPos(bytes);
      } catch (e) {
        throw new AppError('bad-input', `${file} is not a complete ESC/POS job: ${(e as Error).message}`, { field: 'file' });
      }
      if (args.values.json === true) {
        io.out(JSON.stringify(items));
        return 0;
      }
      let line = '';
      const flush = () => {
        io.out(line);
        line = '';
      };
      for (const it of items) {
        if (it.type === 'text') line += it.size.width > 1 || it.size.height > 1 ? `[${it.size.width}x${it.size.height}]${it.text}` : it.text;
        else if (it.type === 'newline') flush();
        else if (it.type === 'qr') {
          if (line) flush();
          io.out(`[QR ${it.payload}]`);
        } else if (it.type === 'image') {
          if (line) flush();
          io.out(`[image ${it.width}x${it.height}, ${it.blackDots} black dots]`);
        } else if (it.type === 'cut') {
          if (line) flush();
          io.out(`[${it.partial ? 'partial' : 'full'} cut]`);
        } else if (it.type === 'unknown') line += `[?${it.hex}]`;
      }
      if (line) flush();
      return 0;
    },
  },
];
