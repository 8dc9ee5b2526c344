/**
 * CSV for spreadsheets (decision 095): UTF-8 with a byte-order mark (so Excel reads Cyrillic and
 * Kazakh letters), `;` between fields and a decimal comma (what Excel expects under the ru-KZ and
 * kk-KZ regional settings), CRLF line ends, fields quoted when they hold `;`, `"` or a line break.
 */
export const CSV_BOM = '\uFEFF';

function field(value: string): string {
  // A leading =, +, - or @ is read by spreadsheets as a formula: numbers are written by csvNumber,
  // so a text field starting so is prefixed with an apostrophe.
  const safe =
    /^[=+@\t\r]/.test(value) || (/^-/.test(value) && !/^-\d+(,\d+)?$/.test(value)) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The file's text: the header row, then the rows. */
export function toCsv(header: string[], rows: string[][]): string {
  return `${CSV_BOM}${[header, ...rows].map((r) => r.map(field).join(';')).join('\r\n')}\r\n`;
}

/** A figure as written on the page ("-6713.04", "00123.456") in the file's form: "-6713,04", "123,456". */
export function csvNumber(text: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  const [whole = '', fraction] = text.split('.');
  const negative = whole.startsWith('-');
  const digits = whole.replace('-', '').replace(/^0+(?=\d)/, '');
  return `${negative ? '-' : ''}${digits}${fraction === undefined ? '' : `,${fraction}`}`;
}

/** A file name for Content-Disposition: only letters, digits, dot, dash and underscore. */
export function attachmentHeader(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}
