import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/node/cli/main';

/**
 * Households of the second edition (FACTS.md, CATALOG.md "Corrections and additions") run through
 * `madoguchi guide --facts F --format json`, the way the product owner checks them: ids, statuses,
 * deliveries, deadlines (closed days included) and bring lists. Calendar facts used below:
 * 2026-11-23 (Mon) 勤労感謝の日, 2026-12-05/06 a weekend, 29 Dec – 3 Jan closed, 2027-01-11 (Mon) 成人の日.
 */
const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'madoguchi-households-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Item {
  id: string;
  status: string;
  route: string;
  delivery: string;
  deadline: string | null;
  department: string;
  bring: Array<{ id: string }>;
  deadlineMovedFrom?: string;
  deadlineRule?: { days?: number; months?: number; years?: number; count: string; from: string; before?: boolean };
  external?: boolean;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let n = 0;
async function run(facts: unknown, extra: string[] = []): Promise<Map<string, Item>> {
  const file = join(dir, `h${++n}.json`);
  writeFileSync(file, JSON.stringify(facts));
  const r = await cli(['guide', '--facts', file, '--format', 'json', ...extra]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const json = JSON.parse(r.out) as { procedures: Item[] };
  return new Map(json.procedures.map((p) => [p.id, p]));
}

type Want = Partial<Pick<Item, 'status' | 'route' | 'delivery' | 'deadline' | 'department' | 'deadlineMovedFrom' | 'external'>> & { bring?: string[] };

interface Household {
  name: string;
  facts: Record<string, unknown>;
  listed: Record<string, Want>;
  absent: string[];
}

const households: Household[] = [
  {
    name: 'birth, second parent with 国保 gave birth: 戸籍法 count, 15 days over a weekend',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-20',
      events: ['birth'],
      members: [
        { role: 'applicant', birthDate: '1988-05-10', insurance: 'employee', head: true },
        { role: 'spouse', birthDate: '1990-02-14', insurance: 'nhi', gaveBirth: true },
        { role: 'newborn' },
      ],
    },
    listed: {
      shussei: { status: 'required', route: 'accept', delivery: 'none', deadline: '2026-12-03', bring: ['shussei-shomei', 'boshi-techo', 'honnin-kakunin'] },
      'kokuho-join': { status: 'required', delivery: 'later', deadline: '2026-12-04' },
      'jidou-teate-claim': { status: 'required', deadline: '2026-12-07', deadlineMovedFrom: '2026-12-05' },
      'shussan-ikuji': { status: 'required', route: 'refer', deadline: '2028-11-20', bring: ['shussan-meisai', 'boshi-techo', 'koza'] },
      'kodomo-iryo-register': { status: 'required', deadline: null },
    },
    absent: ['shussei-juri', 'zairyu-shikaku', 'jidou-teate-change'],
  },
  {
    name: 'birth to foreign parents: 受理証明書 (optional), 在留資格 at the immigration bureau (external, 30 days, moved off a Sunday)',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-20',
      events: ['birth'],
      members: [
        { role: 'applicant', birthDate: '1992-01-01', nationality: 'VN', insurance: 'employee', gaveBirth: false },
        { role: 'spouse', birthDate: '1993-01-01', nationality: 'VN', insurance: 'employee-dependent', gaveBirth: true },
        { role: 'newborn', nationality: 'VN' },
      ],
    },
    listed: {
      'shussei-juri': { status: 'optional', route: 'accept', delivery: 'immediate', deadline: null },
      'zairyu-shikaku': { status: 'required', route: 'refer', department: 'external', external: true, deadline: '2026-12-21', deadlineMovedFrom: '2026-12-20', bring: ['shussei-juri-shomei', 'juminhyo-utsushi', 'passport', 'zairyu-card'] },
    },
    absent: ['shussan-ikuji', 'kokuho-join'],
  },
  {
    name: 'death at 74 (75 on the visit day): one 葬祭費 (国保), no 後期高齢 loss, 死亡届 by day 7 counting the day of death',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-20',
      events: ['death'],
      members: [
        { role: 'spouse', birthDate: '1955-03-01', insurance: 'nhi', head: false },
        { role: 'deceased', birthDate: '1951-11-22', insurance: 'nhi', pension: 'none', receivesPension: true, head: true },
      ],
    },
    listed: {
      shibou: { status: 'required', delivery: 'immediate', deadline: '2026-11-26', bring: ['shibou-shindansho', 'honnin-kakunin'] },
      'kokuho-leave': { status: 'required', deadline: '2026-12-04' },
      'sousaihi-kokuho': { status: 'required', delivery: 'later', deadline: '2028-11-20' },
      'kokuho-change': { status: 'required', deadline: '2026-12-04' },
      'kaigo-leave': { status: 'required', delivery: 'none' },
      'nenkin-mishikyu': { status: 'required', route: 'refer' },
    },
    absent: ['sousaihi-kouki', 'kouki-leave', 'izoku-kiso', 'shibou-ichijikin', 'setainushi-henko'],
  },
  {
    name: 'death at 75 in 後期高齢者医療: one 葬祭費 (後期), 後期 loss',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-24',
      events: ['death'],
      members: [
        { role: 'spouse', birthDate: '1953-03-01', insurance: 'nhi' },
        { role: 'deceased', birthDate: '1951-04-01', insurance: 'late-elderly', pension: 'none', receivesPension: true },
      ],
    },
    listed: {
      shibou: { deadline: '2026-11-30' },
      'kouki-leave': { status: 'required', delivery: 'none' },
      'sousaihi-kouki': { status: 'required', delivery: 'later', deadline: '2028-11-24' },
    },
    absent: ['sousaihi-kokuho', 'kokuho-leave'],
  },
  {
    name: 'death that leaves children, just before the year end: 遺族基礎年金, the guardian’s 児童手当, ひとり親, 国保 世帯主変更; deadlines skip 29 Dec – 3 Jan and 成人の日',
    facts: {
      date: '2026-12-28',
      eventDate: '2026-12-25',
      events: ['death'],
      household: { singleParent: true },
      members: [
        { role: 'spouse', birthDate: '1987-06-01', insurance: 'nhi', receivesChildAllowance: false },
        { role: 'child', birthDate: '2015-06-01', insurance: 'nhi' },
        { role: 'child', birthDate: '2021-09-01', insurance: 'nhi' },
        { role: 'deceased', birthDate: '1985-01-10', insurance: 'nhi', pension: 'category1', receivesPension: false, head: true, receivesChildAllowance: true },
      ],
    },
    listed: {
      shibou: { deadline: '2027-01-04', deadlineMovedFrom: '2026-12-31' },
      'izoku-kiso': { status: 'required', route: 'refer', delivery: 'none', deadline: '2031-12-25' },
      'jidou-teate-claim': { status: 'required', deadline: '2027-01-12', deadlineMovedFrom: '2027-01-09' },
      'kodomo-iryo-change': { status: 'to-confirm' },
      'hitorioya-iryo': { status: 'required' },
      'jidou-fuyou': { status: 'required', route: 'refer' },
      'kokuho-change': { status: 'required', deadline: '2027-01-08' },
      'kokuho-leave': { status: 'required', deadline: '2027-01-08' },
      'sousaihi-kokuho': { status: 'required' },
    },
    absent: ['shibou-ichijikin', 'sousaihi-kouki', 'kouki-leave', 'kaigo-leave'],
  },
  {
    name: 'moving in from the same prefecture at 80: 後期 change, no join, no 負担区分等証明書',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-20',
      events: ['moving-in'],
      moveFrom: 'same-prefecture',
      members: [{ role: 'applicant', birthDate: '1946-03-01', insurance: 'late-elderly', myNumberCard: true }],
    },
    listed: {
      tennyu: { deadline: '2026-12-04', bring: ['honnin-kakunin', 'tenshutsu-shomei', 'mynumber-card'] },
      'mynumber-card-continue': { deadline: '2026-12-04' },
      'kouki-change': { status: 'required', delivery: 'later', deadline: '2026-12-04' },
      'kaigo-join': { status: 'required' },
    },
    absent: ['kouki-join'],
  },
  {
    name: 'moving in from another prefecture at 80: 後期 join with the 負担区分等証明書',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-20',
      events: ['moving-in'],
      moveFrom: 'other-prefecture',
      members: [{ role: 'applicant', birthDate: '1946-03-01', insurance: 'late-elderly' }],
    },
    listed: { 'kouki-join': { status: 'required', delivery: 'later', bring: ['futan-kubun-shomei', 'honnin-kakunin'] } },
    absent: ['kouki-change'],
  },
  {
    name: 'moving in from a municipality whose prefecture nobody said: 後期 join and change to confirm',
    facts: { date: '2026-11-26', eventDate: '2026-11-20', events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', birthDate: '1946-03-01', insurance: 'late-elderly' }] },
    listed: { 'kouki-join': { status: 'to-confirm' }, 'kouki-change': { status: 'to-confirm' } },
    absent: [],
  },
  {
    name: 'moving out to the same prefecture at 80: 後期 change, no loss, no 負担区分等証明書',
    facts: { date: '2026-11-26', eventDate: '2026-11-30', events: ['moving-out'], moveTo: 'same-prefecture', members: [{ role: 'applicant', birthDate: '1946-03-01', insurance: 'late-elderly' }] },
    listed: { tenshutsu: { delivery: 'immediate', deadline: null }, 'kouki-change': { status: 'required' } },
    absent: ['kouki-leave'],
  },
  {
    name: 'moving abroad: no 転出証明書, 国民年金 and My Number card before leaving',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-12-10',
      events: ['moving-out'],
      moveTo: 'abroad',
      members: [{ role: 'applicant', birthDate: '1990-01-01', insurance: 'nhi', pension: 'category1', myNumberCard: true }],
    },
    listed: {
      tenshutsu: { status: 'required', delivery: 'none', deadline: null },
      'nenkin-abroad': { status: 'required', route: 'proxy', delivery: 'none', deadline: '2026-12-10' },
      'mynumber-card-abroad': { status: 'required', route: 'accept', delivery: 'immediate', deadline: '2026-12-10', bring: ['mynumber-card', 'mynumber-pin'] },
      'kokuho-leave': { status: 'required' },
    },
    absent: ['kouki-leave', 'kouki-change'],
  },
  {
    name: 'moving in from abroad (a Japanese national): passport and 戸籍の附票, 国民年金',
    facts: { date: '2026-11-26', eventDate: '2026-11-20', events: ['moving-in'], moveFrom: 'abroad', members: [{ role: 'applicant', birthDate: '1990-01-01', insurance: 'none', pension: 'none' }] },
    listed: {
      tennyu: { bring: ['honnin-kakunin', 'passport', 'koseki-fuhyo'], deadline: '2026-12-04' },
      'kokumin-nenkin': { status: 'required', deadline: '2026-12-04' },
      'kokuho-join': { status: 'required' },
    },
    absent: [],
  },
  {
    name: 'insurance change after leaving a job: 国保 join and 国民年金 第1号, 14 days over a national holiday',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-09',
      events: ['insurance-change'],
      members: [{ role: 'applicant', birthDate: '1985-01-01', previousInsurance: 'employee', insurance: 'nhi', pension: 'category2' }],
    },
    listed: {
      'kokuho-join': { status: 'required', route: 'proxy', delivery: 'later', deadline: '2026-11-24', deadlineMovedFrom: '2026-11-23', bring: ['honnin-kakunin', 'hoken-soushitsu'] },
      'kokumin-nenkin': { status: 'required', deadline: '2026-11-24' },
    },
    absent: ['kokuho-leave'],
  },
  {
    name: 'insurance change after taking a job: 国保 loss',
    facts: { date: '2026-11-26', eventDate: '2026-11-16', events: ['insurance-change'], members: [{ role: 'applicant', birthDate: '1985-01-01', previousInsurance: 'nhi', insurance: 'employee' }] },
    listed: { 'kokuho-leave': { status: 'required', deadline: '2026-11-30', bring: ['kokuho-shikaku', 'shin-hokensho'] } },
    absent: ['kokuho-join', 'kokumin-nenkin'],
  },
  {
    name: 'divorce, the parent who keeps the children does not receive 児童手当 yet: claim, and the other parent’s 消滅届',
    facts: {
      date: '2026-11-26',
      eventDate: '2026-11-26',
      events: ['divorce'],
      household: { singleParent: true },
      members: [
        { role: 'applicant', birthDate: '1990-01-01', insurance: 'nhi', receivesChildAllowance: false, nameChanges: true },
        { role: 'spouse', birthDate: '1989-01-01', insurance: 'employee', receivesChildAllowance: true },
        { role: 'child', birthDate: '2018-01-01', insurance: 'nhi' },
      ],
    },
    listed: {
      'jidou-teate-claim': { status: 'required', deadline: '2026-12-11' },
      'jidou-teate-end': { status: 'required' },
      'uji-zokusho': { status: 'optional', route: 'accept', deadline: '2027-02-25' },
    },
    absent: ['jidou-teate-change'],
  },
];

