import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src-main/node/doctor/checks';
import { FormJobs } from '../../src-main/node/forms/formJobs';
import { initTerminal } from '../../src-main/node/provision/terminalConfig';
import { dbPath } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { cli, DEMO_CSV } from './residents-support';

/**
 * escp:usb:VID:PID without a printer on the bus. What runs here for real: the spec, the USB stack
 * (node `usb` 2.x / libusb through @node-escpos/usb-adapter) looking for the device, the fault
 * naming the printer with the ways round it, the job kept and reprinted elsewhere byte for byte.
 * What cannot run here: bytes reaching a real USB dot-matrix printer, the ESC/P status over its
 * bulk-in endpoint and the USB printer-class port status (no device; parseUsbPortStatus is unit-tested).
 */
let dir: string;
let cleanup: () => void;
const SPEC = 'escp:usb:04b8:0005';
/** libusb finds no such device, or (on a machine without libusb) USB is not available at all. */
const USB_FAULT = /USB printer 04b8:0005: (not found \(plugged in and switched on\?.*udev rule\)|USB support is not available on this machine).*Alternatively install the printer maker's virtual COM port driver and use serial:/;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('madoguchi-escp-usb-'));
  expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
});
afterAll(() => cleanup());

describe('ESC/P-K to a USB dot-matrix printer that is not there', () => {
  it('forms print fails naming the USB printer and the alternatives; the job is kept and reprints to another printer as it was', async () => {
    const r = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', SPEC);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^juminhyo-seikyu \(overlay, 1 pages, \d+ bytes\) → escp:usb:04b8:0005: failed — /);
    expect(r.err).toMatch(USB_FAULT);
    const jobId = /\[job ([0-9a-f-]{36})\]/.exec(r.err)![1]!;

    const folder = join(dir, 'escp-instead');
    const db = new Database(dbPath(dir));
    try {
      const jobs = new FormJobs(db);
      expect(jobs.get(jobId)).toMatchObject({ status: 'failed', printer: SPEC });
      expect(jobs.get(jobId).lastError).toMatch(USB_FAULT);
      const again = await jobs.reprint(jobId, `escp:file:${folder}`);
      expect(again).toMatchObject({ status: 'printed', reprintOf: jobId });
      const [file] = readdirSync(folder).filter((f) => f.endsWith('.bin'));
      expect(readFileSync(join(folder, file!)).equals(jobs.bytes(jobId))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('printer status and doctor say the same, with what to do', async () => {
    const st = await cli('printer', 'status', '--printer', SPEC, '--timeout', '1000');
    expect(st.code).toBe(1);
    expect(st.err).toMatch(USB_FAULT);
    expect(JSON.parse(st.out.trim()).status.state).toBe('unreachable');

    const counter = tempDir('madoguchi-escp-usb-doctor-');
    try {
      initTerminal({ dataDir: counter.dir, role: 'counter', terminalId: 'counter-shimin-1', department: 'shimin', counter: '1', formPrinters: [`juminido=${SPEC}`] });
      const line = (await runDoctor(counter.dir, { printerTimeoutMs: 1000 })).find((l) => l.check === 'printer counter-shimin-1 juminido (overlay)')!;
      expect(line.status).toBe('fail');
      expect(line.message).toMatch(/^dot-matrix printer on USB printer 04b8:0005: /);
      expect(line.message).toMatch(USB_FAULT);
      expect(line.fix).toMatch(/udev rule, or use the maker's virtual COM port driver and escp:serial:/);
    } finally {
      counter.cleanup();
    }
  });
});
