import { describe, expect, it } from 'vitest';
import type { Period } from '../calendar/calendar';
import { chargeLine } from './charges';
import {
  type AccountMonthInput,
  closeAccountMonth,
  datedIn,
  type MonthRates,
  penaltyHistory,
  ratesForMonth,
} from './month-closer';

const RATES: MonthRates = {
  tariffs: [
    {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2019-01-01',
      price_tiyn_per_m3: 5934,
    },
    { service: 'sewage', customer_kind: 'individual', effective_from: '2019-01-01', price_tiyn_per_m3: 5885 },
    { service: 'cold_water', customer_kind: 'legal', effective_from: '2019-01-01', price_tiyn_per_m3: 12010 },
    { service: 'sewage', customer_kind: 'legal', effective_from: '2019-01-01', price_tiyn_per_m3: 9800 },
  ],
  vat: [
    { effective_from: '2019-01-01', rate_bp: 1200 },
    { effective_from: '2026-01-01', rate_bp: 1600 },
  ],
  norms: [
    {
      kind: 'cold_per_person',
      effective_from: '2019-01-01',
      litres: 3500,
      season_from_month: null,
      season_to_month: null,
    },
    {
      kind: 'hot_per_person',
      effective_from: '2019-01-01',
      litres: 2100,
      season_from_month: null,
      season_to_month: null,
    },
    {
      kind: 'irrigation_per_m2',
      effective_from: '2019-01-01',
      litres: 120,
      season_from_month: 5,
      season_to_month: 9,
    },
  ],
  penaltyRates: [{ effective_from: '2019-01-01', refinancing_rate_bp: 1650, coefficient: '1' }],
};

const base: AccountMonthInput = {
  kind: 'individual',
  residents: 3,
  irrigationAreaM2: '0',
  meters: [],
  openingTiyn: 0,
  penaltiesBeforeTiyn: 0,
  billedLastMonthTiyn: 0,
  payments: [],
  recalculationTiyn: 0,
  otherTiyn: 0,
};

