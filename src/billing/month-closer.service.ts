import type { Insertable } from 'kysely';
import {
  addMonths,
  daysInMonth,
  isPeriod,
  monthStart,
  type Period,
  periodOfDay,
  periodRange,
} from '../calendar/calendar';
import type { DB } from '../db/database';
import { type Database, SERVICES } from '../db/schema';
import { litres } from '../money/litres';
import type { Tiyn } from '../money/tiyn';
import { chargeLine, type Service } from './charges';
import { LATE_READING } from './invoice';
import {
  type AccountMonthInput,
  type AccountMonthRows,
  accountMonthRows,
  closeAccountMonth,
  type MeterMonth,
  type MonthRateSet,
  type MonthRates,
  monthCharges,
  type PenaltyHistory,
  penaltyHistory,
  ratesForMonth,
  serviceTotals,
} from './month-closer';
import {
  accountsOpenIn,
  allRates,
  chargeLinesOf,
  databaseNow,
  dropMonthResults,
  dropOwnRecalculations,
  firstLedgerMonth,
  lateReadingAccounts,
  ledgerBefore,
  lockBillingRuns,
  lockPeriod,
  markClosed,
  metersWithReadings,
  monthRows,
  openPeriod,
  paymentsBefore,
  paymentsBookedIn,
  penaltiesBefore,
  periodsIn,
  recalculationsFor,
  recalculationTotals,
  writeAccountMonths,
  writeCharges,
  writePenalties,
  writePenaltyDays,
  writeRecalculations,
} from './month-closer.queries';
import { lockMonthForClosing } from './month-lock.queries';
import { capMayBind } from './penalty';

export class BillingRunError extends Error {}

export interface CloseMonthResult {
  period: Period;
  accounts: number;
  chargedTiyn: Tiyn;
  penaltyTiyn: Tiyn;
  /** Recalculations booked in this month for readings that arrived after their month closed. */
  lateRecalculations: number;
  /** The month had been closed before; it was computed again from the same facts. */
  wasClosed: boolean;
}

/**
 * monthCloser: the built-in billing run of one month (docs/decisions/041-billing-run.md).
 * Every account's charges from readings (norms where there is no working meter), the penalty on
 * overdue debt, and the closing balance; readings that arrived after an earlier month was closed
 * become recalculations in this month. Running it again gives the same rows: a closed month is
 * recomputed only from the readings that were there when it was first closed.
 */
export async function closeMonth(
  db: DB,
  period: Period,
  options: { now?: Date } = {},
): Promise<CloseMonthResult> {
  if (!isPeriod(period)) throw new BillingRunError(`not a month: ${period} (expected YYYY-MM)`);
  const date = monthStart(period);
  const previous = monthStart(addMonths(period, -1));
  return db.transaction().execute(async (tx) => {
    await lockBillingRuns(tx);
    // Readings being stored for the month commit first and are billed; later ones find it closed
    // (src/billing/month-lock.queries.ts). The month's row is locked too: a submission that read
    // it as open before the run began re-reads it when the run commits.
    await lockMonthForClosing(tx, date);
    await lockPeriod(tx, date);
    const periods = await periodsIn(tx, [previous, date]);
    const prev = periods.find((p) => p.period === previous);
    const current = periods.find((p) => p.period === date);
    if (prev && prev.status !== 'closed')
      throw new BillingRunError(`close ${addMonths(period, -1)} before ${period}`);
    const wasClosed = current?.status === 'closed';
    // What the run bills: every reading that counted by the time it holds the locks.
    const cutoff =
      wasClosed && current?.closed_at
        ? new Date(current.closed_at)
        : (options.now ?? (await databaseNow(tx)));
    const rates = await allRates(tx);

    // 1. Readings that arrived after their month was closed: recalculations booked in this month.
    const previousRun = prev?.closed_at ? new Date(prev.closed_at) : null;
    const recalcRows = await lateRecalculations(tx, period, cutoff, previousRun, rates);
    await dropOwnRecalculations(
      tx,
      date,
      recalcRows.map((x) => x.code as string),
    );
    await writeRecalculations(tx, recalcRows);

    // 2. Every account's month.
    const month = await settleMonth(tx, period, cutoff, ratesForMonth(period, rates));
    await dropMonthResults(tx, date);
    await writeCharges(tx, month.charges);
    await writePenalties(tx, month.penalties);
    await writePenaltyDays(tx, month.penaltyDays);
    await writeAccountMonths(tx, month.months);
    await markClosed(tx, date, cutoff);
    await openPeriod(tx, monthStart(addMonths(period, 1)));
    return {
      period,
      accounts: month.months.length,
      chargedTiyn: month.chargedTiyn,
      penaltyTiyn: month.penaltyTiyn,
      lateRecalculations: recalcRows.length,
      wasClosed,
    };
  });
}

