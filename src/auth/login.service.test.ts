import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { confirmedCustomer } from '../../test/helpers/customers';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { logIn, logInWithLink, logOut } from './login.service';
import { issueToken } from './one-time-tokens';
import { CURRENT_PASSWORD_HASH_PREFIX, hashIin, hashPassword } from './passwords';
import { hashSecret } from './tokens';
import { olderPasswordHashesStored } from './users.queries';

const PASSWORD = 'Su-arnasy-2026';
const ctx = { locale: 'en' as const, ip: '10.0.0.8', publicUrl: 'http://cabinet.test' };
const browser = { remember: false, userAgent: 'test', chosenLocale: undefined };

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

const actions = async (subject: string) =>
  (
    await db.selectFrom('audit_log').select('action').where('subject', '=', subject).orderBy('id').execute()
  ).map((r) => r.action);
const sessionOf = (secret: string) =>
  db.selectFrom('sessions').selectAll().where('id_hash', '=', hashSecret(secret)).executeTakeFirst();

describe(`logIn, logInWithLink, logOut (${engine})`, () => {
  it('refuses a wrong password, counting the failure, and opens a session for the right one', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'in@example.kz', locale: 'ru' });
    expect(await logIn(db, { login: c.login, password: 'wrong' }, browser, ctx)).toEqual({
      kind: 'refused',
      protected: false,
    });
    const counters = await db.selectFrom('login_throttle').selectAll().execute();
    expect(counters.length).toBeGreaterThan(0);

    const result = await logIn(
      db,
      { login: c.login, password: PASSWORD },
      { ...browser, chosenLocale: 'en' },
      ctx,
    );
    expect(result.kind).toBe('signedIn');
    if (result.kind !== 'signedIn') return;
    expect(result.session).toMatchObject({ persistent: false, role: 'customer', userLocale: 'ru' });
    expect((await sessionOf(result.session.secret))?.user_id).toBe(c.id);
    // The language this browser chose becomes the user's.
    const u = await db.selectFrom('users').select('locale').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(u.locale).toBe('en');
    expect(await actions(c.login)).toEqual(['login.failed', 'login']);

    await logOut(db, { id: c.id, sessionHash: hashSecret(result.session.secret) }, ctx);
    expect(await sessionOf(result.session.secret)).toBeUndefined();
  });

  it('sends a customer with an unconfirmed address to confirm it, without a session', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'unc@example.kz' });
    await db.updateTable('users').set({ email_confirmed_at: null }).where('id', '=', c.id).execute();
    expect(await logIn(db, { login: c.login, password: PASSWORD }, browser, ctx)).toEqual({
      kind: 'unconfirmed',
    });
    expect(await db.selectFrom('sessions').select('id_hash').where('user_id', '=', c.id).execute()).toEqual(
      [],
    );
    expect(await actions(c.login)).toEqual(['login.unconfirmed']);
  });

  it('opens a session once for a mailed sign-in link, remembering the browser when asked', async () => {
    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'link@example.kz' });
    const token = await issueToken(db, c.id, 'unlock_login', { remember: '1' });
    const session = await logInWithLink(db, token, { userAgent: 'test', chosenLocale: undefined }, ctx);
    expect(session).toMatchObject({ persistent: true, role: 'customer' });
    expect((await sessionOf(session?.secret ?? ''))?.persistent).toBe(true);
    expect(await logInWithLink(db, token, { userAgent: 'test', chosenLocale: undefined }, ctx)).toBeNull();
    const last = await db.selectFrom('audit_log').select(['action']).orderBy('id', 'desc').limit(2).execute();
    expect(last.map((r) => r.action)).toEqual(['login.link_failed', 'login.link']);
  });

  it("hashes passwords at OWASP's argon2id parameters, and remakes an older hash at the next sign-in", async () => {
    expect(await hashPassword(PASSWORD)).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    // The IIN keeps the stronger parameters: twelve digits are far fewer to guess.
    expect(await hashIin('900101300123')).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);

    const c = await confirmedCustomer(db, { password: PASSWORD, email: 'old-hash@example.kz' });
    const olderStored = () => olderPasswordHashesStored(db, CURRENT_PASSWORD_HASH_PREFIX);
    expect(await olderStored()).toBe(false);
    const older = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3 });
    await db.updateTable('users').set({ password_hash: older }).where('id', '=', c.id).execute();
    // While it is stored, refusals check at both kinds of parameters (passwords.test.ts).
    expect(await olderStored()).toBe(true);
    const hashNow = async () =>
      (await db.selectFrom('users').select('password_hash').where('id', '=', c.id).executeTakeFirstOrThrow())
        .password_hash;

    // A wrong password changes nothing.
    expect((await logIn(db, { login: c.login, password: 'wrong' }, browser, ctx)).kind).toBe('refused');
    expect(await hashNow()).toBe(older);

    expect((await logIn(db, { login: c.login, password: PASSWORD }, browser, ctx)).kind).toBe('signedIn');
    const upgraded = await hashNow();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await olderStored()).toBe(false);
    expect(await argon2.verify(upgraded, PASSWORD)).toBe(true);
    expect((await logIn(db, { login: c.login, password: PASSWORD }, browser, ctx)).kind).toBe('signedIn');
    expect(await hashNow()).toBe(upgraded);
  });
});
