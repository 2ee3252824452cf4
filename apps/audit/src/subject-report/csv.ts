/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
const field = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** A CSV document: a header row, then one row per record, lines ended with CRLF as RFC 4180 has it. */
export const toCsv = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string =>
  [header, ...rows].map((row) => `${row.map(field).join(',')}\r\n`).join('');
