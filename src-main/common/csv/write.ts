/**
 * The one CSV writer (RFC 4180 quoting) for every file a person may open in a spreadsheet: the
 * audit export, the daily report tables, the linkage files. A text cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return would be read by Excel/LibreOffice as a formula (CSV
 * injection), so it gets a leading apostrophe, which spreadsheets show as text. Plain numbers
 * (`-3`, `+1.5`, `12%`) are left alone: they are data, not formulas.
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?%?$/;

/** The cell's text with a formula start neutralised (numbers pass as they are). */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

export function csvCell(v: CsvValue): string {
  const raw = v === null || v === undefined ? '' : String(v);
  const s = typeof v === 'string' ? neutraliseFormula(raw) : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

/** Header and rows, CRLF line ends (what Excel writes and reads). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string {
  return [csvLine(header), ...rows.map(csvLine)].join('\r\n') + '\r\n';
}
