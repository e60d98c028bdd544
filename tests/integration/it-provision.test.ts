import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';
import { cli } from './it-support';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function dir(): string {
  const t = tempDir('madoguchi-prov-');
  cleanups.push(t.cleanup);
  return t.dir;
}

const site = {
  site: 'honcho',
  cityName: '伊勢崎市',
  stations: [
    { id: 'east', name: '東口', range: { from: 1001, to: 1999 } },
    { id: 'west', name: '西口', range: { from: 2001, to: 2999 } },
  ],
  updates: { url: 'http://updates.lan/madoguchi/', publisherName: ['Isesaki City'] },
  // Never taken from site.json: a terminal's own identity and profile.
  node: { id: 'should-not-be-used' },
  terminals: [{ id: 'x', role: 'display' }],
};

describe('madoguchi terminal init', () => {
  it('writes a validated single-terminal config: node id = terminal id, demo stations, file printer folder', async () => {
    const d = dir();
    const r = await cli(['terminal', 'init', '--data', d, '--role', 'kiosk', '--terminal', 'kiosk-east-1', '--station', 'east', '--printer', 'file:printer/ticket', '--language', 'en']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out[0]).toMatch(/^wrote .*config\.json: terminal "kiosk-east-1" \(kiosk, station east\), stations from .*fixtures\/config\/demo\.json$/);
    const c = readConfigFile(join(d, 'config.json'));
    expect(c.node.id).toBe('kiosk-east-1');
    expect(c.terminals).toEqual([{ id: 'kiosk-east-1', role: 'kiosk', station: 'east', printers: { ticket: 'file:printer/ticket' }, language: 'en', kioskMode: true }]);
    expect(c.stations.map((s) => s.id)).toEqual(['east', 'west', 'center']);
    expect(existsSync(join(d, 'printer', 'ticket'))).toBe(true);
  });

  it('sets up a counter with its forms printer and sync server; kiosk mode only for kiosks and displays', async () => {
    const d = dir();
    const r = await cli(['terminal', 'init', '--data', d, '--role', 'counter', '--terminal', 'counter-shimin-3', '--department', 'shimin', '--counter', '3', '--printer', 'cups:Shimin_A4', '--server', 'http://sync.lan:8787/', '--token', 'tok-0123456789']);
    expect(r.code, r.err.join('\n')).toBe(0);
    const c = readConfigFile(join(d, 'config.json'));
    expect(c.terminals[0]).toMatchObject({ role: 'counter', department: 'shimin', counter: '3', printers: { forms: 'cups:Shimin_A4' }, kioskMode: false });
    expect(c.sync).toEqual({ server: 'http://sync.lan:8787/', token: 'tok-0123456789' });
    const disp = dir();
    expect((await cli(['terminal', 'init', '--data', disp, '--role', 'display', '--terminal', 'display-hall'])).code).toBe(0);
    expect(readConfigFile(join(disp, 'config.json')).terminals[0]!.kioskMode).toBe(true);
  });

  it('maps forms to their own printers with --form-printer: dot-matrix always as the overlay, pre-printed stock as asked', async () => {
    const d = dir();
    const r = await cli(['terminal', 'init', '--data', d, '--role', 'counter', '--terminal', 'counter-shimin-1', '--department', 'shimin', '--counter', '1', '--printer', 'cups:Shimin_A4',
      '--form-printer', 'juminhyo-seikyu=escp:serial:/dev/ttyUSB1?baud=9600', '--form-printer', 'inkan-shomei-seikyu:overlay=cups:Tray2_Preprinted', '--form-printer', 'juminido=escp:file:printer/escp']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out).toContain("form juminhyo-seikyu prints on escp:serial:/dev/ttyUSB1?baud=9600 (overlay: the data on the city's own form)");
    expect(readConfigFile(join(d, 'config.json')).terminals[0]!.formPrinters).toEqual({
      'juminhyo-seikyu': { printer: 'escp:serial:/dev/ttyUSB1?baud=9600', mode: 'overlay' },
      'inkan-shomei-seikyu': { printer: 'cups:Tray2_Preprinted', mode: 'overlay' },
      juminido: { printer: 'escp:file:printer/escp', mode: 'overlay' },
    });
    // The dot-matrix folder printer exists before its first job, like a ticket folder printer.
    expect(existsSync(join(d, 'printer', 'escp'))).toBe(true);
  });

  it.each([
    [['--form-printer', 'juminido'], /form-printer: --form-printer "juminido": write FORM=SPEC or FORM:overlay=SPEC/],
    [['--form-printer', 'juminido=serial:/dev/ttyUSB0'], /form-printer: .*forms printer "serial:\/dev\/ttyUSB0": unknown kind "serial"/],
    [['--form-printer', 'juminido:full=escp:tcp:10.0.0.9:9100'], /form-printer: .*a dot-matrix printer \(escp:\) prints the data on the city's own form only/],
    [['--form-printer', 'no-such-form=cups:A4'], /form-printer: --form-printer: no form "no-such-form" \(the forms are: .*juminido/],
    [['--form-printer', 'juminido=cups:A4', '--form-printer', 'juminido=cups:B'], /names the form "juminido" twice/],
    [['--form-printer', 'inkan-toroku-shinsei=escp:tcp:10.0.0.9:9100'], /form-printer: --form-printer: form "inkan-toroku-shinsei" has no overlay layout, so it cannot print on a dot-matrix printer \(forms with one: .*juminido/],
    [['--printer', 'tcp:10.0.0.5:9100'], /printer: .*forms printers: escp:serial/],
  ])('refuses a bad forms printer naming the field: %j', async (args, message) => {
    const d = dir();
    const r = await cli(['terminal', 'init', '--data', d, '--role', 'counter', '--terminal', 'c1', '--department', 'shimin', '--counter', '1', ...args]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(message);
    expect(existsSync(join(d, 'config.json'))).toBe(false);
  });

  it('takes stations and site settings from a central folder, never the terminal identity', async () => {
    const central = dir();
    writeFileSync(join(central, 'site.json'), JSON.stringify(site));
    const d = dir();
    const r = await cli(['terminal', 'init', '--data', d, '--role', 'kiosk', '--terminal', 'kiosk-west-2', '--station', 'west', '--from-central', central]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const c = readConfigFile(join(d, 'config.json'));
    expect(c.stations.map((s) => s.id)).toEqual(['east', 'west']);
    expect(c.updates).toMatchObject({ url: 'http://updates.lan/madoguchi/', publisherName: ['Isesaki City'], enabled: true });
    expect(c.node.id).toBe('kiosk-west-2');
    expect(c.terminals.map((t) => t.id)).toEqual(['kiosk-west-2']);
  });

  it.each([
    [['--role', 'janitor', '--terminal', 't1'], /^madoguchi terminal init: role: --role must be one of kiosk, counter, display, supervisor, admin, got "janitor"$/],
    [['--role', 'kiosk'], /terminal: --terminal is required/],
    [['--role', 'kiosk', '--terminal', 'k1'], /terminals\[0\]\.station: a kiosk needs the station/],
    [['--role', 'kiosk', '--terminal', 'k1', '--station', 'north'], /terminals\[0\]\.station: unknown station "north" \(known: east, west, center\)/],
    [['--role', 'counter', '--terminal', 'c1', '--department', 'shimin'], /terminals\[0\]\.counter: .*a counter terminal needs/],
    [['--role', 'kiosk', '--terminal', 'Kiosk 1', '--station', 'east'], /node\.id: must be lower-case/],
    [['--role', 'kiosk', '--terminal', 'k1', '--station', 'east', '--printer', 'lpt:1'], /printer: printer "lpt:1": unknown printer kind "lpt"/],
    [['--role', 'kiosk', '--terminal', 'k1', '--station', 'east', '--server', 'http://x/'], /token: --server and --token go together/],
    [['--role', 'kiosk', '--terminal', 'k1', '--station', 'east', '--server', 'not a url', '--token', 'abcdefghij'], /sync\.server/],
  ])('refuses bad input naming the field: %j', async (args, message) => {
    const d = dir();
    const r = await cli(['terminal', 'init', '--data', d, ...args]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(message);
    expect(existsSync(join(d, 'config.json'))).toBe(false);
  });

  it('refuses overlapping station ranges from a central folder, naming both stations', async () => {
    const central = dir();
    writeFileSync(join(central, 'site.json'), JSON.stringify({ ...site, stations: [site.stations[0], { id: 'west', name: '西口', range: { from: 1900, to: 2999 } }] }));
    const r = await cli(['terminal', 'init', '--data', dir(), '--role', 'display', '--terminal', 'd1', '--from-central', central]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/stations "east" \(1001–1999\) and "west" \(1900–2999\) have overlapping ticket ranges/);
  });

  it('does not overwrite a config without --force, and keeps the old one when forced', async () => {
    const d = dir();
    const base = ['terminal', 'init', '--data', d, '--role', 'kiosk', '--terminal', 'kiosk-east-1', '--station', 'east'];
    expect((await cli(base)).code).toBe(0);
    const again = await cli([...base.slice(0, -1), 'west']);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/already exists\. Use --force/);
    const forced = await cli([...base.slice(0, -1), 'west', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.out[1]).toMatch(/kept the previous config as .*config\.\d{8}-\d{6}Z\.bak\.json/);
    const bak = readdirSync(d).find((f) => f.endsWith('.bak.json'))!;
    expect(JSON.parse(readFileSync(join(d, bak), 'utf8')).terminals[0].station).toBe('east');
    expect(readConfigFile(join(d, 'config.json')).terminals[0]!.station).toBe('west');
  });
});

describe('madoguchi terminal pull-config', () => {
  async function provisioned(): Promise<{ d: string; central: string }> {
    const d = dir();
    const central = dir();
    expect((await cli(['terminal', 'init', '--data', d, '--role', 'kiosk', '--terminal', 'kiosk-east-1', '--station', 'east'])).code).toBe(0);
    return { d, central };
  }

  it('applies site.json over the current config, validated, keeping the old one', async () => {
    const { d, central } = await provisioned();
    writeFileSync(join(central, 'site.json'), JSON.stringify(site));
    const r = await cli(['terminal', 'pull-config', '--data', d, '--from', central]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out[0]).toMatch(/^updated .*config\.json from .*site\.json; the previous config is kept as .*\.bak\.json\. Restart the app to use it\.$/);
    const c = readConfigFile(join(d, 'config.json'));
    expect(c.stations.map((s) => s.id)).toEqual(['east', 'west']);
    expect(c.terminals[0]!.id).toBe('kiosk-east-1');
    const again = await cli(['terminal', 'pull-config', '--data', d, '--from', central]);
    expect(again.out[0]).toMatch(/already matches .*nothing to do/);
  });

  it("prefers the terminal's own file in terminals/<id>.json", async () => {
    const { d, central } = await provisioned();
    mkdirSync(join(central, 'terminals'));
    const own = { node: { id: 'kiosk-east-1' }, stations: site.stations, terminals: [{ id: 'kiosk-east-1', role: 'kiosk', station: 'west', kioskMode: true }] };
    writeFileSync(join(central, 'terminals', 'kiosk-east-1.json'), JSON.stringify(own));
    writeFileSync(join(central, 'site.json'), JSON.stringify(site));
    expect((await cli(['terminal', 'pull-config', '--data', d, '--from', central])).code).toBe(0);
    expect(readConfigFile(join(d, 'config.json')).terminals[0]!.station).toBe('west');
  });

  it('refuses an invalid central config or a changed node id, leaving the current one untouched', async () => {
    const { d, central } = await provisioned();
    const before = readFileSync(join(d, 'config.json'), 'utf8');
    mkdirSync(join(central, 'terminals'));
    writeFileSync(join(central, 'terminals', 'kiosk-east-1.json'), JSON.stringify({ node: { id: 'kiosk-east-1' }, stations: site.stations, terminals: [{ id: 'kiosk-east-1', role: 'kiosk', station: 'south' }] }));
    const bad = await cli(['terminal', 'pull-config', '--data', d, '--from', central]);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/terminals\[0\]\.station: unknown station "south"/);
    writeFileSync(join(central, 'terminals', 'kiosk-east-1.json'), JSON.stringify({ node: { id: 'kiosk-east-9' }, stations: site.stations, terminals: [{ id: 'kiosk-east-1', role: 'kiosk', station: 'east' }] }));
    const moved = await cli(['terminal', 'pull-config', '--data', d, '--from', central]);
    expect(moved.code).toBe(2);
    expect(moved.err[0]).toMatch(/node\.id: is "kiosk-east-9" but this terminal's database belongs to "kiosk-east-1"/);
    writeFileSync(join(central, 'terminals', 'kiosk-east-1.json'), '{ not json');
    expect((await cli(['terminal', 'pull-config', '--data', d, '--from', central])).code).toBe(2);
    expect(readFileSync(join(d, 'config.json'), 'utf8')).toBe(before);
    expect(readdirSync(d).filter((f) => f.endsWith('.bak.json'))).toEqual([]);
    const empty = await cli(['terminal', 'pull-config', '--data', d, '--from', dir()]);
    expect(empty.code).toBe(2);
    expect(empty.err[0]).toMatch(/has neither terminals\/kiosk-east-1\.json nor site\.json/);
  });
});
