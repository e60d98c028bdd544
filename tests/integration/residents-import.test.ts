import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { generateLinkage, linkageCsv } from '../../src-main/node/residents/generate';
import { openTerminal, ensureDemoSetup } from '../../src-main/node/terminal/dataFolder';
import { Residents } from '../../src-main/node/residents/residents';
import { cliReader } from '../../src-main/node/residents/cliReader';
import { cli, DEMO_CSV, DEMO_DELTA, DEMO_JSON } from './residents-support';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('madoguchi-residents-'));
});
afterEach(() => cleanup());

function counts(data: string) {
  const t = openTerminal(data);
  try {
    const db = t.store.db;
    return {
      residents: (db.prepare('SELECT COUNT(*) AS n FROM residents').get() as { n: number }).n,
      imports: (db.prepare('SELECT COUNT(*) AS n FROM resident_imports').get() as { n: number }).n,
      data: db.prepare('SELECT id, data, retired_at FROM residents ORDER BY id').all(),
    };
  } finally {
    t.close();
  }
}

describe('demo linkage data', () => {
  it('is what the deterministic generator writes, with every case the forms must survive', () => {
    const a = generateLinkage();
    const b = generateLinkage();
    expect(linkageCsv(a.residents)).toBe(linkageCsv(b.residents));
    expect(readFileSync(DEMO_CSV, 'utf8')).toBe(linkageCsv(a.residents));
    const rs = a.residents;
    expect(rs.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(rs.map((r) => r.householdId)).size).toBeGreaterThanOrEqual(400);
    const all = JSON.stringify(rs);
    for (const ch of ['髙', '﨑', '𠮷']) expect(all).toContain(ch);
    const foreign = rs.filter((r) => r.nationality !== 'JP');
    expect(foreign.length).toBeGreaterThan(50);
    for (const f of foreign) expect(f.nationalityName && f.residenceStatus && f.residenceCardNo).toBeTruthy();
    expect(foreign.some((f) => f.periodOfStay && f.stayExpiry)).toBe(true);
    expect(foreign.some((f) => f.alias)).toBe(true);
    expect(rs.some((r) => r.addressExtra && r.address.length + r.addressExtra.length > 45)).toBe(true);
    expect(rs.filter((r) => r.nationality === 'JP').every((r) => r.honseki && r.hittousha)).toBe(true);
    // Every qualification, every value.
    expect(rs.some((r) => r.kokuho) && rs.some((r) => r.koki)).toBe(true);
    for (const k of ['none', 'insured', 'certified']) expect(rs.some((r) => r.kaigo === k)).toBe(true);
    for (const p of ['category1', 'category2', 'category3', 'none']) expect(rs.some((r) => r.pension === p)).toBe(true);
    for (const w of ['none', 'kodomo', 'hitorioya', 'judo']) expect(rs.some((r) => r.welfareMedical === w)).toBe(true);
    for (const t of ['shintai', 'ryoiku', 'seishin']) expect(rs.some((r) => r.techo.includes(t as never))).toBe(true);
  });
});

