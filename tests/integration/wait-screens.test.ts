import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoStaff } from '../../src-main/node/staff/demo';
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

  it("the supervisor's live table gets the estimate per department beside the measured waits: the display's figure", async () => {
    const now = Date.parse('2026-04-01T01:00:00Z');
    const app = openApp(demoFolder(cleanups), cleanups, { clock: () => now });
    seedDemoStaff(app.terminal);
    const supervisor = client(app, 'supervisor');
    await supervisor.signIn('super01', '9999');
    const display = client(app, 'display-hall');
    for (let i = 0; i < 3; i++) issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    issue(app, { route: ['kaigo'], items: [seeds.kaigo] });
    const a = await supervisor.call('supervisor.live', {});
    const shown = (await display.call('display.state', {})).waiting;
    for (const d of ['shimin', 'kaigo']) {
      expect(a.departments.find((x) => x.department === d)?.waiting).toBe(d === 'shimin' ? 3 : 1);
      expect(typeof a.waitEstimates![d]).toBe('number');
      expect(a.waitEstimates![d]).toBe(shown.find((w) => w.department === d)!.estimateMinutes);
    }
    for (let i = 0; i < 9; i++) issue(app, { route: ['shimin'], items: [seeds.tennyu] });
    const b = await supervisor.call('supervisor.live', {});
    expect(b.waitEstimates!.shimin!).toBeGreaterThan(a.waitEstimates!.shimin!);
    expect(b.waitEstimates!.kaigo).toBe(a.waitEstimates!.kaigo);
  });
});
