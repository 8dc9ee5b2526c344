import { type RawBuilder, sql } from 'kysely';
import { billingPeriodRow } from '../billing/billing-periods.queries';
import { tryShareMonth } from '../billing/month-lock.queries';
import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import { type DB, executePrepared, prepared } from '../db/database';
import type { Litres } from '../money/litres';
import { readingThatCountsBefore } from './counting-reading.queries';

export type { ReadingSource, ReadingStatus, Water } from '../db/schema';

import type { ReadingSource, ReadingStatus, Water } from '../db/schema';

/** A meter of an account with the reading that counts before the current month and the current month's latest one. */
export interface MeterState {
  id: number;
  inputNo: number;
  location: string;
  water: Water;
  serial: string;
  verificationDue: string | null;
  prevValueL: Litres | null;
  prevReadOn: string | null;
  prevSource: ReadingSource | null;
  prevPeriod: string | null;
  curValueL: Litres | null;
  curReadOn: string | null;
  curSource: ReadingSource | null;
  curStatus: ReadingStatus | null;
  /** Submissions from the cabinet (and the API) for the month so far, corrections and rejected ones included. */
  curCount: number;
}

/**
 * The meters in service on an account, in the order of the readings table. With `lock` (in a
 * transaction), the meter rows are locked first (lockMeters) and their state read after, so
 * submissions for them run one after another and each sees what the one before committed.
 * "Previous" is the reading that counts for the latest earlier month (counting-reading.queries.ts:
 * accepted, so not a flagged one awaiting review); "current" the latest submission of `period`
 * not rejected, flagged included, as the customer sent it (every submission is a row).
 */
export async function meterStates(
  db: DB,
  accountId: number,
  period: string,
  options: { lock?: boolean } = {},
): Promise<MeterState[]> {
  if (options.lock) await lockMeters(db, { accountId });
  const result = await sql<MeterState>`${prepared}
    select ${meterStateColumns}
    from meters m
    ${meterStateJoins(period)}
    where m.account_id = ${accountId} and m.removed_on is null
    order by m.input_no, m.water, m.serial, m.id`.execute(db);
  return result.rows;
}

/**
 * Locks meter rows until the transaction ends: the given ones, or an account's meters in service.
 * Submissions take these locks before they read a meter's readings of the month, always in the
 * order of the meters' ids (no deadlock between two submissions), and in a statement of their own:
 * in READ COMMITTED a statement sees what was committed when it began, so only a statement that
 * begins after the lock sees what the submission before it stored (the month's count, the current
 * value). FOR NO KEY UPDATE, so readings inserted by others (their foreign-key check) are not held up.
 */
export async function lockMeters(db: DB, which: { ids: number[] } | { accountId: number }): Promise<void> {
  const where =
    'ids' in which
      ? sql`id = any(${which.ids}::int[])`
      : sql`account_id = ${which.accountId} and removed_on is null`;
  if ('ids' in which && !which.ids.length) return;
  await sql`${prepared}select id from meters where ${where} order by id for no key update`.execute(db);
}

const meterStateColumns = sql`m.id, m.input_no as "inputNo", m.location, m.water, m.serial,
      m.verification_due as "verificationDue",
      p.value_l as "prevValueL", p.read_on as "prevReadOn", p.source as "prevSource", p.period as "prevPeriod",
      c.value_l as "curValueL", c.read_on as "curReadOn", c.source as "curSource", c.status as "curStatus",
      coalesce(n.count, 0)::int as "curCount"`;

/**
 * The reading of meter "m" that counts, as of now, for the latest month before `period`, as "p":
 * the one the billing run starts the month's volume from (counting-reading.queries.ts).
 */
function previousReadingJoin(period: string) {
  return sql`left join lateral ${readingThatCountsBefore(sql`m.id`, period, null)} p on true`;
}

/**
 * The id of the user's account: the given number if it is theirs, else (number null) the one they
 * chose in the header switcher while it is theirs, else their first one, as accountsOfUser orders
 * them (the same as customerAccount); null when the number is not theirs. Takes SQL expressions, so
 * it serves one user or each row of a batch. Each subquery is found through an index (the number's,
 * the user's row, or the user's accounts) whatever the planner knows of the tables.
 */
