/**
 * Mail-sending and money-moving actions are limited per user and per client address, tell the
 * user when to try again in their language, and write the audit log; every back-office POST
 * route writes an audit entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBackofficePath } from '../src/backoffice/guard';
import { createStaffUser } from '../src/backoffice/staff-users.service';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 3 }));
});
afterAll(async () => t?.close());

let nextIp = 1;
const browser = () => new Browser(t.app, `10.1.0.${nextIp++}`);

async function login(login: string, locale: 'kk' | 'ru' | 'en' = 'en') {
  const b = browser();
  await b.get(`/lang/${locale}`);
  const res = await b.login(login, DEMO_PASSWORD);
  expect(res.statusCode, login).toBe(303);
  return b;
}

const auditCount = async (action: string, actor?: number) => {
  let q = t.handle.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('action', '=', action);
  if (actor !== undefined) q = q.where('actor_user_id', '=', actor);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

/** A customer with an email address and the last billed month of their account. */
async function customerWithInvoice() {
  const row = await t.handle.db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .innerJoin('account_months', 'account_months.account_id', 'accounts.id')
    .select(['users.id', 'users.login', 'accounts.number', 'account_months.period'])
    .where('users.role', '=', 'customer')
    .where('users.email', 'is not', null)
    .orderBy('account_months.period', 'desc')
    .executeTakeFirstOrThrow();
  return { ...row, period: String(row.period).slice(0, 7) };
}

