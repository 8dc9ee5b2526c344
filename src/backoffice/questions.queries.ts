import type { DB } from '../db/database';

export type QuestionStatus = 'new' | 'answered';

/** The operators' queue: new questions oldest first, answered ones newest first (at most 100). */
export function questionsByStatus(db: DB, status: QuestionStatus) {
  return db
    .selectFrom('questions')
    .selectAll()
    .where('status', '=', status)
    .orderBy('created_at', status === 'new' ? 'asc' : 'desc')
    .limit(100)
    .execute();
}

export type QuestionRow = Awaited<ReturnType<typeof questionsByStatus>>[number];

/** Stores the answer of a question still new; undefined when it is answered already (or missing). */
export function markQuestionAnswered(
  db: DB,
  id: number,
  answer: { text: string; answeredBy: number | null; published: boolean; at: Date },
) {
  return db
    .updateTable('questions')
    .set({
      status: 'answered',
      answer: answer.text,
      answered_by: answer.answeredBy,
      answered_at: answer.at,
      published: answer.published,
    })
    .where('id', '=', id)
    .where('status', '=', 'new')
    .returning(['id', 'email', 'locale', 'body', 'name'])
    .executeTakeFirst();
}

/** Shows or hides an answered question on the public Q&A page; false when there is no such answered question. */
export async function setQuestionPublished(db: DB, id: number, published: boolean): Promise<boolean> {
  const row = await db
    .updateTable('questions')
    .set({ published })
    .where('id', '=', id)
    .where('status', '=', 'answered')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
