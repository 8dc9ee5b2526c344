import { describe, expect, it } from 'vitest';
import { effectiveDateProblem, parseM3Litres, parsePercentBp } from './rates';
import { flagReasons } from './readings.routes';
import { checkTotp, currentTotp, newTotpSecret } from './totp';

describe('effective dates of rates', () => {
  it('accepts the 1st of an open month and refuses closed months, other days and non-dates', () => {
    expect(effectiveDateProblem('2026-12-01', '2026-11-01')).toBeNull();
    expect(effectiveDateProblem('2026-11-01', '2026-11-01')).toBeNull();
    expect(effectiveDateProblem('2026-10-01', '2026-11-01')).toBe('closed');
    expect(effectiveDateProblem('2026-12-15', '2026-11-01')).toBe('notFirstDay');
    expect(effectiveDateProblem('2026-02-30', null)).toBe('format');
    expect(effectiveDateProblem('01.12.2026', null)).toBe('format');
    expect(effectiveDateProblem('2019-01-01', null)).toBeNull();
  });

  it('parses percentages and volumes exactly', () => {
    expect(parsePercentBp('16')).toBe(1600);
    expect(parsePercentBp('12,5')).toBe(1250);
    expect(parsePercentBp('12.05%')).toBe(1205);
    expect(parsePercentBp('100')).toBeNull();
    expect(parsePercentBp('-1')).toBeNull();
    expect(parseM3Litres('3,6')).toBe(3600);
    expect(parseM3Litres('0.12')).toBe(120);
    expect(parseM3Litres('3.5001')).toBeNull();
  });
});

describe('why a reading is flagged', () => {
  const base = { read_on: '2026-11-20', verification_due: '2029-01-01' };
  it('names large consumption, rollover and overdue verification', () => {
    expect(flagReasons({ ...base, value_l: 50_000, prev_l: 10_000 }, 30_000)).toEqual(['large']);
    expect(flagReasons({ ...base, value_l: 500, prev_l: 99_999_000 }, 30_000)).toEqual(['rollover']);
    expect(
      flagReasons({ ...base, value_l: 11_000, prev_l: 10_000, verification_due: '2026-01-01' }, 30_000),
    ).toEqual(['verification']);
    expect(flagReasons({ ...base, value_l: 11_000, prev_l: 10_000 }, 30_000)).toEqual(['other']);
  });
});

describe('TOTP', () => {
  it('accepts the current code and neighbouring steps, refuses others', () => {
    const secret = newTotpSecret();
    const now = Date.UTC(2026, 10, 25, 6, 0, 0);
    expect(checkTotp(secret, 'admin', currentTotp(secret, 'admin', now), now)).toBe(true);
    expect(checkTotp(secret, 'admin', currentTotp(secret, 'admin', now - 30_000), now)).toBe(true);
    expect(checkTotp(secret, 'admin', currentTotp(secret, 'admin', now - 120_000), now)).toBe(false);
    expect(checkTotp(secret, 'admin', 'abcdef', now)).toBe(false);
  });
});
