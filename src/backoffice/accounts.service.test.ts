import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from '../../test/helpers/factories';
import { helpCabinetUser, loadAccountCard, lookUpAccounts } from './accounts.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let customerId: number;
/** The customer's account, and another one at another address (no cabinet user). */
let mine: MeteredAccount;
let other: MeteredAccount;
const actor = { userId: null, ip: '192.0.2.7' };
const deps = (wait = 0) => ({ db: h.db, publicUrl: 'https://portal.example', linkLimit: async () => wait });

beforeAll(async () => {
  h = await testDatabase();
  mine = await meteredAccount(h.db);
  other = await meteredAccount(h.db);
  customerId = (await customerOf(h.db, mine)).id;
  const [cold, hot] = mine.meters;
  await closedMonth(h.db, '2026-09', { [cold!.id]: 100_000, [hot!.id]: 40_000 });
  await closedMonth(h.db, '2026-10', { [cold!.id]: 106_500, [hot!.id]: 43_000 });
});
afterAll(async () => h?.close());

const auditOf = (action: string) =>
  h.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

describe(`back-office account use cases (${engine})`, () => {
  it('looks accounts up by number, address or name, and refuses a one-letter query', async () => {
    expect(await lookUpAccounts(h.db, '')).toEqual({ kind: 'none' });
    expect(await lookUpAccounts(h.db, 'К')).toEqual({ kind: 'tooShort' });
    expect(await lookUpAccounts(h.db, mine.number)).toEqual({ kind: 'exact', number: mine.number });
    const byStreet = await lookUpAccounts(h.db, other.street.toLowerCase());
    expect(byStreet.kind).toBe('hits');
    const hits = byStreet.kind === 'hits' ? byStreet.hits : [];
    expect(hits.map((x) => x.number)).toEqual([other.number]);
    expect(hits.every((x) => x.street === other.street)).toBe(true);
    expect(await lookUpAccounts(h.db, 'zzzz%_')).toEqual({ kind: 'hits', hits: [] });
  });

  it('loads an account card with its meters, readings, months and cabinet users', async () => {
    expect(await loadAccountCard(h.db, 'abc')).toBeUndefined();
    expect(await loadAccountCard(h.db, '99999999')).toBeUndefined();
    const card = await loadAccountCard(h.db, mine.number);
    expect(card?.account.number).toBe(mine.number);
    expect(card?.meters.length).toBe(2);
    expect(card?.readings.length).toBe(4);
    expect(card?.months.length).toBe(2);
    expect(card?.users.map((u) => u.id)).toEqual([customerId]);
  });

  it('acts only on a customer linked to the account named', async () => {
    const elsewhere = await helpCabinetUser(deps(), {
      number: other.number,
      userId: customerId,
      op: 'unlock',
      actor,
    });
    expect(elsewhere).toEqual({ kind: 'notFound' });
  });

  it('unlocks a locked user and audits it', async () => {
    await h.db
      .updateTable('users')
      .set({ locked_until: new Date(Date.now() + 3600_000), failed_logins: 7 })
      .where('id', '=', customerId)
      .execute();
    const res = await helpCabinetUser(deps(), {
      number: mine.number,
      userId: customerId,
      op: 'unlock',
      actor,
    });
    expect(res).toEqual({ kind: 'done' });
    const user = await h.db
      .selectFrom('users')
      .select(['locked_until', 'failed_logins'])
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ locked_until: null, failed_logins: 0 });
    const [entry] = await auditOf('account.user.unlock');
    expect(entry?.subject).toBe(mine.number);
    expect(entry?.ip).toBe('192.0.2.7');
  });

  it('queues a reset link, and refuses (audited, nothing queued) while the limit holds', async () => {
    const res = await helpCabinetUser(deps(), {
      number: mine.number,
      userId: customerId,
      op: 'reset',
      actor,
    });
    expect(res).toEqual({ kind: 'done' });
    const mails = await h.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('purpose', '=', 'backoffice.password_reset')
      .execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text_body).toContain(
      `https://portal.example/password/change?login=${mine.number}&word=`,
    );
    const limited = await helpCabinetUser(deps(120), {
      number: mine.number,
      userId: customerId,
      op: 'reset',
      actor,
    });
    expect(limited).toEqual({ kind: 'limited', wait: 120 });
    const after = await h.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('purpose', '=', 'backoffice.password_reset')
      .execute();
    expect(after).toHaveLength(1);
    expect((await auditOf('account.user.reset.limited')).map((e) => e.details)).toEqual([
      { userId: customerId, wait: 120 },
    ]);
  });

  it('sends no link to a user without an email address', async () => {
    await h.db.updateTable('users').set({ email: null }).where('id', '=', customerId).execute();
    const res = await helpCabinetUser(deps(), {
      number: mine.number,
      userId: customerId,
      op: 'resend',
      actor,
    });
    expect(res).toEqual({ kind: 'noEmail' });
  });
});
