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

  it('is the header alone when there is nothing to report', () => {
    expect(toCsv(['at', 'department'], [])).toBe('at,department\r\n');
  });
});
