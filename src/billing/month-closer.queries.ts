import { CompiledQuery, type Insertable, sql } from 'kysely';
import type { DB } from '../db/database';
import type { AccountKind, Database, Water } from '../db/schema';
import { LOCK } from '../jobs/locks';
import type { Litres } from '../money/litres';
import { countsFrom, readingThatCounts, readingThatCountsBefore } from '../readings/counting-reading.queries';
import type { MonthRates } from './month-closer';

/**
 * What the billing run (month-closer.service.ts) asks the database and writes to it, one question
 * per function. Dates are 'YYYY-MM-DD'; a month is its first day.
 */

/** One billing run at a time, in any process, until the transaction ends. */
export async function lockBillingRuns(tx: DB): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCK.billingRun}::int)`.execute(tx);
}

/** The month's row in billing_periods (open unless it exists), locked until the transaction ends. */
export async function lockPeriod(tx: DB, date: string): Promise<void> {
  await openPeriod(tx, date);
  await sql`select period from billing_periods where period = ${date}::date for update`.execute(tx);
}

/** Adds a month to billing_periods as open, unless it is there already. */
export async function openPeriod(tx: DB, date: string): Promise<void> {
  await sql`insert into billing_periods (period, status) values (${date}::date, 'open')
    on conflict (period) do nothing`.execute(tx);
}

/** Marks a month closed; the first closing's time stays (what the month bills is fixed by it). */
export async function markClosed(tx: DB, date: string, cutoff: Date): Promise<void> {
  await sql`insert into billing_periods (period, status, closed_at) values (${date}, 'closed', ${cutoff})
    on conflict (period) do update set status = 'closed', closed_at = coalesce(billing_periods.closed_at, excluded.closed_at)`.execute(
    tx,
  );
}

export function periodsIn(tx: DB, dates: string[]) {
  return tx.selectFrom('billing_periods').selectAll().where('period', 'in', dates).execute();
}

/** The database's clock now (not the transaction's start). */
export async function databaseNow(tx: DB): Promise<Date> {
  return (await sql<{ t: Date }>`select clock_timestamp() as t`.execute(tx)).rows[0]!.t;
}

/** Every tariff, VAT rate, norm and penalty rate with its effective date. */
export async function allRates(tx: DB): Promise<MonthRates> {
  const [tariffs, vat, norms, penaltyRates] = await Promise.all([
    tx
      .selectFrom('tariffs')
      .select(['service', 'customer_kind', 'effective_from', 'price_tiyn_per_m3'])
      .execute(),
    tx.selectFrom('vat_rates').select(['effective_from', 'rate_bp']).execute(),
    tx
      .selectFrom('norms')
      .select(['kind', 'effective_from', 'litres', 'season_from_month', 'season_to_month'])
      .execute(),
    tx.selectFrom('penalty_rates').select(['effective_from', 'refinancing_rate_bp', 'coefficient']).execute(),
  ]);
  return { tariffs, vat, norms, penaltyRates } as MonthRates;
}

/** A list of account ids as one JSON parameter (null: every account). */
const idList = (ids: number[] | null) => (ids ? JSON.stringify(ids) : null);

/** Accounts open on some day from `start` to `end`, with what their norms need; `ids` null: all. */
export async function accountsOpenIn(tx: DB, start: string, end: string, ids: number[] | null) {
  const only = idList(ids);
  const result = await sql<{
    id: number;
    kind: AccountKind;
    residents: number;
    irrigation_area_m2: string;
  }>`
    select id, kind, residents, irrigation_area_m2 from accounts
    where (opened_on is null or opened_on <= ${end}) and (closed_on is null or closed_on >= ${start})
      and (${only}::json is null or id in (select value::int from json_array_elements_text(${only}::json)))
    order by id`.execute(tx);
  return result.rows;
}

/**
 * The meters installed on some day of the month with the readings that count as of `cutoff`
 * (src/readings/counting-reading.queries.ts): the last one before the month and the month's.
 */
export async function metersWithReadings(
  tx: DB,
  start: string,
  end: string,
  cutoff: Date,
  ids: number[] | null,
) {
  const only = idList(ids);
  const result = await sql<{
    account_id: number;
    water: Water;
    verification_due: string | null;
    start_l: Litres | null;
    end_l: Litres | null;
  }>`
    select m.account_id, m.water, m.verification_due, s.value_l as start_l, e.value_l as end_l
    from meters m
    left join lateral ${readingThatCountsBefore(sql`m.id`, start, cutoff)} s on true
    left join lateral ${readingThatCounts(sql`m.id`, start, cutoff)} e on true
    where m.installed_on <= ${end} and (m.removed_on is null or m.removed_on >= ${start})
      and (${only}::json is null or m.account_id in (select value::int from json_array_elements_text(${only}::json)))`.execute(
    tx,
  );
  return result.rows;
}

/** Every account's ledger row of one month. */
export function monthRows(tx: DB, date: string) {
  return tx
    .selectFrom('account_months')
    .select(['account_id', 'closing_tiyn', 'charged_tiyn', 'recalculation_tiyn', 'other_tiyn'])
    .where('period', '=', date)
    .execute();
}

/** Per account, every penalty booked before the month (penalties are not part of the overdue debt). */
export async function penaltiesBefore(tx: DB, date: string) {
  const result = await sql<{
    account_id: number;
    total: string;
  }>`select account_id, sum(penalty_tiyn)::text as total
    from account_months where period < ${date} and penalty_tiyn <> 0 group by account_id`.execute(tx);
  return result.rows;
}

/** The payments booked in a month, in the order they were recorded. */
export function paymentsBookedIn(tx: DB, date: string) {
  return tx
    .selectFrom('payments')
    .select(['account_id', 'amount_tiyn', 'kind', 'paid_on'])
    .where('period', '=', date)
    .orderBy('id')
    .execute();
}

/** Per account, the recalculations booked in a month. */
export async function recalculationTotals(tx: DB, date: string) {
  const result = await sql<{
    account_id: number;
    total: string;
  }>`select account_id, sum(amount_tiyn)::text as total
    from recalculations where period = ${date} group by account_id`.execute(tx);
  return result.rows;
}

/** The first month of the ledger ('YYYY-MM-01'), null when it is empty. */
export async function firstLedgerMonth(tx: DB): Promise<string | null> {
  const row = await tx
    .selectFrom('account_months')
    .select((eb) => eb.fn.min('period').as('first'))
    .executeTakeFirst();
  return row?.first ?? null;
}

/** The ledger rows of the given accounts before a month, oldest first: the bills the penalty walks. */
export function ledgerBefore(tx: DB, date: string, ids: number[]) {
  return tx
    .selectFrom('account_months')
    .select([
      'account_id',
      'period',
      'opening_tiyn',
      'charged_tiyn',
      'recalculation_tiyn',
      'other_tiyn',
      'paid_tiyn',
    ])
    .where('period', '<', date)
    .where('account_id', 'in', ids)
    .orderBy('account_id')
    .orderBy('period')
    .execute();
}

/** The payments of the given accounts booked before a month, with their dates. */
export function paymentsBefore(tx: DB, date: string, ids: number[]) {
  return tx
    .selectFrom('payments')
    .select(['account_id', 'period', 'amount_tiyn', 'paid_on'])
    .where('period', '<', date)
    .where('account_id', 'in', ids)
    .orderBy('id')
    .execute();
}

/**
 * Accounts with readings for an already closed month that came to count after it was closed
 * (submitted, or accepted by an operator, after it; and after the previous billing run), with the
 * earliest such month per account.
 */
export async function lateReadingAccounts(tx: DB, date: string, cutoff: Date, previousRun: Date | null) {
  const result = await sql<{ account_id: number; first: string }>`
    select m.account_id, min(r.period)::text as first
    from readings r
    join meters m on m.id = r.meter_id
    join billing_periods bp on bp.period = r.period and bp.status = 'closed'
    where r.period < ${date} and r.status = 'accepted' and ${countsFrom} > bp.closed_at
      and ${countsFrom} <= ${cutoff}
      and (${previousRun}::timestamptz is null or ${countsFrom} > ${previousRun}::timestamptz)
    group by m.account_id`.execute(tx);
  return result.rows;
}

/** The charge lines of the given accounts in a month. */
export function chargeLinesOf(tx: DB, date: string, ids: number[]) {
  return tx
    .selectFrom('charges')
    .select(['account_id', 'service', 'basis', 'quantity_l', 'tariff_tiyn_per_m3', 'vat_bp'])
    .where('period', '=', date)
    .where('account_id', 'in', ids)
    .execute();
}

/** The recalculations of the given accounts for a month, wherever they were booked. */
export function recalculationsFor(tx: DB, date: string, ids: number[]) {
  return tx
    .selectFrom('recalculations')
    .select(['account_id', 'service', 'amount_tiyn', 'code', 'period'])
    .where('for_period', '=', date)
    .where('account_id', 'in', ids)
    .execute();
}

/** Drops the run's own recalculations booked in a month except those it books again (`keep`). */
export function dropOwnRecalculations(tx: DB, date: string, keep: string[]) {
  return tx
    .deleteFrom('recalculations')
    .where('period', '=', date)
    .where('code', 'like', 'auto:%')
    .where('code', 'not in', ['', ...keep])
    .execute();
}

/** Drops a month's charges and penalties with their basis, before the run writes them again. */
export async function dropMonthResults(tx: DB, date: string): Promise<void> {
  await sql`delete from charges where period = ${date}`.execute(tx);
  await sql`delete from penalties where period = ${date}`.execute(tx);
  await sql`delete from penalty_days where period = ${date}`.execute(tx);
}

/** Rows sent as one JSON parameter per batch: one statement per 20,000 rows, whatever the engine. */
async function writeJson(tx: DB, statement: string, rows: readonly object[], size = 20_000) {
  for (let i = 0; i < rows.length; i += size) {
    await tx.executeQuery(CompiledQuery.raw(statement, [JSON.stringify(rows.slice(i, i + size))]));
  }
}

export function writeRecalculations(tx: DB, rows: readonly Insertable<Database['recalculations']>[]) {
  return writeJson(
    tx,
    `insert into recalculations (code, account_id, period, for_period, service, amount_tiyn, reason)
     select code, account_id, period, for_period, service, amount_tiyn, reason
     from json_to_recordset($1::json) as r(code text, account_id int, period date, for_period date, service text, amount_tiyn bigint, reason text)
     on conflict (code) do update set amount_tiyn = excluded.amount_tiyn
     where recalculations.amount_tiyn is distinct from excluded.amount_tiyn`,
    rows,
  );
}

export function writeCharges(tx: DB, rows: readonly Insertable<Database['charges']>[]) {
  return writeJson(
    tx,
    `insert into charges (account_id, period, service, basis, quantity_l, tariff_tiyn_per_m3, vat_bp, amount_tiyn)
     select * from json_to_recordset($1::json) as r(account_id int, period date, service text, basis text,
       quantity_l bigint, tariff_tiyn_per_m3 bigint, vat_bp int, amount_tiyn bigint)`,
    rows,
  );
}

export function writePenalties(tx: DB, rows: readonly Insertable<Database['penalties']>[]) {
  return writeJson(
    tx,
    `insert into penalties (account_id, period, base_tiyn, days, amount_tiyn)
     select * from json_to_recordset($1::json) as r(account_id int, period date, base_tiyn bigint, days int, amount_tiyn bigint)`,
    rows,
  );
}

export function writePenaltyDays(tx: DB, rows: readonly Insertable<Database['penalty_days']>[]) {
  return writeJson(
    tx,
    `insert into penalty_days (account_id, period, from_on, to_on, days, overdue_tiyn, refinancing_rate_bp, coefficient)
     select * from json_to_recordset($1::json) as r(account_id int, period date, from_on date, to_on date, days int,
       overdue_tiyn bigint, refinancing_rate_bp int, coefficient numeric)`,
    rows,
  );
}

const MONTH_COLUMNS = [
  'opening_tiyn',
  'charged_tiyn',
  'recalculation_tiyn',
  'penalty_tiyn',
  'other_tiyn',
  'paid_tiyn',
  'compensation_tiyn',
  'closing_tiyn',
];

/** Writes the month's ledger rows; a row that did not change is not touched. */
export function writeAccountMonths(tx: DB, rows: readonly Insertable<Database['account_months']>[]) {
  const cols = MONTH_COLUMNS;
  return writeJson(
    tx,
    `insert into account_months (account_id, period, ${cols.join(', ')})
     select * from json_to_recordset($1::json) as r(account_id int, period date, ${cols.map((c) => `${c} bigint`).join(', ')})
     on conflict (account_id, period) do update set ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}
     where (${cols.map((c) => `account_months.${c}`).join(', ')}) is distinct from (${cols.map((c) => `excluded.${c}`).join(', ')})`,
    rows,
  );
}
