import { AppError } from '../../common/errors';

/**
 * Where a printer is, written as one string in config and on the command line:
 *   serial:/dev/ttyS0?baud=38400   (also COM3 on Windows; baud defaults to 38400;
 *                                   &flow=rtscts for printers wired with hardware flow control)
 *   tcp:192.168.1.50:9100          (port defaults to 9100)
 *   file:/var/spool/madoguchi      (each job becomes a .bin file; for testing and print servers)
 *   usb:04b8:0202                  (vendor:product id in hex)
 */
export type PrinterSpec =
  | { kind: 'serial'; path: string; baudRate: number; flow?: 'rtscts' }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'file'; dir: string }
  | { kind: 'usb'; vendorId: number; productId: number };

export const DEFAULT_BAUD = 38400;
export const DEFAULT_TCP_PORT = 9100;
const BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

const EXAMPLES = 'serial:/dev/ttyS0?baud=38400, tcp:192.168.1.50:9100, file:/var/spool/madoguchi or usb:04b8:0202';

function bad(spec: string, why: string): AppError {
  return new AppError('bad-config', `printer "${spec}": ${why} (examples: ${EXAMPLES})`, { field: 'printer' });
}

export function parsePrinterSpec(s: string): PrinterSpec {
  const spec = s.trim();
  const m = /^([a-z]+):(.*)$/i.exec(spec);
  if (!m) throw bad(spec, 'must start with serial:, tcp:, file: or usb:');
  const kind = m[1]!.toLowerCase();
  const rest = m[2]!;
  switch (kind) {
    case 'serial': {
      const [path, query] = splitOnce(rest, '?');
      if (!path) throw bad(spec, 'serial needs a port path, e.g. serial:/dev/ttyS0 or serial:COM3');
      let baudRate = DEFAULT_BAUD;
      let flow: 'rtscts' | undefined;
      if (query !== undefined) {
        for (const pair of query.split('&').filter(Boolean)) {
          const [k, v] = splitOnce(pair, '=');
          if (k === 'baud') {
            const n = Number(v);
            if (!BAUDS.includes(n)) throw bad(spec, `baud must be one of ${BAUDS.join(', ')}, got "${v ?? ''}"`);
            baudRate = n;
          } else if (k === 'flow') {
            if (v !== 'rtscts' && v !== 'none') throw bad(spec, `flow must be rtscts or none, got "${v ?? ''}"`);
            flow = v === 'rtscts' ? 'rtscts' : undefined;
          } else throw bad(spec, `unknown serial option "${k}" (allowed: baud=…, flow=rtscts)`);
        }
      }
      return flow ? { kind: 'serial', path, baudRate, flow } : { kind: 'serial', path, baudRate };
    }
    case 'tcp': {
      // [v6::addr]:port, host:port or host.
      const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
      const host = v6 ? v6[1]! : rest.includes(':') ? rest.slice(0, rest.lastIndexOf(':')) : rest;
      const portText = v6 ? v6[2] : rest.includes(':') ? rest.slice(rest.lastIndexOf(':') + 1) : undefined;
      if (!host || /[\s/]/.test(host)) throw bad(spec, 'tcp needs a host name or address, e.g. tcp:192.168.1.50:9100');
      let port = DEFAULT_TCP_PORT;
      if (portText !== undefined) {
        port = Number(portText);
        if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad(spec, `port must be 1–65535, got "${portText}"`);
      }
      return { kind: 'tcp', host, port };
    }
    case 'file': {
      if (!rest.trim()) throw bad(spec, 'file needs a folder, e.g. file:/var/spool/madoguchi');
      return { kind: 'file', dir: rest };
    }
    case 'usb': {
      const u = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$/i.exec(rest);
      if (!u) throw bad(spec, 'usb needs vendor and product ids in hex, e.g. usb:04b8:0202');
      return { kind: 'usb', vendorId: parseInt(u[1]!, 16), productId: parseInt(u[2]!, 16) };
    }
    default:
      throw bad(spec, `unknown printer kind "${kind}"`);
  }
}

export function formatPrinterSpec(p: PrinterSpec): string {
  switch (p.kind) {
    case 'serial':
      return `serial:${p.path}?baud=${p.baudRate}${p.flow ? `&flow=${p.flow}` : ''}`;
    case 'tcp':
      return `tcp:${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`;
    case 'file':
      return `file:${p.dir}`;
    case 'usb':
      return `usb:${hex4(p.vendorId)}:${hex4(p.productId)}`;
  }
}

/** Short name for messages: the port, address or folder. */
export function describePrinter(p: PrinterSpec): string {
  switch (p.kind) {
    case 'serial':
      return `serial port ${p.path}`;
    case 'tcp':
      return `network printer ${formatPrinterSpec(p).slice(4)}`;
    case 'file':
      return `folder ${p.dir}`;
    case 'usb':
      return `USB printer ${formatPrinterSpec(p).slice(4)}`;
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
