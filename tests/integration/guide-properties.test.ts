import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src-main/common/guidance/facts';
import { validateFacts } from '../../src-main/common/guidance/facts';
import { generateHousehold, mulberry32 } from '../../src-main/common/guidance/generate';
import { guide, guideFacts, visitRoute } from '../../src-main/common/guidance/guide';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { testSeed } from '../support/seed';

const catalog = loadCatalog();
const DATE = '2026-11-26';
const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const household = (seed: number): Facts => generateHousehold(mulberry32(seed), DATE);
// Printed and replayable: FC_SEED=<seed> npx vitest run tests/integration/guide-properties.test.ts
const RUNS = { numRuns: 300, seed: testSeed('guide-properties') };

describe('generated households', () => {
  it('are valid facts and the same seed gives the same household', () => {
    fc.assert(
      fc.property(seeds, (s) => {
        const f = household(s);
        expect(household(s)).toEqual(f);
        const v = validateFacts(JSON.parse(JSON.stringify(f)));
        expect(v.warnings).toEqual([]);
        expect(v.facts).toEqual(f);
      }),
      RUNS,
    );
  });
});

describe('guidance engine properties', () => {
  it('is deterministic: same facts (even re-parsed from JSON) → same list', () => {
    fc.assert(
      fc.property(seeds, (s) => {
        const f = household(s);
        expect(guide(JSON.parse(JSON.stringify(f)), catalog)).toEqual(guide(f, catalog));
      }),
      RUNS,
    );
  });

  it('lists each procedure once, never without one of its events, ordered along the route', () => {
    fc.assert(
      fc.property(seeds, (s) => {
        const f = household(s);
        const items = guide(f, catalog).procedures;
        const ids = items.map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const it of items) {
          expect(it.events.length).toBeGreaterThan(0);
          for (const e of it.events) expect(f.events).toContain(e);
          const p = catalog.procedures[catalog.procedureIndex[it.id]!]!;
          expect(p.appearsWhen.some((r) => r.events.some((e) => it.events.includes(e)))).toBe(true);
          for (const m of it.members) expect(m).toBeLessThan(f.members.length);
          expect(it.route).not.toBe('none');
          if (it.route === 'refer-optional') expect(it.status).toBe('optional');
        }
        const group = items.map((i) => (i.route === 'accept' || i.route === 'proxy' ? 0 : i.route === 'refer' ? 1 : 2));
        expect(group).toEqual([...group].sort((a, b) => a - b));
      }),
      RUNS,
    );
  });

  it('several events give the union of each event on its own, with every member', () => {
    fc.assert(
      fc.property(seeds, seeds, (s1, s2) => {
        const f = household(s1);
        const extra = household(s2).events;
        const events = [...new Set([...f.events, ...extra])];
        const all = guideFacts({ ...f, events }, catalog);
        const parts = events.map((e) => guideFacts({ ...f, events: [e] }, catalog));
        expect(new Set(all.map((i) => i.id))).toEqual(new Set(parts.flatMap((p) => p.map((i) => i.id))));
        for (const it of all) {
          const settled = parts.flatMap((p) => p.filter((x) => x.id === it.id && x.status !== 'to-confirm'));
          if (settled.length > 0) {
            expect(it.status).not.toBe('to-confirm');
            expect(new Set(it.members)).toEqual(new Set(settled.flatMap((x) => x.members)));
          } else expect(it.status).toBe('to-confirm');
        }
      }),
      RUNS,
    );
  });

  it('an "unknown" answer never drops a procedure (it becomes to-confirm at worst)', () => {
    const fields = ['insurance', 'pension', 'receivesPension', 'careCertified', 'disabilityCertificate', 'welfareMedical', 'pregnant', 'myNumberCard', 'sealRegistered', 'nameChanges', 'head'] as const;
    fc.assert(
      fc.property(seeds, fc.nat(), fc.constantFrom(...fields, 'age' as const), (s, which, field) => {
        const f = household(s);
        if (f.members.length === 0) return;
        const before = guideFacts(f, catalog).map((i) => i.id);
        const idx = which % f.members.length;
        const members = f.members.map((m, i) => {
          if (i !== idx) return m;
          if (field === 'age') {
            const { birthDate: _b, ageBand: _a, ...rest } = m;
            return m.role === 'newborn' ? m : rest;
          }
          return { ...m, [field]: 'unknown' };
        });
        const after = guideFacts({ ...f, members } as Facts, catalog).map((i) => i.id);
        for (const id of before) expect(after).toContain(id);
      }),
      RUNS,
    );
  });

  it('the visit route: one-stop counter first for accept/proxy, every referred department, optional ones not routed', () => {
    fc.assert(
      fc.property(seeds, (s) => {
        const items = guide(household(s), catalog).procedures;
        const route = visitRoute(items, catalog);
        if (items.some((i) => i.route === 'accept' || i.route === 'proxy')) expect(route[0]).toBe(catalog.oneStop);
        const inHall = items.filter((i) => !i.external);
        for (const i of inHall) if (i.route === 'refer') expect(route).toContain(i.department);
        // An external place (出入国在留管理局) is listed but never routed.
        for (const i of items) if (i.external) expect(route).not.toContain(i.department);
        const routed = new Set(inHall.filter((i) => i.route !== 'refer-optional').map((i) => (i.route === 'refer' ? i.department : catalog.oneStop)));
        expect(new Set(route)).toEqual(routed);
        expect(new Set(route).size).toBe(route.length);
      }),
      RUNS,
    );
  });
});
