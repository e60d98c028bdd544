import { AUDIT_EVENT } from '../audit/event';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../config/schema';
import { VISIT_EVENT_TYPES } from '../visit/events';
import { EVENT_RULES, EVENT_TYPES, QUARANTINED_EVENT, RETENTION_EVENT_TYPE, SKIPPED_EVENT, WITHHELD_EVENT, checkEventPayload, eventForRole, mayOriginate } from './authorisation';
import { LIMITS, type WireEvent } from './protocol';

const issued = (over: Record<string, unknown> = {}) => ({
  visitId: 'v-1',
  businessDate: '2026-11-27',
  station: 'east',
  number: 1001,
  lang: 'ja',
  priority: false,
  events: ['moving-in'],
  facts: { household: [{ age: 34 }] },
  items: [],
  route: ['shimin'],
  adjustments: [{ itemId: 'juminhyo', action: 'added', reason: '本人の希望' }],
  source: 'kiosk',
  at: '2026-11-27T00:30:00.000Z',
  by: { terminal: 'kiosk-east' },
  ...over,
});
const wire = (type: string, payload: unknown): WireEvent => ({ origin: 'kiosk-east', seq: 7, hlc: '001764203400000.000000.kiosk-east', type, site: 'honcho', visitId: 'v-1', payload: payload as object });

describe('the authorisation table', () => {
  it('has an entry for every event type of the union, every type a terminal writes, and every role', () => {
    // A new event type without an entry fails here (and at compile time for visit events).
    for (const t of [...VISIT_EVENT_TYPES, RETENTION_EVENT_TYPE, AUDIT_EVENT, SKIPPED_EVENT, WITHHELD_EVENT, QUARANTINED_EVENT]) expect(EVENT_TYPES).toContain(t);
    expect(EVENT_TYPES.length).toBe(VISIT_EVENT_TYPES.length + 5);
    for (const t of EVENT_TYPES) {
      const rule = EVENT_RULES[t];
      expect(Object.keys(rule.pull).sort(), t).toEqual([...ROLES].sort());
      for (const r of rule.originate) expect(ROLES, t).toContain(r);
    }
  });

  it('lets only counters (and admins) call, and refuses a kiosk naming the type and the role', () => {
    expect(mayOriginate('counter', 'visit.called')).toBeNull();
    expect(mayOriginate('kiosk', 'visit.called')).toMatch(/a kiosk terminal may not originate "visit\.called" events \(allowed: counter, admin\)/);
    expect(mayOriginate('kiosk', 'visit.cancelled')).toBeNull();
    expect(mayOriginate('display', 'visit.issued')).toMatch(/display/);
    expect(mayOriginate('counter', WITHHELD_EVENT)).toMatch(/never sent by a terminal/);
    expect(mayOriginate('admin', 'visit.nonsense')).toMatch(/unknown event type/);
  });

  it('validates payloads with the fold schemas, naming the event and the field', () => {
    expect(checkEventPayload(wire('visit.issued', issued()))).toBeNull();
    expect(checkEventPayload(wire('visit.issued', issued({ number: 'x' })))).toMatchObject({ code: 'invalid-event', field: 'payload.number', message: expect.stringMatching(/^event kiosk-east#7 \(visit\.issued\): payload\.number: /) });
    expect(checkEventPayload(wire('visit.issued', issued({ events: undefined })))).toMatchObject({ field: 'payload.events' });
    expect(checkEventPayload(wire('visit.called', { visitId: 'v-1', at: 'x'.repeat(20), by: { terminal: 'c' }, department: 'shimin' }))).toMatchObject({ field: 'payload.counter' });
    expect(checkEventPayload(wire('visit.cancelled', { visitId: 'v-1', at: '2026-11-27T00:30:00.000Z', by: { terminal: 'k' }, reason: 'r'.repeat(30_000) }))).toMatchObject({ field: 'payload.reason' });
    expect(checkEventPayload(wire('visit.issued', issued({ facts: { pad: 'x'.repeat(LIMITS.maxPayloadBytes) } })))).toMatchObject({ code: 'event-too-large' });
    expect(checkEventPayload(wire('visit.teleported', {}))).toMatchObject({ code: 'unknown-type', field: 'type' });
    // Filed under one visit, about another: it would fold into the wrong visit.
    expect(checkEventPayload({ ...wire('visit.issued', issued()), visitId: 'v-2' })).toMatchObject({ code: 'invalid-event', field: 'visitId' });
    // Retention's redaction stays valid: a redacted payload is still a payload.
    expect(checkEventPayload(wire('visit.issued', issued({ facts: null, adjustments: [{ itemId: 'juminhyo', action: 'added', reason: '' }], redacted: true })))).toBeNull();
  });

  it('gives a display the queue and nothing personal; counters get everything', () => {
    const e = wire('visit.issued', issued());
    expect(eventForRole('counter', e)).toBe(e);
    const shown = eventForRole('display', e);
    expect(shown.payload).toMatchObject({ facts: null, number: 1001, redacted: true });
    expect(JSON.stringify(shown.payload)).not.toContain('本人の希望');
    const attached = wire('visit.membersAttached', { visitId: 'v-1', at: '2026-11-27T00:30:00.000Z', by: { terminal: 'counter-1' }, residentIds: ['r-1'], facts: { birthDate: '1990-01-01' }, items: [] });
    expect(eventForRole('display', attached).payload).toMatchObject({ residentIds: [], facts: null });
    const note = wire('visit.noteAdded', { visitId: 'v-1', at: '2026-11-27T00:30:00.000Z', by: { terminal: 'counter-1' }, noteId: 'n', department: 'shimin', text: '住所変更の相談' });
    expect(eventForRole('display', note)).toEqual({ ...note, type: WITHHELD_EVENT, visitId: null, payload: {} });
    expect(eventForRole('kiosk', note).type).toBe(WITHHELD_EVENT);
    // A placeholder keeps origin, seq and clock: the pulling terminal's version vector moves on.
    expect(checkEventPayload(eventForRole('display', note))).toBeNull();
    for (const t of EVENT_TYPES) if (t !== WITHHELD_EVENT) expect(JSON.stringify(eventForRole('display', wire(t, {})).payload)).not.toMatch(/birth|address/);
  });
});
