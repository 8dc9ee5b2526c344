/**
 * An independent reference model of one account's ledger, day by day, written from SPEC.md
 * section 4 alone. It shares no code with src/ (not even the rounding): the property test
 * (test/ledger-model.test.ts) holds the billing run, the invoice and the statement against it.
 *
 * Money in tiyn (integers), volumes in litres, rates in basis points, dates 'YYYY-MM-DD'.
 */

export interface ModelRates {
  /** Tariffs without VAT, tiyn per m3; a month uses the ones in force on its first day. */
  tariffs: {
    from: string;
    coldTiyn: number;
    sewageTiyn: number;
    /** Legal entities' tariffs (the same as individuals' when absent). */
    legalColdTiyn?: number;
    legalSewageTiyn?: number;
  }[];
  vat: { from: string; bp: number }[];
  /** Norms per resident per month, litres. */
  norms: { from: string; coldL: number; hotL: number; irrigationL: number }[];
  /** Refinancing rate and coefficient K (decimal text, at most 4 decimals); in force per day. */
  penalty: { from: string; rateBp: number; k: string }[];
}

export interface ModelAccount {
  /** A legal entity pays its own tariffs (individual when absent). */
  kind?: 'individual' | 'legal';
  residents: number;
  /** Garden area, m² with up to 2 decimals ('150.25'): irrigation by norm from May to September. */
  irrigationAreaM2: string;
  /** Cold and hot meter with their values before the first month; null = no meters (norm). */
  meters: {
    verificationDue: string;
    coldL: number;
    hotL: number;
    /** An operator records a new verification on a day: from that month on the new due date holds. */
    renewed?: { on: string; due: string } | undefined;
  } | null;
  /**
   * Readings of the meter pair (cumulative values), in the order they were stored: of a month's
   * readings the last stored counts. A late one `arrives` on a day after its month was closed (a
   * missed month's reading, or a correction of one already billed): the months it changes are
   * computed again then, and the difference is booked as a recalculation in the month it arrived.
   */
  readings: { period: string; readOn: string; coldL: number; hotL: number; arrives?: string }[];
  payments: { paidOn: string; amountTiyn: number; kind: 'regular' | 'compensation' }[];
  /**
   * Recalculations an operator books in month `period` for an earlier month `forPeriod`: part of
   * that month's bill, and of what `forPeriod` holds when its charges are computed again.
   */
  recalculations?: { period: string; forPeriod: string; service: ModelLine['service']; amountTiyn: number }[];
  /** A debt billed in the month before the first one (due on the first month's 25th). */
  initialDebtTiyn: number;
}

export interface ModelLine {
  service: 'cold_water' | 'sewage';
  basis: 'meter' | 'norm';
  quantityL: number;
  amountTiyn: number;
}

export interface ModelMonth {
  period: string;
  lines: ModelLine[];
  openingTiyn: number;
  chargedTiyn: number;
  recalculationTiyn: number;
  penaltyTiyn: number;
  paidTiyn: number;
  compensationTiyn: number;
  closingTiyn: number;
  /** The penalty's days and the amounts overdue on them, for the basis shown on the invoice. */
  penaltyDays: { date: string; overdueTiyn: number; rateBp: number; k: string }[];
}

/** a / b rounded to an integer, half away from zero. */
export function roundDiv(a: bigint, b: bigint): number {
  const neg = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  let q = x / y;
  if ((x % y) * 2n >= y) q += 1n;
  return Number(neg ? -q : q);
}

/** The entry in force on a date: the latest one that started on or before it. */
function latest<T extends { from: string }>(list: T[], date: string): T | undefined {
  let best: T | undefined;
  for (const x of list) if (x.from <= date && (!best || x.from > best.from)) best = x;
  return best;
}

function daysOfMonth(period: string): string[] {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: n }, (_, i) => `${period}-${String(i + 1).padStart(2, '0')}`);
}

function monthAfter(period: string, n = 1): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const i = y * 12 + m - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

const kCache = new Map<string, number>();
/** K as an integer of ten-thousandths ('1.5' -> 15000). */
function kTimes10000(k: string): number {
  let v = kCache.get(k);
  if (v === undefined) {
    const [whole, frac = ''] = k.split('.');
    v = Number(whole!) * 10_000 + Number(`${frac}0000`.slice(0, 4));
    kCache.set(k, v);
  }
  return v;
}

/**
 * A day's penalty on one tiyn at rate r (basis points) and K is r x K(x 10 000) / DAY_UNITS tiyn:
 * rate / 100 / 100 (basis points) x K / 365.
 */
const DAY_UNITS = 365 * 10_000 * 10_000;

/** Adds `units` (DAY_UNITS to a tiyn) to an amount kept as whole tiyn and the rest. */
function addUnits(amount: { tiyn: number; rest: number }, units: number) {
  const rest = amount.rest + units;
  amount.tiyn += Math.floor(rest / DAY_UNITS);
  amount.rest = rest % DAY_UNITS;
}

