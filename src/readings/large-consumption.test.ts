import { describe, expect, it } from 'vitest';
import { FLOOR_L, limitOverL, medianL, monthlyLimit, monthlyVolumes } from './large-consumption';

const FIXED = 30_000;

/** Readings of the months from `first` on, `steps` litres apart each month. */
function series(first: string, startL: number, steps: number[]) {
  const [y, m] = first.split('-').map(Number) as [number, number];
  const out = [{ period: `${first}-01`, valueL: startL }];
  let value = startL;
  steps.forEach((step, i) => {
    value += step;
    const month = m + i + 1;
    const year = y + Math.floor((month - 1) / 12);
    out.push({ period: `${year}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-01`, valueL: value });
  });
  return out;
}

describe('large consumption rule', () => {
  it('a company using about 51 m³ every month is not asked for 55 m³, but is for 160 m³', () => {
    const readings = series('2025-01', 1_250_000, Array(12).fill(51_000));
    const volumes = monthlyVolumes(readings, '2026-02');
    expect(volumes).toEqual(Array(12).fill(51_000));
    const limit = monthlyLimit(volumes, FIXED);
    expect(limit).toEqual({ perMonthL: 153_000, basis: 'history', months: 12, medianL: 51_000 });
    expect(55_000 > limitOverL(limit, 1)).toBe(false);
    expect(160_000 > limitOverL(limit, 1)).toBe(true);
  });

  it('a flat using about 4 m³ a month is asked above 12.3 m³, below the fixed 30', () => {
    const limit = monthlyLimit(
      monthlyVolumes(series('2025-06', 100_000, [4_000, 3_500, 4_200, 5_000]), '2025-11'),
      FIXED,
    );
    expect(limit).toEqual({ perMonthL: 12_300, basis: 'history', months: 4, medianL: 4_100 });
  });

  it('fewer than 3 months with a volume: the fixed threshold', () => {
    expect(monthlyLimit([], FIXED)).toEqual({ perMonthL: FIXED, basis: 'fixed', months: 0, medianL: null });
    expect(monthlyLimit([80_000, 90_000], FIXED).basis).toBe('fixed');
    expect(monthlyLimit([80_000, 90_000, 70_000], FIXED)).toMatchObject({
      basis: 'history',
      perMonthL: 240_000,
    });
  });

  it('a meter that stood still gets the floor, not zero', () => {
    expect(monthlyLimit([0, 0, 0, 0], FIXED)).toEqual({
      perMonthL: FLOOR_L,
      basis: 'history',
      months: 4,
      medianL: 0,
    });
  });

  it('only the 12 months before the month submitted count; later readings are ignored', () => {
    // 24 months: the first 12 at 1 m³, the last 12 at 10 m³.
    const readings = series('2024-01', 0, [...Array(12).fill(1_000), ...Array(12).fill(10_000)]);
    expect(monthlyVolumes(readings, '2026-02')).toEqual(Array(12).fill(10_000));
    // Before 2025-01: the months 2024-02 .. 2024-12 (11 volumes of 1 m³; 2024-01 is the first reading).
    expect(monthlyVolumes(readings, '2025-01')).toEqual(Array(12).fill(1_000).slice(1));
  });

  it('skipped months share the volume evenly; a drop gives no volume', () => {
    const readings = [
      { period: '2025-01-01', valueL: 10_000 },
      { period: '2025-04-01', valueL: 19_001 },
      { period: '2025-05-01', valueL: 500 },
      { period: '2025-06-01', valueL: 2_500 },
    ];
    expect(monthlyVolumes(readings, '2025-07')).toEqual([3_001, 3_000, 3_000, 2_000]);
  });

  it('median of an even count is the rounded mean of the middle two', () => {
    expect(medianL([1, 2, 3, 4])).toBe(3);
    expect(medianL([5, 1, 3])).toBe(3);
    expect(medianL([1_000, 2_001])).toBe(1_501);
  });

  it('a gap of months multiplies the monthly limit', () => {
    expect(limitOverL({ perMonthL: 12_000, basis: 'history', months: 4, medianL: 4_000 }, 3)).toBe(36_000);
    expect(limitOverL({ perMonthL: 12_000, basis: 'history', months: 4, medianL: 4_000 }, 0)).toBe(12_000);
  });
});
