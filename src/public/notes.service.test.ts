import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { publicNotes } from './notes.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await testDatabase();
});
afterAll(async () => handle?.close());

describe(`publicNotes (${engine})`, () => {
  it('splits current and past notes, each with its street names', async () => {
    const db = handle.db;
    const streets = await db
      .insertInto('streets')
      .values([
        { code: 'T1', name: 'Абая' },
        { code: 'T2', name: 'Сатпаева' },
      ])
      .returning('id')
      .execute();
    const current = await db
      .insertInto('notes')
      .values({ title: 'Works', body: 'Water off', starts_on: '2026-01-01', ends_on: '2999-01-01' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const s of streets)
      await db.insertInto('note_streets').values({ note_id: current.id, street_id: s.id }).execute();
    await db
      .insertInto('notes')
      .values({ title: 'Old works', body: 'Done', starts_on: '2020-01-01', ends_on: '2020-01-02' })
      .execute();
    const notes = await publicNotes(db);
    expect(notes.current.map((n) => [n.title, n.streets])).toEqual([['Works', ['Абая', 'Сатпаева']]]);
    expect(notes.past.map((n) => [n.title, n.streets])).toEqual([['Old works', []]]);
  });
});
