/**
 * Deterministic synthetic linkage data for the demo and the tests: the same seed writes the same
 * bytes. Nobody here is real. It deliberately holds the hard cases the forms must survive: rare
 * kanji outside JIS level 1/2 and outside the BMP (髙, 﨑, 𠮷), long addresses with 方書, foreign
 * residents with every residence-card field, era boundaries in birth dates, and every qualification.
 *
 *   npx tsx src-main/node/residents/generate.ts [OUT_DIR]   (default fixtures/linkage)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Resident } from '../../common/contract/residents';
import { addDays, addYears } from '../../common/dates/isoDate';
import { toCsv } from './csv';
import { ACTION_COLUMN, LINKAGE_COLUMNS, residentToRow } from './record';
import { mulberry32 } from '../../common/guidance/generate';

/** The generator's own "today": fixed, so ages and qualifications never drift with the clock. */
export const REFERENCE_DATE = '2026-11-26';

const rng = mulberry32;

const SURNAMES: Array<[string, string]> = [
  ['佐藤', 'サトウ'], ['鈴木', 'スズキ'], ['高橋', 'タカハシ'], ['髙橋', 'タカハシ'], ['田中', 'タナカ'], ['渡辺', 'ワタナベ'], ['伊藤', 'イトウ'],
  ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'], ['吉田', 'ヨシダ'], ['𠮷田', 'ヨシダ'], ['山田', 'ヤマダ'],
  ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'], ['井上', 'イノウエ'], ['木村', 'キムラ'], ['清水', 'シミズ'], ['山﨑', 'ヤマザキ'],
  ['宮﨑', 'ミヤザキ'], ['髙木', 'タカギ'], ['新井', 'アライ'], ['小暮', 'コグレ'], ['星野', 'ホシノ'], ['関口', 'セキグチ'], ['須藤', 'スドウ'],
  ['茂木', 'モテギ'], ['栗原', 'クリハラ'], ['髙﨑', 'タカサキ'], ['長谷川', 'ハセガワ'], ['金子', 'カネコ'], ['富田', 'トミタ'], ['大澤', 'オオサワ'],
];
const MALE: Array<[string, string]> = [
  ['健一', 'ケンイチ'], ['誠', 'マコト'], ['翔太', 'ショウタ'], ['大輔', 'ダイスケ'], ['蓮', 'レン'], ['悠真', 'ユウマ'], ['湊', 'ミナト'], ['茂', 'シゲル'],
  ['博', 'ヒロシ'], ['清', 'キヨシ'], ['髙志', 'タカシ'], ['和也', 'カズヤ'], ['陽翔', 'ハルト'], ['隆', 'タカシ'], ['正男', 'マサオ'], ['悟', 'サトル'],
];
const FEMALE: Array<[string, string]> = [
  ['由美', 'ユミ'], ['陽子', 'ヨウコ'], ['さくら', 'サクラ'], ['美咲', 'ミサキ'], ['陽菜', 'ヒナ'], ['結衣', 'ユイ'], ['芽依', 'メイ'], ['ハル', 'ハル'],
  ['和子', 'カズコ'], ['幸子', 'サチコ'], ['恵子', 'ケイコ'], ['真由美', 'マユミ'], ['葵', 'アオイ'], ['凛', 'リン'], ['千尋', 'チヒロ'], ['節子', 'セツコ'],
];
const TOWNS: Array<[string, string, string]> = [
  ['今泉町', '372-0006', '二丁目'], ['昭和町', '372-0021', ''], ['連取町', '372-0812', ''], ['宮子町', '372-0801', ''], ['境', '370-0122', ''],
  ['赤堀今井町', '379-2204', '一丁目'], ['東町', '372-0045', ''], ['国定町', '379-2221', '二丁目'], ['三郷町', '372-0027', ''], ['茂呂町', '372-0833', '一丁目'],
  ['波志江町', '372-0001', ''], ['太田町', '372-0022', ''], ['華蔵寺町', '372-0013', ''], ['平和町', '372-0043', ''], ['本町', '372-0048', ''],
  ['曲輪町', '372-0047', ''], ['中央町', '372-0042', ''], ['緑町', '372-0041', ''], ['韮塚町', '372-0824', ''], ['境下渕名', '370-0105', ''],
];
const BUILDINGS = ['コーポ今泉', 'ハイツ昭和', 'メゾン連取', 'グランドメゾン伊勢崎駅前レジデンス東館', 'サンライズ華蔵寺', 'パークサイドヒルズ波志江', 'レジデンス境', 'セントラルコート伊勢崎中央', 'ライオンズステーションプラザ伊勢崎市役所前第二南棟'];

