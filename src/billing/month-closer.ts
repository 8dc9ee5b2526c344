import type { Insertable } from 'kysely';
import { dueDate, lastDay, monthStart, type Period, periodOfDay, previousPeriod } from '../calendar/calendar';
import { ACCOUNT_KINDS, type AccountKind, type Database, type NormKind, type Water } from '../db/schema';
import type { Litres } from '../money/litres';
import type { Tiyn } from '../money/tiyn';
import { type ChargeInput, type ChargeLine, chargeLine, chargesTotal, type Service } from './charges';
import { meterBilledIn, type NormSet, normVolumes } from './norms';
import {
  type DueAmount,
  dailyPenaltyRates,
  type MonthPenalty,
  monthPenalty,
  type PenaltyRate,
  penaltyOnBills,
} from './penalty';
import { inForce } from './rates';
import { closingBalance } from './statement';
import { billedMeterVolume } from './volumes';

/**
 * The built-in billing run for one account and one month (SPEC.md section 4), as plain data in
 * and out: no database, no clock. The service (month-closer.service.ts) loads the facts, calls
 * this for every account and writes the result.
 */

export interface MonthRates {
  tariffs: {
    service: Service;
    customer_kind: AccountKind;
    effective_from: string;
    price_tiyn_per_m3: number;
  }[];
  vat: { effective_from: string; rate_bp: number }[];
  norms: {
    kind: NormKind;
    effective_from: string;
    litres: number;
    season_from_month: number | null;
    season_to_month: number | null;
  }[];
  penaltyRates: { effective_from: string; refinancing_rate_bp: number; coefficient: string }[];
}

export interface MeterMonth {
  water: Water;
  /** Next verification due; a meter past it is not billed by its readings (norm instead). */
  verificationDue: string | null;
  /** The last reading before the month and the last reading of the month, litres. */
  startL: Litres | null;
  endL: Litres | null;
}

export interface AccountMonthInput {
  kind: AccountKind;
  residents: number;
  irrigationAreaM2: string;
  meters: MeterMonth[];
  /** Closing balance of the previous month (0 for a new account). */
  openingTiyn: Tiyn;
  /** Every penalty booked before this month: the opening balance less these is what is unpaid of the bills. */
  penaltiesBeforeTiyn: Tiyn;
  /** What the previous month billed (charges, recalculations, other): due on this month's 25th. */
  billedLastMonthTiyn: Tiyn;
  payments: { amountTiyn: Tiyn; kind: 'regular' | 'compensation'; paidOn: string }[];
  recalculationTiyn: Tiyn;
  otherTiyn: Tiyn;
  /**
   * The bills and payments before this month, so the penalty is capped bill by bill over their
   * whole life (penaltyOnBills). Without it only the totals above are known: the cap counts from
   * this month (monthPenalty).
   */
  penaltyHistory?: PenaltyHistory | undefined;
}

export interface PenaltyHistory {
  /** Every amount billed before this month (including last month's, due on this month's 25th). */
  bills: readonly DueAmount[];
  /** Every payment booked before this month, dated within the month it was booked in. */
  payments: readonly { amountTiyn: Tiyn; paidOn: string }[];
}

export interface AccountMonthResult {
  lines: ChargeLine[];
  chargedTiyn: Tiyn;
  penalty: MonthPenalty | null;
  paidTiyn: Tiyn;
  compensationTiyn: Tiyn;
  closingTiyn: Tiyn;
}

export class RatesMissingError extends Error {}

/** The rates in force on the month's first day, checked once per month rather than per account. */
export function ratesForMonth(period: Period, rates: MonthRates) {
  const date = monthStart(period);
  const tariff = (service: Service, kind: AccountKind) => {
    const t = inForce(
      rates.tariffs.filter((x) => x.service === service && x.customer_kind === kind),
      date,
    );
    if (!t) throw new RatesMissingError(`no ${service} tariff for ${kind} customers in ${period}`);
    return t.price_tiyn_per_m3;
  };
  const vat = inForce(rates.vat, date);
  if (!vat) throw new RatesMissingError(`no VAT rate in force in ${period}`);
  const normSet = normSetInForce(rates.norms, date);
  const kinds = ACCOUNT_KINDS;
  return {
    period,
    date,
    month: Number(period.slice(5, 7)),
    vatBp: vat.rate_bp,
    cold: Object.fromEntries(kinds.map((k) => [k, tariff('cold_water', k)])) as Record<
      (typeof kinds)[number],
      number
    >,
    sewage: Object.fromEntries(kinds.map((k) => [k, tariff('sewage', k)])) as Record<
      (typeof kinds)[number],
      number
    >,
    normSet,
    penaltyDaily: dailyPenaltyRates(period, rates.penaltyRates),
    penaltyRates: rates.penaltyRates as readonly PenaltyRate[],
  };
}

