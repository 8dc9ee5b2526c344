import { sql } from 'kysely';
import type { DB } from '../db/database';

/** Has this administrator's session passed the TOTP check? */
export async function secondFactorDone(db: DB, sessionHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('session_second_factor')
    .select('session_hash')
    .where('session_hash', '=', sessionHash)
    .executeTakeFirst();
  return Boolean(row);
}

/** The second-factor state of a staff user. */
export function selectTotpState(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'totp_secret',
      'totp_failed',
      sql<Date | null>`case when totp_locked_until > now() then totp_locked_until end`.as('locked_until'),
    ])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

/**
 * Takes a time step as the user's last one if it is later than the last accepted (one code, one
 * session; atomic, so two sessions racing with the same code cannot both win). Clears the failures.
 * With `enrolSecret`, the secret is stored too (the first code of an enrolment).
 */
export async function acceptTotpStep(
  db: DB,
  userId: number,
  step: number,
  enrolSecret: string | null,
): Promise<boolean> {
  const row = await db
    .updateTable('users')
    .set({
      totp_last_step: step,
      totp_failed: 0,
      totp_locked_until: null,
      updated_at: new Date(),
      ...(enrolSecret ? { totp_secret: enrolSecret } : {}),
    })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .where((eb) => (enrolSecret ? eb('totp_secret', 'is', null) : eb('totp_secret', 'is not', null)))
    .returning('id')
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * Counts one failed code. From the `free`-th failure on, every failure locks the user's second
 * factor for `firstLockSeconds`, doubling with each further failure up to `maxLockSeconds`.
 */
export function countTotpFailure(
  db: DB,
  userId: number,
  policy: { free: number; firstLockSeconds: number; maxLockSeconds: number },
) {
  return db
    .updateTable('users')
    .set({
      totp_failed: sql`totp_failed + 1`,
      totp_locked_until: sql`case when totp_failed + 1 >= ${policy.free}
        then now() + least(${policy.maxLockSeconds}::int,
          ${policy.firstLockSeconds}::int * power(2, least(totp_failed + 1 - ${policy.free}, 20))::int)
          * interval '1 second'
        else totp_locked_until end`,
    })
    .where('id', '=', userId)
    .returning(['totp_failed', 'totp_locked_until'])
    .executeTakeFirstOrThrow();
}

/** Marks a session as having passed the second factor. */
export async function markSessionVerified(db: DB, sessionHash: string): Promise<void> {
  await db
    .insertInto('session_second_factor')
    .values({ session_hash: sessionHash })
    .onConflict((oc) => oc.column('session_hash').doNothing())
    .execute();
}
