import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { validateFacts } from './facts';

function fails(raw: unknown): AppError {
  try {
    validateFacts(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('bad-facts');
    return e as AppError;
  }
  throw new Error('validateFacts accepted bad facts');
}

const ok = { date: '2026-11-26', events: ['moving-in'], members: [{ role: 'applicant', birthDate: '1988-05-10' }] };

describe('validateFacts: facts that cannot be true name the field', () => {
  it.each([
    [{ ...ok, events: ['moving-in', 'wedding'] }, 'events[1]', /unknown event "wedding"/],
    [{ ...ok, events: [] }, 'events', /at least one/],
    [{ ...ok, date: '2026-02-30' }, 'date', /not a date/],
    [{ ...ok, eventDate: 'yesterday' }, 'eventDate', /not a date/],
    [{ ...ok, members: [{ role: 'applicant', birthDate: '1988-13-10' }] }, 'members[0].birthDate', /not a date/],
    [{ ...ok, members: [{ role: 'applicant', birthDate: '2026-11-27' }] }, 'members[0].birthDate', /after the visit date/],
    [{ ...ok, members: [{ role: 'deceased', birthDate: '1950-01-01' }] }, 'members[0].role', /death/],
    [{ ...ok, members: [{ role: 'newborn' }] }, 'members[0].role', /birth/],
    [{ ...ok, household: { dogs: -1 } }, 'household.dogs', /negative/],
    [{ ...ok, household: { mopeds: 1.5 } }, 'household.mopeds', /whole number/],
    [{ ...ok, members: [{ role: 'cousin' }] }, 'members[0].role', /one of/],
    [{ ...ok, members: [{ role: 'applicant', insurance: 'private' }] }, 'members[0].insurance', /one of/],
    [{ ...ok, members: [{ role: 'applicant', pregnant: 'maybe' }] }, 'members[0].pregnant', /true, false or "unknown"/],
    [{ ...ok, certificates: ['passport'] }, 'certificates[0]', /one of/],
    [{ ...ok, moveFrom: 'mars' }, 'moveFrom', /one of/],
    ['not an object', '(facts)', /object/],
  ])('%j → %s', (raw, field, msg) => {
    const e = fails(raw);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(msg);
  });
});

describe('validateFacts: defaults and warnings', () => {
  it('fills defaults (FACTS.md) and keeps "unknown"', () => {
    const { facts, warnings } = validateFacts({ date: '2026-11-26', events: ['moving-in', 'moving-in'], members: [{ role: 'applicant', careCertified: 'unknown' }] });
    expect(warnings).toEqual([]);
    expect(facts.events).toEqual(['moving-in']);
    expect(facts.eventDate).toBe('2026-11-26');
    expect(facts.moveFrom).toBe('unknown');
    expect(facts.members[0]).toMatchObject({ nationality: 'JP', insurance: 'unknown', pregnant: false, careCertified: 'unknown' });
    expect(facts.household.dogs).toBe(0);
  });
  it('reports unknown extra fields by name and does not use them', () => {
    const { facts, warnings } = validateFacts({ ...ok, colour: 'red', household: { cats: 2 }, members: [{ role: 'applicant', shoeSize: 27 }] });
    expect(warnings).toEqual(['unknown field "colour" ignored', 'unknown field "household.cats" ignored', 'unknown field "members[0].shoeSize" ignored']);
    expect(facts.members[0]).not.toHaveProperty('shoeSize');
  });
  it('date defaults to today', () => {
    expect(validateFacts({ events: ['certificate'] }, { today: '2027-01-05' }).facts.date).toBe('2027-01-05');
  });
});