describe('households through `madoguchi guide --format json` (second edition)', () => {
  it.each(households.map((h) => [h.name, h] as const))('%s', async (_name, h) => {
    const got = await run(h.facts);
    for (const [id, want] of Object.entries(h.listed)) {
      const item = got.get(id);
      expect(item, `${id} should be listed`).toBeDefined();
      const { bring, ...rest } = want;
      for (const [k, v] of Object.entries(rest)) expect((item as unknown as Record<string, unknown>)[k], `${id}.${k}`).toEqual(v);
      if (bring) expect(item!.bring.map((b) => b.id), `${id}.bring`).toEqual(bring);
    }
    for (const id of h.absent) expect(got.has(id), `${id} should not be listed`).toBe(false);
    // Every date a list shows is an open day of the city hall.
    for (const it of got.values()) if (it.deadline && !it.deadlineRule?.before) expect(new Date(`${it.deadline}T00:00:00Z`).getUTCDay() % 6, `${it.id} ${it.deadline}`).not.toBe(0);
  });
});

describe('deadlines without the event day, and the city’s own closed days', () => {
  it('no event day: no date, and the rule says how the deadline counts', async () => {
    const got = await run({ date: '2026-11-26', eventDate: 'unknown', events: ['birth'], members: [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'newborn' }] });
    expect(got.get('shussei')).toMatchObject({ deadline: null, deadlineRule: { from: 'event', days: 14, count: 'koseki' } });
    const text = await cli(['guide', '--facts', join(dir, `h${n}.json`), '--format', 'text']);
    expect(text.out).toContain('期限: 出来事(引っ越し・出生・死亡など)の日から14日以内');
    expect(text.out).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('a closed day from the city config moves a deadline (and the text list shows Japanese dates)', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'fixtures/config/demo.json'), 'utf8')) as Record<string, unknown>;
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ ...config, closedDays: ['2026-12-03'] }));
    const facts = { date: '2026-11-26', eventDate: '2026-11-20', events: ['birth'], members: [{ role: 'applicant', birthDate: '1990-01-01' }, { role: 'newborn' }] };
    expect((await run(facts)).get('shussei')!.deadline).toBe('2026-12-03');
    const moved = await run(facts, ['--config', cfg]);
    expect(moved.get('shussei')).toMatchObject({ deadline: '2026-12-04', deadlineMovedFrom: '2026-12-03' });
    const text = await cli(['guide', '--facts', join(dir, `h${n}.json`), '--format', 'text', '--config', cfg]);
    expect(text.out).toContain('期限: 12月4日(金) (閉庁日のため12月3日(木)から延長)');
    const en = await cli(['guide', '--facts', join(dir, `h${n}.json`), '--format', 'text', '--lang', 'en']);
    expect(en.out).toContain('Deadline: Thu, December 3');
  });

  it('a bad closed day in the config exits 2 naming the field', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'fixtures/config/demo.json'), 'utf8')) as Record<string, unknown>;
    const cfg = join(dir, 'bad-config.json');
    writeFileSync(cfg, JSON.stringify({ ...config, closedDays: ['2026-12-03', '2026-02-30'] }));
    const r = await cli(['guide', '--facts', join(dir, 'h1.json'), '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('closedDays[1]');
  });
});

