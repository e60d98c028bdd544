import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor, type CheckResult } from '../../src-main/node/doctor/checks';
import { escpStatusRequest } from '../../src-main/node/printer/escpStatus';
import { initTerminal } from '../../src-main/node/provision/terminalConfig';
import { PrinterEmulator, startPtyPair, type PtyPair } from '../support/pty';
import { tempDir } from '../support/tmp';
import { cli } from './residents-support';

/**
 * A dot-matrix forms printer's state, asked over a real serial line (socat PTY pair): the app sends
 * the ESC/P remote-mode status request, a printer emulator at the far end answers it (or not).
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function printerOnPty(escpReply: string | null): Promise<{ pty: PtyPair; printer: PrinterEmulator }> {
  const pty = await startPtyPair();
  cleanups.push(() => pty.kill());
  const printer = await PrinterEmulator.open(pty.b, { status: null, escpReply: escpReply === null ? null : Buffer.from(escpReply, 'latin1') });
  cleanups.push(() => printer.close());
  return { pty, printer };
}

function counterFolder(formPrinters: Record<string, { printer: string; mode: 'full' | 'overlay' }>): string {
  const { dir, cleanup } = tempDir('madoguchi-forms-status-');
  cleanups.push(cleanup);
  initTerminal({ dataDir: dir, role: 'counter', terminalId: 'counter-shimin-1', department: 'shimin', counter: '1' });
  const file = join(dir, 'config.json');
  const c = JSON.parse(readFileSync(file, 'utf8'));
  c.terminals[0].formPrinters = formPrinters;
  writeFileSync(file, JSON.stringify(c, null, 2));
  return dir;
}

const printerLines = (rs: CheckResult[]) => rs.filter((r) => r.check.startsWith('printer'));

describe('dot-matrix printer status over a serial line', () => {
  it('printer status --printer escp:serial:… sends the remote-mode request and reads an idle printer as online', async () => {
    const { pty, printer } = await printerOnPty('@BDC ST\r\nST:04;\f');
    const r = await cli('printer', 'status', '--printer', `escp:serial:${pty.a}?baud=9600`, '--timeout', '3000');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`dot-matrix printer on serial port ${pty.a}: online`);
    // The request reached the printer byte for byte, and nothing else did (no ESC @, no paper moved).
    await printer.waitFor((b) => b.length >= escpStatusRequest().length);
    expect(printer.received.equals(escpStatusRequest())).toBe(true);
  });

  it('paper out is reported with exit 1; a printer that never answers is "no answer", not online', async () => {
    const out = await printerOnPty('@BDC ST\r\nST:00;ER:06;\f');
    const r = await cli('printer', 'status', '--printer', `escp:serial:${out.pty.a}?baud=9600`, '--timeout', '3000');
    expect(r.code).toBe(1);
    expect(r.err).toContain('paper out');
    expect(JSON.parse(r.out.trim()).status).toMatchObject({ state: 'offline', paper: 'out' });

    // printer test is for ticket printers; a forms printer is pointed to its grid sheet and status instead.
    const t = await cli('printer', 'test', '--printer', `escp:serial:${out.pty.a}?baud=9600`);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/is a forms printer: print its grid sheet with "forms calibrate --printer escp:serial:.* --form FORM"/);

    const silent = await printerOnPty(null);
    const s = await cli('printer', 'status', '--printer', `escp:serial:${silent.pty.a}?baud=9600`, '--timeout', '400');
    expect(s.code).toBe(1);
    expect(s.err).toContain('no ESC/P status answer within 400 ms');
  });
});

describe('doctor checks the forms printers of formPrinters and printers.forms', () => {
  it('one line per forms printer: paper out fails with what to do, a silent dot-matrix printer warns, a missing port fails', async () => {
    const paperOut = await printerOnPty('@BDC ST\r\nST:00;ER:06;\f');
    const silent = await printerOnPty(null);
    const links = tempDir('madoguchi-forms-status-links-');
    cleanups.push(links.cleanup);
    const gone = join(links.dir, 'ttyUSB9');
    const dir = counterFolder({
      juminido: { printer: `escp:serial:${paperOut.pty.a}?baud=9600`, mode: 'overlay' },
      'juminhyo-seikyu': { printer: `escp:serial:${silent.pty.a}?baud=9600`, mode: 'overlay' },
      'inkan-shomei-seikyu': { printer: `escp:serial:${gone}?baud=9600`, mode: 'overlay' },
      'zei-shomei-shinsei': { printer: 'escp:file:printer/escp', mode: 'overlay' },
    });
    const rs = printerLines(await runDoctor(dir, { printerTimeoutMs: 4000 }));
    const line = (form: string) => rs.find((r) => r.check === `printer counter-shimin-1 ${form} (overlay)`)!;
    expect(line('juminido')).toMatchObject({ status: 'fail', message: `dot-matrix printer on serial port ${paperOut.pty.a}: paper out` });
    expect(line('juminido').fix).toMatch(/^load forms/);
    expect(line('juminhyo-seikyu')).toMatchObject({ status: 'warn' });
    expect(line('juminhyo-seikyu').message).toContain('the port opens, but the printer does not report its paper and cover');
    expect(line('inkan-shomei-seikyu')).toMatchObject({ status: 'fail', message: `dot-matrix printer on serial port ${gone}: the serial port ${gone} does not exist (USB-serial cable unplugged, or another port name)` });
    expect(line('inkan-shomei-seikyu').fix).toMatch(/plug the USB-serial cable in/);
    // escp:file: is relative to the data folder, and a writable folder is online.
    expect(line('zei-shomei-shinsei')).toMatchObject({ status: 'ok', message: `dot-matrix printer on folder ${join(dir, 'printer/escp')}: online` });
  });

  it('two forms on one printer share one line naming both', async () => {
    const ok = await printerOnPty('@BDC ST\r\nST:04;\f');
    const spec = `escp:serial:${ok.pty.a}?baud=9600`;
    const dir = counterFolder({ juminido: { printer: spec, mode: 'overlay' }, 'juminhyo-seikyu': { printer: spec, mode: 'overlay' } });
    const rs = printerLines(await runDoctor(dir, { printerTimeoutMs: 4000 }));
    expect(rs).toEqual([{ check: 'printer counter-shimin-1 juminido (overlay), counter-shimin-1 juminhyo-seikyu (overlay)', status: 'ok', message: `dot-matrix printer on serial port ${ok.pty.a}: online` }]);
  });
});
