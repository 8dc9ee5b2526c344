import { EMAIL_RE, TOPICS } from './questions.messages';

export type AskField = 'name' | 'email' | 'topic' | 'body';
export type AskValues = Record<AskField, string>;
/** What is wrong with a field; the page shows the message of that key in the visitor's language. */
export type AskProblem = 'required' | 'tooLong' | 'badEmail';

/** Checks the "ask a question" form: its values (an unknown topic becomes "other") and the problems per field. */
export function checkAskForm(typed: AskValues): {
  values: AskValues;
  errors: Partial<Record<AskField, AskProblem>>;
} {
  const values = { ...typed };
  const errors: Partial<Record<AskField, AskProblem>> = {};
  if (!values.name) errors.name = 'required';
  else if (values.name.length > 100) errors.name = 'tooLong';
  if (!values.email) errors.email = 'required';
  else if (values.email.length > 200 || !EMAIL_RE.test(values.email)) errors.email = 'badEmail';
  if (!(TOPICS as readonly string[]).includes(values.topic)) values.topic = 'other';
  if (!values.body) errors.body = 'required';
  else if (values.body.length > 2000) errors.body = 'tooLong';
  return { values, errors };
}
