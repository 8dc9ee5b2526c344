import { describe, expect, it } from 'vitest';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { checkAskForm } from './ask-form';
import { answeredQuestions, askQuestion } from './questions.service';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

const typed = { name: 'Aigerim', email: 'aigerim@mail.kz', topic: 'billing', body: 'Why is May so high?' };
const base = { user: null, locale: 'kk' as const, ip: '192.0.2.9', limit: async () => 0 };

describe('the ask form', () => {
  it('says what is wrong per field and turns an unknown topic into "other"', () => {
    expect(checkAskForm({ name: '', email: 'nope', topic: 'zzz', body: 'x'.repeat(2001) })).toEqual({
      values: { name: '', email: 'nope', topic: 'other', body: 'x'.repeat(2001) },
      errors: { name: 'required', email: 'badEmail', body: 'tooLong' },
    });
    expect(checkAskForm(typed).errors).toEqual({});
  });
});

describe(`askQuestion (${engine})`, () => {
  it('stores the question with its audit entry', async () => {
    let counted = '';
    const result = await askQuestion(db, {
      ...base,
      typed,
      limit: async (who) => {
        counted = who;
        return 0;
      },
    });
    expect(result.kind).toBe('asked');
    expect(counted).toBe('email:aigerim@mail.kz');
    const id = result.kind === 'asked' ? result.questionId : 0;
    const row = await db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ...typed, locale: 'kk', user_id: null, account_number: null, status: 'new' });
    const entry = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'question.ask')
      .executeTakeFirstOrThrow();
    expect(entry.subject).toBe(`question:${id}`);
    expect(entry.details).toEqual({ email: typed.email, topic: 'billing' });
  });

  it('an invalid form stores nothing and counts nothing', async () => {
    const before = await db.selectFrom('questions').select('id').execute();
    let counted = false;
    const result = await askQuestion(db, {
      ...base,
      typed: { ...typed, email: 'not-an-address' },
      limit: async () => {
        counted = true;
        return 0;
      },
    });
    expect(result).toMatchObject({ kind: 'invalid', errors: { email: 'badEmail' } });
    expect(counted).toBe(false);
    expect(await db.selectFrom('questions').select('id').execute()).toHaveLength(before.length);
  });

  it('a passed limit is audited, keeps what was typed and stores nothing', async () => {
    const before = await db.selectFrom('questions').select('id').execute();
    const result = await askQuestion(db, { ...base, typed, limit: async () => 900 });
    expect(result).toMatchObject({ kind: 'limited', wait: 900, values: typed });
    expect(await db.selectFrom('questions').select('id').execute()).toHaveLength(before.length);
    const limited = await db
      .selectFrom('audit_log')
      .select('subject')
      .where('action', '=', 'question.ask.limited')
      .execute();
    expect(limited).toEqual([{ subject: typed.email }]);
  });

  it('answeredQuestions lists only published answers', async () => {
    await db
      .insertInto('questions')
      .values([
        {
          ...typed,
          locale: 'ru',
          status: 'answered',
          answer: 'Tariff',
          answered_at: new Date(),
          published: true,
        },
        {
          ...typed,
          locale: 'ru',
          status: 'answered',
          answer: 'Private',
          answered_at: new Date(),
          published: false,
        },
      ])
      .execute();
    const rows = await answeredQuestions(db);
    expect(rows.map((r) => r.answer)).toEqual(['Tariff']);
  });
});
