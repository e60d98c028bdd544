import { afterEach, describe, expect, it } from 'vitest';
import { client, demoFolder, issue, openApp, seeds } from './counter-support';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('estimated waits through the handler registry (real SQLite)', () => {
  it('the display gets an estimate per department with a line; it grows with the line', async () => {
    const now = Date.parse('2026-04-01T01:00:00Z');
    const app = openApp(demoFolder(cleanups), cleanups, { clock: () => now });
    const display = client(app, 'display-hall');
    for (let i = 0; i < 4; i++) issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    const a = (await display.call('display.state', {})).waiting.find((w) => w.department === 'shimin')!;
    expect(a.count).toBe(4);
    expect(typeof a.estimateMinutes).toBe('number');
    for (let i = 0; i < 8; i++) issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    const b = (await display.call('display.state', {})).waiting.find((w) => w.department === 'shimin')!;
    expect(b.count).toBe(12);
    expect(b.estimateMinutes!).toBeGreaterThan(a.estimateMinutes!);
  });
});
