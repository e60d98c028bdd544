import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src-main/common/catalog/parse';
import type { Catalog, CatalogBundle } from '../../src-main/common/catalog/types';
import { closedDays, type ClosedDays } from '../../src-main/common/dates/closedDays';
import { addDays } from '../../src-main/common/dates/isoDate';
import { compileCondition, listFacts } from '../../src-main/common/guidance/compile';
import { evaluate, makeContext } from '../../src-main/common/guidance/evaluate';
import { LIFE_EVENTS, validateFacts } from '../../src-main/common/guidance/facts';
import { generateHousehold, mulberry32, type Rng } from '../../src-main/common/guidance/generate';
import { guide, matchProcedures, visitRoute, type GuideOptions } from '../../src-main/common/guidance/guide';
import { ActiveCatalog } from '../../src-main/node/catalog/active';
import { DEFAULT_CATALOG_DIR, loadCatalog, localesDirFor, readCatalogBundle } from '../../src-main/node/catalog/load';
import { Store } from '../../src-main/node/store/store';
import * as before from '../support/guide-before/guide';
import { chance, int, pick, randomCatalog, randomCondition, randomRawFacts, someDate } from '../support/guide-random';
import { testSeed } from '../support/seed';
import { tempDir } from '../support/tmp';

/**
 * Issue 15: the guidance engine prepares each catalog once (conditions compiled, procedures per set
 * of events, texts per language, deadlines remembered per calendar). Its lists must be the
 * previous engine's, byte for byte: tests/support/guide-before/guide.ts is that engine's list, kept verbatim.
 * Random raw facts (unknowns, age bands, odd dates, several events, facts that cannot be true),
 * random catalogs (any condition of the language, routes, deadlines, external departments), every
 * language and city calendars. The seed is printed; FC_SEED=<n> replays it.
 */

type Outcome = { ok: true; json: string } | { ok: false; error: string };

function run(f: () => unknown): Outcome {
  try {
    return { ok: true, json: JSON.stringify(f()) };
  } catch (e) {
    const x = e as { name?: string; code?: string; field?: string; message?: string };
    return { ok: false, error: JSON.stringify([x.name, x.code, x.field, x.message]) };
  }
}

function randomOptions(rng: Rng, catalog: Catalog): GuideOptions & { today?: string } {
  const opts: GuideOptions & { today?: string } = {};
  if (chance(rng, 0.8)) opts.lang = pick(rng, [...catalog.languages, 'ja', 'xx']);
  const r = rng();
  if (r < 0.2) opts.closedDays = [];
  else if (r < 0.45) opts.closedDays = Array.from({ length: int(rng, 1, 4) }, () => someDate(rng));
  else if (r < 0.5) opts.closedDays = closedDays([someDate(rng)]);
  if (chance(rng, 0.1)) opts.today = someDate(rng);
  return opts;
}

/** The list, the route and the question flow's matches, as JSON, from both engines. */
function compare(raw: unknown, catalog: Catalog, opts: GuideOptions & { today?: string }, what: string): 'listed' | 'refused' {
  const json = JSON.stringify(raw);
  const want = run(() => before.guide(JSON.parse(json), catalog, opts));
  const got = run(() => guide(JSON.parse(json), catalog, opts));
  expect(got, `${what}\n${json}\n${JSON.stringify(opts)}`).toEqual(want);
  if (!want.ok) return 'refused';
  const items = (JSON.parse(want.json) as { procedures: before.GuidanceItem[] }).procedures;
  expect(JSON.stringify(visitRoute(items, catalog)), what).toBe(JSON.stringify(before.visitRoute(items, catalog)));
  const facts = validateFacts(JSON.parse(json), opts.today ? { today: opts.today } : {}).facts;
  expect(run(() => matchProcedures(facts, catalog)), `${what}: matchProcedures`).toEqual(run(() => before.matchProcedures(facts, catalog)));
  return 'listed';
}

