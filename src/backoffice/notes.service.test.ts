import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import type { StaffActor } from './actor';
import { postNote } from './notes.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let handle: TestDatabase;
const actor: StaffActor = { userId: null, ip: '192.0.2.9' };
beforeAll(async () => {
  handle = await demoDatabase({ accounts: 20, months: 3 });
});
afterAll(async () => handle?.close());

const values = { title: 'Works', body: 'No water', starts_on: '2026-12-01', ends_on: '2026-12-02' };

describe(`postNote (${engine})`, () => {
  it('refuses a note without a known street or with dates the wrong way round, and stores nothing', async () => {
    const result = await postNote(handle.db, actor, {
      values: { ...values, title: '', ends_on: '2026-11-30', streets: [999_999] },
      publicUrl: 'https://cabinet.example.kz',
    });
    expect(result).toEqual({
      kind: 'invalid',
      problems: { title: 'required', ends_on: 'endBeforeStart', streets: 'noStreets' },
    });
    const notes = await handle.db.selectFrom('notes').select('id').execute();
    expect(notes).toEqual([]);
  });

  it('stores the note on its streets, mails each subscriber there once in their language, and audits it', async () => {
    const street = await handle.db
      .selectFrom('streets')
      .select(['id', 'name'])
      .where('name', '=', 'Красина')
      .executeTakeFirstOrThrow();
    const subscribers = await handle.db
      .selectFrom('users')
      .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
      .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
      .innerJoin('premises', 'premises.id', 'accounts.premise_id')
      .innerJoin('buildings', 'buildings.id', 'premises.building_id')
      .select(['users.email', 'users.locale'])
      .distinct()
      .where('buildings.street_id', '=', street.id)
      .where('users.subscribe_announcements', '=', true)
      .execute();
    expect(subscribers.length).toBeGreaterThan(0);
    const result = await postNote(handle.db, actor, {
      values: { ...values, streets: [street.id, 999_999] },
      publicUrl: 'https://cabinet.example.kz/',
    });
    if (result.kind !== 'posted') throw new Error(`not posted: ${JSON.stringify(result)}`);
    expect(result.mailed).toBe(subscribers.length);
    const streets = await handle.db
      .selectFrom('note_streets')
      .select('street_id')
      .where('note_id', '=', result.noteId)
      .execute();
    expect(streets).toEqual([{ street_id: street.id }]);
    const mails = await handle.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body', 'dedupe_key'])
      .where('purpose', '=', 'note.announcement')
      .execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual(subscribers.map((s) => s.email).sort());
    for (const m of mails) {
      expect(m.subject).toMatch(/: Works$/);
      expect(m.text_body).toContain('Красина');
      expect(m.text_body).toContain('https://cabinet.example.kz/notes');
      expect(m.dedupe_key).toMatch(new RegExp(`^note:${result.noteId}:user:\\d+$`));
    }
    const audit = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'subject', 'ip', 'details'])
      .where('action', '=', 'note.post')
      .execute();
    expect(audit).toEqual([
      {
        action: 'note.post',
        subject: `note:${result.noteId}`,
        ip: '192.0.2.9',
        details: { title: 'Works', streets: [street.id], mailed: subscribers.length },
      },
    ]);
  });
});
