import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import type { Resident } from '../../src-main/common/contract/residents';
import { renderForms } from '../../src-main/node/forms/render';
import { formTemplates } from '../../src-main/node/forms/service';
import { cli, DEMO_CSV, pdffonts, pdftotext, squeeze, textIn } from './residents-support';

let dir: string;
let cleanup: () => void;
type Shown = Resident & { birthDateWareki: string };
const shown = new Map<string, Shown>();
let households: Array<{ householdId: string; memberIds: string[] }>;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('madoguchi-forms-'));
  expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
  households = JSON.parse((await cli('residents', 'list', '--data', dir, '--limit', '1000', '--format', 'json')).out);
});
afterAll(() => cleanup());

async function show(id: string): Promise<Shown> {
  let r = shown.get(id);
  if (!r) {
    r = JSON.parse((await cli('residents', 'show', id, '--data', dir, '--format', 'json')).out) as Shown;
    shown.set(id, r);
  }
  return r;
}

/** 住民異動届: the table starts at y = 165 mm (7 mm header), rows of 13 mm; name column x 15–67, birth 67–107 mm. */
const ROW = (i: number) => 172 + 13 * i;
const RH = 13;

describe('forms render (CLI)', () => {
  it('fills 住民異動届 for a household: each member’s name, furigana, address and 和暦 birth date in the right boxes, as residents show reports them', async () => {
    // The rare-kanji household, a foreign household, and the largest household of the demo data.
    const largest = [...households].sort((a, b) => b.memberIds.length - a.memberIds.length || a.householdId.localeCompare(b.householdId))[0]!;
    const picks = ['200000001', '200000002', largest.householdId];
    for (const h of picks) {
      const out = join(dir, `juminido-${h}.pdf`);
      const r = await cli('forms', 'render', '--data', dir, '--household', h, '--form', 'juminido', '--out', out);
      expect(r.code, r.err).toBe(0);
      const memberIds = households.find((x) => x.householdId === h)!.memberIds;
      const members = await Promise.all(memberIds.map(show));
      const head = members[0]!;
      expect(head.head).toBe(true);
      const address = squeeze(textIn(out, 1, { x: 15, y: 90, w: 180, h: 20 }));
      expect(address).toContain(squeeze(head.address));
      if (head.addressExtra) expect(address).toContain(squeeze(head.addressExtra));
      members.forEach((m, i) => {
        const page = Math.floor(i / 6) + 1;
        const row = ROW(i % 6);
        const nameBox = squeeze(textIn(out, page, { x: 15, y: row, w: 52, h: RH }));
        expect(nameBox, `${h} member ${i}`).toBe(squeeze(m.kana) + squeeze(m.name));
        const birthBox = squeeze(textIn(out, page, { x: 67, y: row, w: 40, h: RH }));
        expect(birthBox).toBe(m.birthDateWareki);
        expect(m.address).toBe(head.address);
      });
      if (h === '200000002') {
        const text = squeeze(pdftotext(out, '-layout'));
        for (const m of members) {
          expect(text).toContain(m.nationalityName);
          expect(text).toContain(m.residenceCardNo);
        }
      }
    }
  });

  it('renders the 9-form set with the Japanese font embedded as a subset, and 髙 﨑 𠮷 as real text', async () => {
    const out = join(dir, 'all.pdf');
    const r = await cli('forms', 'render', '--data', dir, '--household', '200000001', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/juminido.*kokuho-ido.*jidou-teate-nintei.*kodomo-iryo-shikaku.*inkan-toroku-shinsei.*juminhyo-seikyu.*inkan-shomei-seikyu.*zei-shomei-shinsei.*kaigo-ido/);
    const fonts = pdffonts(out);
    const ja = fonts.find((f) => /^[A-Z]{6}\+BIZUDGothic-Regular$/.test(f.name));
    expect(ja).toMatchObject({ emb: true, sub: true, uni: true });
    // 𠮷 (U+20BB7) is not in BIZ UDGothic: Noto Sans JP draws it, also embedded as a subset.
    expect(fonts.find((f) => /\+NotoSansJP-Regular$/.test(f.name))).toMatchObject({ emb: true, sub: true });
    const text = pdftotext(out, '-layout');
    for (const ch of ['髙', '﨑', '𠮷']) expect(text).toContain(ch);
    expect(squeeze(text)).toContain('𠮷田ハル');
    // Every form's title is there, and person forms got one page per person they concern.
    for (const t of formTemplates().values()) expect(squeeze(text)).toContain(squeeze(t.name));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8' }))![1]);
    // juminido, kokuho, jidou, kodomo, juminhyo: 1 each; inkan: 3 people ≥15; inkan-shomei: 3 with a registered seal; zei: 3 ≥16; kaigo: 1 ≥65.
    expect(pages).toBe(5 + 3 + 3 + 3 + 1);
    // A page to look at.
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', out, join(dir, 'page')]);
    const png = join(dir, 'page-01.png');
    expect(existsSync(png) && statSync(png).size > 10_000).toBe(true);
    if (process.env.MADOGUCHI_KEEP_RENDER) execFileSync('cp', [out, png, process.env.MADOGUCHI_KEEP_RENDER]);
  });

  it('writes 和暦 dates, the 年度, and leaves every signature box empty', async () => {
    const out = join(dir, 'sig.pdf');
    await cli('forms', 'render', '--data', dir, '--household', '200000001', '--form', 'juminido', '--form', 'zei-shomei-shinsei', '--out', out);
    const sig = squeeze(textIn(out, 1, { x: 143, y: 47, w: 52, h: 39 }));
    expect(sig).toBe('届出人署名（自署）');
    const zeiSig = squeeze(textIn(out, 2, { x: 138, y: 47, w: 57, h: 28 }));
    expect(zeiSig).toBe('申請者署名（自署）');
    const dateBox = squeeze(textIn(out, 1, { x: 140, y: 21, w: 55, h: 11 }));
    expect(dateBox).toMatch(/^届出日令和\d+年\d+月\d+日$/);
    expect(squeeze(textIn(out, 2, { x: 140, y: 34, w: 55, h: 11 }))).toMatch(/^年度令和\d+年度$/);
  });

  it('leaves an audit record for every resident printed', async () => {
    const before = JSON.parse((await cli('audit', 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--data', dir, '--format', 'json')).out) as Array<{ action: string; residentId: string; actor: string }>;
    const out = join(dir, 'audited.pdf');
    await cli('forms', 'render', '--data', dir, '--household', '200000002', '--form', 'kokuho-ido', '--out', out);
    const after = JSON.parse((await cli('audit', 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--data', dir, '--format', 'json')).out) as Array<{ id: number; action: string; residentId: string; actor: string; purpose: string }>;
    const fresh = after.filter((a) => !before.some((b) => (b as { id?: number }).id === a.id));
    const prints = fresh.filter((a) => a.action === 'print');
    const ids = households.find((h) => h.householdId === '200000002')!.memberIds;
    expect(prints.map((p) => p.residentId).sort()).toEqual([...ids].sort());
    for (const p of prints) {
      expect(p.actor).toMatch(/^cli:/);
      expect(p.purpose).toContain(out);
    }
    // Reading the log is itself logged.
    expect(fresh.some((a) => a.action === 'audit-export')).toBe(true);
    const csv = await cli('audit', 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--data', dir);
    expect(csv.out.split('\r\n')[0]).toBe('id,at,actor,terminal,action,resident_id,household_id,visit_id,purpose,detail');
    const bad = await cli('audit', 'export', '--from', '2026-13-01', '--to', '2026-12-01', '--data', dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('from:');
  });
});

describe('shrink to fit', () => {
  it('a 方書 far too long for its box gets smaller, never cut, and stays inside the box', async () => {
    const long = 'ライオンズステーションプラザ伊勢崎市役所前第二南棟管理組合気付サービス付き高齢者向け住宅はなみずき館別棟三階東側一番奥の角部屋1203号室';
    const base: Resident = {
      id: '1',
      householdId: 'h1',
      name: '髙﨑　寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末',
      kana: 'タカサキ ジュゲムジュゲムゴコウノスリキレカイジャリスイギョノスイギョウマツウンライマツフウライマツ',
      birthDate: '1989-01-07',
      sex: 'male',
      postalCode: '372-0801',
      address: '群馬県伊勢崎市宮子町3587番地',
      addressExtra: long,
      head: true,
      relationship: '世帯主',
      nationality: 'JP',
      kokuho: true,
      koki: false,
      kaigo: 'none',
      pension: 'category1',
      receivesPension: false,
      welfareMedical: 'none',
      techo: [],
      sealRegistered: false,
      myNumberCard: true,
    };
    const res = await renderForms([formTemplates().get('juminido')!], { today: '2026-11-26', cityName: '伊勢崎市', householdId: 'h1', members: [base], applicant: base });
    const out = join(dir, 'long.pdf');
    writeFileSync(out, res.pdf);
    expect(squeeze(textIn(out, 1, { x: 15, y: 90, w: 180, h: 20 }))).toBe('新住所（転出の場合は転出先）' + squeeze(base.address) + long);
    expect(squeeze(textIn(out, 1, { x: 15, y: ROW(0), w: 52, h: RH }))).toBe(squeeze(base.kana) + squeeze(base.name));
    expect(squeeze(textIn(out, 1, { x: 67, y: ROW(0), w: 40, h: RH }))).toBe('昭和64年1月7日');
  });
});
