import { sql } from 'kysely';
import type { Service } from '../billing/charges';
import type { InvoiceInput, InvoiceMeterInput, InvoiceRecalculation } from '../billing/invoice';
import { type MonthRates, normSetInForce } from '../billing/month-closer';
import type { StatementMonthInput } from '../billing/statement';
import { addMonths, monthStart, type Period, periodOfDay } from '../calendar/calendar';
import { anyId, type DB, executePrepared, prepared } from '../db/database';
import type { AccountKind, Water } from '../db/schema';
import { billingDataAsOf } from '../exchange/data-as-of';
import { type Litres, litres } from '../money/litres';
import type { Tiyn } from '../money/tiyn';
import {
  monthCutoff,
  readingThatCounts,
  readingThatCountsBefore,
} from '../readings/counting-reading.queries';
import { type Reads, readEachTime } from './shared-reads';

/** The first year with ledger data of an account, for the period selector's year list. */
export async function firstAccountYear(db: DB, accountId: number): Promise<number | null> {
  // Asked by every invoice and settlement page: prepared, planned once per connection.
  const [row] = await executePrepared(
    db,
    db
      .selectFrom('account_months')
      .select('period')
      .where('account_id', '=', accountId)
      .orderBy('period')
      .limit(1),
  );
  return row ? Number(row.period.slice(0, 4)) : null;
}

/** The month's charge lines of some accounts. */
function monthCharges(db: DB, accountIds: readonly number[], first: string) {
  const query = db
    .selectFrom('charges')
    .select(['account_id', 'service', 'basis', 'quantity_l', 'tariff_tiyn_per_m3', 'vat_bp'])
    .where(anyId('account_id', accountIds))
    .where('period', '=', first)
    .orderBy('account_id')
    .orderBy('service')
    .orderBy('basis');
  return executePrepared(db, query);
}

/** The recalculations booked in the month, with the month each corrects and why. */
function monthRecalculations(db: DB, accountIds: readonly number[], first: string) {
  const query = db
    .selectFrom('recalculations')
    .select(['account_id', 'for_period', 'service', 'amount_tiyn', 'reason'])
    .where(anyId('account_id', accountIds))
    .where('period', '=', first)
    .orderBy('account_id')
    .orderBy('for_period')
    .orderBy('service')
    .orderBy('id');
  return executePrepared(db, query);
}

/** The payments booked in the month. */
function monthPayments(db: DB, accountIds: readonly number[], first: string) {
  const query = db
    .selectFrom('payments')
    .select(['account_id', 'amount_tiyn', 'kind', 'paid_on'])
    .where(anyId('account_id', accountIds))
    .where('period', '=', first)
    .orderBy('account_id')
    .orderBy('paid_on')
    .orderBy('id');
  return executePrepared(db, query);
}

/** The ledger rows of some accounts for one month (an account without one has no invoice). */
function monthBalances(db: DB, accountIds: readonly number[], first: string) {
  const query = db
    .selectFrom('account_months')
    .selectAll()
    .where(anyId('account_id', accountIds))
    .where('period', '=', first);
  return executePrepared(db, query);
}

/** The tariff of each service in force on the month's first day for a kind of customer. */
function tariffsInForce(db: DB, kind: AccountKind, first: string) {
  return sql<{ service: Service; price: number }>`${prepared}
    select distinct on (service) service, price_tiyn_per_m3 as price
    from tariffs
    where customer_kind = ${kind} and effective_from <= ${first}::date
    order by service, effective_from desc`.execute(db);
}

/** The norms that took effect by the month's first day. */
function normsInForce(db: DB, first: string) {
  const query = db
    .selectFrom('norms')
    .select(['kind', 'effective_from', 'litres', 'season_from_month', 'season_to_month'])
    .where('effective_from', '<=', first);
  return executePrepared(db, query);
}

/** The accounts' meters installed during the month, with the readings that count at its start and end. */
function metersWithReadings(
  db: DB,
  accountIds: readonly number[],
  first: string,
  next: string,
  cutoff: Date | null,
) {
  return sql<{
    account_id: number;
    input_no: number;
    water: Water;
    serial: string;
    verification_due: string | null;
    start_l: Litres | null;
    start_on: string | null;
    end_l: Litres | null;
    end_on: string | null;
  }>`${prepared}
    select m.account_id, m.input_no, m.water, m.serial, m.verification_due,
           s.value_l as start_l, s.read_on as start_on, e.value_l as end_l, e.read_on as end_on
    from meters m
    left join lateral ${readingThatCountsBefore(sql`m.id`, first, cutoff)} s on true
    left join lateral ${readingThatCounts(sql`m.id`, first, cutoff)} e on true
    where m.account_id = any(${[...accountIds]}::int[])
      and m.installed_on < ${next}::date
      and (m.removed_on is null or m.removed_on >= ${first}::date)
    order by m.account_id, m.input_no, m.water, m.serial`.execute(db);
}

