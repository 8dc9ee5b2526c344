import { describe, expect, it } from 'vitest';
import { type Period, toPeriod } from '../calendar/calendar';
import { dailyPenaltyRates, monthPenalty, type PenaltyRate, penaltyOnBills } from './penalty';

const RATE_15: PenaltyRate[] = [
  { effective_from: '2019-01-01', refinancing_rate_bp: 1500, coefficient: '1' },
];

describe('penalty by the day (SPEC.md section 4)', () => {
  // 2,000.00 billed in February, due on 25 March; 500.00 paid on 28 March, the rest on 10 April.
  it('the SPEC example: March 4.32 (days 26-28 on 2,000, days 29-31 on 1,500)', () => {
    const march = monthPenalty(
      {
        period: '2026-03',
        unpaidBilledTiyn: 200_000,
        billedLastMonthTiyn: 200_000,
        payments: [{ amountTiyn: 50_000, paidOn: '2026-03-28' }],
      },
      dailyPenaltyRates('2026-03', RATE_15),
    );
    expect(march).toEqual({
      baseTiyn: 200_000,
      days: 6,
      amountTiyn: 432,
      segments: [
        {
          from: '2026-03-26',
          to: '2026-03-28',
          days: 3,
          overdueTiyn: 200_000,
          rateBp: 1500,
          coefficient: '1',
        },
        {
          from: '2026-03-29',
          to: '2026-03-31',
          days: 3,
          overdueTiyn: 150_000,
          rateBp: 1500,
          coefficient: '1',
        },
      ],
    });
  });

  it('the SPEC example: April 6.16 (days 1-10 on 1,500; the day of payment counts)', () => {
    const april = monthPenalty(
      {
        period: '2026-04',
        unpaidBilledTiyn: 150_000,
        billedLastMonthTiyn: 0,
        payments: [{ amountTiyn: 150_000, paidOn: '2026-04-10' }],
      },
      dailyPenaltyRates('2026-04', RATE_15),
    );
    expect(april?.amountTiyn).toBe(616);
    expect(april?.segments).toEqual([
      {
        from: '2026-04-01',
        to: '2026-04-10',
        days: 10,
        overdueTiyn: 150_000,
        rateBp: 1500,
        coefficient: '1',
      },
    ]);
  });

  it('the SPEC example: May nothing', () => {
    expect(
      monthPenalty(
        { period: '2026-05', unpaidBilledTiyn: 0, billedLastMonthTiyn: 0, payments: [] },
        dailyPenaltyRates('2026-05', RATE_15),
      ),
    ).toBeNull();
  });

  it('paid one day late (on the 26th): one day, not the rest of the month', () => {
    const p = monthPenalty(
      {
        period: '2026-03',
        unpaidBilledTiyn: 200_000,
        billedLastMonthTiyn: 200_000,
        payments: [{ amountTiyn: 200_000, paidOn: '2026-03-26' }],
      },
      dailyPenaltyRates('2026-03', RATE_15),
    );
    // 2,000 x 15% / 365 = 0.8219 -> 0.82
    expect([p?.days, p?.amountTiyn]).toEqual([1, 82]);
  });

  it('paid on the due date: nothing', () => {
    expect(
      monthPenalty(
        {
          period: '2026-03',
          unpaidBilledTiyn: 200_000,
          billedLastMonthTiyn: 200_000,
          payments: [{ amountTiyn: 200_000, paidOn: '2026-03-25' }],
        },
        dailyPenaltyRates('2026-03', RATE_15),
      ),
    ).toBeNull();
  });

  it('an older debt left unpaid accrues every day of the month, not only after the 25th', () => {
    const p = monthPenalty(
      { period: '2026-04', unpaidBilledTiyn: 300_000, billedLastMonthTiyn: 100_000, payments: [] },
      dailyPenaltyRates('2026-04', RATE_15),
    );
    // days 1-25 on 2,000 (3,000 less the 1,000 not due yet), days 26-30 on 3,000
    expect(p?.segments.map((s) => [s.from, s.to, s.overdueTiyn])).toEqual([
      ['2026-04-01', '2026-04-25', 200_000],
      ['2026-04-26', '2026-04-30', 300_000],
    ]);
    // (2000 x 25 + 3000 x 5) x 0.15 / 365 = 26.7123 -> 26.71
    expect(p?.amountTiyn).toBe(2671);
  });

  it('uses the rate and coefficient in force on each day, rounding the month once', () => {
    const rates: PenaltyRate[] = [
      { effective_from: '2019-01-01', refinancing_rate_bp: 1500, coefficient: '1' },
      { effective_from: '2026-04-16', refinancing_rate_bp: 1650, coefficient: '1.5' },
    ];
    const p = monthPenalty(
      { period: '2026-04', unpaidBilledTiyn: 100_000, billedLastMonthTiyn: 0, payments: [] },
      dailyPenaltyRates('2026-04', rates),
    );
    expect(p?.segments.map((s) => [s.days, s.rateBp, s.coefficient])).toEqual([
      [15, 1500, '1'],
      [15, 1650, '1.5'],
    ]);
    // 1000 x 0.15 x 15 / 365 + 1000 x 0.165 x 1.5 x 15 / 365 = 6.1644 + 10.1712 = 16.3356 -> 16.34
    expect(p?.amountTiyn).toBe(1634);
  });

  it('no penalty on penalty and none on credit; overpayment ends the overdue debt', () => {
    const rates = dailyPenaltyRates('2026-03', RATE_15);
    expect(
      monthPenalty(
        { period: '2026-03', unpaidBilledTiyn: -5_000, billedLastMonthTiyn: 0, payments: [] },
        rates,
      ),
    ).toBeNull();
    const p = monthPenalty(
      {
        period: '2026-03',
        unpaidBilledTiyn: 100_000,
        billedLastMonthTiyn: 0,
        payments: [{ amountTiyn: 500_000, paidOn: '2026-03-02' }],
      },
      rates,
    );
    expect([p?.days, p?.amountTiyn]).toEqual([2, 82]);
  });

  it('the month never exceeds the amount overdue', () => {
    const p = monthPenalty(
      { period: '2026-03', unpaidBilledTiyn: 100, billedLastMonthTiyn: 0, payments: [] },
      dailyPenaltyRates('2026-03', [
        { effective_from: '2019-01-01', refinancing_rate_bp: 100_000, coefficient: '10' },
      ]),
    );
    expect(p?.amountTiyn).toBe(100);
  });

  it('no rate in force: nothing', () => {
    expect(
      monthPenalty(
        { period: '2018-03', unpaidBilledTiyn: 100_000, billedLastMonthTiyn: 0, payments: [] },
        dailyPenaltyRates('2018-03', RATE_15),
      ),
    ).toBeNull();
  });
});

