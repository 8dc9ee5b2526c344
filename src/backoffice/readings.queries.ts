import { sql } from 'kysely';
import { holdersOf } from '../accounts/account-links.queries';
import { accountWithAddress } from '../accounts/accounts.queries';
import type { DB } from '../db/database';

/** The readings waiting for an operator's review, oldest submission first, with what the card shows. */
export function flaggedQueue(db: DB) {
  return accountWithAddress(db)
    .innerJoin('meters', 'meters.account_id', 'accounts.id')
    .innerJoin('readings', 'readings.meter_id', 'meters.id')
    .select([
      'readings.id',
      'readings.meter_id',
      'readings.period',
      'readings.value_l',
      'readings.read_on',
      'readings.submitted_at',
      'meters.serial',
      'meters.water',
      'meters.verification_due',
      'accounts.number',
      sql<
        number | null
      >`(select p.value_l from readings p where p.meter_id = readings.meter_id and p.status = 'accepted'
        and (p.read_on < readings.read_on or (p.read_on = readings.read_on and p.id < readings.id))
        order by p.read_on desc, p.id desc limit 1)`.as('prev_l'),
      // Corrections are new rows: a flagged reading may already be replaced by a later submission.
      sql<boolean>`exists (select 1 from readings n where n.meter_id = readings.meter_id
        and n.period = readings.period and n.id > readings.id)`.as('superseded'),
    ])
    .where('readings.status', '=', 'flagged')
    .orderBy('readings.submitted_at')
    .limit(200)
    .execute();
}

export type FlaggedReading = Awaited<ReturnType<typeof flaggedQueue>>[number];

/** The month a reading counts for, if the reading exists. */
export async function periodOfReading(db: DB, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('readings').select('period').where('id', '=', id).executeTakeFirst();
  return row?.period;
}

/** Accepts or rejects a reading that is still flagged; nothing when it was reviewed already. */
export function reviewFlaggedReading(
  db: DB,
  input: { id: number; accept: boolean; note: string | null; reviewerId: number | null },
) {
  return db
    .updateTable('readings')
    .set({
      status: input.accept ? 'accepted' : 'rejected',
      review_note: input.note,
      reviewed_by: input.reviewerId,
      reviewed_at: sql<Date>`clock_timestamp()`,
    })
    .where('id', '=', input.id)
    .where('status', '=', 'flagged')
    .returning(['id', 'meter_id', 'value_l', 'period', 'read_on'])
    .executeTakeFirst();
}

/** A meter's serial and its account. */
export function meterWithAccount(db: DB, meterId: number) {
  return db
    .selectFrom('meters')
    .innerJoin('accounts', 'accounts.id', 'meters.account_id')
    .select(['meters.serial', 'accounts.id as accountId', 'accounts.number'])
    .where('meters.id', '=', meterId)
    .executeTakeFirstOrThrow();
}

/** The cabinet users of an account who have an email address, with their language. */
export function usersWithEmailOfAccount(db: DB, accountId: number) {
  return holdersOf(db, accountId)
    .select(['users.id', 'users.email', 'users.locale'])
    .where('users.email', 'is not', null)
    .execute();
}
