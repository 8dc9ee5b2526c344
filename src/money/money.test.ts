import { describe, expect, it } from 'vitest';
import { dailyPenaltyRates, monthPenalty } from '../billing/penalty';
import { inForce } from '../billing/rates';
import { addMonths, dueDate, periodRange } from '../calendar/calendar';
import { formatM3, formatMeterReading, type Litres, litres } from './litres';
import { parseDecimal, roundHalfAwayFromZero } from './rounding';
import { formatTiyn, formatTiynFixed, parseTiyn, type Tiyn, tiyn } from './tiyn';

describe('rounding', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 3n, 1n],
    [-4n, 3n, -1n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
    [-150n, 100n, -2n],
    [0n, 7n, 0n],
  ])('%s/%s -> %s', (n, d, r) => expect(roundHalfAwayFromZero(n, d)).toBe(r));
  it('decimal strings are exact', () => {
    expect(parseDecimal('0.0125')).toEqual({ num: 125n, den: 10000n });
    expect(() => parseDecimal('1e3')).toThrow();
  });
});

describe('money display', () => {
  it.each([
    [0, '0'],
    [721_200, '7212'],
    [51_667, '516.67'],
    [-671_304, '-6713.04'],
    [174_950, '1749.50'],
    [-5, '-0.05'],
  ])('%s tiyn -> %s', (t, s) => expect(formatTiyn(t)).toBe(s));
  it('fixed', () => expect(formatTiynFixed(721_200)).toBe('7212.00'));
  it('parses', () => {
    expect(parseTiyn('1749.50')).toBe(174_950);
    expect(parseTiyn('-17.71')).toBe(-1771);
    expect(parseTiyn('7212,5')).toBe(721_250);
    expect(parseTiyn('12.345')).toBeNull();
    expect(parseTiyn('abc')).toBeNull();
  });
  it('refuses fractions of a tiyn', () => expect(() => formatTiyn(1.5)).toThrow());
});

describe('volumes', () => {
  it('m3 and meter form', () => {
    expect(formatM3(4590)).toBe('4.590');
    expect(formatMeterReading(117_500)).toBe('00117.500');
    expect(formatMeterReading(99_999_999)).toBe('99999.999');
    expect(() => formatMeterReading(100_000_000)).toThrow();
  });
});

describe('periods and rates', () => {
  it('month arithmetic', () => {
    expect(addMonths('2019-12', 1)).toBe('2020-01');
    expect(addMonths('2020-01', -1)).toBe('2019-12');
    expect(periodRange('2019-11', '2020-02')).toEqual(['2019-11', '2019-12', '2020-01', '2020-02']);
    expect(dueDate('2025-12')).toBe('2026-01-25');
  });
  it('VAT in force: 12% through 2025, 16% from 2026', () => {
    const vat = [
      { effective_from: '2009-01-01', rate_bp: 1200 },
      { effective_from: '2026-01-01', rate_bp: 1600 },
    ];
    expect(inForce(vat, '2020-05-01')?.rate_bp).toBe(1200);
    expect(inForce(vat, '2025-12-01')?.rate_bp).toBe(1200);
    expect(inForce(vat, '2026-01-01')?.rate_bp).toBe(1600);
    expect(inForce(vat, '2000-01-01')).toBeUndefined();
  });
  it('penalty', () => {
    // 100 000 tenge overdue all 30 days of April, 16.75% refinancing, coefficient 0.1:
    // 10 000 000 * 0.1675 * 0.1 * 30/365 = 13 767.12 tiyn
    const daily = dailyPenaltyRates('2026-04', [
      { effective_from: '2019-01-01', refinancing_rate_bp: 1675, coefficient: '0.1' },
    ]);
    const owed = (unpaidBilledTiyn: number) =>
      monthPenalty({ period: '2026-04', unpaidBilledTiyn, billedLastMonthTiyn: 0, payments: [] }, daily);
    expect(owed(10_000_000)?.amountTiyn).toBe(13_767);
    expect(owed(-500)).toBeNull();
  });
});

describe('units', () => {
  it('checks amounts and volumes read at the boundaries', () => {
    expect(tiyn('174950')).toBe(174_950);
    expect(litres(4590n)).toBe(4590);
    expect(() => tiyn(1.5)).toThrow(RangeError);
    expect(() => litres('12.5')).toThrow(RangeError);
    expect(() => tiyn('abc')).toThrow(RangeError);
  });
  it('does not let a volume go where money is meant (a type error, kept by tsc)', () => {
    const volume: Litres = litres(3222);
    // @ts-expect-error litres are not tiyn
    const amount: Tiyn = volume;
    const plain: Tiyn = 3222; // a plain number is accepted as either
    expect(amount).toBe(plain);
  });
});
