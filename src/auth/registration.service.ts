import type { Kysely } from 'kysely';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';
import type { Locale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { audit } from './audit';
import { fill, identityText } from './identity.messages';
import { isValidIinBin } from './iin';
import { legalLoginFromContract } from './legal-login';
import { issueToken } from './one-time-tokens';
import { isEmail, newPasswordErrors } from './password-policy';
import { hashIin, hashPassword } from './passwords';
import { emailInUse } from './users.queries';

export type CustomerKind = 'individual' | 'legal';

export interface RegistrationInput {
  kind: CustomerKind;
  firstName: string;
  lastName: string;
  account: string;
  binIin: string;
  contract: string;
  email: string;
  password: string;
  passwordRepeat: string;
  consent: boolean;
}

export type RegistrationField = keyof RegistrationInput | 'form';
export type RegistrationResult =
  | { ok: true; login: string; email: string }
  | { ok: false; errors: Partial<Record<RegistrationField, string>> };

/** Surnames compared the way people write them: any case, ё as е, spaces trimmed. */
export function sameSurname(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('ru').replace(/ё/g, 'е');
  return norm(a) !== '' && norm(a) === norm(b);
}

/**
 * Registers a cabinet user for an account after checking the registrant's right to it: the owner's
 * surname for a household, BIN plus contract number for a company. One account has one user.
 * The user, the account link, the confirmation token, its email and the audit entry are written
 * in one transaction.
 */
export async function registerCustomer(
  db: DB,
  input: RegistrationInput,
  ctx: { locale: Locale; publicUrl: string; ip?: string | undefined },
): Promise<RegistrationResult> {
  const t = identityText[ctx.locale];
  const errors: Partial<Record<RegistrationField, string>> = {};
  const req = (name: keyof RegistrationInput, value: string) => {
    if (!value) errors[name] = t.required;
  };
  if (input.kind === 'individual') {
    req('firstName', input.firstName);
    req('lastName', input.lastName);
    if (!input.account) errors.account = t.required;
    else if (!/^\d{8}$/.test(input.account)) errors.account = t.register.badAccount;
    // The holder's IIN proves ownership when the password is forgotten (decision 064).
    if (!input.binIin) errors.binIin = t.required;
    else if (!isValidIinBin(input.binIin)) errors.binIin = t.register.badBin;
  } else {
    if (!input.binIin) errors.binIin = t.required;
    else if (!isValidIinBin(input.binIin)) errors.binIin = t.register.badBin;
    req('contract', input.contract);
  }
  if (!input.email) errors.email = t.required;
  else if (!isEmail(input.email)) errors.email = t.register.badEmail;
  Object.assign(
    errors,
    newPasswordErrors({ password: input.password, repeat: input.passwordRepeat, login: input.account }, t),
  );
  if (!input.consent) errors.consent = t.register.consentRequired;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // Find the account the registrant has a right to; a miss says the same whatever was wrong.
  let account: { id: number; number: string; ownerName: string; contract: string | null } | undefined;
  if (input.kind === 'individual') {
    const row = await db
      .selectFrom('accounts')
      .select(['id', 'number', 'owner_name', 'owner_surname', 'contract_number', 'bin_iin'])
      .where('number', '=', input.account)
      .where('kind', '=', 'individual')
      .executeTakeFirst();
    // Where the billing system knows the holder's IIN, the one given must be it.
    if (
      row &&
      sameSurname(row.owner_surname, input.lastName) &&
      (row.bin_iin === null || row.bin_iin === input.binIin)
    ) {
      account = { id: row.id, number: row.number, ownerName: row.owner_name, contract: null };
    }
    if (!account) {
      await audit(db, { actorUserId: null, action: 'register.refused', subject: input.account, ip: ctx.ip });
      return { ok: false, errors: { form: t.register.noMatch } };
    }
  } else {
    const wanted = legalLoginFromContract(input.contract);
    const rows = await db
      .selectFrom('accounts')
      .select(['id', 'number', 'owner_name', 'contract_number'])
      .where('bin_iin', '=', input.binIin)
      .where('kind', '=', 'legal')
      .execute();
    const row = rows.find(
      (r) =>
        r.number === input.contract ||
        (r.contract_number !== null && wanted !== '' && legalLoginFromContract(r.contract_number) === wanted),
    );
    if (row)
      account = { id: row.id, number: row.number, ownerName: row.owner_name, contract: row.contract_number };
    if (!account) {
      await audit(db, { actorUserId: null, action: 'register.refused', subject: input.binIin, ip: ctx.ip });
      return { ok: false, errors: { form: t.register.noMatchLegal } };
    }
  }
  const login =
    input.kind === 'individual' ? account.number : legalLoginFromContract(account.contract ?? account.number);
  const passwordHash = await hashPassword(input.password);
  // A household's IIN is personal data: only its argon2id hash is kept, enough to check it.
  const iinHash = input.kind === 'individual' ? await hashIin(input.binIin) : null;

  try {
    return await db.transaction().execute(async (tx): Promise<RegistrationResult> => {
      const holder = await tx
        .selectFrom('user_accounts')
        .select('user_id')
        .where('account_id', '=', account.id)
        .executeTakeFirst();
      const sameLogin = await tx
        .selectFrom('users')
        .select('id')
        .where('login', '=', login)
        .executeTakeFirst();
      if (holder || sameLogin) {
        await audit(tx, { actorUserId: null, action: 'register.taken', subject: account.number, ip: ctx.ip });
        return { ok: false, errors: { form: t.register.taken } };
      }
      if (await emailInUse(tx, input.email)) return { ok: false, errors: { email: t.register.emailTaken } };
      const user = await tx
        .insertInto('users')
        .values({
          login,
          email: input.email,
          first_name: input.kind === 'individual' ? input.firstName : account.ownerName,
          last_name: input.kind === 'individual' ? input.lastName : '',
          role: 'customer',
          customer_kind: input.kind,
          password_hash: passwordHash,
          iin_hash: iinHash,
          locale: ctx.locale,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('user_accounts').values({ user_id: user.id, account_id: account.id }).execute();
      await sendConfirmation(tx, {
        userId: user.id,
        login,
        email: input.email,
        name: input.kind === 'individual' ? input.firstName : account.ownerName,
        locale: ctx.locale,
        publicUrl: ctx.publicUrl,
      });
      await audit(tx, {
        actorUserId: user.id,
        action: 'register',
        subject: login,
        ip: ctx.ip,
        details: { account: account.number, kind: input.kind },
      });
      return { ok: true, login, email: input.email };
    });
  } catch (error) {
    // Two registrations of one account at once: the unique login or email index decides.
    if ((error as { code?: string }).code === '23505')
      return { ok: false, errors: { form: t.register.taken } };
    throw error;
  }
}

/** Issues a confirmation token and puts its email in the outbox (call inside the causing transaction). */
export async function sendConfirmation(
  db: Kysely<Database>,
  u: { userId: number; login: string; email: string; name: string; locale: Locale; publicUrl: string },
): Promise<void> {
  const t = identityText[u.locale].mail;
  const token = await issueToken(db as DB, u.userId, 'confirm_email');
  const url = `${u.publicUrl.replace(/\/$/, '')}/register/confirm?token=${encodeURIComponent(token)}`;
  const body = composeMail(u.locale, {
    greeting: fill(t.hello, { name: u.name || u.login }),
    paragraphs: [fill(t.confirmBody, { login: u.login })],
    link: { url, label: t.confirmLink },
    footer: t.footer,
  });
  await enqueueMail(db, { to: u.email, subject: t.confirmSubject, ...body, purpose: 'register.confirm' });
}