/**
 * A month's charge lines with the readings known by the end of month `knownBy`: the volume of a
 * meter is its reading of the month less the last reading before it (the value before the first
 * month if none); no reading, no volume (the next one catches up). A meter past its verification
 * date on the month's first day does not count: norm instead. Rates in force on the first day.
 */
function monthCharges(rates: ModelRates, account: ModelAccount, period: string, knownBy: string) {
  const day1 = `${period}-01`;
  const tariff = latest(rates.tariffs, day1)!;
  const vat = latest(rates.vat, day1)!;
  const norm = latest(rates.norms, day1)!;
  const known = account.readings.filter((r) => (r.arrives ?? r.period).slice(0, 7) <= knownBy);
  const lines: { service: ModelLine['service']; basis: ModelLine['basis']; quantityL: number }[] = [];
  // The verification date the operator's records hold when month `knownBy` closes.
  const m = account.meters;
  const due = m?.renewed && m.renewed.on.slice(0, 7) <= knownBy ? m.renewed.due : m?.verificationDue;
  if (m && due !== undefined && due > day1) {
    // The newest reading of a month counts (a correction replaces the reading it corrects).
    const reading = known.findLast((r) => r.period === period);
    const latestBefore = known.reduce((a, r) => (r.period < period && r.period > a ? r.period : a), '');
    const before = known.findLast((r) => r.period === latestBefore);
    const start = before ?? m;
    const cold = reading ? reading.coldL - start.coldL : 0;
    const hot = reading ? reading.hotL - start.hotL : 0;
    lines.push({ service: 'cold_water', basis: 'meter', quantityL: cold });
    lines.push({ service: 'sewage', basis: 'meter', quantityL: cold + hot });
  } else {
    const month = Number(period.slice(5, 7));
    const [whole, frac = ''] = account.irrigationAreaM2.split('.');
    const areaHundredths = BigInt(whole!) * 100n + BigInt(`${frac}00`.slice(0, 2));
    // Irrigation water is cold water that does not reach the sewer.
    const irrigation =
      month >= 5 && month <= 9 ? roundDiv(areaHundredths * BigInt(norm.irrigationL), 100n) : 0;
    const cold = account.residents * norm.coldL + irrigation;
    const sewage = account.residents * (norm.coldL + norm.hotL);
    if (cold > 0) lines.push({ service: 'cold_water', basis: 'norm', quantityL: cold });
    if (sewage > 0) lines.push({ service: 'sewage', basis: 'norm', quantityL: sewage });
  }
  // amount = litres / 1000 x tariff x (1 + VAT); exact in tiyn / 10^7.
  const exact = lines.map((l) => {
    const legal = account.kind === 'legal';
    const price =
      l.service === 'cold_water'
        ? ((legal ? tariff.legalColdTiyn : undefined) ?? tariff.coldTiyn)
        : ((legal ? tariff.legalSewageTiyn : undefined) ?? tariff.sewageTiyn);
    return BigInt(l.quantityL) * BigInt(price) * BigInt(10_000 + vat.bp);
  });
  return { lines, exact };
}

/** Each service's total of a month: the rounded sum of its exact lines. */
function serviceTotals(month: ReturnType<typeof monthCharges>) {
  const total = (service: ModelLine['service']) =>
    roundDiv(
      month.lines.reduce((a, l, i) => (l.service === service ? a + month.exact[i]! : a), 0n),
      10_000_000n,
    );
  return { cold_water: total('cold_water'), sewage: total('sewage') };
}

type Bill = { due: string; amount: number; accrued: { tiyn: number; rest: number } };

/**
 * The penalty of one month, day by day: each bill overdue on a day accrues on its unpaid part
 * (payments and credits pay the oldest bill first), and never more, over its life, than itself.
 * `paid` carries the payments counted so far from one month to the next.
 */
