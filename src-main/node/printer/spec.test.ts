import { describe, expect, test } from 'vitest';
import { AppError } from '../../common/errors';
import { formatPrinterSpec, parsePrinterSpec } from './spec';

describe('parsePrinterSpec', () => {
  test('reads every kind', () => {
    expect(parsePrinterSpec('serial:/dev/ttyS0?baud=38400')).toEqual({ kind: 'serial', path: '/dev/ttyS0', baudRate: 38400 });
    expect(parsePrinterSpec('serial:COM3')).toEqual({ kind: 'serial', path: 'COM3', baudRate: 38400 });
    expect(parsePrinterSpec('serial:/dev/ttyUSB0?baud=9600')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 });
    expect(parsePrinterSpec('serial:/dev/ttyS1?baud=19200&flow=rtscts')).toEqual({ kind: 'serial', path: '/dev/ttyS1', baudRate: 19200, flow: 'rtscts' });
    expect(parsePrinterSpec('serial:/dev/ttyS1?flow=none')).toEqual({ kind: 'serial', path: '/dev/ttyS1', baudRate: 38400 });
    expect(parsePrinterSpec('tcp:192.168.1.50:9100')).toEqual({ kind: 'tcp', host: '192.168.1.50', port: 9100 });
    expect(parsePrinterSpec('tcp:printer.local')).toEqual({ kind: 'tcp', host: 'printer.local', port: 9100 });
    expect(parsePrinterSpec('tcp:[::1]:9101')).toEqual({ kind: 'tcp', host: '::1', port: 9101 });
    expect(parsePrinterSpec('file:/var/spool/madoguchi')).toEqual({ kind: 'file', dir: '/var/spool/madoguchi' });
    expect(parsePrinterSpec('usb:04b8:0202')).toEqual({ kind: 'usb', vendorId: 0x04b8, productId: 0x0202 });
  });

  test('formats back to the same string', () => {
    for (const s of ['serial:/dev/ttyS0?baud=38400', 'serial:COM3?baud=9600&flow=rtscts', 'tcp:10.0.0.5:9100', 'tcp:[::1]:9101', 'file:/tmp/x', 'usb:04b8:0e15']) {
      expect(formatPrinterSpec(parsePrinterSpec(s))).toBe(s);
    }
  });

  test.each([
    ['', /must start with/],
    ['lpt:1', /unknown printer kind "lpt"/],
    ['serial:', /needs a port path/],
    ['serial:/dev/ttyS0?baud=12345', /baud must be one of/],
    ['serial:/dev/ttyS0?parity=even', /unknown serial option "parity"/],
    ['serial:/dev/ttyS0?flow=xonxoff', /flow must be rtscts or none/],
    ['tcp::9100', /host name/],
    ['tcp:host:99999', /port must be 1–65535/],
    ['tcp:host:abc', /port must be/],
    ['file:', /needs a folder/],
    ['usb:04b8', /vendor and product ids in hex/],
    ['usb:zzzz:0202', /vendor and product ids in hex/],
  ])('refuses %j with a bad-config error on field printer', (s, msg) => {
    let err: unknown;
    try {
      parsePrinterSpec(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad-config');
    expect((err as AppError).field).toBe('printer');
    expect((err as AppError).message).toMatch(msg);
  });
});
