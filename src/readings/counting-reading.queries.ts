import { type RawBuilder, sql } from 'kysely';
import { billingPeriodRow } from '../billing/billing-periods.queries';
import { type DB, prepared } from '../db/database';
import { type Litres, litres } from '../money/litres';

/**
 * The one definition of "the reading that counts" for a meter and a month (decision 075). The
 * billing run, the invoice, the readings page (previous reading, consumption chart) all select
 * readings through these fragments, so a month's bill and the volumes shown for it cannot differ.
 *
 * A reading counts when it is accepted (a flagged one only once an operator accepted it; a
 * rejected one never) and it came to count by the cut-off: it was submitted, or accepted by an
 * operator, at or before that time. Of the readings of one month the last stored wins (a correction
 * is a new row). A closed month's cut-off is its `billing_periods.closed_at`, so its documents show
 * what it was billed with, whatever arrived later; `null` means "everything stored so far".
 */
export type Cutoff = Date | null;

/** When reading "r" came to count: submitted, or accepted by an operator after review. */
export const countsFrom = sql`coalesce(r.reviewed_at, r.submitted_at)`;

/** Reading "r" counts as of `cutoff`. */
function counts(cutoff: Cutoff): RawBuilder<unknown> {
  return cutoff === null
    ? sql`r.status = 'accepted'`
    : sql`r.status = 'accepted' and ${countsFrom} <= ${cutoff}::timestamptz`;
}

const columns = sql`r.id, r.value_l, r.read_on, r.source, r.period, r.submitted_at`;

/**
 * Lateral subquery: the reading of meter `meter` (an SQL expression, e.g. sql`m.id`) that counts
 * for the month starting `period` ('YYYY-MM-01') as of `cutoff`. Columns id, value_l, read_on,
 * source, period, submitted_at. Use as `left join lateral ${readingThatCounts(...)} e on true`.
 */
export function readingThatCounts(meter: RawBuilder<unknown>, period: string, cutoff: Cutoff) {
  return sql`(
      select ${columns} from readings r
      where r.meter_id = ${meter} and r.period = ${period}::date and ${counts(cutoff)}
      order by r.id desc limit 1
    )`;
}

/**
 * Lateral subquery: the reading that counts for the latest month before `period` (a month, or an
 * SQL expression of one) with one (the start of `period`'s volume), as of `cutoff`. Same columns as readingThatCounts.
 */
export function readingThatCountsBefore(
  meter: RawBuilder<unknown>,
  period: string | RawBuilder<unknown>,
  cutoff: Cutoff,
) {
  return sql`(
      select ${columns} from readings r
      where r.meter_id = ${meter} and r.period < ${period}::date and ${counts(cutoff)}
      order by r.period desc, r.id desc limit 1
    )`;
}

/**
 * The cut-off of a month's documents: when the month was closed, or null while it is open (or
 * not known to the cabinet, when its charges come from the billing system).
 */
export async function monthCutoff(db: DB, period: string): Promise<Cutoff> {
  const row = await billingPeriodRow(db, period);
  return row?.status === 'closed' && row.closedAt ? new Date(row.closedAt) : null;
}

export interface CountedReading {
  meterId: number;
  /** 'YYYY-MM-01' */
  period: string;
  valueL: Litres;
  id: number;
}

/** The reading that counts, as of now, for each month since `fromPeriod` of each meter of an account. */
export async function countingReadingsSince(
  db: DB,
  accountId: number,
  fromPeriod: string,
): Promise<CountedReading[]> {
  const result = await sql<CountedReading>`${prepared}
    select distinct on (r.meter_id, r.period) r.meter_id as "meterId", r.period, r.value_l as "valueL", r.id
    from readings r join meters m on m.id = r.meter_id
    where m.account_id = ${accountId} and r.period >= ${fromPeriod}::date and ${counts(null)}
    order by r.meter_id, r.period, r.id desc`.execute(db);
  return result.rows.map((r) => ({ ...r, valueL: litres(r.valueL), id: Number(r.id) }));
}

export interface MeterHistoryReading {
  meterId: number;
  /** The month the history is taken before ('YYYY-MM-01'), as asked. */
  before: string;
  /** 'YYYY-MM-01' */
  period: string;
  valueL: Litres;
}

/**
 * The readings that count, as of now, of the `months` months before each given month of each
 * given meter, and the one that counts before those (the start of the first month's volume): what
 * the large-consumption rule (large-consumption.ts) compares a month with. One statement for any
 * number of meters and months.
 */
export async function meterHistories(
  db: DB,
  asked: { meterId: number; before: string }[],
  months: number,
): Promise<MeterHistoryReading[]> {
  if (!asked.length) return [];
  const result = await sql<MeterHistoryReading>`
    select q.meter_id as "meterId", to_char(q.before, 'YYYY-MM-DD') as before,
      to_char(h.period, 'YYYY-MM-DD') as period, h.value_l as "valueL"
    from unnest(${asked.map((a) => a.meterId)}::int[], ${asked.map((a) => a.before)}::date[])
      as q(meter_id, before)
    cross join lateral (
      (select distinct on (r.period) r.period, r.value_l from readings r
        where r.meter_id = q.meter_id and r.period < q.before
          and r.period >= q.before - make_interval(months => ${months}::int) and ${counts(null)}
        order by r.period, r.id desc)
      union all
      (select b.period, b.value_l
        from ${readingThatCountsBefore(sql`q.meter_id`, sql`(q.before - make_interval(months => ${months}::int))::date`, null)} b)
    ) h`.execute(db);
  return result.rows.map((r) => ({ ...r, valueL: litres(r.valueL) }));
}