interface ForeignOrigin {
  code: string;
  name: string;
  surnames: Array<[string, string]>;
  given: Array<[string, string]>;
}
const FOREIGN: ForeignOrigin[] = [
  { code: 'VN', name: 'ベトナム', surnames: [['NGUYEN', 'グエン'], ['TRAN', 'チャン'], ['LE', 'レ'], ['PHAM', 'ファム']], given: [['VAN AN', 'ヴァン アン'], ['THI LAN', 'ティ ラン'], ['DUC MINH', 'ドゥック ミン'], ['THI HOA', 'ティ ホア']] },
  { code: 'BR', name: 'ブラジル', surnames: [['SILVA', 'シルバ'], ['SANTOS', 'サントス'], ['OLIVEIRA', 'オリベイラ'], ['SOUZA', 'ソウザ']], given: [['MARIA', 'マリア'], ['JOAO', 'ジョアン'], ['ANA', 'アナ'], ['LUCAS', 'ルーカス']] },
  { code: 'PH', name: 'フィリピン', surnames: [['REYES', 'レイエス'], ['CRUZ', 'クルス'], ['BAUTISTA', 'バウティスタ']], given: [['JOSE', 'ホセ'], ['MARIBEL', 'マリベル'], ['ANGELO', 'アンジェロ']] },
  { code: 'CN', name: '中国', surnames: [['王', 'ワン'], ['李', 'リ'], ['張', 'チャン']], given: [['偉', 'ウェイ'], ['芳', 'ファン'], ['浩然', 'ハオラン']] },
  { code: 'PE', name: 'ペルー', surnames: [['GARCIA', 'ガルシア'], ['FLORES', 'フローレス']], given: [['CARLOS', 'カルロス'], ['ROSA', 'ロサ']] },
  { code: 'NP', name: 'ネパール', surnames: [['GURUNG', 'グルン'], ['THAPA', 'タパ']], given: [['RAM', 'ラム'], ['SITA', 'シタ']] },
  { code: 'KR', name: '韓国', surnames: [['金', 'キム'], ['朴', 'パク']], given: [['英哲', 'ヨンチョル'], ['順子', 'スンジャ']] },
];
const STATUSES: Array<{ status: string; period: string; years: number }> = [
  { status: '永住者', period: '無期限', years: 7 },
  { status: '定住者', period: '3年', years: 3 },
  { status: '日本人の配偶者等', period: '3年', years: 3 },
  { status: '技能実習', period: '1年', years: 1 },
  { status: '特定技能1号', period: '1年', years: 1 },
  { status: '技術・人文知識・国際業務', period: '5年', years: 5 },
  { status: '留学', period: '1年3月', years: 1 },
];

/** Birth dates on and around each era boundary: the wareki code must get every one right. */
const ERA_EDGE_BIRTHS = ['1989-01-07', '1989-01-08', '2019-04-30', '2019-05-01', '1926-12-25'];

/** Whole years between a birth date and the reference date. */
function ageAt(b: string): number {
  const [y, m, d] = b.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = REFERENCE_DATE.split('-').map(Number) as [number, number, number];
  return ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
}

