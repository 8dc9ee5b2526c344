import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addSubscribers, demoDatabase, type TestDatabase } from '../../test/helpers/db';
import { monthStart } from '../calendar/calendar';
import type { DB } from '../db/database';
import { mailingDedupeKey, runInvoiceMailing, startInvoiceMailing } from './mailing';
import { queueRecipientMails } from './mailing-recipient.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PERIOD = '2026-10';

let handle: TestDatabase;
let db: DB;
beforeAll(async () => {
  handle = await demoDatabase({ accounts: 20, months: 3 });
  db = handle.db;
  await addSubscribers(db, { count: 12, login: 'batch', email: 'batch' });
}, 120_000);
afterAll(async () => handle?.close());

beforeEach(async () => {
  await sql`drop trigger if exists refuse_one on mail_outbox`.execute(db);
  await db.deleteFrom('invoice_mailing_recipients').execute();
  await db.deleteFrom('invoice_mailings').execute();
  await db.deleteFrom('mail_outbox').execute();
});

const recipients = () =>
  db
    .selectFrom('invoice_mailing_recipients as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('mail_outbox as o', 'o.id', 'r.outbox_id')
    .select(['r.user_id', 'u.email', 'r.status', 'r.error', 'o.to_address', 'o.dedupe_key'])
    .where('r.period', '=', monthStart(PERIOD))
    .orderBy('r.user_id')
    .execute();

const outboxCount = async () =>
  Number(
    (
      await db
        .selectFrom('mail_outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const mailOf = (userId: number, to: string) => ({
  userId,
  mail: {
    to,
    subject: 'Invoice',
    text: 'Invoice',
    purpose: 'invoice.monthly',
    dedupeKey: mailingDedupeKey(userId, PERIOD),
  },
});

describe(`queueRecipientMails (${engine})`, () => {
  it('stores a batch in one transaction: a message per recipient, each row queued with its own message', async () => {
    await startInvoiceMailing(db, null, PERIOD);
    const rows = (await recipients()).slice(0, 5);
    const batch = rows.map((r) => mailOf(r.user_id, String(r.email)));
    expect(await queueRecipientMails(db, { period: PERIOD, recipients: batch })).toBe(5);
    const after = (await recipients()).slice(0, 5);
    for (const row of after) {
      expect(row.status).toBe('queued');
      expect(row.to_address).toBe(row.email);
      expect(row.dedupe_key).toBe(mailingDedupeKey(row.user_id, PERIOD));
    }
    // The same batch again (a repeated run): nothing stored twice.
    expect(await queueRecipientMails(db, { period: PERIOD, recipients: batch })).toBe(0);
    expect(await outboxCount()).toBe(5);
  });

  it('a batch stopped before its rows are marked leaves nothing: no message, every row pending', async () => {
    await startInvoiceMailing(db, null, PERIOD);
    const rows = (await recipients()).slice(0, 4);
    const stop = new AbortController();
    stop.abort();
    await expect(
      queueRecipientMails(db, {
        period: PERIOD,
        recipients: rows.map((r) => mailOf(r.user_id, String(r.email))),
        signal: stop.signal,
      }),
    ).rejects.toThrow();
    expect(await outboxCount()).toBe(0);
    expect((await recipients()).slice(0, 4).map((r) => r.status)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
  });
});

describe(`runInvoiceMailing in batches (${engine})`, () => {
  it('one recipient the database refuses is marked failed with the error; the rest of its batch is queued once', async () => {
    const started = await startInvoiceMailing(db, null, PERIOD);
    expect(started.recipients).toBeGreaterThanOrEqual(12);
    // The outbox refuses one address: a fault of one recipient inside a batch of many.
    await sql
      .raw(`create or replace function refuse_one() returns trigger language plpgsql as $$
        begin
          if new.to_address = 'batch3@example.kz' then raise exception 'refused for the test'; end if;
          return new;
        end $$`)
      .execute(db);
    await sql`create trigger refuse_one before insert on mail_outbox for each row execute function refuse_one()`.execute(
      db,
    );
    let reported = 0;
    const queued = await runInvoiceMailing(db, PERIOD, {
      perSecond: 1e6,
      batchSize: 8,
      onQueued: () => reported++,
    });
    const rows = await recipients();
    const refused = rows.filter((r) => r.email === 'batch3@example.kz');
    expect(refused).toEqual([expect.objectContaining({ status: 'failed', error: 'refused for the test' })]);
    const others = rows.filter((r) => r.email !== 'batch3@example.kz');
    expect(others.every((r) => r.status === 'queued' && r.to_address === r.email)).toBe(true);
    expect(queued).toBe(others.length);
    expect(reported).toBe(others.length);
    expect(await outboxCount()).toBe(others.length);
  });
});
