import { describe, expect, it } from 'vitest';
import bring from '../../../fixtures/catalog/bring.json';
import departments from '../../../fixtures/catalog/departments.json';
import forms from '../../../fixtures/catalog/forms.json';
import online from '../../../fixtures/catalog/online.json';
import procedures from '../../../fixtures/catalog/procedures.json';
import questions from '../../../fixtures/catalog/questions.json';
import ja from '../../../locales/ja/catalog.json';
import en from '../../../locales/en/catalog.json';
import { parseCatalog } from '../catalog/parse';
import type { CatalogBundle } from '../catalog/types';
import { AppError } from '../errors';
import { guide, visitRoute } from './guide';

/** The browser path: JSON imported as modules and parsed by the same schema, no file system. */
const bundle: CatalogBundle = { departments, procedures, bring, online, forms, questions, locales: { ja, en } };

function withProcedures(list: unknown[]): CatalogBundle {
  return { ...bundle, procedures: { procedures: list } };
}

const base = { department: 'shimin', route: 'accept', delivery: 'none', deadline: null };

describe('parseCatalog on imported JSON', () => {
  it('parses the shipped catalog', () => {
    const c = parseCatalog(bundle);
    expect(c.procedures).toHaveLength(59);
    expect(c.languages).toEqual(['ja', 'en']);
  });
  it('names the file and JSON path of a fault', () => {
    const bad = withProcedures([{ ...base, id: 'tennyu', appearsWhen: [{ events: ['moving-in'], if: { members: { ageClass: 'teen' } } }] }]);
    try {
      parseCatalog(bad);
      throw new Error('accepted');
    } catch (e) {
      expect((e as AppError).code).toBe('bad-catalog');
      expect((e as AppError).field).toBe('procedures.json:procedures[0].appearsWhen[0].if.members.ageClass');
      expect((e as AppError).message).toMatch(/unknown age class "teen"/);
    }
  });
});

describe('the condition language', () => {
  const d = '2026-11-26';
  const run = (proc: Record<string, unknown>, facts: Record<string, unknown>) => {
    const c = parseCatalog(withProcedures([{ ...base, id: 'tennyu', ...proc }]));
    return guide({ date: d, ...facts }, c).procedures;
  };

  it('per-event route and delivery, and an override that sends it to the department (パターン分岐により③)', () => {
    const proc = {
      appearsWhen: [
        { events: ['moving-in'], delivery: 'later', overrides: [{ if: { fact: 'moveFrom', eq: 'abroad' }, route: 'refer' }] },
        { events: ['moving-within'], route: 'proxy' },
      ],
    };
    expect(run(proc, { events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant' }] })[0]).toMatchObject({ route: 'accept', delivery: 'later' });
    expect(run(proc, { events: ['moving-in'], moveFrom: 'abroad', members: [{ role: 'applicant' }] })[0]).toMatchObject({ route: 'refer', delivery: 'later', counter: '1' });
    expect(run(proc, { events: ['moving-within'], members: [{ role: 'applicant' }] })[0]).toMatchObject({ route: 'proxy', delivery: 'none' });
  });

  it('route none takes a procedure off every list (⑤ 対象外)', () => {
    expect(run({ route: 'none', appearsWhen: [{ events: ['moving-in'] }] }, { events: ['moving-in'], members: [] })).toEqual([]);
    expect(run({ appearsWhen: [{ events: ['moving-in'], route: 'none' }] }, { events: ['moving-in'], members: [] })).toEqual([]);
  });

  it('counts with min and max, three-valued', () => {
    const proc = { appearsWhen: [{ events: ['death'], if: { members: { age: { gte: 15 } }, min: 2, max: 3 } }] };
    const m = (bd?: string) => ({ role: 'child', ...(bd ? { birthDate: bd } : {}) });
    const dec = { role: 'deceased', birthDate: '1940-01-01' };
    const status = (members: unknown[]) => run(proc, { events: ['death'], members: [...members, dec] })[0]?.status;
    expect(status([m('2000-01-01')])).toBeUndefined();
    expect(status([m('2000-01-01'), m('2001-01-01')])).toBe('required');
    expect(status([m('2000-01-01'), m()])).toBe('to-confirm');
    expect(status([m('2000-01-01'), m('2001-01-01'), m('2002-01-01'), m('2003-01-01')])).toBeUndefined();
    expect(status([m('2000-01-01'), m('2001-01-01'), m('2002-01-01'), m()])).toBe('to-confirm');
    // the deceased is not counted among remaining members
    expect(status([m('2000-01-01')].concat([{ role: 'deceased', birthDate: '1950-01-01' } as never]))).toBeUndefined();
  });

  it('not/any/all with unknowns: a known answer settles what it can', () => {
    const proc = { appearsWhen: [{ events: ['moving-in'], if: { any: [{ fact: 'household.dogs', gt: 0 }, { not: { fact: 'moveFrom', eq: 'other-municipality' } }] } }] };
    const st = (facts: Record<string, unknown>) => run(proc, { events: ['moving-in'], members: [], ...facts })[0]?.status;
    expect(st({ moveFrom: 'abroad', household: { dogs: 'unknown' } })).toBe('required');
    expect(st({ moveFrom: 'unknown', household: { dogs: 0 } })).toBe('to-confirm');
    expect(st({ moveFrom: 'other-municipality', household: { dogs: 0 } })).toBeUndefined();
    expect(st({ moveFrom: 'other-municipality', household: { dogs: 'unknown' } })).toBe('to-confirm');
  });

  it('names come in the requested language with Japanese as the fallback; the route lists places once', () => {
    const c = parseCatalog(bundle);
    const r = guide({ date: d, events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1990-01-01', insurance: 'nhi' }], household: { mopeds: 1 } }, c, { lang: 'en' });
    expect(r.procedures[0]!.name).toBe('Moving-in notification (転入届)');
    expect(guide({ date: d, events: ['birth'], members: [{ role: 'newborn' }] }, c, { lang: 'xx' }).procedures[0]!.name).toBe('出生届');
    expect(visitRoute(r.procedures, c)).toEqual(['shimin', 'shiminzei']);
  });

  it('shows an online option once the city configures its address, labelled in the visitor language', () => {
    const configured = { ...online, options: online.options.map((o) => (o.id === 'mynaportal-hikkoshi' ? { ...o, url: 'https://city.example/hikkoshi' } : o)) };
    const c = parseCatalog({ ...bundle, online: configured });
    const item = guide({ date: d, events: ['moving-out'], moveTo: 'other-municipality', members: [{ role: 'applicant' }] }, c, { lang: 'en' }).procedures.find((p) => p.id === 'tenshutsu')!;
    expect(item.online).toEqual([{ id: 'mynaportal-hikkoshi', kind: 'mynaportal', url: 'https://city.example/hikkoshi', label: 'Mynaportal moving one-stop service' }]);
    const insecure = { ...online, options: [...online.options, { id: 'x', kind: 'other', url: 'http://insecure.example' }] };
    expect(() => parseCatalog({ ...bundle, online: insecure })).toThrow(expect.objectContaining({ code: 'bad-catalog', field: 'online.json:options[3].url' }));
  });
});
