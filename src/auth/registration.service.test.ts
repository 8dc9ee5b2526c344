import { describe, expect, it } from 'vitest';
import {
  auditActionsOf,
  databaseForFile,
  engine,
  mailsTo as mailsIn,
} from '../../test/helpers/file-database';
import { freeHousehold, freeHouseholds, householdForm } from '../../test/helpers/registration';
import { linkIn } from '../../test/helpers/smtp';
import type { DB } from '../db/database';
import { recordLoginFailure } from './login-throttle';
import {
  confirmRegistration,
  correctUnconfirmedEmail,
  registerCustomer,
  resendConfirmation,
} from './registration.service';

const PASSWORD = 'Su-arnasy-2026';
const ctx = { locale: 'en' as const, ip: '10.0.0.9', publicUrl: 'http://cabinet.test' };

let db: DB;
databaseForFile({ demo: { accounts: 8, months: 1 } }, (opened) => {
  db = opened;
});

const mailsTo = (to: string) => mailsIn(db, to);

describe(`registerCustomer, confirmRegistration, resendConfirmation (${engine})`, () => {
  it('refuses a wrong surname, registers the owner, and confirms the address by the mailed link once', async () => {
    const acc = await freeHousehold(db);
    const input = {
      ...householdForm(acc, { firstName: 'Айгүл', email: 'reg@example.kz', password: PASSWORD }),
      lastName: acc.owner_surname.toUpperCase(),
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
    const first = tokenOf(mails[0]!.text_body);
    const last = tokenOf(mails[1]!.text_body);
    // Only the newest link opens.
    expect(await confirmRegistration(db, first, ctx)).toBe(false);
    expect(await confirmRegistration(db, last, ctx)).toBe(true);
    expect(await confirmRegistration(db, last, ctx)).toBe(false);
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

const HOUR = 3600_000;
const freeAccounts = () => freeHouseholds(db);
const formFor = (acc: { number: string; owner_surname: string; bin_iin: string | null }, email: string) =>
  householdForm(acc, { firstName: 'Дана', email, password: PASSWORD });
const tokenOf = (text: string) =>
  new URL(linkIn(text, '/register/confirm'), 'http://x').searchParams.get('token') ?? '';
const userOf = (login: string) =>
  db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirstOrThrow();
const actionsOf = (userId: number) => auditActionsOf(db, userId);
const detailsOf = async (userId: number, action: string) =>
  (
    await db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', action)
      .where('actor_user_id', '=', userId)
      .executeTakeFirstOrThrow()
  ).details;

describe(`a typo in the email at registration (${engine})`, () => {
  it('an unconfirmed registration expires after 72 hours; then the owner registers again as a new user, the old row keeps its audit', async () => {
    const [acc] = await freeAccounts();
    const t0 = new Date();
    const typo = formFor(acc!, 'dana@exampel.kz');
    expect(await registerCustomer(db, typo, { ...ctx, now: t0 })).toMatchObject({ ok: true });
    const before = await userOf(acc!.number);
    const oldToken = tokenOf((await mailsTo('dana@exampel.kz'))[0]!.text_body);

    // Within the 72 hours the account is taken.
    const right = formFor(acc!, 'dana@example.kz');
    const early = await registerCustomer(db, right, { ...ctx, now: new Date(t0.getTime() + 71 * HOUR) });
    expect(early).toMatchObject({
      ok: false,
      errors: { form: expect.stringContaining('already registered') },
    });
    // A registration with its own proofs only: a wrong surname after expiry is still refused.
    const later = new Date(t0.getTime() + 73 * HOUR);
    const stranger = await registerCustomer(db, { ...right, lastName: 'Someone' }, { ...ctx, now: later });
    expect(stranger).toMatchObject({ ok: false });

    expect(await registerCustomer(db, right, { ...ctx, now: later })).toEqual({
      ok: true,
      login: acc!.number,
      email: 'dana@example.kz',
    });
    const after = await userOf(acc!.number);
    expect(after.id).not.toBe(before.id);
    expect([after.email, after.email_confirmed_at, after.created_at.toISOString()]).toEqual([
      'dana@example.kz',
      null,
      later.toISOString(),
    ]);
    expect(after.password_hash).not.toBe(before.password_hash);
    // The typo address's link opens nothing; the new one confirms.
    expect(await confirmRegistration(db, oldToken, { ...ctx, now: later })).toBe(false);
    const newToken = tokenOf((await mailsTo('dana@example.kz'))[0]!.text_body);
    expect(await confirmRegistration(db, newToken, { ...ctx, now: later })).toBe(true);
    expect(await actionsOf(before.id)).toEqual(['register', 'register.expired_replaced']);
    expect(await actionsOf(after.id)).toEqual(['register', 'register.confirmed']);
    expect(await detailsOf(before.id, 'register.expired_replaced')).toMatchObject({
      email: 'dana@exampel.kz',
      replacedBy: after.id,
    });
    // Each registration recorded what its registrant agreed to, on its own row.
    const consentsOf = (userId: number) =>
      db
        .selectFrom('personal_data_consents')
        .select(['text_version', 'locale', 'ip', 'agreed_at'])
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute();
    const line = (c: { text_version: string; locale: string; ip: string | null; agreed_at: Date }) => [
      c.text_version,
      c.locale,
      c.ip,
      c.agreed_at.toISOString(),
    ];
    expect((await consentsOf(before.id)).map(line)).toEqual([
      ['2026-11-30', 'en', '10.0.0.9', t0.toISOString()],
    ]);
    expect((await consentsOf(after.id)).map(line)).toEqual([
      ['2026-11-30', 'en', '10.0.0.9', later.toISOString()],
    ]);
  });

  it('an expired registration is not confirmed, gets no new link, and gives up its address to a new registration', async () => {
    const [a, b] = await freeAccounts();
    const t0 = new Date();
    const later = new Date(t0.getTime() + 80 * HOUR);
    await registerCustomer(db, formFor(a!, 'shared@example.kz'), { ...ctx, now: t0 });
    const first = await userOf(a!.number);
    const token = tokenOf((await mailsTo('shared@example.kz'))[0]!.text_body);
    expect(await confirmRegistration(db, token, { ...ctx, now: later })).toBe(false);
    await resendConfirmation(db, a!.number, { ...ctx, now: later });
    expect(await mailsTo('shared@example.kz')).toHaveLength(1);

    // Another account's owner with that address: refused while the first registration lives...
    const early = await registerCustomer(db, formFor(b!, 'Shared@example.kz'), { ...ctx, now: t0 });
    expect(early).toMatchObject({
      ok: false,
      errors: { email: 'This email is already used by another user.' },
    });
    // ...taken over once it has expired.
    expect(
      await registerCustomer(db, formFor(b!, 'Shared@example.kz'), { ...ctx, now: later }),
    ).toMatchObject({
      ok: true,
    });
    expect((await userOf(a!.number)).email).toBeNull();
    expect(await actionsOf(first.id)).toEqual([
      'register',
      'register.confirm_expired',
      'register.expired_email_released',
    ]);
  });

  it('does not correct the address with the right password while the login is protected after many failures', async () => {
    const [, acc] = await freeAccounts();
    await registerCustomer(db, formFor(acc!, 'guarded@gmial.com'), ctx);
    for (let i = 0; i < 20; i++) await recordLoginFailure(db, acc!.number, `198.51.100.${i}`);
    const input = { login: acc!.number, password: PASSWORD, email: 'intruder@example.kz' };
    expect(await correctUnconfirmedEmail(db, input, ctx)).toEqual({
      ok: false,
      errors: {
        form: 'This login has had many failed sign-in attempts, so the password is not accepted here for now (for up to 24 hours after the last one). To change the password, use password recovery.',
      },
    });
    expect((await userOf(acc!.number)).email).toBe('guarded@gmial.com');
    expect(await mailsTo('intruder@example.kz')).toEqual([]);
  });

  it('corrects the address after the password is proven: a new link to the new address, the old one dead', async () => {
    const [acc] = await freeAccounts();
    await registerCustomer(db, formFor(acc!, 'aset@gmial.com'), ctx);
    const user = await userOf(acc!.number);
    const oldToken = tokenOf((await mailsTo('aset@gmial.com'))[0]!.text_body);

    const input = { login: acc!.number, password: PASSWORD, email: 'aset@gmail.com' };
    expect(await correctUnconfirmedEmail(db, { ...input, password: 'Wrong-2026-pass' }, ctx)).toEqual({
      ok: false,
      errors: { password: 'Wrong login or password, or the email of this login is already confirmed.' },
    });
    expect(await correctUnconfirmedEmail(db, { ...input, email: 'not-an-email' }, ctx)).toMatchObject({
      ok: false,
      errors: { email: expect.any(String) },
    });
    expect(await mailsTo('aset@gmail.com')).toEqual([]);

    expect(await correctUnconfirmedEmail(db, input, ctx)).toEqual({ ok: true, email: 'aset@gmail.com' });
    expect((await userOf(acc!.number)).email).toBe('aset@gmail.com');
    const mails = await mailsTo('aset@gmail.com');
    expect(mails.map((m) => m.purpose)).toEqual(['register.confirm']);
    expect(await confirmRegistration(db, oldToken, ctx)).toBe(false);
    expect(await confirmRegistration(db, tokenOf(mails[0]!.text_body), ctx)).toBe(true);

    // Confirmed: nothing more to correct, and the answer reads as a wrong password.
    expect(await correctUnconfirmedEmail(db, { ...input, email: 'third@example.kz' }, ctx)).toMatchObject({
      ok: false,
      errors: { password: expect.any(String) },
    });
    expect(await actionsOf(user.id)).toEqual([
      'register',
      'register.correct_refused',
      'register.email_corrected',
      'register.confirmed',
    ]);
    expect(await detailsOf(user.id, 'register.email_corrected')).toEqual({
      from: 'aset@gmial.com',
      to: 'aset@gmail.com',
    });
  });

  it('does not correct an expired registration', async () => {
    const [acc] = await freeAccounts();
    const t0 = new Date();
    await registerCustomer(db, formFor(acc!, 'late@exampel.kz'), { ...ctx, now: t0 });
    const late = { ...ctx, now: new Date(t0.getTime() + 73 * HOUR) };
    const input = { login: acc!.number, password: PASSWORD, email: 'late@example.kz' };
    expect(await correctUnconfirmedEmail(db, input, late)).toEqual({
      ok: false,
      errors: {
        form: 'The registration has expired: the email was not confirmed in time. Register the account again.',
      },
    });
    expect(await mailsTo('late@example.kz')).toEqual([]);
  });
});
