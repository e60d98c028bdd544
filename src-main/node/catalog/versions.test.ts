import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffCatalogs, diffLines } from '../../common/catalog/diff';
import { parseCatalog } from '../../common/catalog/parse';
import { activeVersionOf, canonicalJson, nextBusinessDay } from '../../common/catalog/published';
import { buildSampleHouseholds } from '../../common/catalog/samples';
import type { CatalogBundle } from '../../common/catalog/types';
import { guide } from '../../common/guidance/guide';
import { defaultCatalog, DEFAULT_CATALOG_DIR, localesDirFor, readCatalogBundle } from './load';
import { loadSampleHouseholds, SAMPLE_HOUSEHOLDS_FILE } from './samples';
import { catalogHash, problemOf } from './versions';

const bundle = (): CatalogBundle => JSON.parse(JSON.stringify(readCatalogBundle(DEFAULT_CATALOG_DIR, localesDirFor(DEFAULT_CATALOG_DIR)))) as CatalogBundle;

describe('catalog versions', () => {
  it('hashes the canonical JSON: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    const a = bundle();
    const reversed = (v: unknown): unknown =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : Array.isArray(v) ? v.map(reversed) : v;
    const b = reversed(a) as CatalogBundle;
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(catalogHash(b)).toBe(catalogHash(a));
    (a.departments as { departments: Array<{ counter: string }> }).departments[0]!.counter = '99';
    expect(catalogHash(a)).not.toBe(catalogHash(b));
  });

  it('the default effective date is the next business day (weekends, holidays, year-end skipped)', () => {
    expect(nextBusinessDay('2026-12-03')).toBe('2026-12-04'); // Thu → Fri
    expect(nextBusinessDay('2026-12-04')).toBe('2026-12-07'); // Fri → Mon
    expect(nextBusinessDay('2026-12-28')).toBe('2027-01-04'); // 29 Dec – 3 Jan closed
    expect(nextBusinessDay('2026-11-02')).toBe('2026-11-04'); // 3 Nov 文化の日
    expect(nextBusinessDay('2026-12-03', ['2026-12-04'])).toBe('2026-12-07'); // the city's own closed day
  });

  it('serves the highest sound version in effect; a rollback (higher number) overrides a version waiting for its date', () => {
    const v = (version: number, effective: string, problem: string | null = null, hlc = `h${version}`) => ({ version, effective, problem, hlc });
    const list = [v(1, '2026-12-01'), v(2, '2026-12-10'), v(3, '2026-12-02', 'bad hash')];
    expect(activeVersionOf(list, '2026-12-03')?.version).toBe(1);
    expect(activeVersionOf(list, '2026-12-10')?.version).toBe(2);
    expect(activeVersionOf([...list, v(4, '2026-12-03')], '2026-12-11')?.version).toBe(4);
    expect(activeVersionOf([v(5, '2026-12-01', null, 'a'), v(5, '2026-12-01', null, 'b')], '2026-12-03')?.hlc).toBe('b');
    expect(activeVersionOf([], '2026-12-03')).toBeUndefined();
  });

  it('keeps out a version with a wrong hash, a non-admin publisher, or a catalog this app cannot read', () => {
    const content = bundle();
    const ok = { version: 1, hash: catalogHash(content), publisher: { terminal: 'admin-1', role: 'admin' }, at: '2026-12-03T00:00:00Z', reason: 'r', effective: '2026-12-03', content };
    expect(problemOf(ok)).toBeNull();
    expect(problemOf({ ...ok, hash: 'a'.repeat(64) })).toMatch(/does not match its hash/);
    expect(problemOf({ ...ok, publisher: { terminal: 'kiosk-1', role: 'kiosk' } })).toMatch(/only an administrator/);
    const bad = bundle();
    (bad.procedures as { procedures: Array<{ route: string }> }).procedures[0]!.route = 'teleport';
    expect(problemOf({ ...ok, content: bad, hash: catalogHash(bad) })).toMatch(/cannot read it: procedures\.json: procedures\[0\]\.route/);
    expect(problemOf({ ...ok, effective: '2026-13-40' })).toMatch(/payload\.effective/);
  });
});

