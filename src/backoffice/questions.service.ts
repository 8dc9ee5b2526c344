import type { DB } from '../db/database';
import { enqueueMail } from '../mail/outbox';
import { qText } from '../public/questions.messages';
import { auditStaff, type StaffActor } from './actor';
import { markQuestionAnswered, setQuestionPublished } from './questions.queries';

/**
 * The use case "a staff user answers a new question": the answer is stored, mailed to the asker in
 * their language (through the outbox, once per question) and audited, in one transaction. False when
 * the question was answered already (or does not exist): nothing is sent then.
 */
export async function answerQuestion(
  db: DB,
  actor: StaffActor,
  input: { id: number; answer: string; publish: boolean; now?: Date },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const q = await markQuestionAnswered(tx, input.id, {
      text: input.answer,
      answeredBy: actor.userId,
      published: input.publish,
      at: input.now ?? new Date(),
    });
    if (!q) return false;
    const m = qText[q.locale];
    await enqueueMail(tx, {
      to: q.email,
      subject: m.mailSubject,
      text: `${q.name},\n\n${m.mailYourQuestion}\n${q.body}\n\n${m.mailAnswer}\n${input.answer}\n`,
      purpose: 'question.answer',
      dedupeKey: `question-answer:${q.id}`,
    });
    await auditStaff(tx, actor, 'question.answer', `question:${q.id}`, { published: input.publish });
    return true;
  });
}

/** The use case "a staff user publishes (or withdraws) an answered question on the public Q&A page". */
export async function publishAnswer(
  db: DB,
  actor: StaffActor,
  input: { id: number; published: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const changed = await setQuestionPublished(tx, input.id, input.published);
    if (changed)
      await auditStaff(
        tx,
        actor,
        input.published ? 'question.publish' : 'question.unpublish',
        `question:${input.id}`,
      );
    return changed;
  });
}