describe('monthCloser', () => {
  it('charges the seed invoice A volumes from readings with the rates in force', () => {
    const r = ratesForMonth('2020-05', RATES);
    const result = closeAccountMonth(
      {
        ...base,
        meters: [
          { water: 'cold', verificationDue: '2025-09-19', startL: 112_186, endL: 115_408 },
          { water: 'hot', verificationDue: '2025-09-19', startL: 50_000, endL: 51_368 },
        ],
        openingTiyn: -1771,
        payments: [
          { amountTiyn: 50_000, kind: 'regular', paidOn: '2020-05-10' },
          { amountTiyn: 671_200, kind: 'compensation', paidOn: '2020-05-10' },
        ],
      },
      r,
    );
    expect(result.lines.map((l) => [l.service, l.quantityL, l.amountTiyn])).toEqual([
      ['cold_water', 3222, 21414],
      ['sewage', 4590, 30254],
    ]);
    expect([result.chargedTiyn, result.paidTiyn, result.compensationTiyn, result.closingTiyn]).toEqual([
      51667, 721200, 671200, -671304,
    ]);
    expect(result.penalty).toBeNull();
  });

  it('charges by norm when the meter is past verification, with irrigation in season', () => {
    const r = ratesForMonth('2026-07', RATES);
    const result = closeAccountMonth(
      {
        ...base,
        irrigationAreaM2: '100',
        meters: [{ water: 'cold', verificationDue: '2026-06-30', startL: 1000, endL: 9000 }],
      },
      r,
    );
    expect(result.lines.map((l) => [l.service, l.basis, l.quantityL])).toEqual([
      ['cold_water', 'norm', 3 * 3500 + 100 * 120],
      ['sewage', 'norm', 3 * (3500 + 2100)],
    ]);
    expect(result.lines[0]?.vatBp).toBe(1600);
  });

  it('reads a meter that passed 99999.999 as rolled over', () => {
    const r = ratesForMonth('2026-03', RATES);
    const result = closeAccountMonth(
      { ...base, meters: [{ water: 'cold', verificationDue: null, startL: 99_999_000, endL: 500 }] },
      r,
    );
    expect(result.lines[0]).toMatchObject({ service: 'cold_water', basis: 'meter', quantityL: 1500 });
  });

  it('charges a penalty by the day on the previous month bill not paid by the 25th, up to the day paid', () => {
    const r = ratesForMonth('2026-10', RATES);
    const result = closeAccountMonth(
      {
        ...base,
        residents: 0,
        meters: [{ water: 'cold', verificationDue: null, startL: 0, endL: 0 }],
        openingTiyn: 1_000_000,
        billedLastMonthTiyn: 1_000_000,
        payments: [
          { amountTiyn: 400_000, kind: 'regular', paidOn: '2026-10-20' },
          { amountTiyn: 600_000, kind: 'regular', paidOn: '2026-10-28' },
        ],
      },
      r,
    );
    // 6000 tenge overdue on the 26th, 27th and 28th (the day paid): x 16.5% x 3 / 365 = 8.14 tenge.
    expect(result.penalty).toEqual({
      baseTiyn: 600_000,
      days: 3,
      amountTiyn: 814,
      segments: [
        {
          from: '2026-10-26',
          to: '2026-10-28',
          days: 3,
          overdueTiyn: 600_000,
          rateBp: 1650,
          coefficient: '1',
        },
      ],
    });
    expect(result.closingTiyn).toBe(814);
  });

  it('leaves penalties already booked out of the overdue debt (no penalty on penalty)', () => {
    const r = ratesForMonth('2026-10', RATES);
    const input = {
      ...base,
      residents: 0,
      meters: [{ water: 'cold' as const, verificationDue: null, startL: 0, endL: 0 }],
    };
    const owed = closeAccountMonth({ ...input, openingTiyn: 1_000_000 }, r);
    const withPenalties = closeAccountMonth(
      { ...input, openingTiyn: 1_050_000, penaltiesBeforeTiyn: 50_000 },
      r,
    );
    // 10,000 tenge overdue all 31 days: x 16.5% x 31 / 365 = 140.14 tenge, in both cases.
    expect(owed.penalty?.amountTiyn).toBe(14_014);
    expect(withPenalties.penalty?.amountTiyn).toBe(14_014);
  });

  it('for random ledgers, closing = opening + charges + recalculations + penalty - payments, in exact tiyn', () => {
    let seed = 2026;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const periods: Period[] = ['2019-03', '2020-05', '2025-12', '2026-01', '2026-07', '2026-10'];
    for (let i = 0; i < 2000; i++) {
      const period = periods[rnd(periods.length)]!;
      const r = ratesForMonth(period, RATES);
      const meters = Array.from({ length: rnd(4) }, () => {
        const start = rnd(99_999_999);
        return {
          water: rnd(2) ? ('cold' as const) : ('hot' as const),
          verificationDue: rnd(5) === 0 ? '2020-01-01' : null,
          startL: rnd(10) === 0 ? null : start,
          endL: rnd(8) === 0 ? null : (start + rnd(50_000)) % 100_000_000,
        };
      });
      const input: AccountMonthInput = {
        kind: rnd(4) === 0 ? 'legal' : 'individual',
        residents: rnd(7),
        irrigationAreaM2: `${rnd(500)}.${rnd(100)}`,
        meters,
        openingTiyn: rnd(4_000_000) - 1_000_000,
        penaltiesBeforeTiyn: rnd(3) === 0 ? rnd(50_000) : 0,
        billedLastMonthTiyn: rnd(1_000_000),
        payments: Array.from({ length: rnd(4) }, () => ({
          amountTiyn: rnd(3_000_000),
          kind: rnd(6) === 0 ? ('compensation' as const) : ('regular' as const),
          paidOn: `${period}-${String(1 + rnd(28)).padStart(2, '0')}`,
        })),
        recalculationTiyn: rnd(200_001) - 100_000,
        otherTiyn: 0,
      };
      const res = closeAccountMonth(input, r);
      const paid = input.payments.reduce((a, p) => a + p.amountTiyn, 0);
      expect(res.closingTiyn).toBe(
        input.openingTiyn + res.chargedTiyn + input.recalculationTiyn + (res.penalty?.amountTiyn ?? 0) - paid,
      );
      // Charges are the rounded sum of the unrounded lines, recomputed independently.
      const exact = res.lines.reduce((a, l) => a + chargeLine({ ...l }).exact, 0n);
      expect(BigInt(res.chargedTiyn) * 10_000_000n - exact).toBeLessThanOrEqual(5_000_000n);
      expect(exact - BigInt(res.chargedTiyn) * 10_000_000n).toBeLessThan(5_000_000n);
      expect(res.penalty === null || res.penalty.amountTiyn <= res.penalty.baseTiyn).toBe(true);
      expect(Number.isSafeInteger(res.closingTiyn)).toBe(true);
    }
  });
});

describe('the penalty history from the ledger', () => {
  it('bills each month on the 25th after it, the first opening before its month, payments by date', () => {
    const row = (period: string, opening: number, charged: number, paid: number) => ({
      period,
      opening_tiyn: opening,
      charged_tiyn: charged,
      recalculation_tiyn: period === '2026-02-01' ? -1_000 : 0,
      other_tiyn: 0,
      paid_tiyn: paid,
    });
    const history = penaltyHistory(
      [row('2026-01-01', 50_000, 20_000, 30_000), row('2026-02-01', 40_000, 25_000, 10_000)],
      [
        // Booked in January, dated in December: counts from January's first day.
        { period: '2026-01-01', amount_tiyn: 30_000, paid_on: '2025-12-20' },
        { period: '2026-02-01', amount_tiyn: 4_000, paid_on: '2026-02-10' },
      ],
    );
    expect(history.bills).toEqual([
      { dueOn: '2025-12-31', amountTiyn: 50_000 },
      { dueOn: '2026-02-25', amountTiyn: 20_000 },
      { dueOn: '2026-03-25', amountTiyn: 24_000 },
    ]);
    expect(history.payments).toEqual([
      { amountTiyn: 30_000, paidOn: '2025-12-31' },
      { amountTiyn: 4_000, paidOn: '2026-02-10' },
      // February's paid total has 6,000 no payment explains (an imported month): its last day.
      { amountTiyn: 6_000, paidOn: '2026-02-28' },
    ]);
  });

  it('a payment counts within the month it is booked in', () => {
    expect(datedIn({ paidOn: '2026-04-10' }, '2026-03').paidOn).toBe('2026-03-31');
    expect(datedIn({ paidOn: '2026-01-10' }, '2026-03').paidOn).toBe('2026-02-28');
    expect(datedIn({ paidOn: '2026-03-10' }, '2026-03').paidOn).toBe('2026-03-10');
  });
});