function userAccountId(userId: RawBuilder<unknown>, accountNumber: RawBuilder<unknown>) {
  return sql`coalesce(
      (select a.id from accounts a join user_accounts ua on ua.account_id = a.id and ua.user_id = ${userId}
        where a.number = ${accountNumber}),
      (select ua.account_id from users u join user_accounts ua
          on ua.user_id = u.id and ua.account_id = u.chosen_account_id
        where ${accountNumber} is null and u.id = ${userId}),
      (select a.id from user_accounts ua join accounts a on a.id = ua.account_id
        where ${accountNumber} is null and ua.user_id = ${userId}
        order by ua.created_at, a.number limit 1))`;
}

/** Meter "m"'s submissions from the cabinet for `period`, as "n" (count). */
function monthSubmissionsJoin(period: string) {
  return sql`left join lateral (
      select count(*) as count from readings r
      where r.meter_id = m.id and r.period = ${period}::date and r.source = 'cabinet'
    ) n on true`;
}

/** The reading before `period` that counts ("p"), the current one ("c") and the month's submissions ("n") of meter "m". */
function meterStateJoins(period: string) {
  return sql`${previousReadingJoin(period)}
    left join lateral (
      select r.value_l, r.read_on, r.source, r.status from readings r
      where r.meter_id = m.id and r.period = ${period}::date and r.status <> 'rejected'
      order by r.id desc limit 1
    ) c on true
    ${monthSubmissionsJoin(period)}`;
}

export interface SubmissionContext {
  accountId: number;
  periodStatus: 'open' | 'closed' | null;
  meters: MeterState[];
}

/**
 * Everything a submission is checked against, in one statement: the user's account (the given
 * number, or the first one; null when it is not theirs), the month's status, and the state of the
 * account's meters in service.
 */
export async function submissionContext(
  db: DB,
  userId: number,
  accountNumber: string | undefined,
  period: string,
): Promise<SubmissionContext | null> {
  const result = await sql<
    Omit<MeterState, 'id'> & { id: number | null; accountId: number; periodStatus: 'open' | 'closed' | null }
  >`
    ${prepared}with acc as (
      select id from (select ${userAccountId(sql`${userId}::int`, sql`${accountNumber ?? null}::text`)} as id) x
      where id is not null
    )
    select acc.id as "accountId", bp.status as "periodStatus", ${meterStateColumns}
    from acc
    left join billing_periods bp on bp.period = ${period}::date
    left join meters m on m.account_id = acc.id and m.removed_on is null
    ${meterStateJoins(period)}
    order by m.input_no, m.water, m.serial, m.id`.execute(db);
  const first = result.rows[0];
  if (!first) return null;
  const meters: MeterState[] = [];
  for (const { accountId: _a, periodStatus: _s, ...m } of result.rows) {
    if (m.id !== null) meters.push(m as MeterState);
  }
  return { accountId: first.accountId, periodStatus: first.periodStatus, meters };
}

/** Opens the month if it has no billing period row yet (the first submission of a month). */
export async function openPeriod(db: DB, period: string): Promise<void> {
  await db
    .insertInto('billing_periods')
    .values({ period, status: 'open' })
    .onConflict((oc) => oc.column('period').doNothing())
    .execute();
}

export async function periodStatus(db: DB, period: string): Promise<'open' | 'closed' | null> {
  return (await billingPeriodRow(db, period))?.status ?? null;
}

export interface StoredReading {
  id: number;
  meterId: number;
  period: string;
  valueL: Litres;
  readOn: string;
  source: ReadingSource;
  status: ReadingStatus;
  submittedAt: Date;
}

/** The columns of a `StoredReading`, named by table so that they read the same beside a join. */
export const storedColumns = [
  'readings.id',
  'readings.meter_id as meterId',
  'readings.period',
  'readings.value_l as valueL',
  'readings.read_on as readOn',
  'readings.source',
  'readings.status',
  'readings.submitted_at as submittedAt',
] as const;

