import { describe, expect, it } from 'vitest';
import { parseReading, parseTyped } from './parse';

const valid: [string, number, string][] = [
  ['117.5', 117_500, '00117.500'],
  ['117,5', 117_500, '00117.500'],
  ['00117.500', 117_500, '00117.500'],
  ['117', 117_000, '00117.000'],
  ['  117.5  ', 117_500, '00117.500'],
  ['\t117,5\n', 117_500, '00117.500'],
  ['0', 0, '00000.000'],
  ['0.001', 1, '00000.001'],
  ['0,01', 10, '00000.010'],
  ['99999.999', 99_999_999, '99999.999'],
  ['99999', 99_999_000, '99999.000'],
  ['115.408', 115_408, '00115.408'],
  ['117.', 117_000, '00117.000'],
  ['117,', 117_000, '00117.000'],
  ['00000.000', 0, '00000.000'],
  ['1.2', 1_200, '00001.200'],
  ['12345.678', 12_345_678, '12345.678'],
  ['007', 7_000, '00007.000'],
  // The user guide's own format: eight integer digits, the extra ones zeros.
  ['00000125.120', 125_120, '00125.120'],
  ['000000125.120', 125_120, '00125.120'],
  ['000117.5', 117_500, '00117.500'],
  ['0000099999.999', 99_999_999, '99999.999'],
  ['00000000', 0, '00000.000'],
  ['000000000,5', 500, '00000.500'],
];

const invalid: [string, string][] = [
  ['', 'empty'],
  ['   ', 'empty'],
  ['123456', 'tooManyDigits'],
  ['100000.000', 'tooManyDigits'],
  ['123456.0', 'tooManyDigits'],
  ['000123456.0', 'tooManyDigits'],
  ['0100000', 'tooManyDigits'],
  ['117.5000', 'tooManyDecimals'],
  ['117,1234', 'tooManyDecimals'],
  ['-117.5', 'sign'],
  ['+117.5', 'sign'],
  ['−5', 'sign'],
  ['abc', 'notNumber'],
  ['117a', 'notNumber'],
  ['1 17.5', 'notNumber'],
  ['117.5.1', 'notNumber'],
  ['117,5,1', 'notNumber'],
  ['.5', 'notNumber'],
  ['1e3', 'notNumber'],
  ['117.5 m3', 'notNumber'],
  ['١٢٣', 'notNumber'],
  ['117;5', 'notNumber'],
  ['0x10', 'notNumber'],
];

describe('parseReading', () => {
  it.each(valid)('accepts %j as %i L, shown %s', (input, litres, display) => {
    expect(parseReading(input)).toEqual({ ok: true, litres, display });
  });

  it.each(invalid)('refuses %j (%s) and keeps what was typed', (input, problem) => {
    expect(parseReading(input)).toEqual({ ok: false, problem, typed: input });
  });

  it('covers at least 30 inputs and never turns a refused reading into zero', () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(30);
    for (const [input] of invalid) expect(parseReading(input)).not.toHaveProperty('litres');
  });
});

describe('parseTyped', () => {
  it('reads the filled fields of a form into litres and problems; empty fields are in neither', () => {
    expect(parseTyped({ 7: '117,5', 8: '  ', 9: '-3', 10: '', 11: '00000125.120' })).toEqual({
      values: { 7: 117_500, 11: 125_120 },
      problems: { 9: 'sign' },
    });
    expect(parseTyped({})).toEqual({ values: {}, problems: {} });
  });
});