/**
 * Readings that came to count after their month closed: each month from the earliest such one
 * is computed again as of `cutoff`, and the difference to what it holds is booked in `period`,
 * per service.
 */
async function lateRecalculations(
  tx: DB,
  period: Period,
  cutoff: Date,
  previousRun: Date | null,
  rates: MonthRates,
): Promise<Insertable<Database['recalculations']>[]> {
  const date = monthStart(period);
  const late = await lateAccounts(tx, date, cutoff, previousRun);
  const rows: Insertable<Database['recalculations']>[] = [];
  for (const [from, accountIds] of late) {
    for (const q of periodRange(from, addMonths(period, -1))) {
      const facts = await loadFacts(tx, q, cutoff, accountIds);
      const rq = ratesForMonth(q, rates);
      const stored = await storedTotals(tx, q, accountIds, date);
      for (const [accountId, f] of facts) {
        const fresh = serviceTotals(monthCharges(f, rq));
        for (const service of SERVICES) {
          const diff = fresh[service] - (stored.get(`${accountId}:${service}`) ?? 0);
          if (diff !== 0)
            rows.push({
              code: `auto:${accountId}:${q}:${service}:${period}`,
              account_id: accountId,
              period: date,
              for_period: monthStart(q),
              service,
              amount_tiyn: diff,
              reason: LATE_READING,
            });
        }
      }
    }
  }
  return rows;
}

/** Every account's month: charge lines, penalty with its basis, and the ledger row, as rows to write. */
async function settleMonth(tx: DB, period: Period, cutoff: Date, r: MonthRateSet) {
  const date = monthStart(period);
  const facts = await loadFacts(tx, period, cutoff, null);
  const money = await loadMoney(tx, date, monthStart(addMonths(period, -1)));
  const histories = await loadHistories(tx, period, money, r);
  const out = {
    charges: [] as AccountMonthRows['charges'],
    penalties: [] as AccountMonthRows['penalties'],
    penaltyDays: [] as AccountMonthRows['penaltyDays'],
    months: [] as AccountMonthRows['month'][],
    chargedTiyn: 0,
    penaltyTiyn: 0,
  };
  for (const [accountId, f] of facts) {
    const input: AccountMonthInput = {
      ...f,
      openingTiyn: money.opening.get(accountId) ?? 0,
      penaltiesBeforeTiyn: money.penaltiesBefore.get(accountId) ?? 0,
      billedLastMonthTiyn: money.billedLastMonth.get(accountId) ?? 0,
      payments: money.payments.get(accountId) ?? [],
      recalculationTiyn: money.recalculations.get(accountId) ?? 0,
      otherTiyn: 0,
      penaltyHistory: histories ? (histories.get(accountId) ?? NO_HISTORY) : undefined,
    };
    const result = closeAccountMonth(input, r);
    const rows = accountMonthRows(accountId, period, input, result);
    out.charges.push(...rows.charges);
    out.penalties.push(...rows.penalties);
    out.penaltyDays.push(...rows.penaltyDays);
    out.months.push(rows.month);
    out.chargedTiyn += result.chargedTiyn;
    out.penaltyTiyn += result.penalty?.amountTiyn ?? 0;
  }
  return out;
}

/** An account that owes nothing overdue this month: no bills to walk. */
const NO_HISTORY: PenaltyHistory = { bills: [], payments: [] };

type Facts = Pick<AccountMonthInput, 'kind' | 'residents' | 'irrigationAreaM2' | 'meters'>;

/** Accounts open in the month with their working meters and the readings around the month. */
async function loadFacts(tx: DB, period: Period, cutoff: Date, accountIds: number[] | null) {
  const start = monthStart(period);
  const end = `${period}-${String(daysInMonth(period)).padStart(2, '0')}`;
  const facts = new Map<number, Facts>();
  for (const a of await accountsOpenIn(tx, start, end, accountIds))
    facts.set(a.id, {
      kind: a.kind,
      residents: a.residents,
      irrigationAreaM2: a.irrigation_area_m2,
      meters: [],
    });
  for (const m of await metersWithReadings(tx, start, end, cutoff, accountIds)) {
    const meter: MeterMonth = {
      water: m.water,
      verificationDue: m.verification_due,
      startL: m.start_l === null ? null : litres(m.start_l),
      endL: m.end_l === null ? null : litres(m.end_l),
    };
    facts.get(m.account_id)?.meters.push(meter);
  }
  return facts;
}

type Money = Awaited<ReturnType<typeof loadMoney>>;

