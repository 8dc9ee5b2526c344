import { describe, expect, it } from 'vitest';
import { statementC } from '../../test/fixtures/seed-vectors';
import { formatTiyn } from '../money/tiyn';
import { buildStatement, closingBalance, statementRangeProblem } from './statement';

describe('statement C (seed figure 21)', () => {
  const s = buildStatement(statementC.from, statementC.to, statementC.openingTiyn, statementC.months);
  it('rows', () => {
    expect(formatTiyn(s.openingTiyn)).toBe('1749.50');
    expect(s.rows.map((r) => formatTiyn(r.balanceTiyn))).toEqual(['-11.46', '-213.57']);
    expect(s.rows.map((r) => r.paymentDates)).toEqual([['2019-10-17'], ['2019-11-15']]);
  });
  it('totals', () => {
    expect(formatTiyn(s.totals.chargedTiyn)).toBe('1736.93');
    expect(formatTiyn(s.totals.paidTiyn)).toBe('3700');
    expect(formatTiyn(s.totals.balanceTiyn)).toBe('-213.57');
  });
});

describe('balance identity', () => {
  it('holds for random ledgers in exact tiyn', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return (seed % (2 * n)) - n;
    };
    for (let i = 0; i < 1000; i++) {
      const m = {
        openingTiyn: rnd(10_000_000),
        chargedTiyn: Math.abs(rnd(1_000_000)),
        recalculationTiyn: rnd(100_000),
        penaltyTiyn: Math.abs(rnd(10_000)),
        otherTiyn: rnd(1000),
        paidTiyn: Math.abs(rnd(2_000_000)),
      };
      const closing = closingBalance(m);
      expect(
        closing - m.openingTiyn - m.chargedTiyn - m.recalculationTiyn - m.penaltyTiyn - m.otherTiyn,
      ).toBe(-m.paidTiyn);
    }
  });
});

describe('statement range', () => {
  it('at most three years', () => {
    expect(statementRangeProblem('2023-01', '2025-12')).toBeNull();
    expect(statementRangeProblem('2023-01', '2026-01')).toBe('too_long');
    expect(statementRangeProblem('2024-05', '2024-04')).toBe('order');
  });
});
