import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import { linkIn } from '../../test/helpers/smtp';
import type { DB } from '../db/database';
import { confirmRegistration, registerCustomer, resendConfirmation } from './registration.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PASSWORD = 'Su-arnasy-2026';
const ctx = { locale: 'en' as const, ip: '10.0.0.9', publicUrl: 'http://cabinet.test' };

let handle: TestDatabase;
let db: DB;
beforeAll(async () => {
  handle = await demoDatabase({ accounts: 8, months: 1 });
  db = handle.db;
});
afterAll(async () => handle?.close());

const freeAccount = () =>
  db
    .selectFrom('accounts')
    .leftJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .select(['accounts.number', 'accounts.owner_surname', 'accounts.bin_iin'])
    .where('accounts.kind', '=', 'individual')
    .where('accounts.owner_surname', '<>', '')
    .where('user_accounts.user_id', 'is', null)
    .orderBy('accounts.number')
    .executeTakeFirstOrThrow();
const mailsTo = (to: string) =>
  db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('id').execute();

describe(`registerCustomer, confirmRegistration, resendConfirmation (${engine})`, () => {
  it('refuses a wrong surname, registers the owner, and confirms the address by the mailed link once', async () => {
    const acc = await freeAccount();
    const input = {
      kind: 'individual' as const,
      firstName: 'Айгүл',
      lastName: acc.owner_surname.toUpperCase(),
      account: acc.number,
      binIin: acc.bin_iin ?? '900101301233',
      contract: '',
      email: 'reg@example.kz',
      password: PASSWORD,
      passwordRepeat: PASSWORD,
      consent: true,
    };
    const refused = await registerCustomer(db, { ...input, lastName: 'Someone' }, ctx);
    expect(refused).toEqual({
      ok: false,
      errors: { form: 'No personal account with this number and owner surname was found.' },
    });
    expect(await db.selectFrom('users').select('id').where('login', '=', acc.number).execute()).toEqual([]);

    expect(await registerCustomer(db, input, ctx)).toEqual({
      ok: true,
      login: acc.number,
      email: 'reg@example.kz',
    });
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('login', '=', acc.number)
      .executeTakeFirstOrThrow();
    expect([user.role, user.customer_kind, user.email_confirmed_at, user.locale]).toEqual([
      'customer',
      'individual',
      null,
      'en',
    ]);
    expect(user.iin_hash).not.toBeNull();
    expect(await registerCustomer(db, { ...input, email: 'other@example.kz' }, ctx)).toMatchObject({
      ok: false,
    });

    expect(await resendConfirmation(db, acc.number, ctx)).toBeUndefined();
    const mails = await mailsTo('reg@example.kz');
    expect(mails.map((m) => m.purpose)).toEqual(['register.confirm', 'register.confirm']);
    const first = new URL(linkIn(mails[0]!.text_body, '/register/confirm'), 'http://x').searchParams.get(
      'token',
    );
    const last = new URL(linkIn(mails[1]!.text_body, '/register/confirm'), 'http://x').searchParams.get(
      'token',
    );
    // Only the newest link opens.
    expect(await confirmRegistration(db, first ?? '', ctx)).toBe(false);
    expect(await confirmRegistration(db, last ?? '', ctx)).toBe(true);
    expect(await confirmRegistration(db, last ?? '', ctx)).toBe(false);
    const confirmed = await db
      .selectFrom('users')
      .select('email_confirmed_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(confirmed.email_confirmed_at).not.toBeNull();

    // A confirmed address gets no new link.
    await resendConfirmation(db, acc.number, ctx);
    expect(await mailsTo('reg@example.kz')).toHaveLength(2);
    const actions = await db.selectFrom('audit_log').select('action').orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'register.refused',
      'register',
      'register.taken',
      'register.resend',
      'register.confirm_failed',
      'register.confirmed',
      'register.confirm_failed',
    ]);
  });
});