async function loadMoney(tx: DB, date: string, previous: string) {
  const opening = new Map<number, number>();
  const billedLastMonth = new Map<number, number>();
  const penaltiesBeforeMonth = new Map<number, number>();
  const payments = new Map<number, AccountMonthInput['payments']>();
  const recalculations = new Map<number, number>();
  const [o, pen, p, r] = await Promise.all([
    monthRows(tx, previous),
    penaltiesBefore(tx, date),
    paymentsBookedIn(tx, date),
    recalculationTotals(tx, date),
  ]);
  for (const row of o) {
    opening.set(row.account_id, row.closing_tiyn);
    billedLastMonth.set(row.account_id, row.charged_tiyn + row.recalculation_tiyn + row.other_tiyn);
  }
  for (const row of pen) penaltiesBeforeMonth.set(row.account_id, Number(row.total));
  for (const row of p) {
    const list = payments.get(row.account_id) ?? [];
    list.push({ amountTiyn: row.amount_tiyn, kind: row.kind, paidOn: row.paid_on });
    payments.set(row.account_id, list);
  }
  for (const row of r) recalculations.set(row.account_id, Number(row.total));
  return { opening, billedLastMonth, penaltiesBefore: penaltiesBeforeMonth, payments, recalculations };
}

/**
 * The bills and payments before the month of every account that may owe something overdue in it
 * (penaltyHistory): the penalty walks them to cap each bill over its whole life. An account whose
 * bills, less its payments, leave nothing unpaid, and that has no credit or refund that could
 * change that, gets none: nothing of it can be overdue this month. Null while no bill of the
 * ledger can have reached its cap yet (capMayBind): the month's totals then give the same penalty.
 */
async function loadHistories(
  tx: DB,
  period: Period,
  money: Money,
  r: MonthRateSet,
): Promise<Map<number, PenaltyHistory> | null> {
  const first = await firstLedgerMonth(tx);
  if (!first || !capMayBind(first, period, r.penaltyRates)) return null;
  const ids = [...money.opening.keys()].filter((id) => {
    const unpaid = (money.opening.get(id) ?? 0) - (money.penaltiesBefore.get(id) ?? 0);
    const credits = Math.max(0, -(money.billedLastMonth.get(id) ?? 0));
    const refunds = (money.payments.get(id) ?? []).reduce((a, p) => a + Math.max(0, -p.amountTiyn), 0);
    return unpaid + credits + refunds > 0;
  });
  const date = monthStart(period);
  const histories = new Map<number, PenaltyHistory>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const chunk = ids.slice(i, i + 5_000);
    const [rows, paid] = await Promise.all([ledgerBefore(tx, date, chunk), paymentsBefore(tx, date, chunk)]);
    const rowsOf = groupBy(rows);
    const paidOf = groupBy(paid);
    for (const id of chunk) histories.set(id, penaltyHistory(rowsOf.get(id) ?? [], paidOf.get(id) ?? []));
  }
  return histories;
}

function groupBy<T extends { account_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const list = map.get(row.account_id);
    if (list) list.push(row);
    else map.set(row.account_id, [row]);
  }
  return map;
}

/**
 * Accounts with readings for an already closed month that came to count after it was closed,
 * grouped by the earliest such month.
 */
async function lateAccounts(tx: DB, date: string, cutoff: Date, previousRun: Date | null) {
  const byFirst = new Map<Period, number[]>();
  for (const row of await lateReadingAccounts(tx, date, cutoff, previousRun)) {
    const first = periodOfDay(row.first);
    byFirst.set(first, [...(byFirst.get(first) ?? []), row.account_id]);
  }
  return byFirst;
}

/**
 * What a month already holds per account and service: its charges (line by line, totalled the way
 * a month's charges are) plus the recalculations for it booked elsewhere.
 */
async function storedTotals(tx: DB, period: Period, accountIds: number[], bookedIn: string) {
  const date = monthStart(period);
  const totals = new Map<string, number>();
  const grouped = new Map<string, ReturnType<typeof chargeLine>[]>();
  for (const l of await chargeLinesOf(tx, date, accountIds)) {
    const key = `${l.account_id}:${l.service}`;
    grouped.set(key, [
      ...(grouped.get(key) ?? []),
      chargeLine({
        service: l.service as Service,
        basis: l.basis,
        quantityL: l.quantity_l,
        tariffTiynPerM3: l.tariff_tiyn_per_m3,
        vatBp: l.vat_bp,
      }),
    ]);
  }
  for (const [key, group] of grouped) {
    const service = key.split(':')[1] as Service;
    totals.set(key, serviceTotals(group)[service]);
  }
  for (const x of await recalculationsFor(tx, date, accountIds)) {
    if (!x.service) continue;
    // This run's own rows are being recomputed; earlier runs' rows count as already booked.
    if (x.period === bookedIn && x.code?.startsWith('auto:')) continue;
    const key = `${x.account_id}:${x.service}`;
    totals.set(key, (totals.get(key) ?? 0) + x.amount_tiyn);
  }
  return totals;
}