/** The household rules the demo data keeps (checked by generate.test.ts on many seeds). */
export const PLAUSIBLE = { minHeadAge: 18, maxSpouseGap: 10, minParentGap: 16 } as const;
const SPOUSES = new Set(['妻', '夫']);
const PARENTS = new Set(['父', '母']);

/**
 * Ages that make sense together, without drawing (so a seed's sequence of draws is unchanged): a
 * 妻 or 夫 within ten years of the 世帯主, children at least 16 years younger than each parent in
 * the household, the 世帯主's 父・母 at least 16 years older. Dates move by whole years, keeping
 * the day of the year.
 */
export function makePlausible(people: Array<{ rel: string; birthDate: string }>): void {
  const setAge = (p: { birthDate: string }, age: number) => {
    p.birthDate = addYears(p.birthDate, ageAt(p.birthDate) - age);
  };
  const head = people[0];
  if (!head) return;
  if (ageAt(head.birthDate) < PLAUSIBLE.minHeadAge) setAge(head, PLAUSIBLE.minHeadAge + (ageAt(head.birthDate) % 10));
  const ha = ageAt(head.birthDate);
  const spouse = people.find((p) => SPOUSES.has(p.rel));
  if (spouse) {
    const gap = ageAt(spouse.birthDate) - ha;
    if (Math.abs(gap) > PLAUSIBLE.maxSpouseGap) setAge(spouse, Math.max(PLAUSIBLE.minHeadAge, ha + (gap % 6)));
  }
  const youngestParent = Math.min(ha, spouse ? ageAt(spouse.birthDate) : ha);
  for (const c of people.filter((p) => p.rel === '子')) {
    const max = youngestParent - PLAUSIBLE.minParentGap;
    if (ageAt(c.birthDate) > max) setAge(c, Math.max(0, ageAt(c.birthDate) % (max + 1)));
  }
  for (const g of people.filter((p) => PARENTS.has(p.rel))) {
    const a = ageAt(g.birthDate);
    if (a < ha + PLAUSIBLE.minParentGap) setAge(g, Math.min(105, ha + PLAUSIBLE.minParentGap + 4 + (a % 10)));
  }
}

export interface GeneratedLinkage {
  residents: Resident[];
  /** A delta file's rows: moves, a marriage's new name, and retirements (転出・死亡). */
  delta: Array<{ action: 'upsert'; resident: Resident } | { action: 'retire'; id: string }>;
}