/** The readings of an account's meters, each joined to its meter (removed meters included). */
export function readingsOfAccount(db: DB, accountId: number) {
  return db
    .selectFrom('readings')
    .innerJoin('meters', 'meters.id', 'readings.meter_id')
    .where('meters.account_id', '=', accountId);
}

/** The reading that counts for each of these meters in `period` (the newest not rejected). */
export async function currentReadings(db: DB, meterIds: number[], period: string): Promise<StoredReading[]> {
  if (!meterIds.length) return [];
  const result = await sql<StoredReading>`
    select distinct on (meter_id) id, meter_id as "meterId", period, value_l as "valueL", read_on as "readOn",
      source, status, submitted_at as "submittedAt"
    from readings
    where meter_id in (${sql.join(meterIds)}) and period = ${period}::date and status <> 'rejected'
    order by meter_id, id desc`.execute(db);
  return result.rows;
}

export function readingsByKeys(db: DB, keys: string[]): Promise<StoredReading[]> {
  if (!keys.length) return Promise.resolve([]);
  return db
    .selectFrom('readings')
    .select(storedColumns)
    .where('idempotency_key', 'in', keys)
    .orderBy('id')
    .execute() as Promise<StoredReading[]>;
}

export interface NewReading {
  meterId: number;
  period: string;
  valueL: Litres;
  readOn: string;
  status: Exclude<ReadingStatus, 'rejected'>;
  submittedBy: number;
  idempotencyKey: string;
  reviewNote: string | null;
}

/** Inserts new readings; rows whose idempotency key is already stored are skipped (not returned). */
export async function insertReadings(db: DB, rows: NewReading[]): Promise<StoredReading[]> {
  if (!rows.length) return [];
  return (await db
    .insertInto('readings')
    .values(
      rows.map((r) => ({
        meter_id: r.meterId,
        period: r.period,
        value_l: r.valueL,
        read_on: r.readOn,
        source: 'cabinet' as const,
        status: r.status,
        submitted_by: r.submittedBy,
        idempotency_key: r.idempotencyKey,
        review_note: r.reviewNote,
      })),
    )
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning(storedColumns)
    .execute()) as StoredReading[];
}

export interface ValidSubmission {
  userId: number;
  accountNumber: string | undefined;
  period: string;
  readOn: string;
  /** `limitL`: the meter's monthly consumption above which a reading needs confirming, litres. */
  rows: { meterId: number; valueL: Litres; idempotencyKey: string; limitL: Litres }[];
  /** Cabinet submissions per meter and month taken at most. */
  maxPerMonth: number;
  confirmPartial: boolean;
  confirmLarge: boolean;
}

/**
 * The usual submission in one statement: the rules of checkSubmission (submit-readings.service.ts) as a
 * guard, and the insert. Stores every meter of the submission or none, and only if all of them
 * are in service on the user's account (the given number, or the first one), none has had
 * `maxPerMonth` submissions this month yet, none is below the
 * reading that counts for an earlier month, a consumption above the limit is confirmed (then
 * stored as flagged), a partial submission is confirmed, no billing run holds or awaits the month's
 * lock and the month is open. Anything else stores nothing, and the caller takes the longer way
 * that says why (submissionContext, checkSubmission). Keep the two in step.
 *
 * Submissions arriving together share the statement (and its commit): each is checked on its
 * own, as if alone, except that the monthly limit also counts the same meter in earlier
 * submissions of the statement, and a submission with the value an earlier one of the statement
 * sends for the same meter stores nothing (both take the longer way, which sees what was
 * committed: too many, or the value the meter already has). A row whose key is already stored is
 * skipped, also when an earlier submission of the same statement stored it (the same form sent
 * twice at once); each stored row is answered to the submission that stored it. The statement
 * runs in a transaction that first locks the batch's meters (lockMeters), so statements of other
 * batches and the longer way for the same meters run one after another, each seeing the rows the
 * one before stored: the monthly limit and "the value it already has" hold under concurrency.
 */
export function insertValidSubmission(db: DB, input: ValidSubmission): Promise<StoredReading[]> {
  return submissionBatches(db)(input);
}

