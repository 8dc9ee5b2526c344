import type { Kysely } from 'kysely';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';
import { enqueueMail } from '../mail/outbox';
import { auditStaff, type StaffActor } from './actor';
import {
  announcementMail,
  type NoteField,
  type NoteProblem,
  type NoteValues,
  noteProblems,
  type PostedNote,
  subscribersByUser,
} from './notes';
import { announcementSubscribers, existingStreetIds, insertNote } from './notes.queries';

export type PostNoteResult =
  | { kind: 'posted'; noteId: number; mailed: number }
  | { kind: 'invalid'; problems: Partial<Record<NoteField, NoteProblem>> };

/**
 * The use case "a staff user posts an announcement": the note and its streets are stored, every
 * subscriber on those streets is mailed once in their language (through the outbox), and the act
 * is audited, in one transaction.
 */
export async function postNote(
  db: DB,
  actor: StaffActor,
  input: { values: NoteValues; publicUrl: string },
): Promise<PostNoteResult> {
  const { values } = input;
  const problems = noteProblems(values);
  const streetIds = await existingStreetIds(db, values.streets);
  if (streetIds.length === 0) problems.streets = 'noStreets';
  if (Object.keys(problems).length) return { kind: 'invalid', problems };
  return db.transaction().execute(async (tx) => {
    const note = await insertNote(
      tx,
      {
        title: values.title,
        body: values.body,
        starts_on: values.starts_on,
        ends_on: values.ends_on,
        created_by: actor.userId,
      },
      streetIds,
    );
    const mailed = await mailNoteSubscribers(tx, note, streetIds, input.publicUrl);
    await auditStaff(tx, actor, 'note.post', `note:${note.id}`, {
      title: note.title,
      streets: streetIds,
      mailed,
    });
    return { kind: 'posted', noteId: note.id, mailed };
  });
}

/**
 * Mails a note to every customer who subscribed to announcements and has an account on one of its
 * streets: one message per user and note (the dedupe key), in the user's language.
 */
async function mailNoteSubscribers(
  tx: Kysely<Database>,
  note: PostedNote,
  streetIds: number[],
  publicUrl: string,
): Promise<number> {
  if (streetIds.length === 0) return 0;
  const byUser = subscribersByUser(await announcementSubscribers(tx, streetIds));
  let sent = 0;
  for (const [userId, u] of byUser) {
    const id = await enqueueMail(tx, announcementMail(note, userId, u, publicUrl));
    if (id !== null) sent += 1;
  }
  return sent;
}
