import { sortByName } from '../i18n/collation';
import { formatDate, type Locale } from '../i18n/locales';
import type { OutgoingMail } from '../mail/outbox';
import { nText } from '../public/notes.messages';
import { isCalendarDate, positiveInt } from '../web/forms';

const validDate = isCalendarDate;

export type NoteField = 'title' | 'body' | 'starts_on' | 'ends_on' | 'streets';
/** What can be wrong with a field of the note form (each is a text in notes.messages.ts). */
export type NoteProblem = 'required' | 'badDate' | 'endBeforeStart' | 'noStreets';

export interface NoteValues {
  title: string;
  body: string;
  starts_on: string;
  ends_on: string;
  streets: number[];
}

/** The street ids of the form's checkboxes (one value or several), positive integers, each once. */
export function streetIdsOf(raw: unknown): number[] {
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .map((s) => positiveInt(s))
    .filter((n): n is number => n !== null);
  return [...new Set(list)];
}

/** The problems of the note's own fields (the streets are checked against the database). */
export function noteProblems(values: NoteValues): Partial<Record<NoteField, NoteProblem>> {
  const problems: Partial<Record<NoteField, NoteProblem>> = {};
  if (!values.title) problems.title = 'required';
  if (!values.body) problems.body = 'required';
  if (!validDate(values.starts_on)) problems.starts_on = values.starts_on ? 'badDate' : 'required';
  if (!validDate(values.ends_on)) problems.ends_on = values.ends_on ? 'badDate' : 'required';
  else if (!problems.starts_on && values.ends_on < values.starts_on) problems.ends_on = 'endBeforeStart';
  return problems;
}

export interface Subscriber {
  email: string;
  locale: Locale;
  streets: Set<string>;
}

/** One entry per user (in the order given), with the names of their streets among the note's. */
export function subscribersByUser(
  rows: { id: number; email: string | null; locale: Locale; street: string }[],
): Map<number, Subscriber> {
  const byUser = new Map<number, Subscriber>();
  for (const u of rows) {
    const entry = byUser.get(u.id) ?? { email: u.email ?? '', locale: u.locale, streets: new Set<string>() };
    entry.streets.add(u.street);
    byUser.set(u.id, entry);
  }
  return byUser;
}

export interface PostedNote {
  id: number;
  title: string;
  body: string;
  starts_on: string;
  ends_on: string;
}

/** The announcement mail of a note to one subscriber, in their language; once per user and note. */
export function announcementMail(
  note: PostedNote,
  userId: number,
  u: Subscriber,
  publicUrl: string,
): OutgoingMail {
  const t = nText[u.locale];
  return {
    to: u.email,
    subject: `${t.mailSubject}: ${note.title}`,
    text: [
      note.title,
      '',
      `${t.mailDates} ${formatDate(note.starts_on)} – ${formatDate(note.ends_on)}`,
      `${t.mailStreets} ${sortByName([...u.streets], u.locale, (s) => s).join(', ')}`,
      '',
      note.body,
      '',
      `${publicUrl.replace(/\/$/, '')}/notes`,
      '',
      t.mailFooter,
    ].join('\n'),
    purpose: 'note.announcement',
    dedupeKey: `note:${note.id}:user:${userId}`,
  };
}
