import { describe, expect, it } from 'vitest';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import { freeHousehold, householdForm } from '../../test/helpers/registration';
import type { DB } from '../db/database';
import { issueToken } from './one-time-tokens';
import { verifyPassword } from './passwords';
import {
  checkWordIsValid,
  requestPasswordRecovery,
  resetFormErrors,
  resetPassword,
} from './recovery.service';
import { registerCustomer } from './registration.service';
import { createSession } from './sessions';
import { markEmailConfirmed } from './users.queries';

const PASSWORD = 'Su-arnasy-2026';
const NEW_PASSWORD = 'Zhana-kupiya-2026';
const ctx = { locale: 'en' as const, ip: '10.0.0.10', publicUrl: 'http://cabinet.test' };

let db: DB;
databaseForFile({ demo: { accounts: 8, months: 1 } }, (opened) => {
  db = opened;
});

/** A household registered through the registration use case, its address confirmed. */
async function household(email: string, confirmed = true) {
  const acc = await freeHousehold(db);
  const input = householdForm(acc, { firstName: 'Айгүл', email, password: PASSWORD });
  expect(await registerCustomer(db, input, ctx)).toMatchObject({ ok: true });
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('login', '=', acc.number)
    .executeTakeFirstOrThrow();
  if (confirmed) await markEmailConfirmed(db, user.id);
  return { id: user.id, login: acc.number, iin: input.binIin };
}

const lastMailTo = (to: string) =>
  db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

describe(`requestPasswordRecovery, resetPassword (${engine})`, () => {
  it('mails a check word; the new password needs the word and the holder IIN, and ends the sessions', async () => {
    const h = await household('rec@example.kz');
    await createSession(db, { userId: h.id, persistent: true });
    await requestPasswordRecovery(db, h.login, ctx);
    const mail = await lastMailTo('rec@example.kz');
    expect(mail.purpose).toBe('password.recovery');
    const word = /word=([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1] ?? '';
    expect(await checkWordIsValid(db, word)).toBe(true);

    const input = {
      binIin: '',
      account: h.login,
      login: h.login,
      word,
      password: NEW_PASSWORD,
      repeat: NEW_PASSWORD,
    };
    expect(Object.keys(resetFormErrors(input, 'en'))).toEqual(['binIin']);
    expect(await resetPassword(db, { ...input, binIin: '000000000000' }, ctx)).toBe(false);
    expect(await resetPassword(db, { ...input, binIin: h.iin }, ctx)).toBe(true);
    // The word opens once.
    expect(await resetPassword(db, { ...input, binIin: h.iin }, ctx)).toBe(false);

    const user = await db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(user.password_hash, NEW_PASSWORD)).toBe(true);
    expect(await db.selectFrom('sessions').select('id_hash').where('user_id', '=', h.id).execute()).toEqual(
      [],
    );
    expect((await lastMailTo('rec@example.kz')).purpose).toBe('password.changed');
    const actions = await db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'like', 'password.%')
      .orderBy('id')
      .execute();
    expect(actions).toEqual([
      { action: 'password.reset_requested', details: {} },
      { action: 'password.reset_refused', details: { word: true, data: false, confirmed: true } },
      { action: 'password.reset', details: {} },
      { action: 'password.reset_refused', details: { word: false, data: true, confirmed: true } },
    ]);
  });

  it('a recovery retires the links mailed before it: an address change waiting, an older word', async () => {
    const h = await household('taken-back@example.kz');
    // Someone who knew the password asked for their own address; the owner recovers the account.
    await db
      .updateTable('users')
      .set({ pending_email: 'intruder2@example.kz' })
      .where('id', '=', h.id)
      .execute();
    const change = await issueToken(db, h.id, 'change_email', { email: 'intruder2@example.kz' });
    await requestPasswordRecovery(db, h.login, ctx);
    const word =
      /word=([A-Za-z0-9_-]+)/.exec((await lastMailTo('taken-back@example.kz')).text_body)?.[1] ?? '';
    const input = {
      binIin: h.iin,
      account: h.login,
      login: h.login,
      word,
      password: NEW_PASSWORD,
      repeat: NEW_PASSWORD,
    };
    expect(await resetPassword(db, input, ctx)).toBe(true);
    const after = await db
      .selectFrom('users')
      .select(['email', 'pending_email'])
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ email: 'taken-back@example.kz', pending_email: null });
    const open = await db
      .selectFrom('one_time_tokens')
      .select('purpose')
      .where('user_id', '=', h.id)
      .where('used_at', 'is', null)
      .where('purpose', '<>', 'confirm_email')
      .execute();
    expect(open).toEqual([]);
    expect(change).not.toBe('');
  });

  it('stores no mail for an unknown login, and writes the same audit action', async () => {
    const before = await db.selectFrom('mail_outbox').select('id').execute();
    await requestPasswordRecovery(db, 'nobody-here', ctx);
    expect(await db.selectFrom('mail_outbox').select('id').execute()).toHaveLength(before.length);
    const last = await db
      .selectFrom('audit_log')
      .select(['action', 'subject', 'actor_user_id'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toEqual({ action: 'password.reset_requested', subject: 'nobody-here', actor_user_id: null });
  });
});

describe(`the recovery mail's language (${engine})`, () => {
  it('is the language of the page it was asked from, not the one saved for the user', async () => {
    const h = await household('rec-lang@example.kz');
    await db.updateTable('users').set({ locale: 'ru' }).where('id', '=', h.id).execute();
    await requestPasswordRecovery(db, h.login, { ...ctx, locale: 'kk' });
    expect((await lastMailTo('rec-lang@example.kz')).subject).toBe('Құпия сөзді қалпына келтіру');
    await requestPasswordRecovery(db, 'rec-lang@example.kz', { ...ctx, locale: 'en' });
    expect((await lastMailTo('rec-lang@example.kz')).subject).toBe('Password recovery');
  });
});

describe(`recovery of a registration never confirmed (${engine})`, () => {
  it('mails the unconfirmed address no check word or link, and a word from before opens nothing', async () => {
    // A typo at registration: the address may be a stranger's mailbox.
    const h = await household('typo@exampel.kz', false);
    await requestPasswordRecovery(db, h.login, ctx);
    await requestPasswordRecovery(db, 'typo@exampel.kz', ctx);
    const mails = await db
      .selectFrom('mail_outbox')
      .select(['purpose', 'text_body', 'html_body'])
      .where('to_address', '=', 'typo@exampel.kz')
      .where('purpose', 'like', 'password.%')
      .execute();
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.purpose).toBe('password.recovery_unconfirmed');
      expect(mail.text_body).not.toContain('/password/change');
      expect(mail.html_body).not.toContain('/password/change');
      expect(mail.text_body).toContain('this email is not confirmed yet');
      expect(mail.text_body).toContain('72 hours');
    }
    const words = await db
      .selectFrom('one_time_tokens')
      .select('id')
      .where('user_id', '=', h.id)
      .where('purpose', '=', 'reset_password')
      .execute();
    expect(words).toEqual([]);

    // A word issued to the unconfirmed address before this rule (valid otherwise) is refused.
    const word = await issueToken(db, h.id, 'reset_password');
    const done = await resetPassword(
      db,
      { binIin: h.iin, account: h.login, login: h.login, word, password: NEW_PASSWORD, repeat: NEW_PASSWORD },
      ctx,
    );
    expect(done).toBe(false);
    const user = await db
      .selectFrom('users')
      .select(['password_hash', 'email_confirmed_at'])
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(user.email_confirmed_at).toBeNull();
    expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true);
  });
});