describe('residents import', () => {
  it('imports the demo data, lists households with member ids, and shows a resident', async () => {
    const r = await cli('residents', 'import', DEMO_CSV, '--data', dir, '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ kind: 'full', rows: 1120, inserted: 1120, updated: 0, retired: 0, households: 420 });
    const list = await cli('residents', 'list', '--data', dir, '--limit', '5', '--format', 'json');
    const hh = JSON.parse(list.out) as Array<{ householdId: string; memberIds: string[] }>;
    expect(hh).toHaveLength(5);
    expect(hh[0]).toMatchObject({ householdId: '200000001', headName: '髙﨑　健一' });
    expect(hh[0]!.memberIds).toEqual(['1000000001', '1000000004', '1000000002', '1000000003']);
    const show = JSON.parse((await cli('residents', 'show', '1000000004', '--data', dir, '--format', 'json')).out);
    expect(show).toMatchObject({ name: '𠮷田　ハル', kana: 'ヨシダ ハル', birthDate: '1949-01-20', birthDateWareki: '昭和24年1月20日', relationship: '妻の母', koki: true });
  });

  it('refuses a file with one broken row, naming its row and field, and imports nothing', async () => {
    const lines = readFileSync(DEMO_CSV, 'utf8').split('\r\n');
    // Row 501 of the file (the header is row 1): a date that does not exist.
    const cells = lines[500]!.split(',');
    cells[4] = '1990-02-30';
    lines[500] = cells.join(',');
    const bad = join(dir, 'broken.csv');
    writeFileSync(bad, lines.join('\r\n'));
    const r = await cli('residents', 'import', bad, '--data', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/residents import: birth_date: broken\.csv: row 501, birth_date: "1990-02-30" is not a date/m);
    expect(r.err).toContain('Nothing was imported');
    expect(counts(dir)).toMatchObject({ residents: 0, imports: 0 });

    // After a good import, a broken file changes nothing at all.
    expect((await cli('residents', 'import', DEMO_CSV, '--data', dir)).code).toBe(0);
    const before = counts(dir);
    const lines2 = readFileSync(DEMO_CSV, 'utf8').split('\r\n');
    lines2[2] = lines2[2]!.replace('髙﨑　由美', '髙﨑　ゆみ');
    const c = lines2[900]!.split(',');
    c[13] = 'Japan';
    lines2[900] = c.join(',');
    writeFileSync(bad, lines2.join('\r\n'));
    const r2 = await cli('residents', 'import', bad, '--data', dir);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('row 901, nationality');
    expect(counts(dir)).toEqual(before);
  });

  it('names every kind of bad field', () => {
    ensureDemoSetup(dir);
    const t = openTerminal(dir);
    try {
      const res = new Residents(t.store, t.config);
      const header = readFileSync(DEMO_CSV, 'utf8').split('\r\n')[0]!;
      const good = readFileSync(DEMO_CSV, 'utf8').split('\r\n')[1]!;
      const cases: Array<[number, string, string]> = [
        [3, 'ヤマダ', 'kana'], // kanji in フリガナ is fine only as katakana: put kanji in
        [5, 'X', 'sex'],
        [6, '37-0801', 'postal_code'],
        [22, '1', 'koki'], // 国保 and 後期高齢 at once is impossible
        [27, 'braille', 'techo'],
        [23, 'sometimes', 'kaigo'],
      ];
      for (const [col, value, field] of cases) {
        const cells = good.split(',');
        cells[col] = col === 3 ? '山田' : value;
        if (field === 'koki') cells[21] = '1';
        const err = (() => {
          try {
            res.import(`${header}\r\n${cells.join(',')}\r\n`, 'one.csv', cliReader(t.config));
          } catch (e) {
            return e as { field?: string; message: string; details?: { row: number } };
          }
          return undefined;
        })();
        expect(err?.field, `${field} ← ${value}`).toBe(field);
        expect(err?.details?.row).toBe(2);
      }
    } finally {
      t.close();
    }
  });

  it('applies a delta: moves update, retirements leave the register, an unknown retirement is refused', async () => {
    await cli('residents', 'import', DEMO_CSV, '--data', dir);
    const d = await cli('residents', 'import', DEMO_DELTA, '--data', dir, '--format', 'json');
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toMatchObject({ kind: 'delta', rows: 3, updated: 2, retired: 1, inserted: 0 });
    const rows = readFileSync(DEMO_DELTA, 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    const movedId = rows.find((c) => c[0] === 'upsert')![1]!;
    const goneId = rows.find((c) => c[0] === 'retire')![1]!;
    const goneHousehold = generateLinkage().residents.find((x) => x.id === goneId)!.householdId;
    const moved = JSON.parse((await cli('residents', 'show', movedId, '--data', dir, '--format', 'json')).out);
    expect(moved).toMatchObject({ address: '群馬県伊勢崎市今泉町二丁目410番地', addressExtra: 'コーポ今泉202号室' });
    const gone = await cli('residents', 'show', goneId, '--data', dir, '--format', 'json');
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/retired from the register/);
    const hh = JSON.parse((await cli('residents', 'list', '--data', dir, '--limit', '1000', '--format', 'json')).out) as Array<{ householdId: string }>;
    expect(hh.map((h) => h.householdId)).not.toContain(goneHousehold);

    const again = join(dir, 'again.csv');
    writeFileSync(again, readFileSync(DEMO_DELTA, 'utf8'));
    const r = await cli('residents', 'import', again, '--data', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`row 4, id: no current resident "${goneId}" to retire`);
  });

  it('a full import retires whoever the new export no longer lists', async () => {
    await cli('residents', 'import', DEMO_CSV, '--data', dir);
    const lines = readFileSync(DEMO_CSV, 'utf8').trimEnd().split('\r\n');
    const smaller = join(dir, 'smaller.csv');
    writeFileSync(smaller, lines.filter((l) => !l.includes(',200000003,')).join('\r\n') + '\r\n');
    const r = JSON.parse((await cli('residents', 'import', smaller, '--data', dir, '--format', 'json')).out);
    expect(r).toMatchObject({ kind: 'full', updated: 1119, retired: 1, households: 419 });
  });

  it('reads JSON and Shift_JIS CSV the same as UTF-8 CSV', async () => {
    const j = JSON.parse((await cli('residents', 'import', DEMO_JSON, '--data', dir, '--format', 'json')).out);
    expect(j).toMatchObject({ kind: 'full', rows: 17, households: 5 });
    const fromJson = JSON.parse((await cli('residents', 'show', '1000000005', '--data', dir, '--format', 'json')).out);
    // 𠮷 is not in Shift_JIS: the SJIS file holds the households without it.
    const lines = readFileSync(DEMO_CSV, 'utf8').split('\r\n').filter((l, i) => i === 0 || l.includes(',200000002,'));
    const sjis = join(dir, 'sjis.csv');
    writeFileSync(sjis, iconv.encode(lines.join('\r\n') + '\r\n', 'cp932'));
    const other = tempDir('madoguchi-sjis-');
    try {
      expect((await cli('residents', 'import', sjis, '--data', other.dir)).code).toBe(0);
      const fromSjis = JSON.parse((await cli('residents', 'show', '1000000005', '--data', other.dir, '--format', 'json')).out);
      expect(fromSjis).toEqual(fromJson);
      expect(fromSjis).toMatchObject({ nationality: 'VN', nationalityName: 'ベトナム' });
    } finally {
      other.cleanup();
    }
  });

  it('finds residents by kana (hiragana, half-width or with spaces), birth date and household', async () => {
    await cli('residents', 'import', DEMO_CSV, '--data', dir);
    for (const kana of ['よしだ　はる', 'ﾖｼﾀﾞ ﾊﾙ', 'ヨシダハル']) {
      const hits = JSON.parse((await cli('residents', 'search', '--kana', kana, '--data', dir, '--format', 'json')).out) as Array<{ id: string }>;
      expect(hits.map((h) => h.id)).toContain('1000000004');
    }
    const byBirth = JSON.parse((await cli('residents', 'search', '--birth', '1972-06-15', '--data', dir, '--format', 'json')).out) as Array<{ id: string; birthDate: string }>;
    expect(byBirth.map((h) => h.id)).toContain('1000000001');
    expect(byBirth.every((h) => h.birthDate === '1972-06-15')).toBe(true);
    const byHousehold = JSON.parse((await cli('residents', 'search', '--household', '200000001', '--data', dir, '--format', 'json')).out) as Array<{ id: string }>;
    expect(byHousehold.map((h) => h.id).sort()).toEqual(['1000000001', '1000000002', '1000000003', '1000000004']);
    const none = await cli('residents', 'search', '--data', dir);
    expect(none.code).toBe(2);
  });

  it('expires resident data after residentAccess.ttlHours, and the audit log keeps that it did', async () => {
    await cli('residents', 'import', DEMO_CSV, '--data', dir);
    const t0 = Date.now();
    const later = openTerminal(dir, { clock: () => t0 + 13 * 3_600_000 });
    try {
      const res = new Residents(later.store, later.config);
      expect(res.search(cliReader(later.config), { householdId: '200000001' }, { purpose: 'test' })).toEqual([]);
      expect(res.counts().residents).toBe(0);
      const purge = later.store.db.prepare("SELECT * FROM audit_log WHERE action = 'purge'").all() as Array<{ detail: string }>;
      expect(purge).toHaveLength(1);
      expect(purge[0]!.detail).toMatch(/^1120 residents older than 12 h deleted/);
    } finally {
      later.close();
    }
    const soon = openTerminal(dir, { clock: () => t0 + 11 * 3_600_000 });
    soon.close();
  });
});