function monthPenalty(
  rates: ModelRates,
  period: string,
  bills: Bill[],
  payments: ModelAccount['payments'],
  paid: { next: number; before: number },
) {
  const sum = { tiyn: 0, rest: 0 }; // what the month accrued, in tiyn and DAY_UNITS of a tiyn
  const penaltyDays: ModelMonth['penaltyDays'] = [];
  for (const date of daysOfMonth(period)) {
    while (paid.next < payments.length && payments[paid.next]!.paidOn < date)
      paid.before += payments[paid.next++]!.amountTiyn;
    const rate = latest(rates.penalty, date);
    const perTiyn = rate ? rate.rateBp * kTimes10000(rate.k) : 0;
    if (perTiyn === 0) continue;
    // What was paid before this day, and every credit already due, pays the oldest bills first.
    let credit = paid.before;
    for (const bill of bills) if (bill.due < date && bill.amount < 0) credit -= bill.amount;
    let overdue = 0;
    let accruedToday = false;
    for (const bill of bills) {
      if (bill.due >= date) break;
      if (bill.amount <= 0) continue;
      const covered = Math.min(Math.max(credit, 0), bill.amount);
      credit -= covered;
      const unpaid = bill.amount - covered;
      if (unpaid === 0 || bill.accrued.tiyn === bill.amount) continue;
      // A bill's penalty over its whole life never exceeds the bill: the day it gets there it
      // accrues only what is left.
      const full = unpaid * perTiyn;
      if (!Number.isSafeInteger(full)) throw new RangeError('the model counts in safe integers');
      const left = bill.amount - bill.accrued.tiyn;
      const room = left > full / DAY_UNITS + 1 ? full : left * DAY_UNITS - bill.accrued.rest;
      const add = Math.min(full, room);
      addUnits(bill.accrued, add);
      addUnits(sum, add);
      overdue += unpaid;
      accruedToday = true;
    }
    if (accruedToday) penaltyDays.push({ date, overdueTiyn: overdue, rateBp: rate!.rateBp, k: rate!.k });
  }
  // Rounded once, half away from zero (the sum is never negative).
  const penalty = sum.tiyn + (sum.rest * 2 >= DAY_UNITS ? 1 : 0);
  return { penalty, penaltyDays };
}

/** The account's months from `first`, `count` of them, every figure as SPEC.md section 4 says. */
export function runModel(
  rates: ModelRates,
  account: ModelAccount,
  first: string,
  count: number,
): ModelMonth[] {
  // Bills: what each month charged, due on the 25th of the month after it.
  // Bills in the order they fall due; each remembers the penalty it has accrued (exactly).
  const bills: Bill[] = [];
  if (account.initialDebtTiyn !== 0)
    bills.push({ due: `${first}-25`, amount: account.initialDebtTiyn, accrued: { tiyn: 0, rest: 0 } });
  const months: ModelMonth[] = [];
  let balance = account.initialDebtTiyn;
  const payments = [...account.payments].sort((a, b) =>
    a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0,
  );
  const paidSoFar = { next: 0, before: 0 };
  /** What each month holds per service: its charges plus the recalculations booked for it since. */
  const held = new Map<string, { cold_water: number; sewage: number }>();
  for (let i = 0; i < count; i++) {
    const period = monthAfter(first, i);
    // 1. Charges of the month with the readings known when it closes; months whose readings
    //    arrived late since the last closing are computed again, the difference per service booked.
    const { lines, exact } = monthCharges(rates, account, period, period);
    const charged = roundDiv(
      exact.reduce((a, b) => a + b, 0n),
      10_000_000n,
    );
    held.set(period, serviceTotals({ lines, exact }));
    // Readings of earlier months that arrived since the last closing: those months, from the
    // earliest, are computed again with what is known now (readings, the meters' verification),
    // and the difference to what each holds is booked here, per service (decision 041).
    let recalculation = 0;
    for (const x of account.recalculations ?? []) {
      if (x.period !== period) continue;
      recalculation += x.amountTiyn;
      const was = held.get(x.forPeriod);
      if (was) was[x.service] += x.amountTiyn;
    }
    const late = account.readings.filter((r) => r.arrives?.startsWith(period)).map((r) => r.period);
    if (late.length > 0) {
      for (let earlier = late.sort()[0]!; earlier < period; earlier = monthAfter(earlier)) {
        const now = serviceTotals(monthCharges(rates, account, earlier, period));
        const was = held.get(earlier)!;
        recalculation += now.cold_water - was.cold_water + now.sewage - was.sewage;
        held.set(earlier, now);
      }
    }

    // 2. Penalty: walk every day of the month, bill by bill.
    const { penalty, penaltyDays } = monthPenalty(rates, period, bills, payments, paidSoFar);

    // 3. Payments of the month and the balance.
    const paid = account.payments.filter((p) => p.paidOn.startsWith(period));
    const paidTiyn = paid.reduce((a, p) => a + p.amountTiyn, 0);
    const compensationTiyn = paid
      .filter((p) => p.kind === 'compensation')
      .reduce((a, p) => a + p.amountTiyn, 0);
    const closing = balance + charged + recalculation + penalty - paidTiyn;
    months.push({
      period,
      lines: lines.map((l, j) => ({ ...l, amountTiyn: roundDiv(exact[j]!, 10_000_000n) })),
      openingTiyn: balance,
      chargedTiyn: charged,
      recalculationTiyn: recalculation,
      penaltyTiyn: penalty,
      paidTiyn,
      compensationTiyn,
      closingTiyn: closing,
      penaltyDays: penalty > 0 ? penaltyDays : [],
    });
    bills.push({
      due: `${monthAfter(period)}-25`,
      amount: charged + recalculation,
      accrued: { tiyn: 0, rest: 0 },
    });
    balance = closing;
  }
  return months;
}
