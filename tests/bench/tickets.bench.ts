import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { TicketDesk } from '../../src-main/node/kiosk/ticketDesk';
import { openTransport } from '../../src-main/node/printer/transport';
import { parsePrinterSpec } from '../../src-main/node/printer/spec';
import { DEMO_CONFIG, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { PrinterEmulator, startPtyPair } from '../support/pty';
import { tempDir } from '../support/tmp';
import { summarize } from './stats';

/**
 * Ticket-issue latency as a kiosk feels it: allocate the number and store the visit (SQLite,
 * synchronous=FULL), compute the list, encode the ESC/POS bytes, store the job and write it to a
 * serial printer (a real PTY pair with a reading emulator). 1,000 tickets.
 */
export async function benchTickets(): Promise<Record<string, number | string>> {
  const { dir, cleanup } = tempDir('madoguchi-bench-');
  const pty = await startPtyPair();
  const printer = await PrinterEmulator.open(pty.b);
  // The demo's stations hold 999 numbers a day; the bench station holds enough for the run.
  const cfg = JSON.parse(readFileSync(DEMO_CONFIG, 'utf8'));
  cfg.stations = [{ id: 'east', name: '東口', range: { from: 10001, to: 19999 } }];
  cfg.terminals = cfg.terminals.filter((t: { role: string; station?: string }) => t.role !== 'kiosk' || t.station === 'east');
  writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
  const terminal = openTerminal(dir);
  try {
    const desk = new TicketDesk(terminal, loadCatalog(), undefined, (spec) => openTransport(spec));
    const profile = { id: 'bench-kiosk', role: 'kiosk' as const, station: 'east', printers: { ticket: `serial:${pty.a}?baud=115200` }, kioskMode: false };
    parsePrinterSpec(profile.printers.ticket);
    const facts = { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1988-05-10', insurance: 'nhi' }, { role: 'child', birthDate: '2019-04-02' }] };
    const samples: number[] = [];
    // CPU time per ticket too (the whole process: the emulator reads the PTY in it): on a shared,
    // loaded machine wall times mostly measure the wait for a core, CPU time what a ticket costs.
    const cpu: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await desk.issue({ lang: i % 10 === 0 ? 'vi' : 'ja', priority: false, facts, adjustments: [], source: 'kiosk' }, profile, { terminal: profile.id });
      samples.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      if (r.print?.state !== 'printed') throw new Error(`ticket ${r.number} did not print: ${r.print?.message}`);
    }
    const s = summarize(samples);
    const c = summarize(cpu);
    return {
      'tickets issued': s.n,
      'issue latency p50 (ms)': s.p50,
      'issue latency p95 (ms)': s.p95,
      'issue latency mean (ms)': s.mean,
      'issue CPU p50 / p95 (ms, process)': `${c.p50.toFixed(2)} / ${c.p95.toFixed(2)}`,
      'bytes received by the printer': printer.received.length,
      note: 'store (WAL, synchronous=FULL) + guidance + ESC/POS encode (1 in 10 with a Vietnamese raster line) + job row + write to a PTY at 115200 baud',
    };
  } finally {
    terminal.close();
    await printer.close();
    await pty.kill();
    cleanup();
  }
}
