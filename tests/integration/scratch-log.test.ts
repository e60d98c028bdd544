/**
 * A scratch database (StoreOptions.cacheVisits, the simulated day) keeps its event log in memory:
 * appends get the HLC, seq and causal order a database file would give them, a rolled-back
 * transaction takes its events back out, and the readers that would answer from the (empty)
 * events table refuse instead.
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../src-main/node/store/store';
import { decodeHlc, encodeHlc } from '../../src-main/common/sync/hlc';

function pair(now: () => number) {
  return [Store.open({ file: ':memory:', nodeId: 'n1', site: 's1', clock: now }), Store.open({ file: ':memory:', nodeId: 'n1', site: 's1', clock: now, cacheVisits: true })] as const;
}

describe('a scratch database log', () => {
  it('appends the events a database file would, and a rollback takes its events back out', () => {
    const start = Date.parse('2025-06-16T00:00:00.000Z');
    let t = start;
    const [file, scratch] = pair(() => t);
    try {
      const appended: string[][] = [[], []];
      [file, scratch].forEach((s, i) => {
        t = start;
        s.setMeta('hlc', encodeHlc({ wall: t + 5, logical: 0 }, 'n1'));
        s.append('note.other', { n: 1, skip: undefined });
        appended[i]!.push(s.meta('hlc')!);
        s.append('note.other', { n: 2 }, { visitId: 'v1' });
        t += 30;
        s.append('note.other', { n: 3, at: new Date(t) }, { visitId: 'v2' });
        appended[i]!.push(s.meta('hlc')!);
      });
      expect(appended[1]).toEqual(appended[0]);
      const rows = scratch.scratchEvents();
      expect(rows.map((r) => [r.seq, r.hlc, r.visitId, r.payloadText, r.receivedAt])).toEqual(file.db.prepare('SELECT seq, hlc, visit_id, payload, received_at FROM events ORDER BY hlc').raw().all());
      expect(scratch.eventCount()).toBe(3);
      expect(scratch.visitLogSize('v1')).toBe(1);
      expect(scratch.visitLogSize('v3')).toBe(0);
      expect(scratch.visitEvents('v2')).toEqual(file.visitEvents('v2'));

      // Rolled back: the events, the clock and the per-visit marks are as before.
      const before = scratch.meta('hlc');
      expect(() =>
        scratch.tx(() => {
          scratch.append('note.other', { n: 4 }, { visitId: 'v1' });
          throw new Error('refused');
        }),
      ).toThrow('refused');
      expect(scratch.eventCount()).toBe(3);
      expect(scratch.meta('hlc')).toBe(before);
      expect(scratch.visitLogSize('v1')).toBe(1);
      expect(scratch.scratchEvents().at(-1)!.seq).toBe(3);
      expect(scratch.append('note.other', { n: 5 }, { visitId: 'v1' }).seq).toBe(4);
      expect(decodeHlc(scratch.meta('hlc')!).wall).toBe(t);

      // Readers of the events table refuse on a scratch database rather than answer from an empty table.
      expect(() => [...scratch.allEvents()]).toThrow(/scratch/);
      expect(() => scratch.loadOwnEvents([{ ...rows[0]!, seq: 9 }])).toThrow(/scratch/);
      expect(() => scratch.ingest([{ ...file.visitEvents('v1')[0]!, origin: 'n2' }])).toThrow(/scratch/);
      expect(() => file.scratchEvents()).toThrow(/not a scratch/);
    } finally {
      file.close();
      scratch.close();
    }
  });
});
