import { addMonths, daysInMonth, monthStart, type Period } from '../calendar/calendar';
import { parseDecimal, roundHalfAwayFromZero, toSafeNumber } from '../money/rounding';
import type { Tiyn } from '../money/tiyn';
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

/**
 * The penalty of one account for the days of one month when only the ledger's totals are known:
 * what was unpaid of the bills at the month's start (overdue from its first day, less last month's
 * bill) and last month's bill (due on the 25th). Nothing accrued on them before the month is
 * known, so the cap counts from the month's first day; the billing run passes the bills themselves
 * (penaltyOnBills).
 */
export function monthPenalty(input: MonthPenaltyInput, daily: DailyRates): MonthPenalty | null {
  const { period, unpaidBilledTiyn, billedLastMonthTiyn } = input;
  const before = dayOf(addMonths(period, -1), daysInMonth(addMonths(period, -1)));
  return penaltyOnBills(
    {
      period,
      bills: [
        { dueOn: before, amountTiyn: unpaidBilledTiyn - billedLastMonthTiyn },
        { dueOn: dayOf(period, DUE_DAY), amountTiyn: billedLastMonthTiyn },
      ],
      payments: input.payments,
    },
    daily.map((rate, i) => ({
      effective_from: dayOf(period, i + 1),
      refinancing_rate_bp: rate?.refinancing_rate_bp ?? 0,
      coefficient: rate?.coefficient ?? '0',
    })),
  );
}

/** An amount billed and the day it is due: it is overdue from the next day on. */
export interface DueAmount {
  dueOn: string; // 'YYYY-MM-DD'
  amountTiyn: Tiyn;
}

export interface PenaltyLedger {
  period: Period;
  /**
   * Every amount billed before the month ends, each with its due date: a month's charges,
   * recalculations and other charges are due on the 25th of the next month. A negative amount (a
   * credit) lowers the debt from the day after its due date.
   */
  bills: readonly DueAmount[];
  /** Every payment up to the month's end; each lowers the debt from the day after its date. */
  payments: readonly { amountTiyn: Tiyn; paidOn: string }[];
}

/** One day in exact units: tiyn x rate bp x K x 10 000 per 365 days. */
const DENOMINATOR = 10_000n * K_SCALE * 365n;
const DAY_MS = 86_400_000;
const dayNumbers = new Map<string, number>();
/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
function toDay(date: string): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = Date.parse(`${date}T00:00:00Z`) / DAY_MS;
    if (dayNumbers.size < 100_000) dayNumbers.set(date, day);
  }
  return day;
}
const fromDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The penalty of one account for the days of one month, bill by bill (SPEC.md section 4).
 * Payments and credits pay the oldest bill first; each overdue bill accrues, every day, its unpaid
 * part x rate / 100 x K / 365 at that day's rate, and what it accrues over its whole life never
 * exceeds its own amount (the day it reaches that, it accrues only the rest, and nothing after).
 * The month's days are summed exactly and rounded once. The history is walked from the first
 * bill's due date in runs of days on which nothing changes, so the cap counts every earlier month.
 */
