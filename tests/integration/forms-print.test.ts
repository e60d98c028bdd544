import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { parseFormsPrinter, printPdf } from '../../src-main/node/forms/print';

let dir: string;
let cleanup: () => void;
const PDF = Buffer.from('%PDF-1.3\n% a tiny stand-in; the spooler only carries bytes\n%%EOF\n');

beforeEach(() => {
  ({ dir, cleanup } = tempDir('madoguchi-print-'));
});
afterEach(() => cleanup());

describe('forms printers', () => {
  it('parses file:, lp: and windows: and names the field for anything else', () => {
    expect(parseFormsPrinter('file:printer/forms')).toEqual({ kind: 'file', dir: 'printer/forms' });
    expect(parseFormsPrinter('lp:Office_A4')).toEqual({ kind: 'lp', queue: 'Office_A4' });
    expect(parseFormsPrinter('lp:')).toEqual({ kind: 'lp' });
    expect(parseFormsPrinter('windows:Canon LBP 2F')).toEqual({ kind: 'windows', printer: 'Canon LBP 2F' });
    expect(() => parseFormsPrinter('lp:bad queue;rm')).toThrow(/CUPS queue name/);
    expect(() => parseFormsPrinter('serial:/dev/ttyS0')).toThrow(expect.objectContaining({ field: 'printers.forms' }));
  });

  it('the file printer writes the whole PDF under a time-stamped name, never a half file', async () => {
    const out = await printPdf(PDF, `file:${join(dir, 'forms')}`, { ref: 'forms-2026-11-26-1001', title: 't', now: Date.parse('2026-11-26T01:02:03Z') });
    expect(out.destination).toBe(join(dir, 'forms', '20261126T010203Z-forms-2026-11-26-1001.pdf'));
    expect(readFileSync(out.destination)).toEqual(PDF);
    expect(readdirSync(join(dir, 'forms'))).toEqual(['20261126T010203Z-forms-2026-11-26-1001.pdf']);
  });

  // The exact `lp` arguments: a stand-in `lp` on PATH records what the spooler is given (queue,
  // title, options, and the bytes on stdin) and answers like CUPS does. The real spooler, with a
  // cups-pdf queue, is in forms-cups.test.ts.
  it('hands the PDF to CUPS lp with the queue and title, and reports its refusal', async () => {
    const bin = join(dir, 'bin');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'lp'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/lp-args"\ncat > "${dir}/lp-stdin"\nif [ "$2" = "Broken" ]; then echo 'lp: The printer or class does not exist.' >&2; exit 1; fi\necho "request id is $2-42 (1 file(s))"\n`,
    );
    chmodSync(join(bin, 'lp'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const ok = await printPdf(PDF, 'lp:Office_A4', { ref: 'r', title: '#1001 住民異動届' });
      expect(ok.destination).toBe('Office_A4-42');
      expect(readFileSync(join(dir, 'lp-args'), 'utf8').trim().split('\n')).toEqual(['-d', 'Office_A4', '-t', '#1001 住民異動届', '-o', 'media=A4', '-o', 'fit-to-page']);
      expect(readFileSync(join(dir, 'lp-stdin'))).toEqual(PDF);
      await expect(printPdf(PDF, 'lp:Broken', { ref: 'r', title: 't' })).rejects.toMatchObject({ code: 'printer-fault', message: expect.stringContaining('does not exist') });
    } finally {
      process.env.PATH = path;
    }
  });
});