export function generateLinkage(opts: { households?: number; seed?: number } = {}): GeneratedLinkage {
  const households = opts.households ?? 420;
  const rand = rng(opts.seed ?? 20261126);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const chance = (p: number) => rand() < p;
  const residents: Resident[] = [];
  let nextId = 1;
  let edge = 0;
  const ageOf = (b: string) => {
    const [y, m, d] = b.split('-').map(Number) as [number, number, number];
    const [ry, rm, rd] = REFERENCE_DATE.split('-').map(Number) as [number, number, number];
    return ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
  };
  /**
   * A birth date for an age range. `drawBirth` is the date the generator drew before plausibility
   * (an era-edge date may not fit the range); draws that depend on age keep using it, so every seed
   * still draws the same sequence and the demo's households, ids and names stay as they were.
   */
  const born = (ageLo: number, ageHi: number): { birthDate: string; drawBirth: string } => {
    if (edge < ERA_EDGE_BIRTHS.length && chance(0.02)) {
      const e = ERA_EDGE_BIRTHS[edge++]!;
      const a = ageOf(e);
      // An era-edge birth date only where it fits (a 7-year-old is no 世帯主): else the range's middle.
      return { birthDate: a >= ageLo && a <= ageHi ? e : addDays(addYears(REFERENCE_DATE, -Math.round((ageLo + ageHi) / 2) - 1), 183), drawBirth: e };
    }
    const age = int(ageLo, ageHi);
    const b = addDays(addYears(REFERENCE_DATE, -age - 1), int(1, 364));
    return { birthDate: b, drawBirth: b };
  };

  for (let h = 0; h < households; h++) {
    const householdId = String(200000001 + h);
    const [town, zip, chome] = h === 0 ? TOWNS[3]! : pick(TOWNS);
    const long = h === 0 || chance(0.2);
    const address = `群馬県伊勢崎市${town}${chome}${int(1, 3999)}番地${chance(0.5) ? int(1, 30) : ''}`;
    const addressExtra = long ? `${h === 0 ? BUILDINGS[3] : pick(BUILDINGS)}${int(1, 15)}${String(int(1, 12)).padStart(2, '0')}号室` : undefined;
    const foreignOrigin = h === 1 ? FOREIGN[0]! : h !== 0 && chance(0.14) ? pick(FOREIGN) : undefined;
    type Person = { rel: string; sex: 'male' | 'female'; birthDate: string; drawBirth?: string; surname?: [string, string]; given?: [string, string] };
    const people: Person[] = [];
    const kind = h === 0 ? 'family-with-grandmother' : pick(['single-elderly', 'couple-elderly', 'couple-kids', 'couple-kids', 'single-parent', 'single', 'three-gen', 'couple']);
    const headSex: 'male' | 'female' = kind === 'single-parent' ? 'female' : chance(0.85) ? 'male' : 'female';
    const spouse = headSex === 'male' ? '妻' : '夫';
    const other = (s: 'male' | 'female') => (s === 'male' ? 'female' : 'male');
    switch (kind) {
      case 'family-with-grandmother':
        people.push({ rel: '世帯主', sex: 'male', birthDate: '1972-06-15', surname: ['髙﨑', 'タカサキ'], given: ['健一', 'ケンイチ'] });
        people.push({ rel: '妻', sex: 'female', birthDate: '1975-09-03', surname: ['髙﨑', 'タカサキ'], given: ['由美', 'ユミ'] });
        people.push({ rel: '子', sex: 'male', birthDate: '2012-04-02', surname: ['髙﨑', 'タカサキ'], given: ['悠真', 'ユウマ'] });
        people.push({ rel: '妻の母', sex: 'female', birthDate: '1949-01-20', surname: ['𠮷田', 'ヨシダ'], given: ['ハル', 'ハル'] });
        break;
      case 'single-elderly':
        people.push({ rel: '世帯主', sex: headSex, ...born(66, 98) });
        break;
      case 'couple-elderly':
        people.push({ rel: '世帯主', sex: headSex, ...born(65, 92) }, { rel: spouse, sex: other(headSex), ...born(63, 90) });
        break;
      case 'couple':
        people.push({ rel: '世帯主', sex: headSex, ...born(22, 64) }, { rel: spouse, sex: other(headSex), ...born(21, 62) });
        break;
      case 'single':
        people.push({ rel: '世帯主', sex: headSex, ...born(18, 64) });
        break;
      case 'couple-kids':
      case 'single-parent': {
        const a = int(26, 50);
        people.push({ rel: '世帯主', sex: headSex, ...born(a, a) });
        if (kind === 'couple-kids') people.push({ rel: spouse, sex: other(headSex), ...born(a - 3, a + 2) });
        for (let k = int(1, 3); k > 0; k--) people.push({ rel: '子', sex: chance(0.5) ? 'male' : 'female', ...born(0, Math.min(17, a - 20)) });
        break;
      }
      case 'three-gen': {
        people.push({ rel: '世帯主', sex: 'male', ...born(40, 55) }, { rel: '妻', sex: 'female', ...born(38, 52) });
        people.push({ rel: '子', sex: chance(0.5) ? 'male' : 'female', ...born(3, 15) });
        people.push({ rel: '母', sex: 'female', ...born(70, 95) });
        if (chance(0.5)) people.push({ rel: '父', sex: 'male', ...born(72, 96) });
        break;
      }
    }
    makePlausible(people);
    const surname = foreignOrigin ? pick(foreignOrigin.surnames) : pick(SURNAMES);
    const headName = people[0]!.surname ?? surname;
    const headGiven = people[0]!.given ?? (foreignOrigin ? pick(foreignOrigin.given) : pick(headSex === 'male' ? MALE : FEMALE));
    people[0]!.given = headGiven;
    const single = kind === 'single-parent';
    const status = foreignOrigin ? (foreignOrigin.code === 'KR' ? { status: '特別永住者', period: '', years: 0 } : pick(STATUSES)) : undefined;
    // One 戸籍 per household here (a simplification): the same 本籍 for the family.
    const honseki = `群馬県伊勢崎市${town}${chome}${int(1, 3999)}番地`;
    people.forEach((p, i) => {
      const sn = p.surname ?? (p.rel === '母' || p.rel === '父' ? headName : headName);
      const gn = p.given ?? (foreignOrigin ? pick(foreignOrigin.given) : pick(p.sex === 'male' ? MALE : FEMALE));
      const age = ageOf(p.birthDate);
      // Draws keep the age they were made with (see `born`); values follow the plausible age.
      const da = ageOf(p.drawBirth ?? p.birthDate);
      const id = String(1000000000 + nextId++);
      const foreign = !!foreignOrigin;
      const name = foreign && !/^[\u3400-\u9fff]/.test(sn[0]) ? `${sn[0]} ${gn[0]}` : `${sn[0]}　${gn[0]}`;
      const employedDraw = da >= 20 && da < 65 && chance(0.55);
      const employed = employedDraw && age >= 20 && age < 65;
      const koki = age >= 75;
      let kokuhoAdult = false;
      let kokuhoChild = false;
      if (da < 65) {
        if (!employedDraw && da >= 20) kokuhoAdult = chance(0.6);
        if (!kokuhoAdult && da < 20) kokuhoChild = chance(0.25);
      }
      const kokuho = !koki && (age >= 65 || (!employed && age >= 20 && kokuhoAdult) || (age < 20 && kokuhoChild));
      const category3 = da >= 20 && da < 60 && !employedDraw && p.rel === '妻' && chance(0.6);
      const pension: Resident['pension'] = age >= 20 && age < 60 ? (employed ? 'category2' : category3 ? 'category3' : 'category1') : 'none';
      const certified = da >= 65 && chance(da >= 80 ? 0.45 : 0.12);
      const pensionEarly = da < 65 && da >= 20 && chance(0.02);
      const judo = da >= 18 && chance(0.02);
      const r: Resident = {
        id,
        householdId,
        name,
        kana: `${sn[1]} ${gn[1]}`,
        birthDate: p.birthDate,
        sex: p.sex,
        postalCode: zip,
        address,
        head: i === 0,
        relationship: p.rel,
        nationality: foreignOrigin?.code ?? 'JP',
        kokuho,
        koki,
        kaigo: age >= 65 ? (certified ? 'certified' : 'insured') : 'none',
        pension,
        receivesPension: age >= 65 || (age >= 20 && pensionEarly),
        welfareMedical: single && age < 18 ? 'hitorioya' : age < 18 ? 'kodomo' : judo ? 'judo' : 'none',
        techo: chance(0.05) ? [pick(['shintai', 'ryoiku', 'seishin'] as const)] : [],
        sealRegistered: da >= 15 && chance(0.6) && age >= 15,
        myNumberCard: chance(0.75),
      };
      if (addressExtra) r.addressExtra = addressExtra;
      if (!foreign) {
        r.honseki = i === 3 && h === 0 ? '長崎県長崎市𠮷田町一丁目2番地' : honseki;
        r.hittousha = p.surname && i === 3 ? `${p.surname[0]}　${p.given![0]}` : `${headName[0]}　${headGiven[0]}`;
      } else {
        r.nationalityName = foreignOrigin!.name;
        r.residenceStatus = status!.status;
        if (status!.period) r.periodOfStay = status!.period;
        if (status!.status !== '特別永住者' && status!.status !== '永住者') r.stayExpiry = addDays(addYears(REFERENCE_DATE, int(0, status!.years)), int(20, 360));
        else if (status!.status === '永住者') r.stayExpiry = addDays(addYears(REFERENCE_DATE, int(1, 6)), int(1, 360));
        const L = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
        r.residenceCardNo = `${pick([...L])}${pick([...L])}${String(int(0, 99999999)).padStart(8, '0')}${pick([...L])}${pick([...L])}`;
        if (foreignOrigin!.code === 'KR' || (foreignOrigin!.code === 'CN' && chance(0.5))) {
          r.alias = i === 0 ? '金田　英一' : `金田　${gn[0]}`;
          r.aliasKana = i === 0 ? 'カネダ エイイチ' : `カネダ ${gn[1]}`;
        }
      }
      residents.push(r);
    });
  }
  return { residents, delta: makeDelta(residents) };
}

