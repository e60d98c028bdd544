import { describe, expect, it } from 'vitest';
import demo from '../../../fixtures/config/demo.json';
import { parseConfig } from './schema';

const clone = () => structuredClone(demo) as Record<string, any>;

function errorOf(raw: unknown): { message: string; field?: string } {
  try {
    parseConfig(raw, 'config.json');
  } catch (e) {
    return e as { message: string; field?: string };
  }
  throw new Error('expected the config to be refused');
}

describe('terminal config', () => {
  it('accepts the demo config with disjoint kiosk stations east, west and center', () => {
    const cfg = parseConfig(demo);
    expect(cfg.stations.map((s) => s.id)).toEqual(['east', 'west', 'center']);
    expect(cfg.timeZone).toBe('Asia/Tokyo');
  });

  it.each([
    ['a role that does not exist', (c: any) => (c.terminals[0].role = 'cashier'), 'terminals[0].role'],
    ['a station id with spaces', (c: any) => (c.stations[0].id = 'east gate'), 'stations[0].id'],
    ['a range running backwards', (c: any) => (c.stations[0].range = { from: 1999, to: 1001 }), 'stations[0].range'],
    ['a kiosk without a station', (c: any) => delete c.terminals[0].station, 'terminals[0].station'],
    ['a kiosk with an unknown station', (c: any) => (c.terminals[0].station = 'north'), 'terminals[0].station'],
    ['a counter without a counter number', (c: any) => delete c.terminals[3].counter, 'terminals[3].counter'],
    ['a missing node id', (c: any) => delete c.node, 'node'],
    ['a sync URL that is not a URL', (c: any) => (c.sync = { server: 'not a url', token: '0123456789' }), 'sync.server'],
    ['two terminals with one id', (c: any) => (c.terminals[1].id = c.terminals[0].id), 'terminals[1].id'],
  ])('refuses %s, naming the field', (_name, mutate, field) => {
    const c = clone();
    mutate(c);
    const e = errorOf(c);
    expect(e.field).toBe(field);
    expect(e.message).toContain(field);
    expect(e.message).toContain('config.json');
  });

  it('refuses overlapping ranges and names both stations', () => {
    const c = clone();
    c.stations[2].range = { from: 2500, to: 3999 };
    const e = errorOf(c);
    expect(e.message).toMatch(/"west".*"center".*overlapping/);
  });
});
