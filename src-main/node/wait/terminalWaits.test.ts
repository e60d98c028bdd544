import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/schema';
import { Store } from '../store/store';
import { VisitService } from '../visits/service';
import { tempDir } from '../../../tests/support/tmp';
import { terminalWaits, todaysVisits } from './terminalWaits';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function open() {
  const t = tempDir();
  const store = Store.open({ file: join(t.dir, 'k.sqlite'), nodeId: 'kiosk-1', site: 'honcho' });
  cleanups.push(() => (store.close(), t.cleanup()));
  const config = parseConfig({
    site: 'honcho',
    node: { id: 'kiosk-1' },
    stations: [{ id: 'east', name: 'east', range: { from: 1001, to: 1999 } }],
    terminals: [{ id: 'kiosk-1', role: 'kiosk', station: 'east' }, { id: 'c1', role: 'counter', department: 'shimin', counter: '1' }],
  });
  return { store, visits: new VisitService(store, config) };
}

const item = (id: string, department: string) => ({ id, department, route: 'accept' as const, delivery: 'none' as const, need: 'required' as const });

describe("today's visits for the estimate, parsed once", () => {
  it('gives exactly what visitsOn gives, in its order, after issues, calls, finishes and a cancel; unchanged rows keep their parsed (frozen) state', () => {
    const { store, visits } = open();
    const by = { terminal: 'kiosk-1' };
    const issue = (route: string[]) => visits.issue({ station: 'east', lang: 'ja', priority: route.length > 2, events: ['moving-in'], facts: {}, items: route.map((d, i) => item(`p${i}`, d)), route }, by);
    const ids = [issue(['shimin']), issue(['shimin', 'hoken']), issue(['hoken', 'shimin', 'kodomo']), issue(['shimin'])].map((v) => v.id);
    expect(todaysVisits(visits)).toEqual(visits.visitsOn());
    const first = todaysVisits(visits);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(Object.isFrozen(first[0]!.route)).toBe(true);

    const called = visits.callNext('shimin', '1', { terminal: 'c1' })!;
    visits.finishHere(called.id, '1', { terminal: 'c1' }, { leftOpenReason: 'test' });
    visits.cancel(ids[3]!, 'left', by);
    issue(['kodomo']);
    const again = todaysVisits(visits);
    expect(again).toEqual(visits.visitsOn());
    // Rows whose JSON did not change are the very objects parsed before; changed ones are new.
    const before = new Map(first.map((v) => [v.id, v]));
    for (const v of again) {
      const old = before.get(v.id);
      if (old && JSON.stringify(old) === JSON.stringify(v)) expect(v).toBe(old);
      else if (old) expect(v).not.toBe(old);
    }
    expect(again.filter((v) => before.get(v.id) === v).length).toBeGreaterThan(0);
    // The estimator reads the shared states without changing them (they are frozen: a write throws).
    const w = terminalWaits(visits);
    for (const v of again) w.forVisit(v);
    expect(w.departments().length).toBeGreaterThan(0);
    expect(todaysVisits(visits)).toEqual(visits.visitsOn());
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