const submissionBatches = perDatabase((db: DB) =>
  batched(async (inputs: readonly ValidSubmission[]) => {
    const run = async (tx: DB) => {
      // The batch's meters first, so a submission in another statement (another batch, the longer
      // way, another app process) for one of them waits, and this one sees what it stored.
      const meterIds = [...new Set(inputs.flatMap((input) => input.rows.map((r) => r.meterId)))];
      await lockMeters(tx, { ids: meterIds });
      const out: StoredReading[][] = inputs.map(() => []);
      const periods = [...new Set(inputs.map((i) => i.period))];
      for (const period of periods) {
        const same = inputs.flatMap((input, i) => (input.period === period ? [{ input, i }] : []));
        for (const { i, ...saved } of await insertSubmissions(tx, period, same)) out[i]!.push(saved);
      }
      return out;
    };
    return db.isTransaction ? run(db) : preparedTransaction(db, run);
  }, STATEMENT_BATCHES),
);

/**
 * A transaction whose statements are all marked `prepared`, begun with a marked BEGIN, so it runs
 * on a connection for prepared statements (generic plans, planned once per connection; see
 * `prepared` in src/db/database.ts) instead of re-planning the submission statement on every
 * batch, as a Kysely transaction on the main pool would.
 */
async function preparedTransaction<T>(db: DB, run: (tx: DB) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`${prepared}begin`.execute(conn);
    let out: T;
    try {
      out = await run(conn);
    } catch (error) {
      await sql`${prepared}rollback`.execute(conn);
      throw error;
    }
    await sql`${prepared}commit`.execute(conn);
    return out;
  });
}

async function insertSubmissions(
  db: DB,
  period: string,
  submissions: { input: ValidSubmission; i: number }[],
): Promise<(StoredReading & { i: number })[]> {
  const json = JSON.stringify(
    submissions.map(({ input, i }) => ({
      i,
      user_id: input.userId,
      account: input.accountNumber ?? null,
      read_on: input.readOn,
      max_per_month: input.maxPerMonth,
      confirm_partial: input.confirmPartial,
      confirm_large: input.confirmLarge,
      rows: input.rows.map((r) => ({
        meter_id: r.meterId,
        value_l: r.valueL,
        key: r.idempotencyKey,
        limit_l: r.limitL,
      })),
    })),
  );
  const result = await sql<StoredReading & { i: number }>`
    ${prepared}with s as (
      select * from json_to_recordset(${json}::json) as s(i int, user_id int, account text, read_on date,
        max_per_month int, confirm_partial boolean, confirm_large boolean, rows json)
    ),
    v as (
      select s.i, r.meter_id, r.value_l, r.key, r.limit_l,
        row_number() over (partition by r.meter_id order by s.i) - 1 as earlier
      from s cross join lateral json_to_recordset(s.rows) as r(meter_id int, value_l bigint, key text, limit_l bigint)
    ),
    acc as (select s.i, ${userAccountId(sql`s.user_id`, sql`s.account`)} as id from s),
    gate as (select ${tryShareMonth(period)} as free),
    open_month as (select 1 from billing_periods where period = ${period}::date and status = 'open' for share),
    state as (
      select acc.i, m.id, v.value_l, v.key, p.value_l as prev_l,
        coalesce(v.value_l = c.value_l, false) as unchanged,
        n.count + coalesce(v.earlier, 0) >= s.max_per_month as at_max,
        v.limit_l * greatest(1,
          (extract(year from ${period}::date) * 12 + extract(month from ${period}::date))
          - (extract(year from p.period) * 12 + extract(month from p.period)))::bigint as limit_l
      from acc join s on s.i = acc.i
      join meters m on m.account_id = acc.id and m.removed_on is null
      left join v on v.i = acc.i and v.meter_id = m.id
      ${meterStateJoins(period)}
    ),
    checked as (
      select st.*, not st.unchanged and coalesce(st.value_l - st.prev_l > st.limit_l, false) as large
      from state st where st.value_l is not null
    ),
    rules_pass as (
      select s.i from s
      left join (select i, count(*) as n from v group by i) sent on sent.i = s.i
      left join (select i, count(*) as n from state group by i) here on here.i = s.i
      left join (
        select i, count(*) as n, bool_or(at_max and not unchanged) as at_max,
          bool_or(value_l < prev_l and not unchanged) as lower, bool_or(large) as large
        from checked group by i
      ) c on c.i = s.i
      where coalesce(c.n, 0) = coalesce(sent.n, 0)
        and not coalesce(c.at_max, false)
        and not coalesce(c.lower, false)
        and (s.confirm_large or not coalesce(c.large, false))
        and (s.confirm_partial or coalesce(c.n, 0) = coalesce(here.n, 0))
    ),
    -- A submission sending a meter the value an earlier one of the statement sends stores nothing:
    -- it is the same reading sent again (the longer way answers it with the stored one).
    pass as (
      select rp.i from rules_pass rp
      where not exists (
        select 1 from v mine
        join v before on before.meter_id = mine.meter_id and before.value_l = mine.value_l and before.i < mine.i
        join rules_pass bp on bp.i = before.i
        where mine.i = rp.i)
    ),
    ins as (
      insert into readings (meter_id, period, value_l, read_on, source, status, submitted_by, idempotency_key, review_note)
      select c.id, ${period}::date, c.value_l, s.read_on, 'cabinet',
        case when c.large then 'flagged' else 'accepted' end, s.user_id, c.key,
        case when c.large then 'consumption ' || (c.value_l - c.prev_l) || ' L above ' || c.limit_l || ' L, confirmed by customer' end
      from checked c join pass on pass.i = c.i join s on s.i = c.i
      where not c.unchanged and (select free from gate) and exists (select 1 from open_month)
      order by c.i, c.id
      on conflict (idempotency_key) do nothing
      returning id, meter_id, period, value_l, read_on, source, status, submitted_at, idempotency_key
    )
    select owner.i, ins.id, ins.meter_id as "meterId", ins.period, ins.value_l as "valueL", ins.read_on as "readOn",
      ins.source, ins.status, ins.submitted_at as "submittedAt"
    from ins join (
      select c.key, min(c.i) as i from checked c join pass on pass.i = c.i group by c.key
    ) owner on owner.key = ins.idempotency_key
    order by ins.id`.execute(db);
  return result.rows;
}

