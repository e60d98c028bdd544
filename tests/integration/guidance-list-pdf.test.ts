import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { formatDisplayDate } from '../../src-main/common/dates/format';
import { catalogText } from '../../src-main/common/catalog/texts';
import type { Catalog, CatalogBundle } from '../../src-main/common/catalog/types';
import type { VisitState } from '../../src-main/common/visit/state';
import { DEFAULT_CATALOG_DIR, defaultCatalog } from '../../src-main/node/catalog/load';
import { publishCatalog } from '../../src-main/node/catalog/publish';
import { bundleFromDir } from '../../src-main/node/catalog/refs';
import { listForVisit, renderGuidanceList } from '../../src-main/node/guidanceList/render';
import { LIST_LABELS } from '../../src-main/node/guidanceList/labels';
import { demoApp } from './residents-support';
import type { App } from '../../src-main/node/app/app';
import { pdffonts, squeeze } from './residents-support';

let dir: string;
let cleanup: () => void;
let app: App;
let catalog: Catalog;
let visit: VisitState;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('madoguchi-list-'));
  app = demoApp(dir);
  catalog = defaultCatalog();
  // A family moving in from abroad with a child and a grandparent: a long list, many departments.
  const r = await app.registry.call(
    'ticket.issue',
    {
      lang: 'en',
      facts: {
        events: ['moving-in'],
        moveFrom: 'other-municipality',
        members: [
          { role: 'applicant', birthDate: '1986-04-01', insurance: 'nhi', pension: 'category1', head: true },
          { role: 'child', birthDate: '2020-05-05', insurance: 'nhi' },
          { role: 'parent', birthDate: '1948-02-02', insurance: 'late-elderly', receivesPension: true },
        ],
        household: { singleParent: true, dogs: 1 },
      },
    },
    app.context('kiosk-east', 'test'),
  );
  if (!r.ok) throw new Error(r.error.message);
  visit = (r.value as { visit: VisitState }).visit;
  expect(visit.items.length).toBeGreaterThan(5);
});
afterAll(() => {
  app.close();
  cleanup();
});

async function render(lang: string): Promise<{ file: string; text: string }> {
  const { items, bring } = listForVisit(visit, catalog, lang);
  const { pdf } = await renderGuidanceList({ lang, cityName: '伊勢崎市', stationName: '東口', number: visit.number, date: visit.businessDate, items, bring, statusName: (s) => catalogText(catalog, `status.${s}`, lang) });
  const file = join(dir, `list-${lang}.pdf`);
  writeFileSync(file, pdf);
  // -raw keeps content-stream order: a name wrapped over two lines of its cell reads as one.
  return { file, text: execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }) };
}

describe('printed guidance list', () => {
  it.each(['ja', 'en', 'vi', 'zh-CN'])('names every procedure on the visit in %s', async (lang) => {
    const { file, text } = await render(lang);
    const flat = squeeze(text);
    if (process.env.MADOGUCHI_KEEP_RENDER) execFileSync('cp', [file, process.env.MADOGUCHI_KEEP_RENDER]);
    expect(flat).toContain(squeeze(LIST_LABELS[lang]!.title));
    expect(flat).toContain(String(visit.number));
    for (const it of visit.items) {
      const name = catalogText(catalog, `procedure.${it.id}`, lang);
      expect(name, `${lang} ${it.id}`).not.toBe(`procedure.${it.id}`);
      expect(flat, `${lang}: ${name}`).toContain(squeeze(name));
    }
    const fonts = pdffonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f, f.name).toMatchObject({ emb: true, sub: true });
    if (lang === 'zh-CN') expect(fonts.some((f) => /NotoSansSC/.test(f.name))).toBe(true);
    if (lang === 'vi') expect(fonts.some((f) => /\+NotoSans-Regular$/.test(f.name))).toBe(true);
    if (lang === 'ja') expect(fonts.every((f) => !/NotoSansSC/.test(f.name))).toBe(true);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, join(dir, `list-${lang}`)]);
    const png = join(dir, `list-${lang}-1.png`);
    expect(existsSync(png) && statSync(png).size > 5_000).toBe(true);
    if (process.env.MADOGUCHI_KEEP_RENDER) execFileSync('cp', [file, png, process.env.MADOGUCHI_KEEP_RENDER]);
  });

  it('prints deadlines as Japanese dates (12月3日(木)), never ISO', async () => {
    const { text } = await render('ja');
    const flat = squeeze(text);
    const { items } = listForVisit(visit, catalog, 'ja');
    const dated = items.filter((i) => i.deadline);
    expect(dated.length).toBeGreaterThan(0);
    for (const it of dated) expect(flat, it.id).toContain(squeeze(formatDisplayDate(it.deadline!, 'ja', { visitYear: Number(visit.businessDate.slice(0, 4)) })));
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("prints the names a published version gives the things to bring (an English name edited in the catalog editor)", async () => {
    const content = bundleFromDir(DEFAULT_CATALOG_DIR) as CatalogBundle & { locales: Record<string, { bring: Record<string, string> }> };
    const edited = 'Photo identification (reworded by the WG)';
    expect(squeeze(content.locales.en!.bring['honnin-kakunin']!)).not.toBe(squeeze(edited));
    content.locales.en!.bring['honnin-kakunin'] = edited;
    publishCatalog(app.terminal, { content, reason: '本人確認書類の英語名を変更', effective: 'today', staff: 'admin01' });
    const doc = await app.registry.call('guidance.listPdf', { visitId: visit.id, lang: 'en' }, app.context('kiosk-east', 'test'));
    if (!doc.ok) throw new Error(doc.error.message);
    const file = join(dir, 'list-published-en.pdf');
    writeFileSync(file, Buffer.from((doc.value as { pdfBase64: string }).pdfBase64, 'base64'));
    const flat = squeeze(execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }));
    expect(flat).toContain(squeeze(edited));
  });

  it('has every heading in every shipped language', () => {
    for (const lang of ['ja', 'ja-easy', 'en', 'pt-BR', 'es', 'vi', 'zh-CN', 'tl']) expect(LIST_LABELS[lang], lang).toBeDefined();
  });
});
