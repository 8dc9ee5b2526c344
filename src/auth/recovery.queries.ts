import { sql } from 'kysely';
import type { DB } from '../db/database';
import { retireUnusedTokens, type TokenPurpose } from './one-time-tokens.queries';
import { hashSecret, newSecret } from './tokens';

/** The cabinet customer a recovery names by login or email, with what proves ownership. */
export function recoveryUserByLoginOrEmail(db: DB, value: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'email',
      'first_name',
      'locale',
      'email_confirmed_at',
      'customer_kind',
      'iin_hash',
    ])
    .where('role', '=', 'customer')
    .where((eb) =>
      value.includes('@') ? eb(eb.fn('lower', ['email']), '=', value.toLowerCase()) : eb('login', '=', value),
    )
    .executeTakeFirst();
}

export function recoveryUserByLogin(db: DB, login: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'email',
      'first_name',
      'locale',
      'customer_kind',
      'iin_hash',
      'email_confirmed_at',
    ])
    .where('login', '=', login)
    .where('role', '=', 'customer')
    .executeTakeFirst();
}

/** The accounts of a user (none for an id that matches no user: the same query runs either way). */
export function holderAccounts(db: DB, userId: number) {
  return db
    .selectFrom('user_accounts')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .select(['accounts.number', 'accounts.contract_number', 'accounts.bin_iin'])
    .where('user_accounts.user_id', '=', userId)
    .execute();
}

/**
 * For a recovery request naming nobody: the statements `issueToken` runs, matching no user, so a
 * request for an unknown login costs the same round trips as one for a known login. Returns a
 * secret that opens nothing.
 */
export async function decoyToken(db: DB, purpose: TokenPurpose): Promise<string> {
  const secret = newSecret();
  await retireUnusedTokens(db, -1, purpose);
  await sql`insert into one_time_tokens (token_hash, user_id, purpose, payload, expires_at)
    select ${hashSecret(secret)}, id, ${purpose}, '{}'::jsonb, now() from users where id = -1`.execute(db);
  return secret;
}

/** The outbox insert of the mail a known user gets, storing nothing (see `decoyToken`). */
export async function decoyMail(
  db: DB,
  mail: { subject: string; text: string; html: string; purpose: string },
): Promise<void> {
  await sql`insert into mail_outbox (to_address, subject, text_body, html_body, purpose)
    select '', ${mail.subject}, ${mail.text}, ${mail.html}, ${mail.purpose} where false`.execute(db);
}
