import { describe, expect, it } from 'vitest';
import { demoNorms } from '../../test/fixtures/seed-vectors';
import { chargeLine, chargesTotal, tariffWithVat } from './charges';
import { normVolumes } from './norms';
import { dailyPenaltyRates, monthPenalty } from './penalty';

/** The worked examples of docs/money.md that the seed's vectors do not already carry. */
describe('docs/money.md worked examples', () => {
  it('1. the cold tariff with 16% VAT is shown as 68.83', () => {
    expect(tariffWithVat(5934, 1600)).toBe(6883);
  });

  it('5. paid on the 26th: one day, 0.82', () => {
    const p = monthPenalty(
      {
        period: '2026-03',
        unpaidBilledTiyn: 200_000,
        billedLastMonthTiyn: 200_000,
        payments: [{ amountTiyn: 200_000, paidOn: '2026-03-26' }],
      },
      dailyPenaltyRates('2026-03', [
        { effective_from: '2019-01-01', refinancing_rate_bp: 1500, coefficient: '1' },
      ]),
    );
    expect(p?.amountTiyn).toBe(82);
  });

  it('6. three residents by norm in 2026: 1155.39 + 1713.00, total 2868.39; 150 m² of garden: 18 m³', () => {
    const v = normVolumes(
      { residents: 3, irrigationAreaM2: '0', month: 3, coldMetered: false, hotMetered: false },
      demoNorms,
    );
    const lines = [
      chargeLine({
        service: 'cold_water',
        basis: 'norm',
        quantityL: v.coldL,
        tariffTiynPerM3: 9486,
        vatBp: 1600,
      }),
      chargeLine({
        service: 'sewage',
        basis: 'norm',
        quantityL: v.coldL + v.hotL,
        tariffTiynPerM3: 8790,
        vatBp: 1600,
      }),
    ];
    expect(lines.map((l) => [l.quantityL, l.tariffWithVatTiyn, l.amountTiyn])).toEqual([
      [10_500, 11_004, 115_539],
      [16_800, 10_196, 171_300],
    ]);
    expect(chargesTotal(lines)).toBe(286_839);
    const garden = normVolumes(
      { residents: 0, irrigationAreaM2: '150', month: 5, coldMetered: false, hotMetered: false },
      demoNorms,
    );
    expect(garden.irrigationL).toBe(18_000);
  });
});
