import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeToken } from '../src/notifications/unsubscribe-token';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { testDatabase } from './helpers/db';
import { customerOf, type MeteredAccount, meteredAccount, staffUser } from './helpers/factories';
import { auditActionsOf } from './helpers/file-database';

/**
 * The pages of reminders and alerts: the customer's preferences under Subscriptions in three
 * languages, the one-click unsubscribe of a message's link (RFC 8058: a POST without a CSRF
 * token), and the staff page with its test message.
 */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SECRET = 'notifications-test-secret-0123456789';
let t: TestApp;
let account: MeteredAccount;
let customer: { id: number; login: string; password: string };

beforeAll(async () => {
  t = await testApp(await testDatabase(), { SESSION_SECRET: SECRET });
  account = await meteredAccount(t.handle.db);
  customer = await customerOf(t.handle.db, account, { locale: 'ru' });
});
afterAll(async () => t?.close());

const preferences = (userId: number) =>
  t.handle.db
    .selectFrom('notification_preferences')
    .select(['kind', 'enabled'])
    .where('user_id', '=', userId)
    .orderBy('kind')
    .execute();
const auditActions = (userId: number) => auditActionsOf(t.handle.db, userId);

describe(`reminder and alert preferences (${engine})`, () => {
  it('shows each kind, ticked by default, in kk, ru and en; saving keeps what was ticked and the language', async () => {
    const b = new Browser(t.app);
    expect((await b.login(customer.login, customer.password)).statusCode).toBe(303);
    const titles = {
      kk: 'Еске салулар мен ескертулер',
      ru: 'Напоминания и оповещения',
      en: 'Reminders and alerts',
    };
    for (const [locale, title] of Object.entries(titles)) {
      await b.get(`/lang/${locale}?next=/cabinet/notifications`);
      const page = await b.get('/cabinet/notifications');
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain(title);
      expect(page.body.match(/name="kind" value="[a-z_]+" checked/g)).toHaveLength(4);
    }
    const posted = await b.post('/cabinet/notifications', { kind: 'payment_due', locale: 'kk' });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/cabinet/notifications?saved=1');
    const saved = await b.get('/cabinet/notifications?saved=1');
    expect(textOf(saved.body)).toContain('Settings saved.');
    expect(saved.body.match(/name="kind" value="[a-z_]+" checked/g)).toEqual([
      'name="kind" value="payment_due" checked',
    ]);
    expect(await preferences(customer.id)).toEqual([
      { kind: 'high_consumption', enabled: false },
      { kind: 'payment_due', enabled: true },
      { kind: 'readings_reminder', enabled: false },
      { kind: 'verification_due', enabled: false },
    ]);
    const user = await t.handle.db
      .selectFrom('users')
      .select('locale')
      .where('id', '=', customer.id)
      .executeTakeFirstOrThrow();
    expect(user.locale).toBe('kk');
    expect(await auditActions(customer.id)).toContain('notifications.preferences');
    expect(
      (await b.get('/cabinet/notifications')).body.match(/name="kind" value="[a-z_]+" checked/g),
    ).toEqual(['name="kind" value="payment_due" checked']);
  });

  it('asks before unsubscribing on the link, and a one-click POST without a CSRF token turns the kind off', async () => {
    const token = unsubscribeToken(SECRET, customer.id, 'payment_due');
    const stranger = new Browser(t.app, '203.0.113.9');
    const ask = await stranger.get(`/unsubscribe/${token}`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain(`action="/unsubscribe/${token}"`);
    expect((await preferences(customer.id)).find((p) => p.kind === 'payment_due')?.enabled).toBe(true);

    const oneClick = await t.app.inject({
      method: 'POST',
      url: `/unsubscribe/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect((await preferences(customer.id)).find((p) => p.kind === 'payment_due')?.enabled).toBe(false);
    expect(await auditActions(customer.id)).toContain('notifications.unsubscribe');
  });

  it('refuses a made-up or altered link, changing nothing', async () => {
    const before = await preferences(customer.id);
    const forged = unsubscribeToken('another-secret-0123456789abcdef', customer.id, 'verification_due');
    for (const token of [forged, `${customer.id}.verification_due.${'A'.repeat(32)}`, 'x']) {
      const res = await t.app.inject({ method: 'POST', url: `/unsubscribe/${token}`, payload: '' });
      expect(res.statusCode).toBe(404);
    }
    expect(await preferences(customer.id)).toEqual(before);
  });

  it('lets staff see what went out and send themselves a test message; a customer gets no such page', async () => {
    const op = await staffUser(t.handle.db, { role: 'operator', locale: 'en' });
    await t.handle.db
      .insertInto('notifications_sent')
      .values({
        user_id: customer.id,
        account_id: account.id,
        kind: 'readings_reminder',
        subject_key: 'x:2026-12',
      })
      .execute();
    const staff = new Browser(t.app, '192.0.2.44');
    expect((await staff.login(op.login, op.password)).statusCode).toBe(303);
    await staff.get('/lang/en?next=/backoffice/notifications');
    const page = await staff.get('/backoffice/notifications');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toMatch(/Meter readings reminder .*\d{4}-\d{2} 1 0 0 0 1/);
    const sent = await staff.post('/backoffice/notifications/test', {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/backoffice/notifications?test=sent');
    // The page after the redirect, reloaded (F5 asks for it again): one test message in all.
    for (let reload = 0; reload < 2; reload++) {
      const shown = await staff.get(sent.headers.location as string);
      expect(textOf(shown.body)).toContain(op.email);
    }
    const [mail, ...more] = await t.handle.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', op.email)
      .execute();
    expect(more).toHaveLength(0);
    if (!mail) throw new Error('no test message');
    expect(mail.subject).toBe('Test message: reminders and alerts');
    expect(mail.text_body).toContain('Meter readings for');

    const b = new Browser(t.app);
    await b.login(customer.login, customer.password);
    expect((await b.get('/backoffice/notifications')).statusCode).not.toBe(200);
    expect((await b.post('/backoffice/notifications/test', {})).statusCode).not.toBe(200);
  });
});