export function penaltyOnBills(ledger: PenaltyLedger, rates: readonly PenaltyRate[]): MonthPenalty | null {
  const firstDay = toDay(monthStart(ledger.period));
  const monthEnd = firstDay + daysInMonth(ledger.period);
  const bills = ledger.bills
    .filter((b) => b.amountTiyn > 0)
    .map((b) => ({ from: toDay(b.dueOn) + 1, amount: b.amountTiyn, cap: BigInt(b.amountTiyn) * DENOMINATOR }))
    .sort((a, b) => a.from - b.from)
    .map((b) => ({ ...b, accrued: 0n, capped: false, paidWith: 0 }));
  if (bills.length === 0 || bills[0]!.from >= monthEnd) return null;
  // A bill is paid in full once the credit reaches the bills up to it (oldest first).
  let cumulative = 0;
  for (const bill of bills) bill.paidWith = cumulative += bill.amount;
  const credits = [
    ...ledger.payments.map((p) => ({ from: toDay(p.paidOn) + 1, amount: p.amountTiyn })),
    ...ledger.bills
      .filter((b) => b.amountTiyn < 0)
      .map((b) => ({ from: toDay(b.dueOn) + 1, amount: -b.amountTiyn })),
  ].sort((a, b) => a.from - b.from);
  const steps = [...rates]
    .sort((a, b) => a.effective_from.localeCompare(b.effective_from))
    .map((r) => ({ from: toDay(r.effective_from), rate: r, perDay: perDayOf(r) }));
  const breaks = [
    ...new Set([
      ...bills.map((b) => b.from),
      ...credits.map((c) => c.from),
      ...steps.map((s) => s.from),
      firstDay,
    ]),
  ]
    .filter((d) => d < monthEnd)
    .sort((a, b) => a - b);
  breaks.push(monthEnd);
  const month = { numerator: 0n, days: 0, baseTiyn: 0, segments: [] as PenaltySegment[] };
  let credit = 0;
  let nextCredit = 0;
  let nextStep = 0;
  let nextBreak = 0;
  let step: (typeof steps)[number] | undefined;
  let t = bills[0]!.from;
  while (t < monthEnd) {
    while (nextCredit < credits.length && credits[nextCredit]!.from <= t)
      credit += credits[nextCredit++]!.amount;
    while (nextStep < steps.length && steps[nextStep]!.from <= t) step = steps[nextStep++];
    while (breaks[nextBreak]! <= t) nextBreak++;
    let next = breaks[nextBreak]!;
    const perDay = step?.perDay ?? 0n;
    // Each bill overdue on day t, not yet at its cap: its unpaid part once credit paid the older ones.
    const accruing: { bill: (typeof bills)[number]; daily: bigint; unpaid: number }[] = [];
    for (let i = 0; perDay > 0n && i < bills.length && bills[i]!.from <= t; i++) {
      const bill = bills[i]!;
      const unpaid = Math.min(bill.paidWith - credit, bill.amount);
      if (bill.capped || unpaid <= 0) continue;
      const daily = BigInt(unpaid) * perDay;
      accruing.push({ bill, daily, unpaid });
      // The day it reaches its cap ends the run: it accrues no more from the day after.
      const left = bill.cap - bill.accrued;
      if (daily * BigInt(next - t) >= left) next = Math.min(next, t + Number((left + daily - 1n) / daily));
    }
    const days = BigInt(next - t);
    let overdue = 0;
    let sum = 0n;
    for (const a of accruing) {
      const left = a.bill.cap - a.bill.accrued;
      const add = a.daily * days < left ? a.daily * days : left;
      a.bill.accrued += add;
      a.bill.capped = add === left;
      overdue += a.unpaid;
      sum += add;
    }
    if (t >= firstDay && overdue > 0) addRun(month, t, next - t, overdue, step!.rate, sum);
    t = next;
  }
  if (month.days === 0) return null;
  const amountTiyn = toSafeNumber(roundHalfAwayFromZero(month.numerator, DENOMINATOR));
  if (amountTiyn <= 0) return null;
  return { baseTiyn: month.baseTiyn, days: month.days, amountTiyn, segments: month.segments };
}

/**
 * Whether a bill could have reached its cap by the end of the month: only after being overdue for
 * 365 / (rate / 100 x K) days at the highest rate on record, counted from the first day a bill of
 * the ledger could be overdue. When it cannot, the penalty of the month is the same without the
 * bills' history (monthPenalty gives it from the totals).
 */
export function capMayBind(firstLedgerDay: string, period: Period, rates: readonly PenaltyRate[]): boolean {
  const elapsed = toDay(monthStart(period)) + daysInMonth(period) - toDay(firstLedgerDay) + 1;
  const fastest = Math.max(0, ...rates.map((r) => Number(perDayOf(r))));
  return BigInt(elapsed) * BigInt(fastest) >= DENOMINATOR;
}

/** What one tiyn overdue accrues in a day at a rate, in exact units (rate bp x K x 10 000). */
function perDayOf(rate: PenaltyRate): bigint {
  return BigInt(rate.refinancing_rate_bp) * coefficientScaled(rate.coefficient);
}

/** Adds a run of days to the month's basis, joining it to the previous run when nothing changed. */
function addRun(
  month: { numerator: bigint; days: number; baseTiyn: Tiyn; segments: PenaltySegment[] },
  start: number,
  days: number,
  overdueTiyn: Tiyn,
  rate: PenaltyRate,
  exact: bigint,
) {
  month.numerator += exact;
  month.days += days;
  month.baseTiyn = Math.max(month.baseTiyn, overdueTiyn);
  const last = month.segments[month.segments.length - 1];
  const from = fromDay(start);
  const to = fromDay(start + days - 1);
  if (
    last &&
    last.overdueTiyn === overdueTiyn &&
    last.rateBp === rate.refinancing_rate_bp &&
    last.coefficient === rate.coefficient &&
    last.to === fromDay(start - 1)
  ) {
    last.to = to;
    last.days += days;
  } else {
    month.segments.push({
      from,
      to,
      days,
      overdueTiyn,
      rateBp: rate.refinancing_rate_bp,
      coefficient: rate.coefficient,
    });
  }
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
 * Whether a stored basis explains a month's penalty: its days, rounded once, give exactly that
 * amount. A penalty replaced later (e.g. by an import from the billing system) no longer matches
 * its old basis, which must then not be shown; nor does a month in which a bill reached its cap
 * (the day it did accrued only the rest), which shows its penalty as one figure.
 */
export function basisExplains(segments: readonly PenaltySegment[], amountTiyn: Tiyn): boolean {
  if (segments.length === 0) return false;
  const num = segments.reduce((a, s) => a + segmentExact(s).num, 0n);
  return toSafeNumber(roundHalfAwayFromZero(num, DENOMINATOR)) === amountTiyn;
}
