/**
 * The payload schemas the sync server enforces must accept everything the real domain writes:
 * a simulated day through the real operations (kiosk issues, calls, items, notes, payments,
 * surveys, cancels), then retention's redaction. One refusal here would quarantine a real event.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkEventPayload, mayOriginate } from '../../src-main/common/sync/authorisation';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import { applyRetention } from '../../src-main/node/reports/retention';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { simulateDay } from '../../src-main/node/simulate/day';
import { ensureDemoSetup, openTerminal } from '../../src-main/node/terminal/dataFolder';
import { tempDir } from '../support/tmp';

describe('the sync payload schemas accept what the domain writes', () => {
  const tmp = tempDir('madoguchi-sync-schemas-');
  afterAll(() => tmp.cleanup());

  it('a simulated day, and the same day after retention, pass every check', () => {
    ensureDemoSetup(tmp.dir);
    const clock = new SimClock(localInstant('2026-06-01', '07:00', 'Asia/Tokyo'));
    const term = openTerminal(tmp.dir, { clock: clock.read });
    try {
      simulateDay(term, defaultCatalog(), clock, { date: '2026-06-01', visitors: 150, seed: 12 });
      const check = () => {
        const problems: string[] = [];
        const types = new Set<string>();
        for (const e of term.store.allEvents()) {
          types.add(e.type);
          const p = checkEventPayload(e);
          if (p) problems.push(p.message);
        }
        return { problems, types };
      };
      const before = check();
      expect(before.problems).toEqual([]);
      expect([...before.types]).toEqual(expect.arrayContaining(['visit.issued', 'visit.called', 'visit.finishedHere', 'visit.noteAdded', 'visit.paymentTaken']));
      // Every type the day wrote has an originating role in the table.
      for (const t of before.types) expect(['kiosk', 'counter', 'supervisor'].some((r) => mayOriginate(r as 'kiosk', t) === null), t).toBe(true);

      clock.now = localInstant('2026-09-01', '09:00', 'Asia/Tokyo');
      const r = applyRetention(term.store, term.config, { days: 30 });
      expect(r.days.reduce((n, d) => n + d.events, 0)).toBeGreaterThan(0);
      const after = check();
      expect(after.problems).toEqual([]);
      expect(after.types.has('report.retention')).toBe(true);
    } finally {
      term.close();
    }
  });
});
