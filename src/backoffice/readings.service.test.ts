import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { customerOf, type MeteredAccount, meteredAccount, staffUser } from '../../test/helpers/factories';
import { flaggedQueue } from './readings.queries';
import { reviewReading } from './readings.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let operatorId: number;
let account: MeteredAccount;
const actor = () => ({ userId: operatorId, ip: '192.0.2.8' });

beforeAll(async () => {
  h = await testDatabase();
  operatorId = (await staffUser(h.db, { role: 'operator' })).id;
  account = await meteredAccount(h.db);
  await customerOf(h.db, account, { locale: 'en' });
});
afterAll(async () => h?.close());

/** A reading of the account's first meter, stored as flagged for review. */
async function flag(value: number): Promise<number> {
  const meter = account.meters[0]!;
  const row = await h.db
    .insertInto('readings')
    .values({
      meter_id: meter.id,
      period: '2026-11-01',
      value_l: value,
      read_on: '2026-11-20',
      source: 'cabinet',
      status: 'flagged',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const mailsOf = (id: number) =>
  h.db.selectFrom('mail_outbox').selectAll().where('dedupe_key', 'like', `reading-review:${id}:%`).execute();

describe(`reviewing flagged readings (${engine})`, () => {
  it('lists a flagged reading in the queue with its account address', async () => {
    const id = await flag(98_000_000);
    const row = (await flaggedQueue(h.db)).find((r) => r.id === id);
    expect(row?.number).toBe(account.number);
    expect(row?.street).toBe(account.street);
    expect(row?.superseded).toBe(false);
  });

  it('rejects a reading, mails the customer in their language and audits the decision', async () => {
    const id = await flag(99_000_000);
    const outcome = await reviewReading(h.db, {
      id,
      decision: 'reject',
      note: 'Photo needed',
      actor: actor(),
    });
    expect(outcome).toBe('rejected');
    const row = await h.db.selectFrom('readings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.status, row.review_note, row.reviewed_by]).toEqual(['rejected', 'Photo needed', operatorId]);
    const mails = await mailsOf(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Your meter reading is rejected');
    expect(mails[0]?.text_body).toContain('Photo needed');
    expect(mails[0]?.text_body).toContain(`Account: ${account.number}`);
    const entry = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'reading.reject')
      .executeTakeFirstOrThrow();
    expect([entry.subject, entry.actor_user_id, entry.ip]).toEqual([account.number, operatorId, '192.0.2.8']);
  });

  it('accepts once: a second decision, or an unknown reading, answers already and changes nothing', async () => {
    const id = await flag(99_500_000);
    expect(await reviewReading(h.db, { id, decision: 'accept', note: '', actor: actor() })).toBe('accepted');
    expect(await reviewReading(h.db, { id, decision: 'reject', note: 'x', actor: actor() })).toBe('already');
    expect(await reviewReading(h.db, { id: 987654, decision: 'accept', note: '', actor: actor() })).toBe(
      'already',
    );
    const row = await h.db
      .selectFrom('readings')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('accepted');
    const mails = await mailsOf(id);
    expect(mails.map((m) => m.purpose)).toEqual(['reading.accepted']);
  });
});
