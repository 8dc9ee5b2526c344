import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';

export interface NewQuestion {
  name: string;
  email: string;
  userId: number | null;
  accountNumber: string | null;
  topic: string;
  body: string;
  locale: Locale;
}

export async function insertQuestion(db: DB, q: NewQuestion): Promise<number> {
  const row = await db
    .insertInto('questions')
    .values({
      name: q.name,
      email: q.email,
      user_id: q.userId,
      account_number: q.accountNumber,
      topic: q.topic,
      body: q.body,
      locale: q.locale,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The answered questions the operators published, newest answer first. */
export function publishedQuestions(db: DB, limit = 100) {
  return db
    .selectFrom('questions')
    .select(['id', 'topic', 'body', 'answer', 'answered_at'])
    .where('published', '=', true)
    .where('status', '=', 'answered')
    .orderBy('answered_at', 'desc')
    .limit(limit)
    .execute();
}