describe('the prepared guidance engine lists exactly what the previous engine listed', () => {
  const seed = testSeed('guide-prepared');
  const shipped = loadCatalog();

  it(`on the shipped catalog: generated households and random raw facts, every language and calendar (seed ${seed})`, () => {
    const rng = mulberry32(seed);
    const counts = { listed: 0, refused: 0 };
    for (let h = 0; h < 600; h++) {
      const raw = h % 2 === 0 ? generateHousehold(rng, someDate(rng)) : randomRawFacts(rng);
      counts[compare(raw, shipped, randomOptions(rng, shipped), `household ${h}`)]++;
    }
    // Facts every engine refuses, whatever the seed drew (seed 1965218964 drew no refusal at all).
    for (const [k, raw] of [null, 'facts', { events: 'moving-in' }, { events: ['no-such-event'] }].entries()) {
      counts[compare(raw, shipped, randomOptions(rng, shipped), `refused ${k}`)]++;
    }
    // The comparison is worth something only if lists were made and refusals were met.
    expect(counts.listed).toBeGreaterThan(480);
    expect(counts.refused).toBeGreaterThan(0);
  });

  it(`on random catalogs (any condition, route, deadline, place), switching catalogs between lists (seed ${seed})`, () => {
    const rng = mulberry32(seed ^ 0x5eed);
    const catalogs = Array.from({ length: 8 }, () => randomCatalog(rng, shipped));
    let items = 0;
    for (let h = 0; h < 500; h++) {
      // Catalogs taken in turn and at random: each keeps its own preparation.
      const catalog = h % 3 === 0 ? catalogs[h % catalogs.length]! : pick(rng, [shipped, ...catalogs]);
      const raw = randomRawFacts(rng);
      if (compare(raw, catalog, randomOptions(rng, catalog), `household ${h}, catalog ${catalogs.indexOf(catalog)}`) === 'listed') items += guide(raw, catalog).procedures.length;
    }
    expect(items).toBeGreaterThan(600);
  });

  it(`a compiled condition answers as evaluate does: random conditions, random households (seed ${seed})`, () => {
    const rng = mulberry32(seed ^ 0xc0de);
    const bits = new Map(LIFE_EVENTS.map((e, i) => [e, 1 << i]));
    let unsure = 0;
    for (let k = 0; k < 400; k++) {
      const cond = randomCondition(rng);
      const compiled = compileCondition(cond, bits);
      for (let h = 0; h < 10; h++) {
        let v: ReturnType<typeof validateFacts>;
        try {
          v = validateFacts(randomRawFacts(rng) as unknown, { today: '2026-11-26' });
        } catch {
          continue; // facts that cannot be true: no list to evaluate for
        }
        const want = evaluate(cond, makeContext(v.facts));
        const x = listFacts(v.facts, bits);
        // Twice on the same list: the second answer reads the ages worked out by the first.
        expect(compiled(x), JSON.stringify(cond)).toEqual(want);
        expect(compiled(x), JSON.stringify(cond)).toEqual(want);
        if (want.v === 2) unsure++;
      }
    }
    expect(unsure).toBeGreaterThan(100);
  });
});

