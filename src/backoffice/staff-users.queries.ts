import type { DB } from '../db/database';
import type { Locale } from '../db/schema';

/** Is a login, or an email address (case-insensitive), already someone's? */
export async function loginOrEmailTaken(db: DB, login: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('login', '=', login), eb(eb.fn('lower', ['email']), '=', email.toLowerCase())]))
    .executeTakeFirst();
  return Boolean(row);
}

/** Stores a new operator or administrator, the email taken as confirmed. */
export async function insertStaffUser(
  db: DB,
  input: {
    login: string;
    email: string;
    role: 'operator' | 'admin';
    passwordHash: string;
    locale: Locale;
  },
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      login: input.login,
      email: input.email,
      role: input.role,
      password_hash: input.passwordHash,
      email_confirmed_at: new Date(),
      locale: input.locale,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Forgets a staff user's TOTP secret, last step and lock; the id of the user, if one matched. */
export async function clearStaffTotp(db: DB, login: string): Promise<number | undefined> {
  const row = await db
    .updateTable('users')
    .set({
      totp_secret: null,
      totp_last_step: null,
      totp_failed: 0,
      totp_locked_until: null,
      updated_at: new Date(),
    })
    .where('login', '=', login)
    .where('role', 'in', ['operator', 'admin'])
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
