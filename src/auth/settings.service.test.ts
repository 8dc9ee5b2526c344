import { describe, expect, it } from 'vitest';
import { confirmedCustomer } from '../../test/helpers/customers';
import {
  auditActionsOf,
  databaseForFile,
  engine,
  mailsTo as mailsIn,
} from '../../test/helpers/file-database';
import { linkIn } from '../../test/helpers/smtp';
import type { DB } from '../db/database';
import { recordLoginFailure } from './login-throttle';
import { verifyPassword } from './passwords';
import { createSession } from './sessions';
import { changeEmail, changePassword, confirmEmailChange, saveSubscriptions } from './settings.service';
import { hashSecret } from './tokens';

const PASSWORD = 'Su-arnasy-2026';
const ctx = { locale: 'en' as const, ip: '10.0.0.7', publicUrl: 'http://cabinet.test' };

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

const user = (id: number) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const mailsTo = (to: string) => mailsIn(db, to);
const actions = (userId: number) => auditActionsOf(db, userId);
const sessionsOf = async (userId: number) =>
  (await db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId).execute()).map(
    (s) => s.id_hash,
  );

/** The customer's session in this browser, and another one elsewhere. */
async function twoSessions(userId: number) {
  const here = await createSession(db, { userId, persistent: false });
  await createSession(db, { userId, persistent: false });
  return { userId, sessionHash: hashSecret(here.secret) };
}