describe(`limited and audited actions (${engine})`, () => {
  it('limits "send to email" per user, says when to try again, and audits every send', async () => {
    const c = await customerWithInvoice();
    const b = await login(c.login);
    const here = `/cabinet/invoice?period=${c.period}`;
    await b.get(here);
    const outbox = async () =>
      Number(
        (
          await t.handle.db
            .selectFrom('mail_outbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('purpose', 'in', ['documents.invoice', 'documents.statement'])
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await outbox();
    const form = { period: c.period, account: c.number, back: here };
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/cabinet/invoice/email', form);
      expect(res.headers.location).toBe(`${here}&done=sent`);
    }
    const refused = await b.post('/cabinet/invoice/email', form);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toMatch(/done=wait-\d+$/);
    const page = textOf((await b.get(refused.headers.location ?? '')).body);
    expect(page).toMatch(/This was done too often\. Try again in \d+ minutes?\./);
    // The statement shares the count: the same user cannot switch buttons to send more.
    const statement = await b.post('/cabinet/settlement/email', {
      from_period: c.period,
      to_period: c.period,
      account: c.number,
      back: '/cabinet/settlement',
    });
    expect(statement.headers.location).toMatch(/done=wait-\d+$/);
    expect(await outbox()).toBe(before + 5);
    expect(await auditCount('documents.email.invoice', c.id)).toBe(5);
    expect(await auditCount('documents.email.limited', c.id)).toBe(2);
  });

  it('limits the confirmation resend per login and says when to try again', async () => {
    const codes: number[] = [];
    let last = '';
    for (let i = 0; i < 4; i++) {
      const b = browser();
      await b.get('/lang/ru');
      await b.get('/register/unconfirmed?login=somebody');
      const res = await b.post('/register/resend', { login: 'somebody' });
      codes.push(res.statusCode);
      last = textOf(res.body);
    }
    expect(codes).toEqual([200, 200, 200, 429]);
    expect(last).toMatch(/Это действие повторялось слишком часто\. Повторите через \d+ мин\./);
    expect(await auditCount('register.resend.limited')).toBe(1);
  });

  it('limits the public question form per sender, keeps what was typed, and audits questions', async () => {
    const b = browser();
    await b.get('/lang/kk');
    await b.get('/ask');
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 6; i++) {
      const res = await b.post('/ask', {
        name: 'Flood',
        email: 'flood@example.kz',
        topic: 'other',
        body: `Question number ${i}`,
      });
      statuses.push(res.statusCode);
      last = res.body;
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    expect(textOf(last)).toMatch(/Бұл әрекет тым жиі қайталанды\. \d+ минуттан кейін қайталаңыз\./);
    expect(last).toContain('Question number 5');
    expect(await auditCount('question.ask')).toBe(5);
  });

  it('limits starting a mailing and an exchange run per staff user, with a message, and audits them', async () => {
    const op = await login('operator');
    const me = await t.handle.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', 'operator')
      .executeTakeFirstOrThrow();
    await op.get('/backoffice/mailings');
    const mailings: number[] = [];
    for (let i = 0; i < 6; i++)
      mailings.push((await op.post('/backoffice/mailings', { period: '2026-09' })).statusCode);
    // The first start runs the month; while it is unfinished the next starts are answered
    // "already running" (single-flight), and they count against the limit all the same.
    expect(mailings).toEqual([200, 409, 409, 409, 409, 429]);
    expect(await auditCount('mailing.start', me.id)).toBe(1);
    expect(await auditCount('mailing.start.busy', me.id)).toBe(4);
    expect(await auditCount('mailing.start.limited', me.id)).toBe(1);
    await op.get('/lang/en');
    const runs: number[] = [];
    let last = '';
    for (let i = 0; i < 7; i++) {
      await op.get('/backoffice/exchange');
      const res = await op.post('/backoffice/exchange/run', {});
      runs.push(res.statusCode);
      last = textOf(res.body);
    }
    expect(runs).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(last).toMatch(/Try again in \d+ minutes?\./);
    expect(await auditCount('exchange.run', me.id)).toBe(6);
  });
});

describe(`every back-office POST writes the audit log (${engine})`, () => {
  it('each POST route, exercised once, adds an audit entry by the staff user', async () => {
    const db = t.handle.db;
    const me = {
      id: await createStaffUser(db, {
        login: 'op-audit',
        role: 'operator',
        email: 'op-audit@vodokanal.test',
        password: DEMO_PASSWORD,
      }),
    };
    const op = await login('op-audit');
    const customer = await db
      .selectFrom('users')
      .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
      .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
      .select(['users.id', 'accounts.number'])
      .where('users.role', '=', 'customer')
      .where('users.email', 'is not', null)
      .executeTakeFirstOrThrow();
    const meter = await db
      .selectFrom('meters')
      .innerJoin('accounts', 'accounts.id', 'meters.account_id')
      .select('meters.id')
      .where('accounts.number', '=', customer.number)
      .executeTakeFirstOrThrow();
    const reading = await db
      .insertInto('readings')
      .values({
        meter_id: meter.id,
        period: '2026-11-01',
        value_l: 99_000_000,
        read_on: '2026-11-20',
        source: 'cabinet',
        status: 'flagged',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const question = await db
      .insertInto('questions')
      .values({ name: 'Q', email: 'q@example.kz', topic: 'other', body: 'Why?' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const street = await db.selectFrom('streets').select('id').executeTakeFirstOrThrow();
    const boundary = '----audit-boundary';
    const actions: Record<string, () => Promise<{ statusCode: number }>> = {
      '/backoffice/rates/tariff': () =>
        op.post('/backoffice/rates/tariff', {
          service: 'cold_water',
          customer_kind: 'individual',
          effective_from: '2027-02-01',
          price: '123.45',
        }),
      '/backoffice/rates/vat': () =>
        op.post('/backoffice/rates/vat', { effective_from: '2027-02-01', rate: '12' }),
      '/backoffice/rates/norm': () =>
        op.post('/backoffice/rates/norm', {
          kind: 'cold_per_person',
          effective_from: '2027-02-01',
          volume: '3',
        }),
      '/backoffice/readings/:id': () =>
        op.post(`/backoffice/readings/${reading.id}`, { decision: 'accept', note: '' }),
      '/backoffice/questions/:id/answer': () =>
        op.post(`/backoffice/questions/${question.id}/answer`, { answer: 'Because.' }),
      '/backoffice/questions/:id/publish': () =>
        op.post(`/backoffice/questions/${question.id}/publish`, { published: '1' }),
      '/backoffice/notes': () =>
        op.post('/backoffice/notes', {
          title: 'Works',
          body: 'No water',
          starts_on: '2027-01-01',
          ends_on: '2027-01-02',
          street: String(street.id),
        }),
      '/backoffice/accounts/:number/users/:userId/:op': () =>
        op.post(`/backoffice/accounts/${customer.number}/users/${customer.id}/reset`, {}),
      '/backoffice/exchange/upload': () =>
        t.app.inject({
          method: 'POST',
          url: '/backoffice/exchange/upload',
          remoteAddress: op.ip,
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            cookie: [...op.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
          payload: [
            `--${boundary}`,
            'Content-Disposition: form-data; name="_csrf"',
            '',
            op.csrf,
            `--${boundary}`,
            'Content-Disposition: form-data; name="file"; filename="streets.csv"',
            'Content-Type: text/csv',
            '',
            'code,name\nAUD1,Аудит',
            `--${boundary}--`,
            '',
          ].join('\r\n'),
        }),
      '/backoffice/exchange/run': () => op.post('/backoffice/exchange/run', {}),
      '/backoffice/mailings': () => op.post('/backoffice/mailings', { period: '2026-10' }),
      '/backoffice/notifications/test': () => op.post('/backoffice/notifications/test', {}),
    };
    // The administrator's TOTP page is audited by its own tests (admin.totp.*).
    const posts = t.app.routeTable
      .filter((r) => r.method === 'POST' && isBackofficePath(r.url) && r.access !== 'second-factor')
      .map((r) => r.url);
    expect(posts.sort()).toEqual(Object.keys(actions).sort());
    for (const [url, act] of Object.entries(actions)) {
      await op.get('/backoffice');
      const count = async () =>
        Number(
          (
            await db
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('actor_user_id', '=', me.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const res = await act();
      expect(res.statusCode, url).toBeLessThan(400);
      expect(await count(), url).toBeGreaterThan(before);
    }
  });
});