/** Every reading of an account's meters since `fromPeriod`, newest first, rejected ones included. */
export function readingHistory(db: DB, accountId: number, fromPeriod: string): Promise<StoredReading[]> {
  const query = readingsOfAccount(db, accountId)
    .select(storedColumns)
    .where('readings.period', '>=', fromPeriod)
    .orderBy('readings.period', 'desc')
    .orderBy('readings.id', 'desc');
  return executePrepared(db, query) as Promise<StoredReading[]>;
}

/** The reading that counts for each meter for the latest month before `beforePeriod` (for the consumption baseline). */
export async function countingReadingBefore(
  db: DB,
  accountId: number,
  beforePeriod: string,
): Promise<{ meterId: number; valueL: Litres; period: string }[]> {
  const result = await sql<{ meterId: number; valueL: Litres; period: string }>`${prepared}
    select m.id as "meterId", p.value_l as "valueL", p.period
    from meters m
    ${previousReadingJoin(beforePeriod)}
    where m.account_id = ${accountId} and p.value_l is not null`.execute(db);
  return result.rows;
}

export interface AccountMeter {
  id: number;
  water: Water;
  serial: string;
  location: string;
  inputNo: number;
  verificationDue: string | null;
  removedOn: string | null;
}

export function metersOfAccount(db: DB, accountId: number): Promise<AccountMeter[]> {
  const query = db
    .selectFrom('meters')
    .select([
      'id',
      'water',
      'serial',
      'location',
      'input_no as inputNo',
      'verification_due as verificationDue',
      'removed_on as removedOn',
    ])
    .where('account_id', '=', accountId)
    .orderBy('input_no')
    .orderBy('water')
    .orderBy('serial');
  return executePrepared(db, query) as Promise<AccountMeter[]>;
}
