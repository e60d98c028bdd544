import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { TicketDesk } from '../../src-main/node/kiosk/ticketDesk';
import { decodeEscPos } from '../../src-main/node/printer/decode';
import { setRasterCache } from '../../src-main/node/printer/raster';
import { renderTicket } from '../../src-main/node/printer/ticketLayout';
import { openTransport } from '../../src-main/node/printer/transport';
import { DEMO_CONFIG, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { PrinterEmulator, startPtyPair } from '../support/pty';
import { tempDir } from '../support/tmp';

/**
 * The kiosk keeps the raster lines it drew (issue 15: the same procedure names and notes print all
 * day). Tickets issued through the real desk to a printer on a real PTY, the cache on and hit again
 * and again, must come out byte for byte as the same tickets drawn with the cache off.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  setRasterCache(true);
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('raster lines drawn once', () => {
  it('prints the same bytes with the cache (hit and missed) as without it, through a PTY', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const pty = await startPtyPair();
    const printer = await PrinterEmulator.open(pty.b);
    cleanups.push(() => pty.kill(), () => printer.close());
    const cfg = JSON.parse(readFileSync(DEMO_CONFIG, 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const terminal = openTerminal(dir);
    cleanups.push(() => terminal.close());
    const desk = new TicketDesk(terminal, loadCatalog(), undefined, (spec) => openTransport(spec));
    const profile = { id: 'kiosk-east', role: 'kiosk' as const, station: cfg.stations[0].id as string, printers: { ticket: `serial:${pty.a}?baud=115200` }, kioskMode: false };
    const facts = { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1988-05-10', insurance: 'nhi' }] };

    setRasterCache(true);
    const langs = ['vi', 'zh-CN', 'vi', 'pt-BR', 'vi', 'zh-CN', 'ja', 'vi'];
    const issued = [];
    for (const lang of langs) {
      const r = await desk.issue({ lang, priority: false, facts, adjustments: [], source: 'kiosk' }, profile, { terminal: profile.id });
      expect(r.print?.state).toBe('printed');
      issued.push(r);
    }
    const cut = Buffer.from([0x1d, 0x56]);
    const count = (b: Buffer) => b.toString('latin1').split(cut.toString('latin1')).length - 1;
    const received = await printer.waitFor((b) => count(b) >= langs.length);

    // The same tickets drawn with no cache at all.
    setRasterCache(false);
    const fresh = Buffer.concat(issued.map((r) => renderTicket(desk.ticketFor(r.visit, r.waitingAhead, false, r.estimatedWaitMinutes))));
    expect(received.length).toBe(fresh.length);
    expect(received.equals(fresh)).toBe(true);
    // And what the printer got decodes to tickets with their raster lines.
    const images = decodeEscPos(received).filter((i) => i.type === 'image');
    expect(images.length).toBeGreaterThanOrEqual(2 * langs.filter((l) => l !== 'ja').length);
    expect(images.every((i) => i.type === 'image' && i.blackDots > 50)).toBe(true);
  });
});
