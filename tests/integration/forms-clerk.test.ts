import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resident } from '../../src-main/common/contract/residents';
import { formatValue, type FormContext } from '../../src-main/node/forms/bindings';
import { formPlan } from '../../src-main/node/forms/plan';
import { renderForms } from '../../src-main/node/forms/render';
import { formTemplates } from '../../src-main/node/forms/service';
import { tempDir } from '../support/tmp';
import { cli, DEMO_CSV, pdftotext, squeeze, textIn } from './residents-support';

/** Issue 13, point 4: the forms in the words a clerk expects. */
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('madoguchi-clerk-'));
  expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
});
afterAll(() => cleanup());

const base = (over: Partial<Resident>): Resident => ({
  id: '1',
  householdId: 'h1',
  name: '伊勢崎　太郎',
  kana: 'イセサキ タロウ',
  birthDate: '1980-05-05',
  sex: 'male',
  postalCode: '372-0801',
  address: '群馬県伊勢崎市今泉町二丁目410番地',
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
  ...over,
});

describe('forms a clerk expects', () => {
  it('forms render --form juminido shows 異動の種別, 異動日, 新住所/前住所 (転出先), 新旧世帯主, 転出予定日 and 届出人 in these words', async () => {
    const out = join(dir, 'juminido.pdf');
    const r = await cli('forms', 'render', '--data', dir, '--household', '200000001', '--form', 'juminido', '--out', out);
    expect(r.code, r.err).toBe(0);
    const text = squeeze(pdftotext(out, '-layout'));
    for (const w of ['異動の種別', '転入', '転居', '転出', '世帯変更', '異動日', '新住所', '前住所', '転出先', '新世帯主', '旧世帯主', '転出予定日', '届出人', '本人', '世帯主', '代理人']) expect(text, w).toContain(w);
  });

  it('児童手当: a 配偶者 section and 加入している年金 (厚生年金・共済・国民年金), not 国民年金 種別', async () => {
    const out = join(dir, 'jidou.pdf');
    expect((await cli('forms', 'render', '--data', dir, '--household', '200000001', '--form', 'jidou-teate-nintei', '--out', out)).code).toBe(0);
    const text = squeeze(pdftotext(out, '-layout'));
    for (const w of ['配偶者', '配偶者氏名', '加入している年金', '厚生年金', '共済', '国民年金', '髙﨑由美', 'タカサキユミ']) expect(text, w).toContain(w);
    expect(text).not.toContain('種別');
  });

  it('国保 and 介護: 個人番号 boxes, left empty for the clerk', async () => {
    const out = join(dir, 'kokuho-kaigo.pdf');
    expect((await cli('forms', 'render', '--data', dir, '--household', '200000001', '--form', 'kokuho-ido', '--form', 'kaigo-ido', '--out', out)).code).toBe(0);
    const kokuho = formTemplates().get('kokuho-ido')!.items.find((i) => i.type === 'digits')!;
    const kaigo = formTemplates().get('kaigo-ido')!.items.find((i) => i.type === 'digits')!;
    for (const [page, d] of [[1, kokuho], [2, kaigo]] as const) {
      if (d.type !== 'digits') throw new Error('digits');
      expect(d.boxes).toBe(12);
      // Only the caption is inside the boxes' area: nothing is filled in.
      expect(squeeze(textIn(out, page, { x: d.x, y: d.y, w: d.boxes * d.boxWidth, h: d.h }))).toBe(squeeze(d.label ?? ''));
      expect(d.label).toContain('個人番号');
    }
  });

  it('filters use the legal child class: 18 until the first 31 March after, not an age in years', () => {
    const today = '2026-11-26';
    const parent = base({});
    const child18 = base({ id: '2', name: '伊勢崎　花', head: false, relationship: '子', birthDate: '2008-04-02' }); // 18, a child until 31 March 2027
    const adult18 = base({ id: '3', name: '伊勢崎　健', head: false, relationship: '子', birthDate: '2008-04-01' }); // reached 18 on 31 March 2026
    const plan = formPlan([formTemplates().get('jidou-teate-nintei')!, formTemplates().get('kodomo-iryo-shikaku')!], { today, members: [parent, child18, adult18] });
    for (const form of ['jidou-teate-nintei', 'kodomo-iryo-shikaku']) {
      expect(plan.find((e) => e.form === form && e.member?.id === '2')).toMatchObject({ included: true });
      expect(plan.find((e) => e.form === form && e.member?.id === '3')).toMatchObject({ included: false, reason: { code: 'not-child', params: { until: '2026-03-31' } } });
    }
    expect(JSON.stringify(formTemplates().get('jidou-teate-nintei'))).not.toContain('maxAge');
  });

  it('forms plan says why a member is not printed', async () => {
    const r = await cli('forms', 'plan', '--data', dir, '--household', '200000001', '--json');
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as Array<{ form: string; member?: { name: string }; included: boolean; reason?: { code: string; ja: string } }>;
    const yuma = (form: string) => plan.find((e) => e.form === form && e.member?.name === '髙﨑　悠真')!;
    expect(yuma('inkan-toroku-shinsei')).toMatchObject({ included: false, reason: { code: 'under-age', ja: '15歳未満（14歳）のため対象外' } });
    expect(yuma('inkan-shomei-seikyu')).toMatchObject({ included: false, reason: { code: 'no-seal' } });
    expect(yuma('jidou-teate-nintei')).toMatchObject({ included: true });
    expect(plan.find((e) => e.form === 'kaigo-ido' && e.member?.name === '髙﨑　健一')).toMatchObject({ included: false, reason: { code: 'under-age' } });
  });

  it('a 国保 reason already known is circled on the form (転入 on a move into the city)', async () => {
    const t = formTemplates().get('kokuho-ido')!;
    const r0 = base({});
    const ctx = (facts: unknown): FormContext => ({ today: '2026-11-26', cityName: '伊勢崎市', householdId: 'h1', members: [r0], applicant: r0, visit: { id: 'v', number: 1001, station: 'east', businessDate: '2026-11-26', facts } });
    const plain = join(dir, 'kokuho-plain.pdf');
    const moved = join(dir, 'kokuho-moved.pdf');
    writeFileSync(plain, (await renderForms([t], ctx({ events: ['certificate'] }))).pdf);
    writeFileSync(moved, (await renderForms([t], ctx({ events: ['moving-in'], eventDate: '2026-11-20' }))).pdf);
    // The two pages differ only where the ○ is drawn: around 転入, nowhere else.
    const gray = (f: string) => {
      execFileSync('pdftoppm', ['-gray', '-r', '100', '-f', '1', '-l', '1', f, f.replace(/\.pdf$/, '')]);
      const pgm = readFileSync(f.replace(/\.pdf$/, '-1.pgm'));
      const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40))!;
      return { w: Number(header[1]), h: Number(header[2]), px: pgm.subarray(header[0].length) };
    };
    const a = gray(plain);
    const b = gray(moved);
    let box = { x0: Infinity, y0: Infinity, x1: -1, y1: -1 };
    for (let y = 0; y < a.h; y++)
      for (let x = 0; x < a.w; x++) {
        if (Math.abs(a.px[y * a.w + x]! - b.px[y * b.w + x]!) < 64) continue;
        if (y * 0.254 > 30) {
          // Below the header: the 異動日 also differs (it is known on the move); skip its box.
          if (x * 0.254 >= 140) continue;
        }
        box = { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x), y1: Math.max(box.y1, y) };
      }
    const mm = (px: number) => px * 0.254;
    expect(box.x1).toBeGreaterThan(0);
    const inside = squeeze(textIn(moved, 1, { x: mm(box.x0) - 1, y: mm(box.y0) - 1, w: mm(box.x1 - box.x0) + 2, h: mm(box.y1 - box.y0) + 2 }));
    expect(inside).toContain('転入');
    expect(inside).not.toContain('転出');
  });

  it('所得・課税証明 follows the 年度 switch in June, not April', () => {
    const r0 = base({});
    const ctx: FormContext = { today: '2026-05-31', cityName: '伊勢崎市', householdId: 'h1', members: [r0], applicant: r0 };
    expect(formatValue('fiscalYear', '2026-05-31', ctx, 'today')).toEqual(['令和7年度']);
    expect(formatValue('fiscalYear', '2026-06-01', ctx, 'today')).toEqual(['令和8年度']);
    expect(formatValue('fiscalYear', '2026-04-15', ctx, 'today')).toEqual(['令和7年度']);
    expect(formatValue('fiscalYear', '2027-01-10', ctx, 'today')).toEqual(['令和8年度']);
  });
});
