import { randomBytes } from 'node:crypto';
import { audit } from '../auth/audit';
import { hashPassword } from '../auth/passwords';
import type { DB } from '../db/database';

export class StaffUserError extends Error {}

const LOGIN_RE = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** A readable random password: 16 characters from an unambiguous alphabet plus a symbol. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `${out.slice(0, 8)}-${out.slice(8)}`;
}

/** Creates an operator or administrator. Administrators enrol TOTP at their first login. */
export async function createStaffUser(
  db: DB,
  input: {
    login: string;
    role: 'operator' | 'admin';
    email: string;
    password: string;
    locale?: 'kk' | 'ru' | 'en';
  },
): Promise<number> {
  const login = input.login.trim().toLowerCase();
  if (!LOGIN_RE.test(login))
    throw new StaffUserError('login: 3-32 characters, a-z 0-9 . _ -, starting with a letter or digit');
  if (/^[0-9]{8}$/.test(login))
    throw new StaffUserError('login: 8 digits look like a personal account number');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
    throw new StaffUserError('email: not an email address');
  if (input.password.length < 10) throw new StaffUserError('password: at least 10 characters');
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where((eb) =>
      eb.or([eb('login', '=', login), eb(eb.fn('lower', ['email']), '=', input.email.toLowerCase())]),
    )
    .executeTakeFirst();
  if (taken) throw new StaffUserError('a user with this login or email exists');
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('users')
      .values({
        login,
        email: input.email,
        role: input.role,
        password_hash: passwordHash,
        email_confirmed_at: new Date(),
        locale: input.locale ?? 'ru',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(tx, {
      actorUserId: null,
      action: 'staff.create',
      subject: login,
      details: { role: input.role, by: 'cli' },
    });
    return row.id;
  });
}

/** Clears an administrator's TOTP secret and its lock (lost phone): the next login enrols again. */
export async function resetStaffTotp(db: DB, login: string): Promise<void> {
  const row = await db
    .updateTable('users')
    .set({
      totp_secret: null,
      totp_last_step: null,
      totp_failed: 0,
      totp_locked_until: null,
      updated_at: new Date(),
    })
    .where('login', '=', login.trim().toLowerCase())
    .where('role', 'in', ['operator', 'admin'])
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new StaffUserError('no operator or administrator with this login');
  await db.deleteFrom('sessions').where('user_id', '=', row.id).execute();
  await audit(db, { actorUserId: null, action: 'staff.totp_reset', subject: login, details: { by: 'cli' } });
}
