import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import type { StaffActor } from './actor';
import { answerQuestion, publishAnswer } from './questions.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let handle: TestDatabase;
const actor: StaffActor = { userId: null, ip: '192.0.2.8' };
beforeAll(async () => {
  handle = await testDatabase();
});
afterAll(async () => handle?.close());

const ask = (locale: 'kk' | 'ru' | 'en') =>
  handle.db
    .insertInto('questions')
    .values({ name: 'Асқар', email: `askar-${locale}@example.kz`, topic: 'billing', body: 'Неге?', locale })
    .returning('id')
    .executeTakeFirstOrThrow()
    .then((r) => r.id);

describe(`answering questions (${engine})`, () => {
  it('stores the answer, mails it once in the asker’s language and audits it; a second answer changes nothing', async () => {
    const id = await ask('en');
    const now = new Date('2026-11-25T06:00:00Z');
    expect(await answerQuestion(handle.db, actor, { id, answer: 'Because.', publish: true, now })).toBe(true);
    expect(await answerQuestion(handle.db, actor, { id, answer: 'Again.', publish: false, now })).toBe(false);
    const q = await handle.db
      .selectFrom('questions')
      .select(['status', 'answer', 'published', 'answered_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(q).toEqual({ status: 'answered', answer: 'Because.', published: true, answered_at: now });
    const mail = await handle.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body', 'purpose'])
      .where('dedupe_key', '=', `question-answer:${id}`)
      .execute();
    expect(mail).toEqual([
      {
        to_address: 'askar-en@example.kz',
        subject: 'Answer to your question',
        text_body: expect.stringContaining('Because.'),
        purpose: 'question.answer',
      },
    ]);
    const audit = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'subject', 'ip', 'details'])
      .where('subject', '=', `question:${id}`)
      .execute();
    expect(audit).toEqual([
      { action: 'question.answer', subject: `question:${id}`, ip: '192.0.2.8', details: { published: true } },
    ]);
  });

  it('publishes and withdraws only answered questions', async () => {
    const id = await ask('kk');
    expect(await publishAnswer(handle.db, actor, { id, published: true })).toBe(false);
    await answerQuestion(handle.db, actor, { id, answer: 'Жауап', publish: false });
    expect(await publishAnswer(handle.db, actor, { id, published: true })).toBe(true);
    const row = await handle.db
      .selectFrom('questions')
      .select('published')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.published).toBe(true);
    await publishAnswer(handle.db, actor, { id, published: false });
    const actions = await handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', `question:${id}`)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'question.answer',
      'question.publish',
      'question.unpublish',
    ]);
  });
});
