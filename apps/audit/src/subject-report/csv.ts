/**
 * What a spreadsheet reads as the start of a formula (OWASP, CSV injection): `=`, `+`, `-`, `@`,
 * and a tab or carriage return before them. A report holds text others wrote (purposes, client
 * names), and whoever opens it in Excel or WPS must see that text, not run it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A leading quote makes a spreadsheet take the cell as text; the value is otherwise the same. */
const neutralised = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
const field = (raw: string): string => {
  const value = neutralised(raw);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
};

const line = (row: readonly string[]): string => `${row.map(field).join(',')}\r\n`;

/** A CSV document: a header row, then one row per record, lines ended with CRLF as RFC 4180 has it. */
export const toCsv = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string =>
  [header, ...rows].map(line).join('');