/** The norms in force on `date` ('YYYY-MM-DD'); a norm not in the data is zero. */
export function normSetInForce(norms: MonthRates['norms'], date: string): NormSet {
  const norm = (kind: MonthRates['norms'][number]['kind']) =>
    inForce(
      norms.filter((n) => n.kind === kind),
      date,
    );
  const irrigation = norm('irrigation_per_m2');
  return {
    coldPerPersonL: norm('cold_per_person')?.litres ?? 0,
    hotPerPersonL: norm('hot_per_person')?.litres ?? 0,
    irrigationPerM2L: irrigation?.litres ?? 0,
    seasonFromMonth: irrigation?.season_from_month ?? 5,
    seasonToMonth: irrigation?.season_to_month ?? 9,
  };
}

export type MonthRateSet = ReturnType<typeof ratesForMonth>;

/** The month's charge lines: metered volumes, and norms where there is no working meter. */
export function monthCharges(
  input: Pick<AccountMonthInput, 'kind' | 'residents' | 'irrigationAreaM2' | 'meters'>,
  r: MonthRateSet,
): ChargeLine[] {
  let coldMeterL = 0;
  let hotMeterL = 0;
  let coldMetered = false;
  let hotMetered = false;
  for (const meter of input.meters) {
    if (!meterBilledIn(meter.verificationDue, r.date)) continue;
    let volume = 0;
    if (meter.startL !== null && meter.endL !== null) {
      volume = billedMeterVolume(meter.startL, meter.endL);
    }
    if (meter.water === 'cold') {
      coldMeterL += volume;
      coldMetered = true;
    } else {
      hotMeterL += volume;
      hotMetered = true;
    }
  }
  const norm = normVolumes(
    {
      residents: input.residents,
      irrigationAreaM2: input.irrigationAreaM2,
      month: r.month,
      coldMetered,
      hotMetered,
    },
    r.normSet,
  );
  const cold = r.cold[input.kind];
  const sewage = r.sewage[input.kind];
  const vatBp = r.vatBp;
  const inputs: ChargeInput[] = [];
  if (coldMetered || hotMetered) {
    if (coldMetered)
      inputs.push({
        service: 'cold_water',
        basis: 'meter',
        quantityL: coldMeterL,
        tariffTiynPerM3: cold,
        vatBp,
      });
    inputs.push({
      service: 'sewage',
      basis: 'meter',
      quantityL: coldMeterL + hotMeterL,
      tariffTiynPerM3: sewage,
      vatBp,
    });
  }
  // Irrigation water is cold water that does not reach the sewer; a cold meter measures it.
  const normCold = norm.coldL + (coldMetered ? 0 : norm.irrigationL);
  if (normCold > 0)
    inputs.push({ service: 'cold_water', basis: 'norm', quantityL: normCold, tariffTiynPerM3: cold, vatBp });
  if (norm.coldL + norm.hotL > 0)
    inputs.push({
      service: 'sewage',
      basis: 'norm',
      quantityL: norm.coldL + norm.hotL,
      tariffTiynPerM3: sewage,
      vatBp,
    });
  return inputs.map(chargeLine);
}

/**
 * Closes one account's month: charges, the penalty by the day on the debt overdue on each day of
 * the month (src/billing/penalty.ts), and the closing balance.
 */
export function closeAccountMonth(input: AccountMonthInput, r: MonthRateSet): AccountMonthResult {
  return settleAccountMonth(input, monthCharges(input, r), r);
}

/** closeAccountMonth with the month's charge lines already computed (monthCharges). */
export function settleAccountMonth(
  input: AccountMonthInput,
  lines: ChargeLine[],
  r: Pick<MonthRateSet, 'period' | 'penaltyDaily'> & Partial<Pick<MonthRateSet, 'penaltyRates'>>,
): AccountMonthResult {
  const chargedTiyn = chargesTotal(lines);
  const paidTiyn = input.payments.reduce((a, p) => a + p.amountTiyn, 0);
  const compensationTiyn = input.payments
    .filter((p) => p.kind === 'compensation')
    .reduce((a, p) => a + p.amountTiyn, 0);
  const pen = input.penaltyHistory
    ? penaltyOnBills(
        {
          period: r.period,
          bills: input.penaltyHistory.bills,
          payments: [...input.penaltyHistory.payments, ...input.payments.map((p) => datedIn(p, r.period))],
        },
        r.penaltyRates ?? [],
      )
    : monthPenalty(
        {
          period: r.period,
          unpaidBilledTiyn: input.openingTiyn - input.penaltiesBeforeTiyn,
          billedLastMonthTiyn: input.billedLastMonthTiyn,
          payments: input.payments,
        },
        r.penaltyDaily,
      );
  const closingTiyn = closingBalance({
    openingTiyn: input.openingTiyn,
    chargedTiyn,
    recalculationTiyn: input.recalculationTiyn,
    penaltyTiyn: pen?.amountTiyn ?? 0,
    otherTiyn: input.otherTiyn,
    paidTiyn,
  });
  return { lines, chargedTiyn, penalty: pen, paidTiyn, compensationTiyn, closingTiyn };
}