/** A day's changes: two households move within the city, one person marries in, two leave the register. */
function makeDelta(all: Resident[]): GeneratedLinkage['delta'] {
  const out: GeneratedLinkage['delta'] = [];
  const moved = all.filter((r) => r.householdId === '200000010' || r.householdId === '200000011');
  for (const r of moved) out.push({ action: 'upsert', resident: { ...r, address: '群馬県伊勢崎市今泉町二丁目410番地', addressExtra: 'コーポ今泉202号室', postalCode: '372-0006' } });
  const retire = all.filter((r) => r.householdId === '200000020').map((r) => r.id);
  for (const id of retire) out.push({ action: 'retire', id });
  return out;
}

export function linkageCsv(residents: Resident[]): string {
  return toCsv(LINKAGE_COLUMNS, residents.map((r) => LINKAGE_COLUMNS.map((c) => residentToRow(r)[c])));
}

export function deltaCsv(delta: GeneratedLinkage['delta']): string {
  const header = [ACTION_COLUMN, ...LINKAGE_COLUMNS];
  return toCsv(
    header,
    delta.map((d) => (d.action === 'retire' ? [d.action, d.id, ...LINKAGE_COLUMNS.slice(1).map(() => '')] : [d.action, ...LINKAGE_COLUMNS.map((c) => residentToRow(d.resident)[c])])),
  );
}

