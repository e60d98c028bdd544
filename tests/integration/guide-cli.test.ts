import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/common/errors';
import { loadCatalog } from '../../src-main/node/catalog/load';
import { runCli } from '../../src-main/node/cli/main';

const ROOT = resolve(__dirname, '../..');
const FACTS_DIR = join(ROOT, 'fixtures/facts');
const CONTRACT_KEYS = ['id', 'department', 'counter', 'route', 'delivery', 'status', 'members', 'bring', 'online', 'forms', 'deadline'];

async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('madoguchi guide: the JSON contract', () => {
  const files = readdirSync(FACTS_DIR).filter((f) => f.endsWith('.json'));
  it('has example facts files', () => expect(files.length).toBeGreaterThanOrEqual(5));

  it.each(files)('%s', async (file) => {
    const facts = JSON.parse(readFileSync(join(FACTS_DIR, file), 'utf8')) as { members?: unknown[] };
    const r = await cli(['guide', '--facts', join(FACTS_DIR, file)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { procedures: Array<Record<string, unknown>>; warnings: string[] };
    expect(Object.keys(json)).toEqual(['procedures', 'warnings']);
    expect(json.procedures.length).toBeGreaterThan(0);
    for (const p of json.procedures) {
      expect(Object.keys(p).slice(0, CONTRACT_KEYS.length)).toEqual(CONTRACT_KEYS);
      expect(['accept', 'proxy', 'refer', 'refer-optional']).toContain(p.route);
      expect(['none', 'immediate', 'later']).toContain(p.delivery);
      expect(['required', 'optional', 'to-confirm']).toContain(p.status);
      expect(typeof p.counter).toBe('string');
      for (const m of p.members as number[]) expect(m).toBeLessThan(facts.members?.length ?? 0);
      expect(p.deadline === null || /^\d{4}-\d{2}-\d{2}$/.test(p.deadline as string)).toBe(true);
      for (const b of p.bring as Array<{ id: string; name: string }>) expect(Object.keys(b)).toEqual(['id', 'name']);
    }
  });

  it('the FACTS.md example: 転入 of one NHI member with a My Number card', async () => {
    const r = await cli(['guide', '--facts', join(FACTS_DIR, 'facts-md-example.json')]);
    const json = JSON.parse(r.out) as { procedures: Array<{ id: string; members: number[]; deadline: string | null; forms: string[] }>; warnings: string[] };
    expect(json.procedures.map((p) => p.id)).toEqual(['tennyu', 'mynumber-card-continue', 'kokuho-join']);
    expect(json.procedures[0]).toMatchObject({ members: [0], deadline: '2026-12-04', forms: ['juminido'] });
    expect(json.procedures[2]).toMatchObject({ forms: ['kokuho-ido'], deadline: '2026-12-04' });
    expect(json.warnings).toEqual([]);
  });

  it('reads facts from stdin in a real process, text format in やさしい日本語', () => {
    const res = spawnSync('npx', ['tsx', 'src-main/node/cli/main.ts', 'guide', '--facts', '-', '--format', 'text', '--lang', 'ja-easy'], {
      cwd: ROOT,
      input: readFileSync(join(FACTS_DIR, 'birth-second-child.json')),
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('出生届（しゅっしょうとどけ）');
    expect(res.stdout).not.toMatch(/\{[^}]*\|/);
  });

  it('text format in English names the places in route order', async () => {
    const r = await cli(['guide', '--facts', join(FACTS_DIR, 'death-elderly.json'), '--format', 'text', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Death registration and cremation permit');
    expect(r.out).toMatch(/Where to go, in order: One-stop counter .*→ Property Tax Division/);
  });

  it('refuses unknown and misspelled fields, naming the key (issue 12, item 10)', async () => {
    const r = await cli(['guide', '--facts', '-'], JSON.stringify({ date: '2026-11-26', events: ['certificate'], certificates: ['koseki'], colour: 'blue' }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('colour: unknown field');
    const typo = await cli(['guide', '--facts', '-'], JSON.stringify({ date: '2026-11-26', events: ['moving-in'], members: [{ role: 'applicant', brithDate: '1990-01-01' }] }));
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('members[0].brithDate: unknown field; did you mean "birthDate"?');
  });

  it('accepts a facts file with a UTF-8 byte-order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bom-'));
    const file = join(dir, 'facts.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ date: '2026-11-26', events: ['certificate'], certificates: ['koseki'] }))]));
    const r = await cli(['guide', '--facts', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).procedures.length).toBeGreaterThan(0);
  });
});

describe('madoguchi guide: bad facts exit 2 naming the field', () => {
  it.each([
    [{ date: '2026-11-26', events: ['moving-in'], members: [{ role: 'applicant', birthDate: '2027-01-01' }] }, 'members[0].birthDate'],
    [{ date: '2026-11-26', events: ['party'] }, 'events[0]'],
    [{ date: '26/11/2026', events: ['birth'] }, 'date'],
    [{ date: '2026-11-26', events: ['moving-in'], members: [{ role: 'deceased' }] }, 'members[0].role'],
    [{ date: '2026-11-26', events: ['moving-in'], household: { dogs: -2 } }, 'household.dogs'],
  ])('%j', async (facts, field) => {
    const r = await cli(['guide', '--facts', '-'], JSON.stringify(facts));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${field}: `);
  });

  it('invalid JSON names the facts', async () => {
    const r = await cli(['guide', '--facts', '-'], '{"events": [');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/facts: not valid JSON/);
  });

  it('an unknown language or format is refused', async () => {
    expect((await cli(['guide', '--facts', join(FACTS_DIR, 'certificate.json'), '--lang', 'klingon'])).err).toMatch(/lang: unknown language/);
    expect((await cli(['guide', '--facts', join(FACTS_DIR, 'certificate.json'), '--format', 'xml'])).code).toBe(2);
  });
});

/** A copy of the shipped catalog and locales in a temp folder, with one fault written in. */
function brokenCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-catalog-'));
  temps.push(dir);
  cpSync(join(ROOT, 'fixtures/catalog'), dir, { recursive: true });
  cpSync(join(ROOT, 'locales'), join(dir, 'locales'), { recursive: true });
  edit(dir);
  return dir;
}

function editJson(file: string, f: (j: any) => void): void {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  f(j);
  writeFileSync(file, JSON.stringify(j, null, 2));
}

describe('madoguchi catalog check', () => {
  it('passes the shipped catalog with a one-line summary', async () => {
    const r = await cli(['catalog', 'check']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK: 59 procedures, 14 departments, .* 8 languages/);
    expect(r.out.split('\n')).toHaveLength(1);
  });

  const faults: Array<[string, (dir: string) => void, RegExp]> = [
    ['a duplicate id', (d) => editJson(join(d, 'procedures.json'), (j) => (j.procedures[5].id = 'tennyu')), /procedures\.json: procedures\[5\]\.id: duplicate id "tennyu"/],
    ['an unknown department', (d) => editJson(join(d, 'procedures.json'), (j) => (j.procedures[2].department = 'somuka')), /procedures\.json: procedures\[2\]\.department: unknown department "somuka"/],
    ['a route outside ①–⑤', (d) => editJson(join(d, 'procedures.json'), (j) => (j.procedures[3].route = 'forward')), /procedures\.json: procedures\[3\]\.route: .*accept.*proxy.*refer/],
    [
      'a condition on a fact that does not exist',
      (d) => editJson(join(d, 'procedures.json'), (j) => (j.procedures[0].appearsWhen[0].if = { fact: 'household.cats', gt: 0 })),
      /procedures\.json: procedures\[0\]\.appearsWhen\[0\]\.if\.fact: no fact named "household\.cats"/,
    ],
    [
      'a condition on a member fact that does not exist',
      (d) => editJson(join(d, 'procedures.json'), (j) => (j.procedures[9].appearsWhen[0].if = { members: { field: 'hairColour', eq: 'red' } })),
      /procedures\.json: procedures\[9\]\.appearsWhen\[0\]\.if\.members\.field: no member fact named "hairColour"/,
    ],
    [
      'a fact no question asks',
      (d) => editJson(join(d, 'questions.json'), (j) => (j.questions = j.questions.filter((q: { id: string }) => q.id !== 'pregnant'))),
      /questions\.json: questions: no question asks "member\.pregnant".*ninpu-kenshin/,
    ],
    ['a missing translation', (d) => editJson(join(d, 'locales/vi/catalog.json'), (j) => delete j.procedure['kokuho-join']), /locales\/vi\/catalog\.json: procedure\.kokuho-join: missing translation/],
    [
      'a procedure with no Japanese name',
      (d) =>
        editJson(join(d, 'procedures.json'), (j) =>
          j.procedures.push({ ...j.procedures[0], id: 'new-thing' }),
        ),
      /locales\/ja\/catalog\.json: procedure\.new-thing: missing translation/,
    ],
  ];

  it.each(faults)('catches %s', async (_name, edit, expected) => {
    const dir = brokenCopy(edit);
    const r = await cli(['catalog', 'check', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(expected);
    expect(r.err).toMatch(/issues? in /);
    // The same catalog refused at load, naming file and path.
    try {
      loadCatalog(dir);
      throw new Error('loadCatalog accepted a broken catalog');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('bad-catalog');
      expect((e as AppError).field).toMatch(/^(procedures\.json|questions\.json|locales\/(vi|ja)\/catalog\.json):/);
    }
    // guide refuses it too, as bad input.
    const g = await cli(['guide', '--facts', join(FACTS_DIR, 'certificate.json'), '--catalog', dir]);
    expect(g.code).toBe(2);
  });

  it('reports a file that is not JSON', async () => {
    const dir = brokenCopy((d) => writeFileSync(join(d, 'bring.json'), '{ nope'));
    const r = await cli(['catalog', 'check', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/bring\.json: \(root\): not valid JSON/);
  });
});
