import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resident } from '../../src-main/common/contract/residents';
import type { FormContext } from '../../src-main/node/forms/bindings';
import { placeOverlay, type PlacedText } from '../../src-main/node/forms/overlayLayout';
import { formTemplates } from '../../src-main/node/forms/service';
import { decodeEscp, escpLines } from '../../src-main/node/printer/escpDecode';
import { tempDir } from '../support/tmp';
import { cli, DEMO_CSV, pdftotext, squeeze } from './residents-support';

let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('madoguchi-overlay-'));
  expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
});
afterAll(() => cleanup());

function jobFiles(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.bin')).sort().map((f) => join(folder, f));
}

describe('overlay: the data only, on the city’s own sheet', () => {
  it('forms render --overlay gives the household’s data without the form’s title or captions, on the layout’s paper', async () => {
    const out = join(dir, 'overlay.pdf');
    const r = await cli('forms', 'render', '--data', dir, '--household', '200000001', '--form', 'juminido', '--overlay', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(execFileSync('pdfinfo', [out], { encoding: 'utf8' })).toMatch(/Page size:\s+720 x 792 pts/); // 連続紙 10 × 11 inch
    const text = squeeze(pdftotext(out, '-layout'));
    for (const v of ['髙﨑健一', '𠮷田ハル', 'タカサキユウマ', '群馬県伊勢崎市宮子町3587番地', 'グランドメゾン伊勢崎駅前レジデンス東館310号室', '昭和47年6月15日', '世帯主']) expect(text).toContain(v);
    for (const caption of ['住民異動届', '異動の種別', '新住所', '前住所', '届出人', '署名', '世帯番号', '市使用欄']) expect(text).not.toContain(caption);
    // The full form, for comparison, has them.
    const full = join(dir, 'full.pdf');
    await cli('forms', 'render', '--data', dir, '--household', '200000001', '--form', 'juminido', '--out', full);
    expect(squeeze(pdftotext(full, '-layout'))).toContain('住民異動届');
  });

  it('acceptance: forms print --printer escp:file:DIR writes ESC/P-K that decodes to the head’s name, 髙﨑 as images', async () => {
    const folder = join(dir, 'escp');
    const r = await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', `escp:file:${folder}`);
    expect(r.code, r.err).toBe(0);
    const [file] = jobFiles(folder);
    const bytes = readFileSync(file!);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40])); // ESC @
    expect(bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true); // FS & Kanji mode
    expect(bytes.includes(Buffer.from([0x1b, 0x28, 0x56, 0x02, 0x00]))).toBe(true); // ESC ( V absolute vertical
    expect(bytes.includes(Buffer.from([0x1b, 0x24]))).toBe(true); // ESC $ absolute horizontal
    expect(bytes.includes(Buffer.from([0x1b, 0x2a, 39]))).toBe(true); // ESC * 24-dot images
    // 健 is JIS 0x3772 and 一 0x306C, sent in Kanji mode; 髙 (CP932 0xFBFC) never goes as a code.
    expect(bytes.includes(Buffer.from([0x37, 0x72]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x30, 0x6c]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xfb, 0xfc]))).toBe(false);

    const items = decodeEscp(bytes);
    const name = escpLines(items).find((l) => l.text.includes('健一'))!;
    expect(name.text).toBe('⟦image 24×24 "髙"⟧⟦image 24×24 "﨑"⟧ 健一');
    const texts = items.filter((i) => i.type === 'text' && i.y === name.y).map((i) => (i as { text: string; kanji: boolean }).kanji);
    expect(texts.every(Boolean)).toBe(true);

    const dec = await cli('printer', 'decode', '--file', file!);
    expect(dec.code).toBe(0);
    expect(dec.out).toMatch(/^ESC\/P-K job: 2 × ESC @, Kanji mode used, page length 297 mm, character set USA \(ASCII\), letter quality, unidirectional, 1 pages/);
    expect(dec.out).toContain('⟦image 24×24 "髙"⟧⟦image 24×24 "﨑"⟧ 健一');
    expect(dec.out).toContain('群馬県伊勢崎市宮子町3587番地');
    expect(dec.out).toContain('⟦image 24×24 "𠮷"⟧田 ハル');
  });

  it('every print is audited, one line per member, under the CLI operator', async () => {
    const before = JSON.parse((await cli('audit', 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--data', dir, '--format', 'json')).out) as Array<{ id: number }>;
    const folder = join(dir, 'escp-audit');
    expect((await cli('forms', 'print', '--data', dir, '--household', '200000002', '--form', 'juminhyo-seikyu', '--printer', `escp:file:${folder}`)).code).toBe(0);
    const after = JSON.parse((await cli('audit', 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--data', dir, '--format', 'json')).out) as Array<{ id: number; action: string; residentId: string; actor: string; purpose: string }>;
    const prints = after.filter((a) => !before.some((b) => b.id === a.id) && a.action === 'print');
    const members = JSON.parse((await cli('residents', 'list', '--data', dir, '--limit', '1000', '--format', 'json')).out).find((h: { householdId: string }) => h.householdId === '200000002').memberIds as string[];
    expect(prints.map((p) => p.residentId).sort()).toEqual([...members].sort());
    for (const p of prints) {
      expect(p.actor).toMatch(/^cli:/);
      expect(p.purpose).toContain(`escp:file:${folder}`);
    }
  });

  it('calibration: a grid sheet, then offsets stored in the terminal config move every piece', async () => {
    const folder = join(dir, 'calib');
    const spec = `escp:file:${folder}`;
    const grid = await cli('forms', 'calibrate', '--data', dir, '--printer', spec, '--form', 'juminhyo-seikyu');
    expect(grid.code, grid.err).toBe(0);
    const sheet = escpLines(decodeEscp(readFileSync(jobFiles(folder)[0]!)));
    expect(sheet.some((l) => l.text.includes('[applicant-name'))).toBe(true);
    expect(sheet.some((l) => l.text === 'dx=0 dy=0 mm')).toBe(true);

    await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', spec);
    const before = escpLines(decodeEscp(readFileSync(jobFiles(folder)[1]!))).find((l) => l.text.includes('健一'))!;

    const store = await cli('forms', 'calibrate', '--data', dir, '--printer', spec, '--form', 'juminhyo-seikyu', '--dx', '2.5', '--dy=-1.5');
    expect(store.code, store.err).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.printCalibration).toEqual([{ printer: spec, form: 'juminhyo-seikyu', dx: 2.5, dy: -1.5 }]);
    expect(escpLines(decodeEscp(readFileSync(jobFiles(folder)[2]!))).some((l) => l.text === 'dx=2.5 dy=-1.5 mm')).toBe(true);

    await cli('forms', 'print', '--data', dir, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', spec);
    const after = escpLines(decodeEscp(readFileSync(jobFiles(folder)[3]!))).find((l) => l.text.includes('健一'))!;
    // ESC $ counts 1/60 inch (0.42 mm), ESC ( V 1/360 inch.
    expect(Math.abs(after.x - before.x - 2.5)).toBeLessThan(0.5);
    expect(Math.abs(after.y - before.y + 1.5)).toBeLessThan(0.1);

    const bad = await cli('forms', 'calibrate', '--data', dir, '--printer', spec, '--form', 'juminhyo-seikyu', '--dx', 'far');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--dx');
  });
});

describe('the city’s own layouts in the data folder', () => {
  it('a data folder’s forms/ overrides the shipped layout; a scanned sheet shows under the data in a preview only', async () => {
    const { dir: city, cleanup: done } = tempDir('madoguchi-city-forms-');
    try {
      expect((await cli('residents', 'import', DEMO_CSV, '--data', city)).code).toBe(0);
      const forms = join(city, 'forms');
      cpSync(join(__dirname, '..', '..', 'fixtures', 'forms'), forms, { recursive: true });
      const t = JSON.parse(readFileSync(join(forms, 'juminhyo-seikyu.json'), 'utf8'));
      t.overlay.background = 'juminhyo-scan.png';
      t.overlay.fields.find((f: { id: string }) => f.id === 'head').x = 33; // this city's sheet has the box 3 mm further right
      writeFileSync(join(forms, 'juminhyo-seikyu.json'), JSON.stringify(t, null, 2));
      // A "scan" of the sheet: our own A4 form, rasterised.
      const sheet = join(city, 'sheet.pdf');
      expect((await cli('forms', 'render', '--data', city, '--household', '200000001', '--form', 'juminhyo-seikyu', '--out', sheet)).code).toBe(0);
      execFileSync('pdftoppm', ['-png', '-r', '30', '-singlefile', sheet, join(forms, 'juminhyo-scan')]);
      expect((await cli('forms', 'check', '--data', city)).code).toBe(0);
      const preview = join(city, 'preview.pdf');
      expect((await cli('forms', 'render', '--data', city, '--household', '200000001', '--form', 'juminhyo-seikyu', '--overlay', '--background', '--out', preview)).code).toBe(0);
      expect(execFileSync('pdfimages', ['-list', preview], { encoding: 'utf8' }).split('\n').filter((l) => /^\s+1\s/.test(l))).toHaveLength(1);
      // What goes to the printer never carries the scan; the head's name moved with the city's layout.
      const folder = join(city, 'escp');
      expect((await cli('forms', 'print', '--data', city, '--household', '200000001', '--form', 'juminhyo-seikyu', '--printer', `escp:file:${folder}`)).code).toBe(0);
      const head = escpLines(decodeEscp(readFileSync(jobFiles(folder)[0]!))).filter((l) => l.text.includes('健一'));
      expect(head.some((l) => Math.abs(l.x - 33.3) < 0.5)).toBe(true);
      const plain = join(city, 'plain.pdf');
      await cli('forms', 'render', '--data', city, '--household', '200000001', '--form', 'juminhyo-seikyu', '--overlay', '--out', plain);
      expect(execFileSync('pdfimages', ['-list', plain], { encoding: 'utf8' }).split('\n').filter((l) => /^\s+1\s/.test(l))).toHaveLength(0);
    } finally {
      done();
    }
  });
});

describe('bad layouts and values too long', () => {
  it('forms check names a field that falls off the paper or overlaps another', async () => {
    const forms = join(dir, 'bad-forms');
    mkdirSync(forms);
    const src = join(__dirname, '..', '..', 'fixtures', 'forms', 'juminhyo-seikyu.json');
    cpSync(src, join(forms, 'juminhyo-seikyu.json'));
    expect((await cli('forms', 'check', '--dir', forms)).code).toBe(0);
    const t = JSON.parse(readFileSync(src, 'utf8'));
    t.overlay.fields.find((f: { id: string }) => f.id === 'head').x = 180; // 180 + 70 mm > 210 mm
    t.overlay.fields.find((f: { id: string }) => f.id === 'applicant-birth').x = 60; // onto applicant-name (30–100 mm)
    writeFileSync(join(forms, 'juminhyo-seikyu.json'), JSON.stringify(t));
    const r = await cli('forms', 'check', '--dir', forms);
    expect(r.code).toBe(2);
    expect(r.err).toContain('overlay.head: field "head" falls off the paper (A4 210×297 mm): it spans x 180–250 mm');
    expect(r.err).toContain('field "applicant-birth" overlaps field "applicant-name"');
  });

  const person = (over: Partial<Resident>): Resident => ({
    id: '9',
    householdId: 'h9',
    name: '髙﨑　健一',
    kana: 'タカサキ ケンイチ',
    birthDate: '1972-06-15',
    sex: 'male',
    postalCode: '372-0801',
    address: '群馬県伊勢崎市宮子町3587番地',
    head: true,
    relationship: '世帯主',
    nationality: 'JP',
    kokuho: false,
    koki: false,
    kaigo: 'none',
    pension: 'category2',
    receivesPension: false,
    welfareMedical: 'none',
    techo: [],
    sealRegistered: true,
    myNumberCard: true,
    ...over,
  });
  // The applicant is not the 世帯主 here, so the household's own address stays short.
  const ctxOf = (r: Resident): FormContext => {
    const head = person({ id: '8', name: '髙﨑　一郎', head: true });
    const a = { ...r, head: false, relationship: '子' };
    return { today: '2026-11-26', cityName: '伊勢崎市', householdId: 'h9', members: [head, a], applicant: a };
  };
  const piecesOf = (r: Resident, field: string) => placeOverlay(formTemplates().get('juminhyo-seikyu')!, ctxOf(r))[0]!.pieces.filter((p): p is PlacedText => p.kind === 'text' && p.field === field);

  it('a value longer than its box shrinks, then wraps, and is never cut', () => {
    // 18 full-width characters at 12 pt need 76 mm; the box is 70 mm.
    const longName = '髙﨑　寿限無寿限無五劫の擦り切れ海';
    const name = piecesOf(person({ name: longName }), 'applicant-name');
    expect(name).toHaveLength(1);
    expect(name[0]!.text).toBe(longName);
    expect(name[0]!.size).toBeLessThan(12);
    expect(name[0]!.size).toBeGreaterThanOrEqual(7);
    expect(name[0]!.x + [...longName].length * name[0]!.pitch).toBeLessThanOrEqual(30 + 70 + 1e-6);
    // An address of 70 characters in a 130 mm box of two lines would need 6.3 pt on one line (the
    // minimum is 7 pt): it wraps, all characters kept.
    const addr = '群馬県伊勢崎市宮子町三千五百八十七番地の一ライオンズステーションプラザ伊勢崎市役所前第二南棟管理組合気付サービス付き高齢者向け住宅';
    const lines = piecesOf(person({ address: addr }), 'applicant-address');
    expect(lines.length).toBe(2);
    expect(lines.map((l) => l.text).join('')).toBe(addr);
  });

  it('a value that cannot fit even small and wrapped is refused with a message to the clerk naming the field', () => {
    const huge = '寿限無'.repeat(20);
    expect(() => placeOverlay(formTemplates().get('juminhyo-seikyu')!, ctxOf(person({ name: huge })))).toThrow(expect.objectContaining({ code: 'bad-input', field: 'overlay.applicant-name', message: expect.stringMatching(/住民票の写し等交付請求書（juminhyo-seikyu）の「applicant-name」に「寿限無.*」が入りきりません.*手書きで記入してください/) }));
  });
});

describe('box grids: one character per printed box', () => {
  const templates = () => formTemplates();
  const r = (over: Partial<Resident>): Resident => ({
    id: '9', householdId: 'h9', name: '髙﨑　健一', kana: 'タカサキ ケンイチ', birthDate: '1972-06-15', sex: 'male', postalCode: '372-0801', address: '群馬県伊勢崎市宮子町3587番地',
    head: true, relationship: '世帯主', nationality: 'JP', kokuho: false, koki: false, kaigo: 'none', pension: 'category2', receivesPension: false, welfareMedical: 'none', techo: [], sealRegistered: true, myNumberCard: true, ...over,
  });
  const ctx = (m: Resident): FormContext => ({ today: '2026-11-26', cityName: '伊勢崎市', householdId: 'h9', members: [m], applicant: m });

  it('郵便番号 goes digit by digit into its seven boxes; フリガナ character by character', () => {
    const postal = placeOverlay(templates().get('juminido')!, ctx(r({})))[0]!.pieces.filter((p): p is PlacedText => p.kind === 'text' && p.field === 'postal');
    expect(postal.map((p) => p.text)).toEqual(['3', '7', '2', '0', '8', '0', '1']);
    postal.forEach((p, i) => {
      expect(p.x).toBeGreaterThanOrEqual(130 + 5 * i);
      expect(p.x + p.pitch / 2).toBeLessThanOrEqual(130 + 5 * (i + 1));
    });
    const kana = placeOverlay(templates().get('inkan-shomei-seikyu')!, ctx(r({})))[0]!.pieces.filter((p): p is PlacedText => p.kind === 'text' && p.field === 'kana');
    // The space between family and given name keeps its own (empty) box.
    expect(kana.map((p) => p.text).join('')).toBe('タカサキ ケンイチ');
  });

  it('a フリガナ with more characters than boxes is refused, naming the field and the count', () => {
    const long = 'アレクサンドロス ヴァシレイオス ニコラオス パパドプロス';
    expect(() => placeOverlay(templates().get('inkan-shomei-seikyu')!, ctx(r({ kana: long })))).toThrow(expect.objectContaining({ field: 'overlay.kana', message: expect.stringContaining(`${[...long].length}文字、枠は24マス`) }));
  });
});
