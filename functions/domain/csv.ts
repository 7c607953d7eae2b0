/**
 * CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, a quote or a line break is quoted, its quotes
 * doubled), with the OWASP guard against formula injection: a cell a spreadsheet would read as a formula (starting
 * with = + - @, or a tab or carriage return) is prefixed with `'` so it is shown as text. Small enough to own, so
 * the guard cannot be lost in a library's options.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row of `columns`, then one row per record, in the columns' order. */
export function toCsv(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  const lines = [columns.map(csvCell).join(','), ...records.map((record) => columns.map((column) => csvCell(record[column])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
