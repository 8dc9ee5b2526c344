import type { DB } from '../db/database';
import { accountsOfUser, linkedAccountsOf } from './accounts.queries';

/** The newest agreement to the processing of personal data a user gave. */
export function latestConsent(db: DB, userId: number) {
  return db
    .selectFrom('personal_data_consents')
    .select(['text_version', 'agreed_at', 'locale'])
    .where('user_id', '=', userId)
    .orderBy('agreed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every agreement a user gave, oldest first (for the export). */
export function consentsOf(db: DB, userId: number) {
  return db
    .selectFrom('personal_data_consents')
    .select(['text_version', 'agreed_at', 'locale', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('agreed_at')
    .orderBy('id')
    .execute();
}

/** The user's own profile as the export gives it (no password or IIN hash, no second factor). */
export function profileOf(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select([
      'login',
      'email',
      'first_name',
      'last_name',
      'customer_kind',
      'locale',
      'email_confirmed_at',
      'subscribe_invoices',
      'subscribe_announcements',
      'created_at',
    ])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

export { accountsOfUser };

/** The readings of the meters of the user's accounts, oldest first. */
export function readingsOf(db: DB, userId: number) {
  return linkedAccountsOf(db, userId)
    .innerJoin('meters', 'meters.account_id', 'accounts.id')
    .innerJoin('readings', 'readings.meter_id', 'meters.id')
    .select([
      'accounts.number as account',
      'meters.serial',
      'meters.water',
      'readings.period',
      'readings.value_l',
      'readings.read_on',
      'readings.source',
      'readings.status',
      'readings.submitted_at',
    ])
    .orderBy('accounts.number')
    .orderBy('readings.period')
    .orderBy('readings.submitted_at')
    .orderBy('readings.id')
    .execute();
}

/** The months with an invoice (and a statement line) of the user's accounts, oldest first. */
export function documentMonthsOf(db: DB, userId: number) {
  return linkedAccountsOf(db, userId)
    .innerJoin('account_months', 'account_months.account_id', 'accounts.id')
    .select(['accounts.number as account', 'account_months.period'])
    .orderBy('accounts.number')
    .orderBy('account_months.period')
    .execute();
}

/** The user's own sign-ins, sign-outs and failed attempts on their login, oldest first. */
export function signInsOf(db: DB, userId: number) {
  return db
    .selectFrom('audit_log')
    .select(['at', 'action', 'ip'])
    .where('actor_user_id', '=', userId)
    .where((eb) => eb.or([eb('action', 'like', 'login%'), eb('action', '=', 'logout')]))
    .orderBy('at')
    .orderBy('id')
    .execute();
}