/** Rows by their account, in the order they came. */
function byAccount<T extends { account_id: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(row.account_id);
    if (list) list.push(row);
    else out.set(row.account_id, [row]);
  }
  return out;
}

/** What invoiceFacts needs to know of an account. */
export interface InvoiceAccount {
  id: number;
  kind: AccountKind;
  residents: number;
  irrigationAreaM2: string;
}

/**
 * Every fact of one account's invoice for a month, read from the ledger: the balance row,
 * charge lines, recalculations, payments, the tariffs and norms in force and the meters with the
 * readings that counted for the month as of its closing (src/readings/counting-reading.queries.ts):
 * a closed month shows what it was billed with, whatever reading arrived later.
 * Null when the month has no balance row (not billed yet, or before the account's history).
 */
export async function invoiceFacts(
  db: DB,
  account: InvoiceAccount,
  period: Period,
  /** Where the facts every invoice of the month shares are read (once for a batch of invoices). */
  shared: Reads = readEachTime,
): Promise<InvoiceInput | null> {
  return (await invoiceFactsOfAccounts(db, [account], period, shared)).get(account.id) ?? null;
}

/**
 * invoiceFacts of several accounts for one month, each kind of row read for all of them in one
 * statement (a delivery batch's invoices); an account without a balance row for the month maps to
 * null.
 */
export async function invoiceFactsOfAccounts(
  db: DB,
  accounts: readonly InvoiceAccount[],
  period: Period,
  shared: Reads = readEachTime,
): Promise<Map<number, InvoiceInput | null>> {
  const first = monthStart(period);
  const next = monthStart(addMonths(period, 1));
  const ids = [...new Set(accounts.map((a) => a.id))];
  if (ids.length === 0) return new Map();
  const cutoff = await shared.get(`cutoff:${first}`, () => monthCutoff(db, first));
  const kinds = [...new Set(accounts.map((a) => a.kind))];

  // One round of queries in parallel: the balance row decides afterwards whether there is an invoice.
  const [balances, dataAsOf, charges, recalculations, payments, tariffs, norms, meters] = await Promise.all([
    monthBalances(db, ids, first),
    shared.get('dataAsOf', () => billingDataAsOf(db)),
    monthCharges(db, ids, first),
    monthRecalculations(db, ids, first),
    monthPayments(db, ids, first),
    Promise.all(
      kinds.map((kind) => shared.get(`tariffs:${kind}:${first}`, () => tariffsInForce(db, kind, first))),
    ),
    shared.get(`norms:${first}`, () => normsInForce(db, first)),
    metersWithReadings(db, ids, first, next, cutoff),
  ]);
  const common = {
    period,
    norms: normSetInForce(norms as MonthRates['norms'], first),
    dates: { dataAsOf, closedAt: cutoff },
    tariffs: new Map(kinds.map((kind, i) => [kind, tariffs[i]?.rows ?? []])),
  };
  const rows = {
    balances: new Map(balances.map((b) => [b.account_id, b])),
    charges: byAccount(charges),
    recalculations: byAccount(recalculations),
    payments: byAccount(payments),
    meters: byAccount(meters.rows),
  };
  return new Map(accounts.map((account) => [account.id, accountInvoiceInput(account, common, rows)]));
}

type FactRows = {
  balances: Map<number, Awaited<ReturnType<typeof monthBalances>>[number]>;
  charges: Map<number, Awaited<ReturnType<typeof monthCharges>>>;
  recalculations: Map<number, Awaited<ReturnType<typeof monthRecalculations>>>;
  payments: Map<number, Awaited<ReturnType<typeof monthPayments>>>;
  meters: Map<number, Awaited<ReturnType<typeof metersWithReadings>>['rows']>;
};