describe('bad second-edition facts exit 2 naming the field', () => {
  it.each([
    [{ date: '2026-11-26', events: ['moving-in'], moveFrom: 'kanagawa' }, 'moveFrom'],
    [{ date: '2026-11-26', events: ['insurance-change'], members: [{ role: 'applicant', previousInsurance: 'company' }] }, 'members[0].previousInsurance'],
    [{ date: '2026-11-26', events: ['divorce'], members: [{ role: 'applicant', receivesChildAllowance: 'yes' }] }, 'members[0].receivesChildAllowance'],
    [{ date: '2026-11-26', events: ['moving-in'], members: [{ role: 'applicant', gaveBirth: true }] }, 'members[0].gaveBirth'],
    [{ date: '2026-11-26', eventDate: '2026-11-20', events: ['death'], members: [{ role: 'deceased', birthDate: '2026-11-22' }] }, 'members[0].birthDate'],
    [{ date: '2026-11-26', eventDate: 'yesterday', events: ['death'] }, 'eventDate'],
  ])('%j', async (facts, field) => {
    const file = join(dir, `bad${++n}.json`);
    writeFileSync(file, JSON.stringify(facts));
    const r = await cli(['guide', '--facts', file, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${field}: `);
  });

  it('the real binary gives the same list (one household through a process)', () => {
    const h = households[0]!;
    const file = join(dir, 'proc.json');
    writeFileSync(file, JSON.stringify(h.facts));
    const res = spawnSync('npx', ['tsx', 'src-main/node/cli/main.ts', 'guide', '--facts', file, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(res.status).toBe(0);
    const items = (JSON.parse(res.stdout) as { procedures: Item[] }).procedures;
    expect(items.find((i) => i.id === 'shussei')!.deadline).toBe('2026-12-03');
    expect(items.find((i) => i.id === 'jidou-teate-claim')!.deadline).toBe('2026-12-07');
  });
});