describe(`settings use cases (${engine})`, () => {
  it('changeEmail refuses a wrong current password, then mails both addresses and ends the other sessions', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'old@example.kz' });
    const who = await twoSessions(c.id);

    const refused = await changeEmail(db, who, { email: 'new@example.kz', current: 'wrong' }, ctx);
    expect(refused).toMatchObject({ ok: false, current: 'old@example.kz', pending: null });
    expect(refused.ok ? '' : refused.errors.current).toBe('The current password is wrong.');
    expect((await user(c.id)).pending_email).toBeNull();
    expect(await sessionsOf(c.id)).toHaveLength(2);

    const asked = await changeEmail(db, who, { email: 'new@example.kz', current: PASSWORD }, ctx);
    expect(asked).toEqual({ ok: true, current: 'old@example.kz', pending: 'new@example.kz' });
    expect((await user(c.id)).pending_email).toBe('new@example.kz');
    expect((await mailsTo('new@example.kz')).map((m) => m.purpose)).toEqual(['email.confirm']);
    expect((await mailsTo('old@example.kz')).map((m) => m.purpose)).toEqual(['email.change_requested']);
    expect(await sessionsOf(c.id)).toEqual([who.sessionHash]);
    expect(await actions(c.id)).toEqual(['email.change_refused', 'email.change_requested', 'sessions.ended']);

    const link = linkIn((await mailsTo('new@example.kz'))[0]!.text_body, '/cabinet/email/confirm');
    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    expect(await confirmEmailChange(db, token, ctx)).toEqual({ userId: c.id });
    const after = await user(c.id);
    expect([after.email, after.pending_email]).toEqual(['new@example.kz', null]);
    expect((await mailsTo('old@example.kz')).map((m) => m.purpose)).toEqual([
      'email.change_requested',
      'email.changed',
    ]);
    // The link opens once.
    expect(await confirmEmailChange(db, token, ctx)).toBeNull();
    expect((await actions(c.id)).slice(-1)).toEqual(['email.changed']);
    const last = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toEqual({ action: 'email.confirm_failed', actor_user_id: null });
  });

  it('changePassword checks the new password and the current one, then mails the user and ends the other sessions', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'pw@example.kz' });
    const who = await twoSessions(c.id);

    const mismatch = await changePassword(
      db,
      who,
      { current: PASSWORD, password: 'Zhana-2026-pw', repeat: 'other' },
      ctx,
    );
    expect(mismatch.ok).toBe(false);
    expect(mismatch.ok ? {} : Object.keys(mismatch.errors)).toEqual(['passwordRepeat']);
    expect(await verifyPassword((await user(c.id)).password_hash, PASSWORD)).toBe(true);

    const done = await changePassword(
      db,
      who,
      { current: PASSWORD, password: 'Zhana-2026-pw', repeat: 'Zhana-2026-pw' },
      ctx,
    );
    expect(done).toEqual({ ok: true });
    expect(await verifyPassword((await user(c.id)).password_hash, 'Zhana-2026-pw')).toBe(true);
    expect((await mailsTo('pw@example.kz')).map((m) => m.purpose)).toEqual(['password.changed']);
    expect(await sessionsOf(c.id)).toEqual([who.sessionHash]);
    expect(await actions(c.id)).toEqual(['password.changed', 'sessions.ended']);
  });

  it('an address change asked for before a password change cannot be confirmed after it', async () => {
    // Someone who knew the password asks for their own address; the owner then changes the password.
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'owner@example.kz' });
    const intruder = await twoSessions(c.id);
    await changeEmail(db, intruder, { email: 'intruder@example.kz', current: PASSWORD }, ctx);
    const link = linkIn((await mailsTo('intruder@example.kz'))[0]!.text_body, '/cabinet/email/confirm');
    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    const owner = await twoSessions(c.id);
    const changed = await changePassword(
      db,
      owner,
      { current: PASSWORD, password: 'Owner-again-2026', repeat: 'Owner-again-2026' },
      ctx,
    );
    expect(changed).toEqual({ ok: true });
    expect((await user(c.id)).pending_email).toBeNull();
    expect(await confirmEmailChange(db, token, ctx)).toBeNull();
    expect((await user(c.id)).email).toBe('owner@example.kz');
    const last = await db
      .selectFrom('audit_log')
      .select('action')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.action).toBe('email.confirm_failed');
  });

  it('an address change link opens only while its address is the one waiting for confirmation', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'first@example.kz' });
    const who = await twoSessions(c.id);
    await changeEmail(db, who, { email: 'second@example.kz', current: PASSWORD }, ctx);
    const link = linkIn((await mailsTo('second@example.kz'))[0]!.text_body, '/cabinet/email/confirm');
    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    // Another address is waiting now.
    await db.updateTable('users').set({ pending_email: 'third@example.kz' }).where('id', '=', c.id).execute();
    expect(await confirmEmailChange(db, token, ctx)).toBeNull();
    expect((await user(c.id)).email).toBe('first@example.kz');
  });

  it('refuses the right current password while the login is protected after many failures from other addresses', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'guarded@example.kz' });
    const who = await twoSessions(c.id);
    for (let i = 0; i < 20; i++) await recordLoginFailure(db, c.login, `198.51.100.${i}`);
    const email = await changeEmail(db, who, { email: 'elsewhere@example.kz', current: PASSWORD }, ctx);
    expect(email.ok ? '' : email.errors.current).toBe(
      'This login has had many failed sign-in attempts, so the password is not accepted here for now (for up to 24 hours after the last one). To change the password, use password recovery.',
    );
    const password = await changePassword(
      db,
      who,
      { current: PASSWORD, password: 'Zhana-2026-pw', repeat: 'Zhana-2026-pw' },
      ctx,
    );
    expect(password.ok ? '' : password.errors.current).toBe(
      'This login has had many failed sign-in attempts, so the password is not accepted here for now (for up to 24 hours after the last one). To change the password, use password recovery.',
    );
    const after = await user(c.id);
    expect([after.email, after.pending_email]).toEqual(['guarded@example.kz', null]);
    expect(await verifyPassword(after.password_hash, PASSWORD)).toBe(true);
  });

  it('saveSubscriptions stores the choice with its audit entry', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'subs@example.kz' });
    expect(await saveSubscriptions(db, c.id, { invoices: false, announcements: true }, ctx)).toEqual({
      hasEmail: true,
    });
    const u = await user(c.id);
    expect([u.subscribe_invoices, u.subscribe_announcements]).toEqual([false, true]);
    const entry = await db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('actor_user_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(entry.action).toBe('subscriptions.changed');
    expect(entry.details).toEqual({ invoices: false, announcements: true });
  });
});