/** One account's InvoiceInput from the rows read for the month; null without a balance row. */
function accountInvoiceInput(
  account: InvoiceAccount,
  common: {
    period: Period;
    norms: ReturnType<typeof normSetInForce>;
    dates: InvoiceInput['dates'];
    tariffs: Map<AccountKind, { service: Service; price: number }[]>;
  },
  rows: FactRows,
): InvoiceInput | null {
  const month = rows.balances.get(account.id);
  if (!month) return null;
  const meterRows: InvoiceMeterInput[] = (rows.meters.get(account.id) ?? []).map((m) => ({
    inputNo: m.input_no,
    water: m.water,
    serial: m.serial,
    verificationDue: m.verification_due,
    start: m.start_l !== null && m.start_on ? { valueL: litres(m.start_l), date: m.start_on } : null,
    end: m.end_l !== null && m.end_on ? { valueL: litres(m.end_l), date: m.end_on } : null,
  }));
  return {
    period: common.period,
    tariffs: (common.tariffs.get(account.kind) ?? []).map((t) => ({
      service: t.service,
      tariffTiynPerM3: Number(t.price),
    })),
    meters: meterRows,
    charges: (rows.charges.get(account.id) ?? []).map((c) => ({
      service: c.service,
      basis: c.basis,
      quantityL: c.quantity_l,
      tariffTiynPerM3: c.tariff_tiyn_per_m3,
      vatBp: c.vat_bp,
    })),
    openingTiyn: month.opening_tiyn,
    recalculationTiyn: month.recalculation_tiyn,
    recalculations: (rows.recalculations.get(account.id) ?? []).map((r) => ({
      forPeriod: r.for_period ? periodOfDay(r.for_period) : null,
      service: r.service,
      amountTiyn: r.amount_tiyn,
      reason: r.reason,
    })),
    penaltyTiyn: month.penalty_tiyn,
    otherTiyn: month.other_tiyn,
    payments: (rows.payments.get(account.id) ?? []).map((p) => ({
      amountTiyn: p.amount_tiyn,
      kind: p.kind,
      paidOn: p.paid_on,
    })),
    compensationTiyn: month.compensation_tiyn,
    norm: {
      ...common.norms,
      residents: account.residents,
      irrigationAreaM2: account.irrigationAreaM2,
    },
    dates: common.dates,
  };
}

/**
 * The statement's ledger facts: the balance at the start of `from` and one entry per month with
 * data up to `to`. A range that starts before the account's history opens at its first month.
 */
export async function statementFacts(
  db: DB,
  accountId: number,
  from: Period,
  to: Period,
): Promise<{
  openingTiyn: Tiyn;
  months: StatementMonthInput[];
  recalculations: (InvoiceRecalculation & { period: Period })[];
} | null> {
  const first = monthStart(from);
  const last = monthStart(to);
  const [months, payments, recalculations] = await Promise.all([
    executePrepared(
      db,
      db
        .selectFrom('account_months')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('period', '>=', first)
        .where('period', '<=', last)
        .orderBy('period'),
    ),
    executePrepared(
      db,
      db
        .selectFrom('payments')
        .select(['period', 'paid_on', 'amount_tiyn'])
        .where('account_id', '=', accountId)
        .where('period', '>=', first)
        .where('period', '<=', last)
        .orderBy('paid_on')
        .orderBy('id'),
    ),
    executePrepared(
      db,
      db
        .selectFrom('recalculations')
        .select(['period', 'for_period', 'service', 'amount_tiyn', 'reason'])
        .where('account_id', '=', accountId)
        .where('period', '>=', first)
        .where('period', '<=', last)
        .orderBy('period')
        .orderBy('for_period')
        .orderBy('service')
        .orderBy('id'),
    ),
  ]);
  if (months.length === 0) return null;
  const byPeriod = new Map<string, { paidOn: string; amountTiyn: Tiyn }[]>();
  for (const p of payments) {
    const list = byPeriod.get(p.period) ?? [];
    list.push({ paidOn: p.paid_on, amountTiyn: p.amount_tiyn });
    byPeriod.set(p.period, list);
  }
  return {
    openingTiyn: months[0]?.opening_tiyn ?? 0,
    months: months.map((m) => ({
      period: periodOfDay(m.period),
      chargedTiyn: m.charged_tiyn,
      recalculationTiyn: m.recalculation_tiyn,
      penaltyTiyn: m.penalty_tiyn,
      otherTiyn: m.other_tiyn,
      payments: byPeriod.get(m.period) ?? [],
    })),
    recalculations: recalculations.map((r) => ({
      period: periodOfDay(r.period),
      forPeriod: r.for_period ? periodOfDay(r.for_period) : null,
      service: r.service,
      amountTiyn: r.amount_tiyn,
      reason: r.reason,
    })),
  };
}

/** The months an account has figures for (so an invoice), newest first, at most `limit`. */
export async function accountDocumentPeriods(db: DB, accountId: number, limit: number): Promise<string[]> {
  const rows = await executePrepared(
    db,
    db
      .selectFrom('account_months')
      .select('period')
      .where('account_id', '=', accountId)
      .orderBy('period', 'desc')
      .limit(limit),
  );
  return rows.map((r) => r.period);
}
