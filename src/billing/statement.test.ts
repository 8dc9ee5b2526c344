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

describe('penalty column', () => {
  it('shows the penalty apart from other charges, in the rows, the totals and the balance', () => {
    const s = buildStatement('2026-03', '2026-05', 200_000, [
      {
        period: '2026-03',
        chargedTiyn: 0,
        recalculationTiyn: 0,
        penaltyTiyn: 432,
        otherTiyn: 0,
        payments: [{ paidOn: '2026-03-28', amountTiyn: 50_000 }],
      },
      {
        period: '2026-04',
        chargedTiyn: 0,
        recalculationTiyn: 0,
        penaltyTiyn: 616,
        otherTiyn: 1_000,
        payments: [{ paidOn: '2026-04-10', amountTiyn: 150_000 }],
      },
      { period: '2026-05', chargedTiyn: 0, recalculationTiyn: 0, penaltyTiyn: 0, otherTiyn: 0, payments: [] },
    ]);
    expect(s.rows.map((r) => [r.penaltyTiyn, r.otherTiyn, r.balanceTiyn])).toEqual([
      [432, 0, 150_432],
      [616, 1_000, 2_048],
      [0, 0, 2_048],
    ]);
    expect([s.totals.penaltyTiyn, s.totals.otherTiyn, s.totals.balanceTiyn]).toEqual([1_048, 1_000, 2_048]);
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
