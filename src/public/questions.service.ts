import { accountsOfUserWithChoice } from '../accounts/accounts.queries';
import { audit } from '../auth/audit';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { type AskField, type AskProblem, type AskValues, checkAskForm } from './ask-form';
import { insertQuestion, publishedQuestions } from './questions.queries';

/** The signed-in user asking, if any. */
export interface Asker {
  id: number;
  role: string;
}

/**
 * The account number a customer's question is about: the one chosen in the header switcher, else
 * their first account; none for others.
 */
export async function askerAccountNumber(
  db: DB,
  user: Asker | null | undefined,
): Promise<string | undefined> {
  if (user?.role !== 'customer') return undefined;
  const accounts = await accountsOfUserWithChoice(db, user.id);
  return (accounts.find((a) => a.chosen) ?? accounts[0])?.number;
}

export type AskResult =
  | { kind: 'asked'; questionId: number }
  | {
      kind: 'invalid';
      values: AskValues;
      errors: Partial<Record<AskField, AskProblem>>;
      account?: string | undefined;
    }
  /** The action limit is passed: seconds to wait. */
  | { kind: 'limited'; values: AskValues; wait: number; account?: string | undefined };

/**
 * The use case "a visitor asks the utility a question": the form is checked, the limit counted
 * (per user, or per typed address for visitors), and the question stored with its audit entry
 * in one transaction. A passed limit is audited and stores nothing.
 */
export async function askQuestion(
  db: DB,
  request: {
    typed: AskValues;
    user: Asker | null;
    locale: Locale;
    ip: string;
    /** Counts this attempt for `who`; the seconds to wait, 0 when it may run. */
    limit: (who: string) => Promise<number>;
  },
): Promise<AskResult> {
  const { values, errors } = checkAskForm(request.typed);
  const { user } = request;
  const account = await askerAccountNumber(db, user);
  if (Object.keys(errors).length) return { kind: 'invalid', values, errors, account };
  const wait = await request.limit(user ? `user:${user.id}` : `email:${values.email}`);
  if (wait) {
    await audit(db, {
      actorUserId: user?.id ?? null,
      action: 'question.ask.limited',
      subject: values.email,
      ip: request.ip,
    });
    return { kind: 'limited', values, wait, account };
  }
  const questionId = await db.transaction().execute(async (tx) => {
    const id = await insertQuestion(tx, {
      ...values,
      userId: user?.id ?? null,
      accountNumber: account ?? null,
      locale: request.locale,
    });
    await audit(tx, {
      actorUserId: user?.id ?? null,
      action: 'question.ask',
      subject: `question:${id}`,
      ip: request.ip,
      details: { email: values.email, topic: values.topic },
    });
    return id;
  });
  return { kind: 'asked', questionId };
}

/** The questions and answers page: what the operators published. */
export function answeredQuestions(db: DB) {
  return publishedQuestions(db);
}
