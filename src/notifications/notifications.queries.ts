import { type ExpressionBuilder, sql } from 'kysely';
import { accountWithAddress } from '../accounts/accounts.queries';
import { monthStart, type Period, toPeriod } from '../calendar/calendar';
import type { DB } from '../db/database';
import type { Database, Locale, NotificationKind, Water } from '../db/schema';
import { type Litres, litres } from '../money/litres';
import { type Tiyn, tiyn } from '../money/tiyn';
import { readingThatCountsBefore } from '../readings/counting-reading.queries';

/** Who a message of a kind goes to: the customer, the address, the account. */
export interface Recipient {
  userId: number;
  email: string;
  locale: Locale;
  accountId: number;
  number: string;
  street: string;
  house: string;
  prefix: string;
  apartment: string;
}

/**
 * Customers with a confirmed address, on their open accounts (with the address), who have not
 * turned `kind` off. The base of every recipient question below.
 */
function recipients(db: DB, kind: NotificationKind) {
  return accountWithAddress(db)
    .innerJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .innerJoin('users', 'users.id', 'user_accounts.user_id')
    .select([
      'users.id as userId',
      sql<string>`users.email`.as('email'),
      'users.locale',
      'accounts.id as accountId',
      'accounts.number',
    ])
    .where('users.role', '=', 'customer')
    .where('users.email', 'is not', null)
    .where('users.email_confirmed_at', 'is not', null)
    .where('accounts.closed_on', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification_preferences as p')
            .select('p.user_id')
            .whereRef('p.user_id', '=', 'users.id')
            .where('p.kind', '=', kind)
            .where('p.enabled', '=', false),
        ),
      ),
    );
}

const activeMeterOf = (eb: ExpressionBuilder<Database, 'accounts'>) =>
  eb.exists(
    eb
      .selectFrom('meters as m')
      .select('m.id')
      .whereRef('m.account_id', '=', 'accounts.id')
      .where('m.removed_on', 'is', null),
  );

/** Accounts with a meter and no reading (other than a refused one) of `period` yet. */
export function readingsReminderRecipients(db: DB, period: Period): Promise<Recipient[]> {
  return recipients(db, 'readings_reminder')
    .where((eb) => activeMeterOf(eb))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('readings as r')
            .innerJoin('meters as m', 'm.id', 'r.meter_id')
            .select('r.id')
            .whereRef('m.account_id', '=', 'accounts.id')
            .where('r.period', '=', monthStart(period))
            .where('r.status', '<>', 'rejected'),
        ),
      ),
    )
    .orderBy('users.id')
    .orderBy('accounts.id')
    .execute();
}

export interface MeterRecipient extends Recipient {
  meterId: number;
  serial: string;
  water: Water;
  verificationDue: string;
}

/** Meters in use whose verification date lies between `from` and `to` (inclusive). */
export function verificationRecipients(db: DB, from: string, to: string): Promise<MeterRecipient[]> {
  return recipients(db, 'verification_due')
    .innerJoin('meters', 'meters.account_id', 'accounts.id')
    .select([
      'meters.id as meterId',
      'meters.serial',
      'meters.water',
      sql<string>`to_char(meters.verification_due, 'YYYY-MM-DD')`.as('verificationDue'),
    ])
    .where('meters.removed_on', 'is', null)
    .where('meters.verification_due', '>=', from)
    .where('meters.verification_due', '<=', to)
    .orderBy('users.id')
    .orderBy('meters.id')
    .execute();
}

export interface ConsumptionRecipient extends Recipient {
  meterId: number;
  serial: string;
  water: Water;
  /** The newest reading of the month stored (accepted, or waiting for an operator's review). */
  valueL: Litres;
  /** The reading that counts before the month, and its month ('YYYY-MM-01'). */
  previousL: Litres;
  previousPeriod: string;
}

/**
 * Meters in use with a reading of `period` (not refused) and a reading that counts before it:
 * the volume the month's reading means. Whether it is far above the meter's history is the
 * readings rule's to say (consumption-limits.ts).
 */
