import { randomBytes } from 'node:crypto';
import { audit } from '../auth/audit';
import { hashPassword } from '../auth/passwords';
import { destroyUserSessions } from '../auth/sessions';
import type { DB } from '../db/database';
import type { Locale } from '../db/schema';
import { clearStaffTotp, insertStaffUser, loginOrEmailTaken } from './staff-users.queries';

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
    locale?: Locale;
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
  if (await loginOrEmailTaken(db, login, input.email))
    throw new StaffUserError('a user with this login or email exists');
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const id = await insertStaffUser(tx, {
      login,
      email: input.email,
      role: input.role,
      passwordHash,
      locale: input.locale ?? 'ru',
    });
    await audit(tx, {
      actorUserId: null,
      action: 'staff.create',
      subject: login,
      details: { role: input.role, by: 'cli' },
    });
    return id;
  });
}

/** Clears an administrator's TOTP secret and its lock (lost phone): the next login enrols again. */
export async function resetStaffTotp(db: DB, login: string): Promise<void> {
  const userId = await clearStaffTotp(db, login.trim().toLowerCase());
  if (userId === undefined) throw new StaffUserError('no operator or administrator with this login');
  await destroyUserSessions(db, userId);
  await audit(db, { actorUserId: null, action: 'staff.totp_reset', subject: login, details: { by: 'cli' } });
}