describe('a catalog prepared once is never served for another', () => {
  const tmp = tempDir('madoguchi-guide-prepared-');
  afterAll(() => tmp.cleanup());
  const bundle = (): CatalogBundle => JSON.parse(JSON.stringify(readCatalogBundle(DEFAULT_CATALOG_DIR, localesDirFor(DEFAULT_CATALOG_DIR)))) as CatalogBundle;
  /** Care-certified, 67, moving in: 介護保険 at the kaigo counter. */
  const facts = { date: '2026-11-26', eventDate: '2026-11-20', events: ['moving-in'], moveFrom: 'other-prefecture', members: [{ role: 'applicant', birthDate: '1959-04-01', insurance: 'nhi', careCertified: true }] };

  it('a published version (a new catalog from the log) is listed by its own rules, texts and counters; the old one still by its own', () => {
    const store = Store.open({ file: join(tmp.dir, 'k.sqlite'), nodeId: 'admin-1', site: 'honcho' });
    try {
      let today = '2026-11-26';
      const active = new ActiveCatalog(store, DEFAULT_CATALOG_DIR, () => today);
      const v0 = active.catalog();
      const list0 = guide(facts, v0, { lang: 'en' });
      expect(JSON.stringify(list0)).toBe(JSON.stringify(before.guide(facts, v0, { lang: 'en' })));
      const kaigo0 = list0.procedures.find((p) => p.department === 'kaigo');
      expect(kaigo0).toBeDefined();

      // The WG's version: the place of 介護保険's item at counter 21 on another floor, the item renamed in English, a new procedure for every move-in.
      const b = bundle();
      const deps = (b.departments as { departments: Array<{ id: string; counter: string; floor?: string }> }).departments;
      const place = deps.find((d) => d.id === kaigo0!.place)!;
      expect(place.counter).not.toBe('21');
      place.counter = '21';
      place.floor = '3F';
      const procs = (b.procedures as { procedures: Array<Record<string, unknown>> }).procedures;
      procs.push({ id: 'gomi-guide', department: 'shimin', route: 'proxy', delivery: 'none', deadline: { days: 7 }, appearsWhen: [{ events: ['moving-in'], if: { members: { ageClass: 'kaigo65' } } }], bring: [], online: [], forms: [] });
      for (const lang of Object.keys(b.locales)) ((b.locales[lang] as { procedure: Record<string, string> }).procedure['gomi-guide'] = `ごみの出し方 (${lang})`);
      const en = b.locales.en as { procedure: Record<string, string> };
      en.procedure[kaigo0!.id] = 'Care insurance, new edition';
      active.versions.publish({ content: b, publisher: { terminal: 'admin-1', role: 'admin' }, reason: 'kaigo moved', effective: '2026-11-27' });

      // Not yet in effect: the same catalog object, the same list.
      expect(active.catalog()).toBe(v0);
      expect(guide(facts, active.catalog(), { lang: 'en' })).toEqual(list0);

      today = '2026-11-27';
      const v1 = active.catalog();
      expect(v1).not.toBe(v0);
      const f1 = { ...facts, date: today };
      const list1 = guide(f1, v1, { lang: 'en' });
      expect(JSON.stringify(list1)).toBe(JSON.stringify(before.guide(f1, v1, { lang: 'en' })));
      const kaigo1 = list1.procedures.find((p) => p.id === kaigo0!.id)!;
      expect(kaigo1).toMatchObject({ counter: '21', floor: '3F', name: 'Care insurance, new edition' });
      expect(list1.procedures.find((p) => p.id === 'gomi-guide')).toMatchObject({ name: 'ごみの出し方 (en)', deadline: '2026-11-27' });
      expect(visitRoute(list1.procedures, v1)).toEqual(before.visitRoute(list1.procedures, v1));

      // The old catalog object, asked again after the new one: still its own list.
      expect(guide({ ...facts, date: today }, v0, { lang: 'en' })).toEqual(before.guide({ ...facts, date: today }, v0, { lang: 'en' }));
      expect(guide(facts, v0, { lang: 'en' })).toEqual(list0);
    } finally {
      store.close();
    }
  });

  it('a catalog whose procedure list is replaced in place is prepared again', () => {
    const c = parseCatalog(bundle());
    const f = { ...facts };
    expect(guide(f, c).procedures.some((p) => p.id === 'tennyu')).toBe(true);
    c.procedures = c.procedures.filter((p) => p.id !== 'tennyu');
    c.procedureIndex = Object.fromEntries(c.procedures.map((p, i) => [p.id, i]));
    const got = guide(f, c);
    expect(got.procedures.some((p) => p.id === 'tennyu')).toBe(false);
    expect(got).toEqual(before.guide(f, c));
  });

  it("a city's closed days: the same days give the same calendar, other days another (deadlines remembered per calendar)", () => {
    const c = loadCatalog();
    // 14 days from 2026-11-20 is Friday 4 December: closed by the city, the deadline moves to Monday 7.
    const plain = guide(facts, c, { closedDays: [] }).procedures.find((p) => p.id === 'tennyu')!;
    expect(plain.deadline).toBe('2026-12-04');
    for (let k = 0; k < 3; k++) {
      const closed = guide(facts, c, { closedDays: ['2026-12-04'] }).procedures.find((p) => p.id === 'tennyu')!;
      expect(closed).toMatchObject({ deadline: '2026-12-07', deadlineMovedFrom: '2026-12-04' });
      expect(guide(facts, c, { closedDays: [] }).procedures.find((p) => p.id === 'tennyu')!.deadline).toBe('2026-12-04');
      expect(guide(facts, c).procedures.find((p) => p.id === 'tennyu')!.deadline).toBe('2026-12-04');
    }
    // A caller's own calendar (here: only 4 December closed, not even weekends) is asked every time, never remembered.
    let asked = 0;
    const own: ClosedDays = { isClosed: (d) => (asked++, d === addDays('2026-12-04', 0)), reason: () => null };
    guide(facts, c, { closedDays: own });
    guide(facts, c, { closedDays: own });
    expect(asked).toBeGreaterThan(1);
    expect(guide(facts, c, { closedDays: own }).procedures.find((p) => p.id === 'tennyu')!.deadline).toBe('2026-12-05');
    // A bad day is still refused.
    expect(() => guide(facts, c, { closedDays: ['2026-12-40'] })).toThrow(/not an ISO date/);
  });
});