export function consumptionRecipients(db: DB, period: Period): Promise<ConsumptionRecipient[]> {
  return recipients(db, 'high_consumption')
    .innerJoin('meters', 'meters.account_id', 'accounts.id')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('readings as r')
          .distinctOn('r.meter_id')
          .select(['r.meter_id', 'r.value_l'])
          .where('r.period', '=', monthStart(period))
          .where('r.status', '<>', 'rejected')
          .orderBy('r.meter_id')
          .orderBy('r.id', 'desc')
          .as('cur'),
      (join) => join.onRef('cur.meter_id', '=', 'meters.id'),
    )
    .innerJoin(
      sql<{
        value_l: Litres;
        period: string;
      }>`lateral ${readingThatCountsBefore(sql`meters.id`, monthStart(period), null)}`.as('prev'),
      (join) => join.onTrue(),
    )
    .select([
      'meters.id as meterId',
      'meters.serial',
      'meters.water',
      sql<number>`cur.value_l`.as('valueL'),
      sql<number>`prev.value_l`.as('previousL'),
      sql<string>`to_char(prev.period, 'YYYY-MM-DD')`.as('previousPeriod'),
    ])
    .where('meters.removed_on', 'is', null)
    .where(sql<boolean>`cur.value_l > prev.value_l`)
    .orderBy('users.id')
    .orderBy('meters.id')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, valueL: litres(r.valueL), previousL: litres(r.previousL) })));
}

export interface PaymentRecipient extends Recipient {
  /** What the month's bill left to pay, less what was paid since the month ended. */
  dueTiyn: Tiyn;
}

/** Accounts whose bill of `period` is not paid in full by the payments dated `paidFrom` to `day`. */
export function paymentRecipients(
  db: DB,
  period: Period,
  paidFrom: string,
  day: string,
): Promise<PaymentRecipient[]> {
  return recipients(db, 'payment_due')
    .innerJoin('account_months as am', (join) =>
      join.onRef('am.account_id', '=', 'accounts.id').on('am.period', '=', monthStart(period)),
    )
    .select(
      sql<number>`(am.closing_tiyn - coalesce((select sum(p.amount_tiyn) from payments p
        where p.account_id = accounts.id and p.paid_on between ${paidFrom} and ${day}), 0))::int8`.as(
        'dueTiyn',
      ),
    )
    .where(
      sql<boolean>`am.closing_tiyn - coalesce((select sum(p.amount_tiyn) from payments p
        where p.account_id = accounts.id and p.paid_on between ${paidFrom} and ${day}), 0) > 0`,
    )
    .orderBy('users.id')
    .orderBy('accounts.id')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, dueTiyn: tiyn(r.dueTiyn) })));
}

/** The newest month the billing run has closed, 'YYYY-MM', or null. */
export async function newestClosedPeriod(db: DB): Promise<Period | null> {
  const row = await db
    .selectFrom('billing_periods')
    .select(sql<string>`to_char(max(period), 'YYYY-MM')`.as('period'))
    .where('status', '=', 'closed')
    .executeTakeFirst();
  return row?.period ? toPeriod(row.period) : null;
}

/**
 * Records that a message goes out; answers false when it was recorded before (by this process
 * or another), in which case nothing may be sent. Call inside the transaction that queues it.
 */
export async function recordSent(
  db: DB,
  row: { userId: number; accountId: number | null; kind: NotificationKind; subjectKey: string },
): Promise<number | null> {
  const inserted = await db
    .insertInto('notifications_sent')
    .values({
      user_id: row.userId,
      account_id: row.accountId,
      kind: row.kind,
      subject_key: row.subjectKey,
    })
    .onConflict((oc) => oc.columns(['user_id', 'kind', 'subject_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export async function linkSentToOutbox(db: DB, id: number, outboxId: number | null): Promise<void> {
  await db.updateTable('notifications_sent').set({ outbox_id: outboxId }).where('id', '=', id).execute();
}

/** The kinds a customer turned off. */
export async function disabledKinds(db: DB, userId: number): Promise<NotificationKind[]> {
  const rows = await db
    .selectFrom('notification_preferences')
    .select('kind')
    .where('user_id', '=', userId)
    .where('enabled', '=', false)
    .execute();
  return rows.map((r) => r.kind);
}

export async function setPreference(
  db: DB,
  userId: number,
  kind: NotificationKind,
  enabled: boolean,
): Promise<void> {
  await db
    .insertInto('notification_preferences')
    .values({ user_id: userId, kind, enabled })
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled, updated_at: sql`now()` }))
    .execute();
}

export interface SentCount {
  month: string;
  kind: NotificationKind;
  count: number;
}

/** Messages sent per kind and month (Almaty time), the newest `months` months. */
export async function sentCounts(db: DB, since: Date): Promise<SentCount[]> {
  const rows = await db
    .selectFrom('notifications_sent')
    .select([
      sql<string>`to_char(sent_at at time zone 'Asia/Almaty', 'YYYY-MM')`.as('month'),
      'kind',
      sql<number>`count(*)::int`.as('count'),
    ])
    .where('sent_at', '>=', since)
    .groupBy([sql`1`, 'kind'])
    .orderBy(sql`1`, 'desc')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** A user's address and language, for a test message to oneself. */
export function userContact(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select(['email', 'locale', 'login'])
    .where('id', '=', userId)
    .executeTakeFirst();
}
