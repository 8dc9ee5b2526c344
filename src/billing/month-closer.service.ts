import { CompiledQuery, sql } from 'kysely';
import type { DB } from '../db/database';
import { LOCK } from '../jobs/locks';
import type { Tiyn } from '../money/tiyn';
import { countsFrom, readingThatCounts, readingThatCountsBefore } from '../readings/counting-reading.queries';
import { chargeLine, type Service } from './charges';
import { LATE_READING } from './invoice';
import {
  type AccountMonthInput,
  closeAccountMonth,
  type MeterMonth,
  type MonthRates,
  monthCharges,
  ratesForMonth,
  serviceTotals,
} from './month-closer';
import { lockMonthForClosing } from './month-lock';
import {
  addMonths,
  dateToPeriod,
  daysInMonth,
  isPeriod,
  type Period,
  periodRange,
  periodToDate,
} from './period';

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
  const date = periodToDate(period);
  const previous = periodToDate(addMonths(period, -1));
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${LOCK.billingRun}::int)`.execute(tx);
    // Readings being stored for the month commit first and are billed; later ones find it closed
    // (src/billing/month-lock.ts). The month's row is locked too: a submission that read it as
    // open before the run began re-reads it when the run commits.
    await lockMonthForClosing(tx, date);
    await sql`insert into billing_periods (period, status) values (${date}::date, 'open') on conflict (period) do nothing`.execute(
      tx,
    );
    await sql`select period from billing_periods where period = ${date}::date for update`.execute(tx);
    const periods = await tx
      .selectFrom('billing_periods')
      .selectAll()
      .where('period', 'in', [previous, date])
      .execute();
    const prev = periods.find((p) => p.period === previous);
    const current = periods.find((p) => p.period === date);
    if (prev && prev.status !== 'closed')
      throw new BillingRunError(`close ${addMonths(period, -1)} before ${period}`);
    const wasClosed = current?.status === 'closed';
    // What the run bills: every reading that counted by the time it holds the locks.
    const cutoff =
      wasClosed && current?.closed_at
        ? new Date(current.closed_at)
        : (options.now ?? (await sql<{ t: Date }>`select clock_timestamp() as t`.execute(tx)).rows[0]!.t);
    const rates = await loadRates(tx);
    const r = ratesForMonth(period, rates);

    // 1. Readings that arrived after their month was closed: recalculations booked in this month.
    const late = await lateAccounts(tx, date, cutoff, prev?.closed_at ? new Date(prev.closed_at) : null);
    const recalcRows: Record<string, unknown>[] = [];
    for (const [from, accountIds] of late) {
      for (const q of periodRange(from, addMonths(period, -1))) {
        const facts = await loadFacts(tx, q, cutoff, accountIds);
        const rq = ratesForMonth(q, rates);
        const stored = await storedTotals(tx, q, accountIds, date);
        for (const [accountId, f] of facts) {
          const fresh = serviceTotals(monthCharges(f, rq));
          for (const service of ['cold_water', 'sewage'] as const) {
            const diff = fresh[service] - (stored.get(`${accountId}:${service}`) ?? 0);
            if (diff !== 0)
              recalcRows.push({
                code: `auto:${accountId}:${q}:${service}:${period}`,
                account_id: accountId,
                period: date,
                for_period: periodToDate(q),
                service,
                amount_tiyn: diff,
                reason: LATE_READING,
              });
          }
        }
      }
    }
    await tx
      .deleteFrom('recalculations')
      .where('period', '=', date)
      .where('code', 'like', 'auto:%')
      .where('code', 'not in', ['', ...recalcRows.map((x) => x.code as string)])
      .execute();
    await writeJson(
      tx,
      `insert into recalculations (code, account_id, period, for_period, service, amount_tiyn, reason)
       select code, account_id, period, for_period, service, amount_tiyn, reason
       from json_to_recordset($1::json) as r(code text, account_id int, period date, for_period date, service text, amount_tiyn bigint, reason text)
       on conflict (code) do update set amount_tiyn = excluded.amount_tiyn
       where recalculations.amount_tiyn is distinct from excluded.amount_tiyn`,
      recalcRows,
    );

    // 2. Every account's month.
    const facts = await loadFacts(tx, period, cutoff, null);
    const money = await loadMoney(tx, date, previous);
    const charges: Record<string, unknown>[] = [];
    const penalties: Record<string, unknown>[] = [];
    const penaltyDays: Record<string, unknown>[] = [];
    const months: Record<string, unknown>[] = [];
    let chargedTiyn = 0;
    let penaltyTiyn = 0;
    for (const [accountId, f] of facts) {
      const input: AccountMonthInput = {
        ...f,
        openingTiyn: money.opening.get(accountId) ?? 0,
        penaltiesBeforeTiyn: money.penaltiesBefore.get(accountId) ?? 0,
        billedLastMonthTiyn: money.billedLastMonth.get(accountId) ?? 0,
        payments: money.payments.get(accountId) ?? [],
        recalculationTiyn: money.recalculations.get(accountId) ?? 0,
        otherTiyn: 0,
      };
      const result = closeAccountMonth(input, r);
      for (const line of result.lines) {
        charges.push({
          account_id: accountId,
          period: date,
          service: line.service,
          basis: line.basis,
          quantity_l: line.quantityL,
          tariff_tiyn_per_m3: line.tariffTiynPerM3,
          vat_bp: line.vatBp,
          amount_tiyn: line.amountTiyn,
        });
      }
      if (result.penalty)
        penalties.push({
          account_id: accountId,
          period: date,
          base_tiyn: result.penalty.baseTiyn,
          days: result.penalty.days,
          amount_tiyn: result.penalty.amountTiyn,
        });
      for (const segment of result.penalty?.segments ?? [])
        penaltyDays.push({
          account_id: accountId,
          period: date,
          from_on: segment.from,
          to_on: segment.to,
          days: segment.days,
          overdue_tiyn: segment.overdueTiyn,
          refinancing_rate_bp: segment.rateBp,
          coefficient: segment.coefficient,
        });
      months.push({
        account_id: accountId,
        period: date,
        opening_tiyn: input.openingTiyn,
        charged_tiyn: result.chargedTiyn,
        recalculation_tiyn: input.recalculationTiyn,
        penalty_tiyn: result.penalty?.amountTiyn ?? 0,
        other_tiyn: 0,
        paid_tiyn: result.paidTiyn,
        compensation_tiyn: result.compensationTiyn,
        closing_tiyn: result.closingTiyn,
      });
      chargedTiyn += result.chargedTiyn;
      penaltyTiyn += result.penalty?.amountTiyn ?? 0;
    }

    await sql`delete from charges where period = ${date}`.execute(tx);
    await sql`delete from penalties where period = ${date}`.execute(tx);
    await sql`delete from penalty_days where period = ${date}`.execute(tx);
    await writeJson(
      tx,
      `insert into charges (account_id, period, service, basis, quantity_l, tariff_tiyn_per_m3, vat_bp, amount_tiyn)
       select * from json_to_recordset($1::json) as r(account_id int, period date, service text, basis text,
         quantity_l bigint, tariff_tiyn_per_m3 bigint, vat_bp int, amount_tiyn bigint)`,
      charges,
    );
    await writeJson(
      tx,
      `insert into penalties (account_id, period, base_tiyn, days, amount_tiyn)
       select * from json_to_recordset($1::json) as r(account_id int, period date, base_tiyn bigint, days int, amount_tiyn bigint)`,
      penalties,
    );
    await writeJson(
      tx,
      `insert into penalty_days (account_id, period, from_on, to_on, days, overdue_tiyn, refinancing_rate_bp, coefficient)
       select * from json_to_recordset($1::json) as r(account_id int, period date, from_on date, to_on date, days int,
         overdue_tiyn bigint, refinancing_rate_bp int, coefficient numeric)`,
      penaltyDays,
    );
    const cols = [
      'opening_tiyn',
      'charged_tiyn',
      'recalculation_tiyn',
      'penalty_tiyn',
      'other_tiyn',
      'paid_tiyn',
      'compensation_tiyn',
      'closing_tiyn',
    ];
    await writeJson(
      tx,
      `insert into account_months (account_id, period, ${cols.join(', ')})
       select * from json_to_recordset($1::json) as r(account_id int, period date, ${cols.map((c) => `${c} bigint`).join(', ')})
       on conflict (account_id, period) do update set ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}
       where (${cols.map((c) => `account_months.${c}`).join(', ')}) is distinct from (${cols.map((c) => `excluded.${c}`).join(', ')})`,
      months,
    );
    await sql`insert into billing_periods (period, status, closed_at) values (${date}, 'closed', ${cutoff})
      on conflict (period) do update set status = 'closed', closed_at = coalesce(billing_periods.closed_at, excluded.closed_at)`.execute(
      tx,
    );
    await sql`insert into billing_periods (period, status) values (${periodToDate(addMonths(period, 1))}, 'open')
      on conflict (period) do nothing`.execute(tx);
    return {
      period,
      accounts: facts.size,
      chargedTiyn,
      penaltyTiyn,
      lateRecalculations: recalcRows.length,
      wasClosed,
    };
  });
}

async function writeJson(tx: DB, statement: string, rows: Record<string, unknown>[], size = 20_000) {
  for (let i = 0; i < rows.length; i += size) {
    await tx.executeQuery(CompiledQuery.raw(statement, [JSON.stringify(rows.slice(i, i + size))]));
  }
}

async function loadRates(tx: DB): Promise<MonthRates> {
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

type Facts = Pick<AccountMonthInput, 'kind' | 'residents' | 'irrigationAreaM2' | 'meters'>;

/** Accounts open in the month with their working meters and the readings around the month. */
async function loadFacts(tx: DB, period: Period, cutoff: Date, accountIds: number[] | null) {
  const start = periodToDate(period);
  const end = `${period}-${String(daysInMonth(period)).padStart(2, '0')}`;
  const only = accountIds ? JSON.stringify(accountIds) : null;
  const accounts = await sql<{
    id: number;
    kind: 'individual' | 'legal';
    residents: number;
    irrigation_area_m2: string;
  }>`
    select id, kind, residents, irrigation_area_m2 from accounts
    where (opened_on is null or opened_on <= ${end}) and (closed_on is null or closed_on >= ${start})
      and (${only}::json is null or id in (select value::int from json_array_elements_text(${only}::json)))
    order by id`.execute(tx);
  const facts = new Map<number, Facts>();
  for (const a of accounts.rows)
    facts.set(a.id, {
      kind: a.kind,
      residents: a.residents,
      irrigationAreaM2: a.irrigation_area_m2,
      meters: [],
    });
  const meters = await sql<{
    account_id: number;
    water: 'cold' | 'hot';
    verification_due: string | null;
    start_l: number | null;
    end_l: number | null;
  }>`
    select m.account_id, m.water, m.verification_due, s.value_l as start_l, e.value_l as end_l
    from meters m
    -- The readings that count as of the run's cut-off (src/readings/counting-reading.queries.ts).
    left join lateral ${readingThatCountsBefore(sql`m.id`, start, cutoff)} s on true
    left join lateral ${readingThatCounts(sql`m.id`, start, cutoff)} e on true
    where m.installed_on <= ${end} and (m.removed_on is null or m.removed_on >= ${start})
      and (${only}::json is null or m.account_id in (select value::int from json_array_elements_text(${only}::json)))`.execute(
    tx,
  );
  for (const m of meters.rows) {
    const meter: MeterMonth = {
      water: m.water,
      verificationDue: m.verification_due,
      startL: m.start_l === null ? null : Number(m.start_l),
      endL: m.end_l === null ? null : Number(m.end_l),
    };
    facts.get(m.account_id)?.meters.push(meter);
  }
  return facts;
}

async function loadMoney(tx: DB, date: string, previous: string) {
  const opening = new Map<number, number>();
  const billedLastMonth = new Map<number, number>();
  const penaltiesBefore = new Map<number, number>();
  const payments = new Map<number, AccountMonthInput['payments']>();
  const recalculations = new Map<number, number>();
  const [o, pen, p, r] = await Promise.all([
    tx
      .selectFrom('account_months')
      .select(['account_id', 'closing_tiyn', 'charged_tiyn', 'recalculation_tiyn', 'other_tiyn'])
      .where('period', '=', previous)
      .execute(),
    // Penalties are not part of the overdue debt (no penalty on penalty): every one booked so far.
    sql<{ account_id: number; total: string }>`select account_id, sum(penalty_tiyn)::text as total
      from account_months where period < ${date} and penalty_tiyn <> 0 group by account_id`.execute(tx),
    tx
      .selectFrom('payments')
      .select(['account_id', 'amount_tiyn', 'kind', 'paid_on'])
      .where('period', '=', date)
      .orderBy('id')
      .execute(),
    sql<{
      account_id: number;
      total: string;
    }>`select account_id, sum(amount_tiyn)::text as total from recalculations
      where period = ${date} group by account_id`.execute(tx),
  ]);
  for (const row of o) {
    opening.set(row.account_id, row.closing_tiyn);
    billedLastMonth.set(row.account_id, row.charged_tiyn + row.recalculation_tiyn + row.other_tiyn);
  }
  for (const row of pen.rows) penaltiesBefore.set(row.account_id, Number(row.total));
  for (const row of p) {
    const list = payments.get(row.account_id) ?? [];
    list.push({ amountTiyn: row.amount_tiyn, kind: row.kind, paidOn: row.paid_on });
    payments.set(row.account_id, list);
  }
  for (const row of r.rows) recalculations.set(row.account_id, Number(row.total));
  return { opening, billedLastMonth, penaltiesBefore, payments, recalculations };
}

/**
 * Accounts with readings for an already closed month that came to count after it was closed
 * (submitted, or accepted by an operator, after it; and after the previous billing run), with the
 * earliest such month per account.
 */
async function lateAccounts(tx: DB, date: string, cutoff: Date, previousRun: Date | null) {
  const rows = await sql<{ account_id: number; first: string }>`
    select m.account_id, min(r.period)::text as first
    from readings r
    join meters m on m.id = r.meter_id
    join billing_periods bp on bp.period = r.period and bp.status = 'closed'
    where r.period < ${date} and r.status = 'accepted' and ${countsFrom} > bp.closed_at
      and ${countsFrom} <= ${cutoff}
      and (${previousRun}::timestamptz is null or ${countsFrom} > ${previousRun}::timestamptz)
    group by m.account_id`.execute(tx);
  const byFirst = new Map<Period, number[]>();
  for (const row of rows.rows) {
    const first = dateToPeriod(row.first);
    byFirst.set(first, [...(byFirst.get(first) ?? []), row.account_id]);
  }
  return byFirst;
}

/**
 * What a month already holds per account and service: its charges (line by line, totalled the way
 * a month's charges are) plus the recalculations for it booked elsewhere.
 */
async function storedTotals(tx: DB, period: Period, accountIds: number[], bookedIn: string) {
  const date = periodToDate(period);
  const totals = new Map<string, number>();
  const lines = await tx
    .selectFrom('charges')
    .select(['account_id', 'service', 'basis', 'quantity_l', 'tariff_tiyn_per_m3', 'vat_bp'])
    .where('period', '=', date)
    .where('account_id', 'in', accountIds)
    .execute();
  const grouped = new Map<string, ReturnType<typeof chargeLine>[]>();
  for (const l of lines) {
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
  const recalcs = await tx
    .selectFrom('recalculations')
    .select(['account_id', 'service', 'amount_tiyn', 'code', 'period'])
    .where('for_period', '=', date)
    .where('account_id', 'in', accountIds)
    .execute();
  for (const x of recalcs) {
    if (!x.service) continue;
    // This run's own rows are being recomputed; earlier runs' rows count as already booked.
    if (x.period === bookedIn && x.code?.startsWith('auto:')) continue;
    const key = `${x.account_id}:${x.service}`;
    totals.set(key, (totals.get(key) ?? 0) + x.amount_tiyn);
  }
  return totals;
}
