import { parseDecimal, roundHalfAwayFromZero, toSafeNumber } from '../money/rounding';
import type { Tiyn } from '../money/tiyn';
import { daysInMonth, type Period } from './period';
import { inForce } from './rates';

/**
 * Penalty by the day (SPEC.md section 4, "Penalty by the day, precisely").
 *
 * The overdue amount on a day = everything billed whose due date is before that day, minus
 * everything paid before that day, never below zero; penalties are not part of it (no penalty on
 * penalty). Each day accrues overdue x rate / 100 x K / 365 with the rate and K in force that day;
 * the day of a payment still counts as a day of delay. A month's days are booked in that month:
 * its exact sum is rounded once (half away from zero, to the tiyn), and never exceeds the largest
 * amount overdue in the month.
 *
 * Pure: no I/O, no clock.
 */

export interface PenaltyRate {
  effective_from: string;
  refinancing_rate_bp: number;
  /** Decimal text with at most 4 decimals, e.g. '1' or '1.5' (penalty_rates.coefficient). */
  coefficient: string;
}

/** Consecutive days of a month with the same overdue amount, rate and coefficient. */
export interface PenaltySegment {
  from: string; // 'YYYY-MM-DD', first day
  to: string; // 'YYYY-MM-DD', last day, included
  days: number;
  overdueTiyn: Tiyn;
  rateBp: number;
  coefficient: string;
}

export interface MonthPenalty {
  /** The largest amount overdue on a day of the month. */
  baseTiyn: Tiyn;
  /** Days with a positive overdue amount and a rate in force. */
  days: number;
  amountTiyn: Tiyn;
  segments: PenaltySegment[];
}

export interface MonthPenaltyInput {
  period: Period;
  /**
   * Billed minus paid at the end of the previous month, penalties left out: the opening balance
   * less every penalty booked so far.
   */
  unpaidBilledTiyn: Tiyn;
  /** What the previous month billed (charges, recalculations, other): due on this month's 25th. */
  billedLastMonthTiyn: Tiyn;
  /** This month's payments; each reduces the overdue amount from the day after its date. */
  payments: readonly { amountTiyn: Tiyn; paidOn: string }[];
}

/** The rate in force on each day of a month (index 0 = the 1st), computed once per month. */
export type DailyRates = readonly (PenaltyRate | undefined)[];

export function dailyPenaltyRates(period: Period, rates: readonly PenaltyRate[]): DailyRates {
  return Array.from({ length: daysInMonth(period) }, (_, i) => inForce(rates, dayOf(period, i + 1)));
}

/** Payment for a month is due on the 25th of the next month; the month's own 25th is that day. */
export const DUE_DAY = 25;

const K_SCALE = 10_000n;

function coefficientScaled(text: string): bigint {
  const k = parseDecimal(text);
  const scaled = k.num * K_SCALE;
  if (scaled % k.den !== 0n) throw new RangeError(`coefficient ${text} has more than 4 decimals`);
  return scaled / k.den;
}

function dayOf(period: Period, day: number): string {
  return `${period}-${String(day).padStart(2, '0')}`;
}

/** The penalty of one account for the days of one month, with its basis. Null when nothing accrues. */
export function monthPenalty(input: MonthPenaltyInput, daily: DailyRates): MonthPenalty | null {
  const { period, unpaidBilledTiyn, billedLastMonthTiyn } = input;
  // An upper bound of the overdue amount on any day; most accounts owe nothing overdue.
  const bound =
    unpaidBilledTiyn +
    Math.max(0, -billedLastMonthTiyn) +
    input.payments.reduce((a, p) => a + Math.max(0, -p.amountTiyn), 0);
  if (bound <= 0) return null;
  const payments = [...input.payments].sort((a, b) => a.paidOn.localeCompare(b.paidOn));
  const segments: PenaltySegment[] = [];
  let numerator = 0n;
  let paidBefore = 0;
  let next = 0;
  let baseTiyn = 0;
  let days = 0;
  for (let d = 1; d <= daily.length; d++) {
    const date = dayOf(period, d);
    while (next < payments.length && payments[next]!.paidOn < date) {
      paidBefore += payments[next]!.amountTiyn;
      next++;
    }
    const billedDue = unpaidBilledTiyn - (d <= DUE_DAY ? billedLastMonthTiyn : 0);
    const overdue = Math.max(0, billedDue - paidBefore);
    const rate = daily[d - 1];
    if (overdue === 0 || !rate) continue;
    const k = coefficientScaled(rate.coefficient);
    if (rate.refinancing_rate_bp === 0 || k === 0n) continue;
    numerator += BigInt(overdue) * BigInt(rate.refinancing_rate_bp) * k;
    days++;
    baseTiyn = Math.max(baseTiyn, overdue);
    const last = segments[segments.length - 1];
    if (
      last &&
      last.overdueTiyn === overdue &&
      last.rateBp === rate.refinancing_rate_bp &&
      last.coefficient === rate.coefficient &&
      last.to === dayOf(period, d - 1)
    ) {
      last.to = date;
      last.days++;
    } else {
      segments.push({
        from: date,
        to: date,
        days: 1,
        overdueTiyn: overdue,
        rateBp: rate.refinancing_rate_bp,
        coefficient: rate.coefficient,
      });
    }
  }
  if (days === 0) return null;
  const amount = toSafeNumber(roundHalfAwayFromZero(numerator, 10_000n * K_SCALE * 365n));
  const amountTiyn = Math.min(amount, baseTiyn);
  if (amountTiyn <= 0) return null;
  return { baseTiyn, days, amountTiyn, segments };
}

/**
 * The exact penalty of one segment in tiyn, before the month's rounding (for showing the basis):
 * overdue x rate / 100 x K x days / 365.
 */
export function segmentExact(s: PenaltySegment): { num: bigint; den: bigint } {
  return {
    num: BigInt(s.overdueTiyn) * BigInt(s.rateBp) * coefficientScaled(s.coefficient) * BigInt(s.days),
    den: 10_000n * K_SCALE * 365n,
  };
}

/**
 * Whether a stored basis explains a month's penalty: its days, rounded once (and capped at the
 * largest amount overdue), give exactly that amount. A penalty replaced later (e.g. by an import
 * from the billing system) no longer matches its old basis, which must then not be shown.
 */
export function basisExplains(segments: readonly PenaltySegment[], amountTiyn: Tiyn): boolean {
  if (segments.length === 0) return false;
  const num = segments.reduce((a, s) => a + segmentExact(s).num, 0n);
  const rounded = toSafeNumber(roundHalfAwayFromZero(num, 10_000n * K_SCALE * 365n));
  const largest = Math.max(...segments.map((s) => s.overdueTiyn));
  return Math.min(rounded, largest) === amountTiyn;
}