export function linkageJson(residents: Resident[]): string {
  // One resident per line: diffs of the committed fixture stay readable.
  const head = JSON.stringify({ format: 'madoguchi-linkage/1', kind: 'full', exportedAt: `${REFERENCE_DATE}T06:00:00+09:00` }).slice(0, -1);
  return `${head},"residents":[\n${residents.map((r) => JSON.stringify(residentToRow(r))).join(',\n')}\n]}\n`;
}

export function writeDemoLinkage(dir: string): { residents: number; households: number } {
  const g = generateLinkage();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'demo-residents.csv'), linkageCsv(g.residents));
  // The JSON form of the same format, for the first households only (the CSV is the full set).
  writeFileSync(join(dir, 'demo-sample.json'), linkageJson(g.residents.filter((r) => Number(r.householdId) <= 200000005)));
  writeFileSync(join(dir, 'demo-delta.csv'), deltaCsv(g.delta));
  return { residents: g.residents.length, households: new Set(g.residents.map((r) => r.householdId)).size };
}

if (require.main === module) {
  const dir = resolve(process.argv[2] ?? join(__dirname, '..', '..', '..', 'fixtures', 'linkage'));
  const n = writeDemoLinkage(dir);
  process.stdout.write(`wrote ${n.residents} residents in ${n.households} households to ${dir}\n`);
}
