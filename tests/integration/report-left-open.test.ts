/**
 * Workflow integrity in the daily report's exports: finishes that left procedures 未着手・受付 (with
 * the clerk's reason, or folded from a terminal that did not confirm them) are counted in the
 * report and written to all three formats, read back here with real tools (exceljs, fflate,
 * pdftotext).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import { ensureDemoSetup, openTerminal, type Terminal } from '../../src-main/node/terminal/dataFolder';
import { SimClock, localInstant } from '../../src-main/node/simulate/clock';
import { dailyReport } from '../../src-main/node/reports/source';
import { exportDaily } from '../../src-main/node/reports/export';
import type { VisitItemSeed } from '../../src-main/common/visit/events';

const DATE = '2026-06-01';
const item = (id: string): VisitItemSeed => ({ id, department: 'shimin', route: 'accept', delivery: 'none', need: 'required' });

let tmp: ReturnType<typeof tempDir>;
let term: Terminal;

beforeAll(() => {
  tmp = tempDir('madoguchi-left-open-');
  ensureDemoSetup(tmp.dir);
  const clock = new SimClock(localInstant(DATE, '09:00', 'Asia/Tokyo'));
  term = openTerminal(tmp.dir, { clock: clock.read });
  const c = { terminal: 'counter-shimin-1', staff: 'shimin01' };
  const issue = () => term.visits.issue({ station: 'east', lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [item('tennyu'), item('inkan-toroku'), item('mynumber-card')], route: ['shimin'] }, { terminal: 'kiosk-east' });
  // 1: finished with two procedures left, confirmed with a reason.
  const a = issue();
  clock.now += 60_000;
  term.visits.callNext('shimin', '1', c);
  term.visits.start(a.id, '1', c);
  term.visits.setItemStatus(a.id, 'tennyu', 'accepted', 'shimin', c);
  term.visits.setItemStatus(a.id, 'tennyu', 'done', 'shimin', c);
  clock.now += 60_000;
  term.visits.finishHere(a.id, '1', c, { leftOpenReason: '本人が後日来庁' });
  // 2: a finish folded from another terminal that did not see its three open procedures.
  const b = issue();
  clock.now += 60_000;
  term.store.append('visit.finishedHere', { visitId: b.id, department: 'shimin', counter: '2', at: new Date(clock.now).toISOString(), by: { terminal: 'counter-shimin-2', staff: 'shimin02' } }, { visitId: b.id });
  // 3: finished with everything done: not counted.
  const d = issue();
  clock.now += 60_000;
  term.visits.callNext('shimin', '1', c);
  term.visits.start(d.id, '1', c);
  for (const id of ['tennyu', 'inkan-toroku', 'mynumber-card']) term.visits.setItemStatus(d.id, id, 'done', 'shimin', c);
  term.visits.finishHere(d.id, '1', c);
  clock.now = localInstant('2026-06-02', '09:00', 'Asia/Tokyo');
});

afterAll(() => {
  term?.close();
  tmp?.cleanup();
});

describe('visits closed with open procedures in the daily report', () => {
  it('are counted: one confirmed, one unconfirmed, five procedures left', () => {
    expect(dailyReport(term.store, term.config, DATE).leftOpen).toEqual({ confirmed: 1, unconfirmed: 1, items: 5 });
  });

  it('CSV: three rows of the summary', async () => {
    const x = await exportDaily(term.store, term.config, DATE, 'csv');
    const summary = strFromU8(unzipSync(new Uint8Array(x.bytes))['01-summary.csv']!);
    expect(summary).toContain('未完了のまま完了 (理由あり),1\r\n');
    expect(summary).toContain('未完了のまま完了 (他端末・未確認),1\r\n');
    expect(summary).toContain('未完了のまま残った手続き,5\r\n');
  });

  it('XLSX: the same rows, as numbers', async () => {
    const x = await exportDaily(term.store, term.config, DATE, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ArrayBuffer);
    const values = new Map<unknown, unknown>();
    wb.getWorksheet('概要')!.eachRow((row) => values.set(row.getCell(1).value, row.getCell(2).value));
    expect(values.get('未完了のまま完了 (理由あり)')).toBe(1);
    expect(values.get('未完了のまま完了 (他端末・未確認)')).toBe(1);
    expect(values.get('未完了のまま残った手続き')).toBe(5);
  });

  it('PDF: one line on the first page', async () => {
    const x = await exportDaily(term.store, term.config, DATE, 'pdf');
    const file = join(tmp.dir, x.filename);
    writeFileSync(file, x.bytes);
    const first = execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    expect(first.replace(/\s+/g, '')).toContain('未完了のまま完了:理由あり1件・他端末で未確認1件（残った手続き5件）');
  });
});