describe('sample households', () => {
  const households = loadSampleHouseholds();

  it('ships at least 100, built from the catalog by the generator (the file is its output)', () => {
    expect(households.length).toBeGreaterThanOrEqual(100);
    const file = JSON.parse(readFileSync(SAMPLE_HOUSEHOLDS_FILE, 'utf8')) as { seed: number };
    expect(buildSampleHouseholds(defaultCatalog(), file.seed)).toEqual(households);
    expect(new Set(households.map((h) => h.id)).size).toBe(households.length);
  });

  it('every procedure of the catalog is on some household list, and every household is valid facts', () => {
    const c = defaultCatalog();
    const seen = new Set<string>();
    for (const h of households) for (const p of guide(h.facts, c).procedures) seen.add(p.id);
    expect(c.procedures.map((p) => p.id).filter((id) => !seen.has(id))).toEqual([]);
  });

  it('diff names the households whose lists change: counter moved (route changed), procedure added, procedure removed', () => {
    const a = defaultCatalog();
    const b = bundle();
    (b.departments as { departments: Array<{ id: string; counter: string }> }).departments.find((d) => d.id === 'kaigo')!.counter = '21';
    const procs = (b.procedures as { procedures: Array<Record<string, unknown>> }).procedures;
    const inu = procs.findIndex((p) => p.id === 'inu-change');
    procs.splice(inu, 1);
    procs.push({ id: 'gomi-guide', department: 'kankyo', route: 'refer-optional', delivery: 'none', deadline: null, appearsWhen: [{ events: ['moving-in'] }], bring: [], online: [], forms: [] });
    for (const [lang, l] of Object.entries(b.locales)) {
      const loc = l as { procedure: Record<string, string> };
      loc.procedure['gomi-guide'] = lang.startsWith('ja') ? 'ごみの出し方の案内' : 'Garbage sorting guide';
    }
    const d = diffCatalogs(a, parseCatalog(b), households);
    expect(d.procedures).toEqual({ added: ['gomi-guide'], removed: ['inu-change'] });
    const movingIn = households.filter((h) => (h.facts.events as string[]).includes('moving-in'));
    for (const h of movingIn) expect(d.changed.find((x) => x.id === h.id)?.added).toContain('gomi-guide');
    const kaigo = d.changed.filter((x) => x.changed.some((c) => c.id.startsWith('kaigo') && c.fields.some((f) => f.field === 'counter' && f.from === '12' && f.to === '21')));
    expect(kaigo.length).toBeGreaterThan(0);
    for (const k of kaigo) expect(k.route?.to.join(' ')).toContain('kaigo:21');
    expect(d.changed.some((x) => x.removed.includes('inu-change'))).toBe(true);
    const certificate = households.filter((h) => (h.facts.events as string[]).join() === 'certificate');
    for (const h of certificate) expect(d.changed.find((x) => x.id === h.id)).toBeUndefined();
    expect(diffLines(d).join('\n')).toMatch(/\+ added: .*gomi-guide/);
    // The new procedure's names are new texts in every language.
    expect(d.texts).toContainEqual({ key: 'procedure.gomi-guide', langs: expect.arrayContaining(['ja', 'en', 'vi']) as string[] });
    // The same catalog: nothing changes.
    expect(diffCatalogs(a, a, households).changed).toEqual([]);
    expect(diffCatalogs(a, a, households).texts).toEqual([]);
  });

  it('diff says which names changed, in which languages, when no household list does (a thing to bring, a form renamed)', () => {
    const a = defaultCatalog();
    const b = bundle();
    const en = b.locales.en as { bring: Record<string, string>; form: Record<string, string> };
    en.bring['kaigo-jukyu-shikaku'] = 'Care eligibility certificate (edited)';
    en.form['kaigo-ido'] = 'Long-term care change form (edited)';
    (b.locales.vi as { bring: Record<string, string> }).bring['kaigo-jukyu-shikaku'] = 'Giấy chứng nhận (sửa)';
    const d = diffCatalogs(a, parseCatalog(b), households);
    expect(d.changed).toEqual([]);
    expect(d.texts).toEqual([
      { key: 'bring.kaigo-jukyu-shikaku', langs: ['en', 'vi'] },
      { key: 'form.kaigo-ido', langs: ['en'] },
    ]);
    expect(diffLines(d)).toContain('catalog texts changed: 2 (bring.kaigo-jukyu-shikaku [en, vi]; form.kaigo-ido [en])');
  });
});