/** What a closed account month writes, row by row, in the tables' own column names. */
export interface AccountMonthRows {
  charges: Insertable<Database['charges']>[];
  penalties: Insertable<Database['penalties']>[];
  penaltyDays: Insertable<Database['penalty_days']>[];
  month: Insertable<Database['account_months']>;
}

/** The rows of one account's closed month: its charge lines, its penalty with the days behind it, its ledger row. */
export function accountMonthRows(
  accountId: number,
  period: Period,
  input: Pick<AccountMonthInput, 'openingTiyn' | 'recalculationTiyn'>,
  result: AccountMonthResult,
): AccountMonthRows {
  const key = { account_id: accountId, period: monthStart(period) };
  const penalty = result.penalty;
  return {
    charges: result.lines.map((line) => ({
      ...key,
      service: line.service,
      basis: line.basis,
      quantity_l: line.quantityL,
      tariff_tiyn_per_m3: line.tariffTiynPerM3,
      vat_bp: line.vatBp,
      amount_tiyn: line.amountTiyn,
    })),
    penalties: penalty
      ? [{ ...key, base_tiyn: penalty.baseTiyn, days: penalty.days, amount_tiyn: penalty.amountTiyn }]
      : [],
    penaltyDays: (penalty?.segments ?? []).map((segment) => ({
      ...key,
      from_on: segment.from,
      to_on: segment.to,
      days: segment.days,
      overdue_tiyn: segment.overdueTiyn,
      refinancing_rate_bp: segment.rateBp,
      coefficient: segment.coefficient,
    })),
    month: {
      ...key,
      opening_tiyn: input.openingTiyn,
      charged_tiyn: result.chargedTiyn,
      recalculation_tiyn: input.recalculationTiyn,
      penalty_tiyn: penalty?.amountTiyn ?? 0,
      other_tiyn: 0,
      paid_tiyn: result.paidTiyn,
      compensation_tiyn: result.compensationTiyn,
      closing_tiyn: result.closingTiyn,
    },
  };
}

/**
 * A payment as the penalty counts it: from the day after its date, but no earlier than the month
 * it is booked in (a payment dated before it counts from the month's first day) and no later than
 * the month's end.
 */
export function datedIn<P extends { paidOn: string }>(payment: P, period: Period): P {
  const first = lastDay(previousPeriod(period));
  const last = lastDay(period);
  const [paidOn] = [first, payment.paidOn, last].sort().slice(1, 2) as [string];
  return paidOn === payment.paidOn ? payment : { ...payment, paidOn };
}

/** A month's ledger row as the penalty's history needs it (amounts in tiyn, period 'YYYY-MM-01'). */
export interface LedgerRow {
  period: string;
  opening_tiyn: Tiyn;
  charged_tiyn: Tiyn;
  recalculation_tiyn: Tiyn;
  other_tiyn: Tiyn;
  paid_tiyn: Tiyn;
}

/**
 * An account's bills and payments before a month, from its ledger rows (oldest first) and the
 * payments booked in them: each month's charges, recalculations and other charges are due on the
 * 25th of the next month; the first row's opening balance was due before its month began; a
 * payment counts from the day after its date, moved into the month it was booked in; a month's
 * paid total the payments do not explain (an imported month) counts from its last day.
 * Penalties are left out: no penalty on penalty.
 */
export function penaltyHistory(
  rows: readonly LedgerRow[],
  payments: readonly { period: string; amount_tiyn: Tiyn; paid_on: string }[],
): PenaltyHistory {
  const bills: DueAmount[] = [];
  const paid: { amountTiyn: Tiyn; paidOn: string }[] = [];
  const first = rows[0];
  if (first && first.opening_tiyn !== 0)
    bills.push({ dueOn: lastDay(previousPeriod(periodOfDay(first.period))), amountTiyn: first.opening_tiyn });
  const booked = new Map<string, { amountTiyn: Tiyn; paidOn: string }[]>();
  for (const p of payments) {
    const list = booked.get(p.period) ?? [];
    list.push({ amountTiyn: p.amount_tiyn, paidOn: p.paid_on });
    booked.set(p.period, list);
  }
  for (const row of rows) {
    const period = periodOfDay(row.period);
    const billed = row.charged_tiyn + row.recalculation_tiyn + row.other_tiyn;
    if (billed !== 0) bills.push({ dueOn: dueDate(period), amountTiyn: billed });
    const own = (booked.get(row.period) ?? []).map((p) => datedIn(p, period));
    paid.push(...own);
    const unexplained = row.paid_tiyn - own.reduce((a, p) => a + p.amountTiyn, 0);
    if (unexplained !== 0) paid.push({ amountTiyn: unexplained, paidOn: lastDay(period) });
  }
  return { bills, payments: paid };
}

/** Charge total per service, in tiyn, as a recalculation compares them. */
export function serviceTotals(lines: readonly ChargeLine[]): Record<Service, Tiyn> {
  return {
    cold_water: chargesTotal(lines.filter((l) => l.service === 'cold_water')),
    sewage: chargesTotal(lines.filter((l) => l.service === 'sewage')),
  };
}
