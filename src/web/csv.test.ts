import { describe, expect, it } from 'vitest';
import { attachmentHeader, csvNumber, toCsv } from './csv';

describe('CSV for spreadsheets', () => {
  it('starts with the BOM, separates by semicolons, ends lines with CRLF', () => {
    expect(toCsv(['a', 'b'], [['1', '2']])).toBe('\uFEFFa;b\r\n1;2\r\n');
  });

  it('quotes fields holding a semicolon, a quote or a line break', () => {
    expect(toCsv(['x'], [['a;b'], ['say "hi"'], ['two\nlines']])).toBe(
      '\uFEFFx\r\n"a;b"\r\n"say ""hi"""\r\n"two\nlines"\r\n',
    );
  });

  it('keeps a spreadsheet from running a text cell as a formula, not a negative number', () => {
    expect(toCsv(['x'], [['=HYPERLINK("http://evil")'], ['+1+1'], ['@SUM(A1)'], ['-1+1'], ['-213,57']])).toBe(
      '\uFEFFx\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'+1+1\r\n\'@SUM(A1)\r\n\'-1+1\r\n-213,57\r\n',
    );
  });

  it('writes figures with a decimal comma, without leading zeros', () => {
    expect(csvNumber('-6713.04')).toBe('-6713,04');
    expect(csvNumber('00123.456')).toBe('123,456');
    expect(csvNumber('00000.000')).toBe('0,000');
    expect(csvNumber('3700')).toBe('3700');
    expect(csvNumber('7212 / 6712*')).toBe('7212 / 6712*');
  });

  it('names the attachment with safe characters only', () => {
    expect(attachmentHeader('statement-03017845-2019-10-2019-11.csv')).toBe(
      'attachment; filename="statement-03017845-2019-10-2019-11.csv"',
    );
    expect(attachmentHeader('a"b\r\n.csv')).toBe('attachment; filename="a_b__.csv"');
  });
});
