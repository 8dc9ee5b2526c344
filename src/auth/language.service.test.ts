import { afterAll, expect, it } from 'vitest';
import { testDatabase } from '../../test/helpers/db';
import { chooseLanguage } from './language.service';

const handle = await testDatabase();
afterAll(() => handle.close());

const newUser = (login: string) =>
  handle.db
    .insertInto('users')
    .values({ login, role: 'customer', password_hash: 'x', locale: 'ru' })
    .returning('id')
    .executeTakeFirstOrThrow();
const localeOf = async (id: number) =>
  (await handle.db.selectFrom('users').select('locale').where('id', '=', id).executeTakeFirstOrThrow())
    .locale;

it(`keeps the chosen language on the user, and only on that user (${handle.engine})`, async () => {
  const one = await newUser('40000001');
  const other = await newUser('40000002');
  await chooseLanguage(handle.db, one.id, 'kk');
  expect([await localeOf(one.id), await localeOf(other.id)]).toEqual(['kk', 'ru']);
  await chooseLanguage(handle.db, one.id, 'en');
  expect(await localeOf(one.id)).toBe('en');
});
