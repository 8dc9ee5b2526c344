import { sql } from 'kysely';
import type { DB } from '../db/database';

export type Water = 'cold' | 'hot';
export type ReadingSource = 'cabinet' | 'inspector' | 'phone' | 'billing' | 'operator';
export type ReadingStatus = 'accepted' | 'flagged' | 'rejected';

/** A meter of an account with the reading before the current month and the current month's latest one. */
export interface MeterState {
  id: number;
  inputNo: number;
  location: string;
  water: Water;
  serial: string;
  verificationDue: string | null;
  prevValueL: number | null;
  prevReadOn: string | null;
  prevSource: ReadingSource | null;
  prevPeriod: string | null;
  curValueL: number | null;
  curReadOn: string | null;
  curSource: ReadingSource | null;
  curStatus: ReadingStatus | null;
}

/**
 * The meters in service on an account, in the order of the readings table. With `lock`, the
 * meter rows are locked until the transaction ends, so submissions for them run one after another. "Previous" is the
 * reading that counts for the latest earlier month; "current" the latest submission of `period`
 * (every submission is a row; the newest counts). Rejected readings never count.
 */
export async function meterStates(
  db: DB,
  accountId: number,
  period: string,
  options: { lock?: boolean } = {},
): Promise<MeterState[]> {
  const lock = options.lock ? sql`for update of m` : sql``;
  const result = await sql<MeterState>`
    select m.id, m.input_no as "inputNo", m.location, m.water, m.serial,
      m.verification_due as "verificationDue",
      p.value_l as "prevValueL", p.read_on as "prevReadOn", p.source as "prevSource", p.period as "prevPeriod",
      c.value_l as "curValueL", c.read_on as "curReadOn", c.source as "curSource", c.status as "curStatus"
    from meters m
    left join lateral (
      select r.value_l, r.read_on, r.source, r.period from readings r
      where r.meter_id = m.id and r.period < ${period}::date and r.status <> 'rejected'
      order by r.period desc, r.id desc limit 1
    ) p on true
    left join lateral (
      select r.value_l, r.read_on, r.source, r.status from readings r
      where r.meter_id = m.id and r.period = ${period}::date and r.status <> 'rejected'
      order by r.id desc limit 1
    ) c on true
    where m.account_id = ${accountId} and m.removed_on is null
    order by m.input_no, m.water, m.serial, m.id
    ${lock}`.execute(db);
  return result.rows;
}

export async function periodStatus(db: DB, period: string): Promise<'open' | 'closed' | null> {
  const row = await db
    .selectFrom('billing_periods')
    .select('status')
    .where('period', '=', period)
    .executeTakeFirst();
  return row?.status ?? null;
}

export interface StoredReading {
  id: number;
  meterId: number;
  period: string;
  valueL: number;
  readOn: string;
  source: ReadingSource;
  status: ReadingStatus;
  submittedAt: Date;
}

const storedColumns = [
  'id',
  'meter_id as meterId',
  'period',
  'value_l as valueL',
  'read_on as readOn',
  'source',
  'status',
  'submitted_at as submittedAt',
] as const;

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
  valueL: number;
  readOn: string;
  status: 'accepted' | 'flagged';
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

/** Every reading of an account's meters since `fromPeriod`, newest first, rejected ones included. */
export function readingHistory(db: DB, accountId: number, fromPeriod: string): Promise<StoredReading[]> {
  return db
    .selectFrom('readings')
    .innerJoin('meters', 'meters.id', 'readings.meter_id')
    .select([
      'readings.id',
      'readings.meter_id as meterId',
      'readings.period',
      'readings.value_l as valueL',
      'readings.read_on as readOn',
      'readings.source',
      'readings.status',
      'readings.submitted_at as submittedAt',
    ])
    .where('meters.account_id', '=', accountId)
    .where('readings.period', '>=', fromPeriod)
    .orderBy('readings.period', 'desc')
    .orderBy('readings.id', 'desc')
    .execute() as Promise<StoredReading[]>;
}

/** The reading that counts for each meter and month before `beforePeriod` (for the consumption baseline). */
export async function countingReadingBefore(
  db: DB,
  accountId: number,
  beforePeriod: string,
): Promise<{ meterId: number; valueL: number; period: string }[]> {
  const result = await sql<{ meterId: number; valueL: number; period: string }>`
    select m.id as "meterId", p.value_l as "valueL", p.period
    from meters m
    join lateral (
      select r.value_l, r.period from readings r
      where r.meter_id = m.id and r.period < ${beforePeriod}::date and r.status <> 'rejected'
      order by r.period desc, r.id desc limit 1
    ) p on true
    where m.account_id = ${accountId}`.execute(db);
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
  return db
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
    .orderBy('serial')
    .execute() as Promise<AccountMeter[]>;
}

/** When charges and payments were last brought over from the billing system. */
export async function billingDataAsOf(db: DB): Promise<Date | null> {
  const row = await db
    .selectFrom('app_state')
    .select('value')
    .where('key', '=', 'billing_data_as_of')
    .executeTakeFirst();
  const value: unknown = typeof row?.value === 'string' ? safeJson(row.value) : row?.value;
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