describe('the penalty on an amount never exceeds that amount, bill by bill (SPEC.md section 4)', () => {
  // 100% a year, K 1: a bill of 365.00 accrues exactly 1.00 a day.
  const RATE_100: PenaltyRate[] = [
    { effective_from: '2019-01-01', refinancing_rate_bp: 10_000, coefficient: '1' },
  ];
  const bills = [
    { dueOn: '2025-01-25', amountTiyn: 36_500 },
    { dueOn: '2025-02-25', amountTiyn: 36_500 },
  ];
  const month = (period: Period, payments: { amountTiyn: number; paidOn: string }[] = []) =>
    penaltyOnBills({ period, bills, payments }, RATE_100);

  it('each bill stops the day its penalty reaches its amount, whatever the others do', () => {
    // December 2025: both bills accrue every day (2.00 a day).
    expect(month('2025-12')?.amountTiyn).toBe(31 * 200);
    // January 2026: the first bill reaches 365.00 on 25 January (its 365th day), the second goes on.
    expect(month('2026-01')?.segments.map((s) => [s.from, s.to, s.overdueTiyn])).toEqual([
      ['2026-01-01', '2026-01-25', 73_000],
      ['2026-01-26', '2026-01-31', 36_500],
    ]);
    expect(month('2026-01')?.amountTiyn).toBe(25 * 200 + 6 * 100);
    // February 2026: only the second, until its own cap on the 25th; March: nothing left to accrue.
    expect(month('2026-02')?.amountTiyn).toBe(25 * 100);
    expect(month('2026-03')).toBeNull();
  });

  it('the old rule (capped per month at the amount overdue) went on charging both', () => {
    const old = monthPenalty(
      { period: '2026-02', unpaidBilledTiyn: 73_000, billedLastMonthTiyn: 0, payments: [] },
      dailyPenaltyRates('2026-02', RATE_100),
    );
    expect(old?.amountTiyn).toBe(28 * 200);
  });

  it('payments go to the oldest bill first: the paid bill stops accruing, the next one goes on', () => {
    const paid = [{ amountTiyn: 36_500, paidOn: '2025-06-10' }];
    // From 11 June only the second bill is unpaid; it reaches its cap on 25 February 2026.
    expect(month('2025-06', paid)?.segments.map((s) => [s.from, s.to, s.overdueTiyn])).toEqual([
      ['2025-06-01', '2025-06-10', 73_000],
      ['2025-06-11', '2025-06-30', 36_500],
    ]);
    expect(month('2026-02', paid)?.amountTiyn).toBe(25 * 100);
    expect(month('2026-03', paid)).toBeNull();
  });

  it('the day a bill reaches its cap accrues only the rest: its whole life adds up to its amount', () => {
    // K 1.5: 100.50 accrues 0.413 a day, its cap falls inside a day (day 244).
    const rates: PenaltyRate[] = [
      { effective_from: '2019-01-01', refinancing_rate_bp: 10_000, coefficient: '1.5' },
    ];
    const one = [{ dueOn: '2025-01-25', amountTiyn: 10_050 }];
    const periods = ['01', '02', '03', '04', '05', '06', '07', '08', '09'].map((m) => toPeriod(`2025-${m}`));
    const months = periods.map((period) => penaltyOnBills({ period, bills: one, payments: [] }, rates));
    // 26 January + 243 days = 26 September, its 244th day.
    expect(months.at(-1)?.segments.at(-1)?.to).toBe('2025-09-26');
    const total = months.reduce((a, m) => a + (m?.amountTiyn ?? 0), 0);
    // Each month is rounded once: the total is the amount, give or take a tiyn a month.
    expect(Math.abs(total - 10_050)).toBeLessThanOrEqual(periods.length);
    expect(penaltyOnBills({ period: '2025-10', bills: one, payments: [] }, rates)).toBeNull();
  });
});
