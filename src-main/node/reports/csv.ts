import { strToU8, zipSync } from 'fflate';
import type { Cell, Column, ReportTable } from '../../common/reports/tables';
import { formatDuration } from '../../common/reports/tables';
import { csvCell } from '../../common/csv/write';

/** Excel opens UTF-8 CSV as Japanese only with a byte-order mark. */
export const BOM = '\uFEFF';

const timeFormatters = new Map<string, Intl.DateTimeFormat>();
export function localClock(at: string, timeZone: string): string {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    timeFormatters.set(timeZone, f);
  }
  return f.format(new Date(at));
}

function text(cell: Cell, col: Column, timeZone: string): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return col.kind === 'time' ? localClock(cell, timeZone) : cell;
  switch (col.kind) {
    case 'duration':
      return formatDuration(cell);
    case 'percent':
      return `${(Math.round(cell * 10000) / 100).toString()}%`;
    case 'number':
    case 'auto':
      return String(Math.round(cell * 1000) / 1000);
    default:
      return String(cell);
  }
}

/** Through the one shared writer: quoting, and formulas (`=…`) neutralised. */
function quote(s: string): string {
  return csvCell(s);
}

/** One table as CSV: BOM, header row, CRLF line ends (what Excel writes and reads). */
export function tableToCsv(t: ReportTable, timeZone: string): string {
  const lines = [t.columns.map((c) => quote(c.label)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c, i) => quote(text(r[i] ?? null, c, timeZone))).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}

/** Every table as `<id>.csv` in one zip (fixed timestamps, so the same report gives the same bytes). */
export function tablesToCsvZip(tables: readonly ReportTable[], timeZone: string, date: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const mtime = new Date(`${date}T00:00:00Z`);
  for (const t of tables) files[`${t.id}.csv`] = strToU8(tableToCsv(t, timeZone));
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { mtime }]])));
}
