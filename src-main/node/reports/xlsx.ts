import ExcelJS from 'exceljs';
import type { Column, ReportTable } from '../../common/reports/tables';
import { localClock } from './csv';

const NUM_FMT: Partial<Record<Column['kind'], string>> = {
  int: '#,##0',
  yen: '#,##0',
  number: '0.00',
  percent: '0.0%',
  duration: '[h]:mm:ss',
  time: 'hh:mm:ss',
};

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
export function sheetName(t: ReportTable): string {
  return t.title.replace(/[[\]:*?/\\]/g, '・').slice(0, 31);
}

/**
 * One sheet per table. Numbers are numbers, times are Excel durations (days, shown [h]:mm:ss)
 * so a supervisor can sum and average them in Excel.
 */
export async function tablesToXlsx(tables: readonly ReportTable[], meta: { timeZone: string; title: string; created?: Date }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Madoguchi';
  wb.title = meta.title;
  if (meta.created) {
    wb.created = meta.created;
    wb.modified = meta.created;
  }
  for (const t of tables) {
    const ws = wb.addWorksheet(sheetName(t), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = t.columns.map((c) => ({ header: c.label, key: c.key, width: c.kind === 'text' || c.kind === 'auto' ? 28 : 14 }));
    ws.getRow(1).font = { bold: true };
    for (const r of t.rows) {
      const row = ws.addRow(
        t.columns.map((c, i) => {
          const v = r[i] ?? null;
          if (v === null) return null;
          if (c.kind === 'duration' && typeof v === 'number') return v / 86400;
          if (c.kind === 'time' && typeof v === 'string') {
            const [h, m, s] = localClock(v, meta.timeZone).split(':').map(Number) as [number, number, number];
            return (h * 3600 + m * 60 + s) / 86400;
          }
          return v;
        }),
      );
      t.columns.forEach((c, i) => {
        const fmt = NUM_FMT[c.kind];
        if (fmt && typeof r[i] !== 'string') row.getCell(i + 1).numFmt = fmt;
        if (c.kind === 'time') row.getCell(i + 1).numFmt = 'hh:mm:ss';
      });
    }
  }
  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}
